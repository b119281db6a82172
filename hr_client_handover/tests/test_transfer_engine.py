"""The transfer engine at scale and under faults: query budget, background mode
and resume, concurrent approval, revert and leave return."""

import logging
import re
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.sql_db import Cursor
from odoo.tests import BaseCase, TransactionCase, get_db_name, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..models import hr_client_handover_engine
from .common import load_chinese

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_activity_quick_update": True,
    "no_reset_password": True,
}


def build_portfolio(env, prefix, customers, successors_count=2):
    """A departing salesperson owning `customers` companies, each with a contact,
    2 open opportunities, 1 won opportunity, a quotation every second customer and
    an activity; a supervisor, a division manager and successors. Returns a dict."""
    env = env(context=dict(env.context, **QUIET))
    company = env.ref("base.main_company")
    team = env["crm.team"].create({"name": f"{prefix} team", "company_id": company.id})
    other_team = env["crm.team"].create({"name": f"{prefix} team 2"})

    def user(login, team_=None):
        u = new_test_user(
            env, login=f"{prefix}.{login}", groups="sales_team.group_sale_salesman"
        )
        if team_:
            env["crm.team.member"].create({"crm_team_id": team_.id, "user_id": u.id})
        return u

    departing = user("departing", team)
    successors = [
        user(f"successor{i}", team if i else other_team)
        for i in range(successors_count)
    ]
    supervisor = user("supervisor")
    approver = user("approver")
    boss = env["hr.employee"].create(
        {"name": f"{prefix} boss", "user_id": supervisor.id}
    )
    employee = env["hr.employee"].create(
        {"name": f"{prefix} departing", "user_id": departing.id, "parent_id": boss.id}
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"{prefix} customer {i}",
                "is_company": True,
                "user_id": departing.id,
            }
            for i in range(customers)
        ]
    )
    env["res.partner"].create(
        [
            {"name": f"{prefix} contact {i}", "parent_id": p.id}
            for i, p in enumerate(partners)
        ]
    )
    stage_won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    leads = env["crm.lead"].create(
        [
            {
                "name": f"{prefix} deal {i}-{k}",
                "type": "opportunity",
                "partner_id": p.id,
                "user_id": departing.id,
                "team_id": team.id,
                "expected_revenue": 1000,
            }
            for i, p in enumerate(partners)
            for k in range(2)
        ]
    )
    won = env["crm.lead"].create(
        [
            {
                "name": f"{prefix} won {i}",
                "type": "opportunity",
                "partner_id": p.id,
                "user_id": departing.id,
                "team_id": team.id,
                "stage_id": stage_won.id,
                "probability": 100,
            }
            for i, p in enumerate(partners)
        ]
    )
    orders = env["sale.order"].create(
        [{"partner_id": p.id, "user_id": departing.id} for p in partners[::2]]
    )
    env["mail.activity"].create(
        [
            {
                "res_model_id": env["ir.model"]._get_id("res.partner"),
                "res_id": p.id,
                "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
                "user_id": departing.id,
                "summary": "Call",
            }
            for p in partners
        ]
    )
    handover = env["hr.client.handover"].create(
        {
            "employee_id": employee.id,
            "supervisor_id": supervisor.id,
            "approver_id": approver.id,
            "witness_id": supervisor.id,
            "last_working_date": fields.Date.today() + timedelta(days=30),
        }
    )
    env["hr.client.handover.line"].create(
        [
            {
                "handover_id": handover.id,
                "partner_id": p.id,
                "successor_id": successors[i % len(successors)].id,
            }
            for i, p in enumerate(partners)
        ]
    )
    return {
        "handover": handover,
        "departing": departing,
        "successors": successors,
        "supervisor": supervisor,
        "approver": approver,
        "partners": partners,
        "leads": leads,
        "won": won,
        "orders": orders,
        "team": team,
        "other_team": other_team,
    }


def to_plan_approval(data):
    handover = data["handover"]
    handover.with_user(data["departing"]).action_submit_plan()
    handover.with_user(data["supervisor"]).action_review_plan()
    return handover


class LogLines(logging.Handler):
    """The messages a logger emits, from every thread."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def moved_count(env, handover):
    return env["hr.client.handover.transfer"].search_count(
        [("handover_id", "=", handover.id), ("reverted_on", "=", False)]
    )


@tagged("post_install", "-at_install")
class TestTransferEngine(TransactionCase):
    def _approve(self, data, **ctx):
        handover = to_plan_approval(data)
        handover.with_user(data["approver"]).with_context(**ctx).action_approve_plan()
        return handover

    def test_query_budget_scales_sublinearly(self):
        """≤ 0.2 queries per moved record at ~2,000 records, and 10x more records
        cost at most 10x the queries."""
        counts = {}
        for prefix, customers in (("qsmall", 40), ("qlarge", 400)):
            data = build_portfolio(self.env, prefix, customers)
            handover = to_plan_approval(data)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            handover.with_user(data["approver"]).with_context(
                handover_sync=True
            ).action_approve_plan()
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            counts[prefix] = (queries, moved_count(self.env, handover))
        small_queries, small_moved = counts["qsmall"]
        large_queries, large_moved = counts["qlarge"]
        self.assertGreaterEqual(large_moved, 2000)
        self.assertEqual(large_moved, 10 * small_moved)
        self.assertLessEqual(large_queries, 0.2 * large_moved, counts)
        self.assertLessEqual(large_queries, 10 * small_queries, counts)

    def test_owner_written_in_one_statement_per_table_and_group(self):
        """A batch writes the new owner of a table's records itself, in one
        UPDATE per owner and team it gives them, not one per 100 records (core's
        flush): the ORM's flush has no owner of theirs left to write."""
        data = build_portfolio(self.env, "setw", 150)
        handover = to_plan_approval(data)
        self.env.flush_all()
        statements = []
        execute = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            statements.append(query.code if isinstance(query, SQL) else query)
            return execute(cr, query, params, log_exceptions)

        with patch("odoo.sql_db.Cursor.execute", spy):
            handover.with_user(data["approver"]).with_context(
                handover_sync=True
            ).action_approve_plan()
            self.env.flush_all()
        ledger = self.env["hr.client.handover.transfer"].search(
            [("handover_id", "=", handover.id), ("res_model", "=", "crm.lead")]
        )
        groups = Counter(
            (row.old_user_id, row.new_user_id, row.old_team_id, row.new_team_id)
            for row in ledger
        )
        self.assertGreater(min(groups.values()), 100, "more than core writes at once")
        writes = [
            query
            for query in statements
            if re.match(r'\s*UPDATE\s+"crm_lead"\s+SET', query) and '"user_id"' in query
        ]
        # The engine's own statement names its records; core's flush joins a
        # list of rows (``FROM (VALUES …)``).
        engine = [query for query in writes if "WHERE id = ANY(" in query]
        self.assertEqual(len(engine), len(groups), writes)
        self.assertEqual(engine, writes, "the ORM's flush wrote owners too")

    def test_engine_writes_what_the_orm_would(self):
        """The owners the engine writes itself come with what the ORM's write
        and flush gave them: the writer and the time, what the model's write
        adds (a deal's assignment date) and what follows from the owner (its
        team, scored again), the same in the table as in the cache, nothing
        left for the ORM to write."""
        data = build_portfolio(self.env, "ormw", 30)
        leads, successor = data["leads"], data["successors"][0]
        self.env.flush_all()
        old = fields.Datetime.to_datetime("2020-01-01 00:00:00")
        self.env.cr.execute(
            "UPDATE crm_lead SET date_open = %s, write_date = %s, write_uid = %s,"
            " probability = 42.42, automated_probability = 42.42 WHERE id IN %s",
            [old, old, data["departing"].id, tuple(leads.ids)],
        )
        leads.invalidate_recordset()
        engine = (
            self.env["hr.client.handover.engine"].with_user(data["approver"]).sudo()
        )
        rule = self.env.ref("hr_client_handover.handover_rule_crm_lead")
        moving = leads.with_env(engine.env)
        engine._write_owner(moving, rule, successor.id, data["other_team"].id)
        engine._flush_quietly(moving)
        dirty = self.env._field_dirty
        self.assertFalse(
            [field for field, ids in dirty.items() if not ids.isdisjoint(leads._ids)]
        )
        columns = [
            "user_id",
            "team_id",
            "date_open",
            "automated_probability",
            "write_uid",
            "write_date",
        ]
        cached = {lead.id: [lead[name] for name in columns] for lead in leads}
        leads.invalidate_recordset()
        self.assertEqual(
            {lead.id: [lead[name] for name in columns] for lead in leads}, cached
        )
        now = self.env.cr.now()
        self.assertEqual(leads.user_id, successor)
        self.assertEqual(leads.team_id, data["other_team"])
        self.assertEqual(set(leads.mapped("date_open")), {now}, "write's date")
        self.assertNotIn(42.42, leads.mapped("automated_probability"))
        self.assertEqual(set(leads.mapped("write_date")), {now})
        self.assertEqual(leads.write_uid, data["approver"])

    def test_what_moves_and_what_stays(self):
        data = build_portfolio(self.env, "moves", 6)
        handover = self._approve(data)
        departing, successors = data["departing"], data["successors"]
        self.assertEqual(handover.transfer_state, "done")
        for line in handover.line_ids:
            partner = line.partner_id
            self.assertEqual(partner.user_id, line.successor_id)
            self.assertEqual(partner.child_ids.user_id, line.successor_id)
            open_leads = data["leads"].filtered(
                lambda lead, p=partner: lead.partner_id == p
            )
            self.assertEqual(open_leads.user_id, line.successor_id)
            won = data["won"].filtered(lambda lead, p=partner: lead.partner_id == p)
            self.assertEqual(won.user_id, departing, "won deals keep their salesperson")
        # successor0 is not in the lead's team: the lead goes to the successor's team.
        lead_s0 = data["leads"].filtered(lambda lead: lead.user_id == successors[0])
        self.assertEqual(lead_s0.team_id, data["other_team"])
        lead_s1 = data["leads"].filtered(lambda lead: lead.user_id == successors[1])
        self.assertEqual(lead_s1.team_id, data["team"], "a member keeps the team")
        self.assertFalse(
            self.env["mail.activity"].search_count(
                [
                    ("user_id", "=", departing.id),
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", data["partners"].ids),
                ]
            )
        )
        # One chatter line per moved record, no ORM tracking message.
        partner = data["partners"][0]
        notes = partner.message_ids.filtered(lambda m: "→" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(handover.name, notes.body)
        self.assertIn(partner.user_id.partner_id, partner.message_partner_ids)
        self.assertNotIn(departing.partner_id, partner.message_partner_ids)
        # The ledger holds exactly one row per moved value.
        ledger = self.env["hr.client.handover.transfer"].search(
            [("handover_id", "=", handover.id)]
        )
        self.assertEqual(
            len(ledger),
            6
            + 6
            + 12
            + 3
            + 6,  # customers, contacts, open deals, quotations, activities
        )

    def test_forecast_of_deals_keeping_their_team_is_not_rewritten(self):
        """A deal whose team stays keeps its stage and probability as they were
        (the handover does not score 300,000 deals again); a deal that changes
        team is scored again, as any team change would."""
        data = build_portfolio(self.env, "forecast", 4)
        leads = data["leads"]
        self.env.flush_all()
        # A forecast the scoring would not give today (e.g. scored before the
        # frequencies moved).
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = 42.42, automated_probability = 42.42"
            " WHERE id IN %s",
            [tuple(leads.ids)],
        )
        leads.invalidate_recordset()
        stages = {lead.id: lead.stage_id for lead in leads}
        self._approve(data, handover_sync=True)
        leads.invalidate_recordset()
        kept = leads.filtered(lambda lead: lead.team_id == data["team"])
        moved = leads - kept
        self.assertTrue(kept and moved)
        self.assertEqual(set(kept.mapped("probability")), {42.42})
        self.assertEqual(set(kept.mapped("automated_probability")), {42.42})
        self.assertEqual(
            {lead.id: lead.stage_id for lead in kept},
            {lead.id: stages[lead.id] for lead in kept},
        )
        self.assertNotIn(42.42, moved.mapped("automated_probability"))
        self.assertTrue(all(lead.user_id in data["successors"] for lead in leads))

    def test_background_transfer_resumes_after_interruption(self):
        data = build_portfolio(self.env, "bg", 12)
        self.env.company.handover_async_threshold = 10
        handover = self._approve(data)
        self.assertEqual(handover.transfer_state, "running")
        self.assertEqual(moved_count(self.env, handover), 0, "approval returns at once")
        engine = self.env["hr.client.handover.engine"].with_context(
            handover_batch_size=10, **QUIET
        )
        self.assertEqual(engine._run(handover, max_batches=1), "more")
        first = moved_count(self.env, handover)
        self.assertTrue(0 < first < handover.transfer_total)
        # The ledger equals what really moved.
        rows = self.env["hr.client.handover.transfer"].search(
            [("handover_id", "=", handover.id)]
        )
        for row in rows:
            record = self.env[row.res_model].browse(row.res_id)
            self.assertEqual(record[row.field_name], row.new_user_id)
        # The scheduled action resumes and completes without moving anything twice.
        cron = self.env.ref("hr_client_handover.ir_cron_handover_transfer")
        with self.enter_registry_test_mode():
            result = cron.method_direct_trigger()
        self.assertIs(result, True, result)
        handover.invalidate_recordset()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(moved_count(self.env, handover), handover.transfer_total)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("user_id", "=", data["departing"].id)]
            ),
            0,
        )
        self.assertEqual(handover.transfer_progress, 100.0)

    def test_revert_keeps_later_changes(self):
        data = build_portfolio(self.env, "rev", 4)
        handover = self._approve(data)
        changed = data["partners"][0]
        other = new_test_user(
            self.env, login="rev.other", groups="sales_team.group_sale_salesman"
        )
        changed.user_id = other
        wizard = (
            self.env["hr.client.handover.cancel"]
            .with_user(data["supervisor"])
            .create({"handover_id": handover.id, "reason": "Employee stays"})
        )
        wizard.action_cancel_handover()
        self.assertEqual(handover.state, "cancel")
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(changed.user_id, other, "a later change is never overwritten")
        self.assertEqual((data["partners"] - changed).user_id, data["departing"])
        self.assertEqual(data["leads"].user_id, data["departing"])
        self.assertEqual(data["leads"].team_id, data["team"], "teams come back too")
        kept = self.env["hr.client.handover.transfer"].search(
            [
                ("handover_id", "=", handover.id),
                ("res_id", "=", changed.id),
                ("res_model", "=", "res.partner"),
            ]
        )
        self.assertFalse(kept.reverted_on)
        self.assertTrue(kept.note)
        with self.assertRaises(UserError):
            handover.with_user(data["supervisor"]).action_revert_transfer()

    def test_leave_return_gives_back(self):
        data = build_portfolio(self.env, "leave", 4)
        handover = data["handover"]
        handover.write(
            {
                "handover_type": "leave",
                # A leave takes a leave's template (see test_trust_checklist).
                "template_id": self.env.ref(
                    "hr_client_handover.handover_template_leave"
                ).id,
                "return_date": handover.last_working_date + timedelta(days=60),
            }
        )
        self._approve(data)
        changed_lead = data["leads"][0]
        changed_lead.user_id = data["supervisor"]
        cron = self.env.ref("hr_client_handover.ir_cron_handover_leave_return")
        with freeze_time(handover.return_date), self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)
        handover.invalidate_recordset()
        self.assertTrue(handover.returned_on)
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(data["partners"].user_id, data["departing"])
        self.assertEqual(changed_lead.user_id, data["supervisor"])
        self.assertEqual((data["leads"] - changed_lead).user_id, data["departing"])
        message = handover.message_ids.filtered(
            lambda m: "Welcome back" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(data["departing"].partner_id, message.partner_ids)
        # 4 customers, 4 contacts, 8 open deals, 2 quotations, 4 activities moved;
        # the deal reassigned meanwhile stays.
        self.assertIn("21 record(s) came back to you; 1 stayed", message.body)

    def test_customers_told_in_their_language(self):
        """With the template's option, each customer's contact gets one e-mail
        introducing the successor, written in the customer's language."""
        load_chinese(self.env)
        data = build_portfolio(self.env, "mail", 2)
        handover = data["handover"]
        handover.template_id = handover.template_id.copy({"notify_customers": True})
        english, chinese = data["partners"]
        english.write({"email": "buyer@alpha.example.com", "lang": "en_US"})
        chinese.write({"email": "caigou@beijing.example.com", "lang": "zh_CN"})
        self._approve(data)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "hr.client.handover.line"),
                ("res_id", "in", handover.line_ids.ids),
            ]
        )
        self.assertEqual(len(mails), 2, "one e-mail per customer")
        for partner, phrase in ((english, "your account"), (chinese, "您的")):
            line = handover.line_ids.filtered(
                lambda line, p=partner: line.partner_id == p
            )
            mail = mails.filtered(lambda m, line=line: m.res_id == line.id)
            self.assertIn(partner, mail.recipient_ids)
            self.assertIn(line.successor_id.name, mail.body_html)
            self.assertIn(phrase, mail.body_html)

    def test_transfer_rule_without_code(self):
        """An administrator adds a rule and the next transfer follows it, without
        code; a bad field is refused with a clear error; a user adds none."""
        rule_model = self.env["hr.client.handover.rule"]
        rule_model.create(
            {
                "name": "Won opportunities",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "user_field": "user_id",
                "partner_field": "partner_id",
                "domain": "[('won_status', '=', 'won')]",
            }
        )
        data = build_portfolio(self.env, "rule", 4)
        self._approve(data)
        for partner in data["partners"]:
            won = data["won"].filtered(lambda lead, p=partner: lead.partner_id == p)
            self.assertEqual(won.user_id, partner.user_id)
            self.assertNotEqual(won.user_id, data["departing"])
        with self.assertRaisesRegex(ValidationError, "no stored field 'nope'"):
            rule_model.create(
                {
                    "name": "Broken",
                    "model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "user_field": "nope",
                    "partner_field": "partner_id",
                }
            )
        user = new_test_user(self.env, login="rule.user", groups="base.group_user")
        with self.assertRaises(AccessError):
            rule_model.with_user(user).create(
                {
                    "name": "Sneaky",
                    "model_id": self.env["ir.model"]._get_id("crm.lead"),
                }
            )


@tagged("post_install", "-at_install")
class TestBackgroundEngine(TransactionCase):
    """The background path: selected once, batched, never stuck, scoped to the
    handover's company, and a batched revert that restores only what the
    handover set."""

    def _start_background(self, prefix, customers=6):
        data = build_portfolio(self.env, prefix, customers)
        self.env.company.handover_async_threshold = 5
        handover = to_plan_approval(data)
        handover.with_user(data["approver"]).action_approve_plan()
        self.assertEqual(handover.transfer_state, "running")
        return data, handover

    def _engine(self, batch=10):
        return self.env["hr.client.handover.engine"].with_context(
            handover_batch_size=batch, **QUIET
        )

    def _run_cron(self):
        cron = self.env.ref("hr_client_handover.ir_cron_handover_transfer")
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)

    def _ledger(self, handover, **where):
        domain = [("handover_id", "=", handover.id)]
        domain += [(name, "=", value) for name, value in where.items()]
        return self.env["hr.client.handover.transfer"].search(domain)

    def test_value_given_back_meanwhile_does_not_stick_the_transfer(self):
        """A record moved, then given back to the departing user, is not selected
        again: no unique-index violation, the transfer completes."""
        data, handover = self._start_background("stuck")
        self.assertEqual(self._engine()._run(handover, max_batches=1), "more")
        moved = self._ledger(handover, res_model="res.partner")[:1]
        partner = self.env["res.partner"].browse(moved.res_id)
        partner.user_id = data["departing"]
        # A new selection (as after a crash) must not pick it again either.
        handover.transfer_total = self._engine()._enqueue(handover)
        self._run_cron()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(partner.user_id, data["departing"], "the later edit stands")
        self.assertEqual(
            len(self._ledger(handover, res_model="res.partner", res_id=partner.id)), 1
        )

    def test_handovers_approved_together_take_turns(self):
        """In a reorganisation, handovers approved together share the background
        job batch by batch: the second one's first batch does not wait for the
        first handover to finish."""
        self.env["ir.config_parameter"].set_param(
            "hr_client_handover.transfer_batch_size", 10
        )
        _data, first = self._start_background("turn1")
        _data, second = self._start_background("turn2")
        self.assertGreater(first.transfer_total, 20, "several batches each")
        self._run_cron()
        self.assertEqual((first | second).mapped("transfer_state"), ["done", "done"])
        self.assertLess(
            min(self._ledger(second).ids),
            max(self._ledger(first).ids),
            "the second handover started before the first one ended",
        )

    def test_selection_once_and_progress_counts_what_moves(self):
        data, handover = self._start_background("once")
        archived = data["partners"][0].child_ids
        self.assertTrue(archived)
        queue = self.env["hr.client.handover.queue"].search(
            [("handover_id", "=", handover.id)]
        )
        self.assertEqual(len(queue), handover.transfer_total)
        self.assertEqual(handover.transfer_progress, 0.0)
        self._engine()._run(handover, max_batches=2)
        handover.invalidate_recordset()
        self.assertAlmostEqual(
            handover.transfer_progress, 100.0 * 20 / handover.transfer_total
        )
        self._run_cron()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(handover.transfer_done, handover.transfer_total)

    def test_archived_records_count_in_the_total(self):
        data = build_portfolio(self.env, "arch", 4)
        # A contact the plan names (suggested for the visit) stays active
        # while the handover runs: this one is no longer the contact to meet.
        contact = data["partners"][0].child_ids
        data["handover"].line_ids.filtered(
            lambda line: line.visit_contact_id == contact
        ).visit_contact_id = False
        contact.action_archive()
        handover = to_plan_approval(data)
        handover.with_user(data["approver"]).action_approve_plan()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(handover.transfer_total, moved_count(self.env, handover))
        contact = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("parent_id", "=", data["partners"][0].id)])
        )
        self.assertEqual(len(contact), 1)
        self.assertFalse(contact.active)
        self.assertEqual(contact.user_id, data["partners"][0].user_id)

    def test_edit_during_transfer_is_kept_and_ledgered(self):
        data, handover = self._start_background("edit")
        lead = data["leads"][-1]
        colleague = data["supervisor"]
        lead.user_id = colleague
        self._run_cron()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(lead.user_id, colleague, "never overwritten")
        row = self._ledger(handover, res_model="crm.lead", res_id=lead.id)
        self.assertEqual(row.outcome, "kept")
        self.assertEqual(row.new_user_id, colleague)
        self.assertTrue(row.note)
        self.assertEqual(
            handover.transfer_done, handover.transfer_total - 1, "kept is not moved"
        )

    def test_team_changed_meanwhile_is_not_overwritten(self):
        data, handover = self._start_background("team")
        successor = data["successors"][1]
        lead = data["leads"].filtered(
            lambda lead: lead.partner_id
            == handover.line_ids.filtered(lambda line: line.successor_id == successor)[
                :1
            ].partner_id
        )[:1]
        new_team = self.env["crm.team"].create({"name": "team meanwhile"})
        self.env["crm.team.member"].create(
            {"crm_team_id": new_team.id, "user_id": successor.id}
        )
        lead.team_id = new_team
        self._run_cron()
        self.assertEqual(lead.user_id, successor)
        self.assertEqual(lead.team_id, new_team, "the member keeps the newer team")

    def test_other_company_is_left_alone(self):
        data = build_portfolio(self.env, "comp", 3)
        other = self.env["res.company"].create({"name": "comp other"})
        data["departing"].company_ids |= other
        foreign_team = self.env["crm.team"].create(
            {"name": "comp foreign", "company_id": other.id}
        )
        data["successors"][0].company_ids |= other
        self.env["crm.team.member"].create(
            {"crm_team_id": foreign_team.id, "user_id": data["successors"][0].id}
        )
        lead = (
            self.env["crm.lead"]
            .with_context(**QUIET)
            .create(
                {
                    "name": "comp foreign deal",
                    "type": "opportunity",
                    "partner_id": data["partners"][0].id,
                    "user_id": data["departing"].id,
                    "company_id": other.id,
                    "team_id": foreign_team.id,
                }
            )
        )
        handover = to_plan_approval(data)
        handover.with_user(data["approver"]).action_approve_plan()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(lead.user_id, data["departing"], "another company's record")
        moved = data["leads"].filtered(lambda x: x.user_id == data["successors"][0])
        self.assertTrue(moved)
        self.assertFalse(moved.team_id.company_id - self.env.company)

    def test_company_check_still_holds_during_a_transfer(self):
        """The engine's grouped company check (once per company of the batch) is
        core's check: a team of another company is still refused, whichever
        record of the batch it would land on."""
        data = build_portfolio(self.env, "chk", 3)
        other = self.env["res.company"].create({"name": "chk other"})
        foreign_team = self.env["crm.team"].create(
            {"name": "chk foreign", "company_id": other.id}
        )
        orders = self.env["sale.order"].create(
            [
                {"partner_id": partner.id, "user_id": data["departing"].id}
                for partner in data["partners"]
            ]
        )
        batch = orders.with_context(handover_transfer=True)
        with self.assertRaises(UserError):
            batch.write({"team_id": foreign_team.id})
        # A batch mixing companies: each record is checked against its own
        # company, not against the first record's.
        data["departing"].company_ids |= other
        orders[-1].write({"team_id": False, "company_id": other.id})
        with self.assertRaises(UserError):
            batch.write({"team_id": data["team"].id})
        batch[:-1].write({"team_id": data["team"].id})
        self.assertEqual(orders[:-1].team_id, data["team"])
        batch[-1].write({"team_id": foreign_team.id})
        self.assertEqual(orders[-1].team_id, foreign_team)

    def test_transfer_leaves_contacts_alone_but_still_syncs_addresses(self):
        """During a transfer an owner change no longer rewrites every contact of
        the customer (nothing to sync), while a commercial or address change
        still reaches them."""
        data = build_portfolio(self.env, "sync", 2)
        writer = new_test_user(
            self.env,
            login="sync.writer",
            groups="base.group_user,base.group_partner_manager",
        )
        moved, plain = (p.with_user(writer) for p in data["partners"][:2])
        for customer in (moved, plain):
            self.assertTrue(customer.child_ids)
            self.assertNotIn(writer, customer.child_ids.write_uid)
        successor = data["successors"][0].id
        moved.with_context(handover_transfer=True).write({"user_id": successor})
        plain.write({"user_id": successor})
        self.env.flush_all()
        self.assertNotIn(writer, moved.child_ids.write_uid, "contacts left alone")
        self.assertEqual(plain.child_ids.write_uid, writer, "core's walk, outside")
        transfer = moved.with_context(handover_transfer=True)
        transfer.write({"street": "1 Sync Road"})
        self.assertEqual(set(transfer.child_ids.mapped("street")), {"1 Sync Road"})
        transfer.write({"company_registry": "REG-42"})
        self.assertEqual(set(transfer.child_ids.mapped("company_registry")), {"REG-42"})

    def test_background_revert_is_batched_and_keeps_prior_followers(self):
        data, handover = self._start_background("brev")
        partner = data["partners"][0]
        line = handover.line_ids.filtered(lambda line: line.partner_id == partner)
        # The successor followed this customer before the handover.
        partner.message_subscribe(line.successor_id.partner_id.ids)
        self._run_cron()
        self.assertEqual(handover.transfer_state, "done")
        changed = data["leads"][0]
        changed.user_id = data["supervisor"]
        self.env["hr.client.handover.cancel"].with_user(data["supervisor"]).create(
            {"handover_id": handover.id, "reason": "Employee stays"}
        ).action_cancel_handover()
        self.assertEqual(handover.transfer_state, "reverting", "runs in the background")
        self.assertEqual(self._engine()._run(handover, max_batches=1), "more")
        self._run_cron()
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(data["partners"].user_id, data["departing"])
        self.assertEqual(changed.user_id, data["supervisor"])
        self.assertEqual((data["leads"] - changed).user_id, data["departing"])
        self.assertEqual((data["leads"] - changed).team_id, data["team"])
        self.assertIn(line.successor_id.partner_id, partner.message_partner_ids)
        other = data["partners"][1]
        other_successor = handover.line_ids.filtered(
            lambda line: line.partner_id == other
        ).successor_id
        self.assertNotIn(other_successor.partner_id, other.message_partner_ids)
        kept = self._ledger(handover, res_model="crm.lead", res_id=changed.id)
        self.assertFalse(kept.reverted_on)
        self.assertTrue(kept.note)
        message = handover.message_ids.filtered(
            lambda m: "Transfer reverted" in (m.body or "")
        )
        self.assertIn("1 kept", message.body)


@tagged("post_install", "-at_install")
class TestConcurrentApproval(BaseCase):
    """Approvals and edits in concurrent transactions (real, committed cursors)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.cases = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for case in (
                "double",
                "locked",
                "retry",
                "busy",
                "stale",
                "seal",
                "worker1",
                "worker2",
            ):
                data = build_portfolio(env, f"{case}{uuid.uuid4().hex[:8]}", 5)
                to_plan_approval(data)
                cls.cases[case] = {
                    "handover_id": data["handover"].id,
                    "approver_id": data["approver"].id,
                    "partner_ids": data["partners"].ids,
                }
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for case in cls.cases.values():
                handover = env["hr.client.handover"].browse(case["handover_id"])
                users = handover.departing_user_id | handover.approver_id
                users |= handover.supervisor_id | handover.line_ids.successor_id
                partners = env["res.partner"].browse(case["partner_ids"])
                handover.transfer_ids.sudo().unlink()
                env["crm.lead"].with_context(active_test=False).search(
                    [("partner_id", "in", partners.ids)]
                ).unlink()
                env["sale.order"].search([("partner_id", "in", partners.ids)]).unlink()
                env["mail.activity"].search(
                    [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
                ).unlink()
                cr.execute(
                    "DELETE FROM hr_client_handover_seal WHERE handover_id = %s",
                    [handover.id],
                )
                cr.execute(
                    "DELETE FROM hr_client_handover WHERE id = %s", [handover.id]
                )
                # Once the handover (which names them) is gone.
                partners.child_ids.unlink()
                partners.unlink()
                users.employee_ids.unlink()
                users.action_archive()

    @mute_logger(
        "odoo.sql_db", "odoo.addons.hr_client_handover.models.hr_client_handover"
    )
    def test_double_approval_moves_once(self):
        case = self.cases["double"]
        barrier = threading.Barrier(2)
        outcomes = []

        def approve():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, case["approver_id"], {})
                handover = env["hr.client.handover"].browse(case["handover_id"])
                self.assertEqual(handover.state, "plan_approval")
                barrier.wait(timeout=10)
                try:
                    # As a request runs it: the click that waited for the other
                    # one is run again when that one changed the handover.
                    retrying(
                        handover.with_context(handover_sync=True).action_approve_plan,
                        env,
                    )
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes.append("approved")
                except UserError as exc:
                    cr.rollback()
                    outcomes.append(str(exc))

        threads = [threading.Thread(target=approve) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(outcomes.count("approved"), 1, outcomes)
        loser = next(o for o in outcomes if o != "approved")
        self.assertTrue(
            "Someone else is working on this handover" in loser
            or "is in the stage" in loser,
            loser,
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            self.assertEqual(handover.state, "materials")
            self.assertEqual(handover.transfer_state, "done")
            cr.execute(
                "SELECT res_model, res_id, field_name, count(*) FROM "
                "hr_client_handover_transfer WHERE handover_id = %s "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1",
                [case["handover_id"]],
            )
            self.assertEqual(cr.fetchall(), [], "nothing moved twice")
            self.assertEqual(
                env["res.partner"].search_count(
                    [
                        ("id", "in", case["partner_ids"]),
                        ("user_id", "=", handover.departing_user_id.id),
                    ]
                ),
                0,
            )

    def test_button_waits_for_another_on_the_same_handover(self):
        """Two people press a line button of the same handover at the same
        moment: the second waits for the first to commit instead of being
        refused with 'Someone else is working on this handover'."""
        case = self.cases["busy"]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, case["approver_id"], {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            handover.with_context(handover_sync=True).action_approve_plan()
            self.assertEqual(handover.state, "materials")
            line = handover.line_ids[0]
            line.sudo().write(
                {"materials_no_paper": True, "materials_no_electronic": True}
            )
            successor_id = line.successor_id.id
            cr.commit()  # pylint: disable=invalid-commit
        holding = threading.Event()

        def other_click():
            # Another button on the same handover, committed a second later.
            with self.registry.cursor() as other_cr:
                other_cr.execute(
                    "SELECT id FROM hr_client_handover WHERE id = %s FOR UPDATE",
                    [case["handover_id"]],
                )
                holding.set()
                time.sleep(1)
                other_cr.commit()  # pylint: disable=invalid-commit

        thread = threading.Thread(target=other_click)
        thread.start()
        try:
            self.assertTrue(holding.wait(timeout=30))
            with self.registry.cursor() as cr:
                env = api.Environment(cr, successor_id, {})
                line = env["hr.client.handover.line"].browse(line.id)
                line.action_confirm_materials()
                cr.commit()  # pylint: disable=invalid-commit
                self.assertTrue(line.materials_confirmed_on)
        finally:
            thread.join(timeout=60)

    @mute_logger("odoo.sql_db")
    def test_button_after_a_wait_runs_again_on_what_the_other_committed(self):
        """Two successors confirm their materials at the same moment: the one
        that read the handover before the other committed is run again by
        Odoo (serialization error, as a web request is retried) instead of
        sealing on what it read before, so no seal number is taken twice."""
        case = self.cases["stale"]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, case["approver_id"], {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            handover.with_context(handover_sync=True).action_approve_plan()
            lines = handover.line_ids.filtered("successor_id")[:2]
            lines.sudo().write(
                {"materials_no_paper": True, "materials_no_electronic": True}
            )
            pairs = [(line.id, line.successor_id.id) for line in lines]
            cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(len(pairs), 2)

        def confirm(cr, line_id, user_id):
            env = api.Environment(cr, user_id, {})
            env["hr.client.handover.line"].browse(line_id).action_confirm_materials()

        with self.registry.cursor() as late_cr:
            # The late click's transaction has read the database already ...
            late_cr.execute(
                "SELECT count(*) FROM hr_client_handover_seal WHERE handover_id = %s",
                [case["handover_id"]],
            )
            # ... when the other click commits.
            with self.registry.cursor() as first_cr:
                confirm(first_cr, *pairs[0])
                first_cr.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(pg_errors.SerializationFailure):
                confirm(late_cr, *pairs[1])
            late_cr.rollback()
            env = api.Environment(late_cr, pairs[1][1], {})
            retrying(lambda: confirm(late_cr, *pairs[1]), env)
            late_cr.execute(
                "SELECT sequence, count(*) FROM hr_client_handover_seal"
                " WHERE handover_id = %s GROUP BY sequence HAVING count(*) > 1",
                [case["handover_id"]],
            )
            self.assertEqual(late_cr.fetchall(), [])
            late_cr.execute(
                "SELECT count(*) FROM hr_client_handover_line"
                " WHERE id IN %s AND materials_confirmed_on IS NOT NULL",
                [tuple(line_id for line_id, _user in pairs)],
            )
            self.assertEqual(late_cr.fetchone()[0], 2)

    @mute_logger("odoo.sql_db")
    def test_seal_after_a_wait_runs_again_whatever_path_seals(self):
        """Two seals on one handover at the same moment, by paths that took no
        lock of their own before (two countersigns, say): the one that read
        the chain before the other committed fails to serialize and is run
        again on the committed chain, never taking a seal number twice."""
        case = self.cases["seal"]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            item_ids = handover.item_ids[:2].ids
        self.assertEqual(len(item_ids), 2)

        def seal(cr, item_id):
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            handover._seal(
                "item", env["hr.client.handover.item"].browse(item_id), ["done"]
            )

        with self.registry.cursor() as late_cr:
            # The late seal's transaction has read the database already ...
            late_cr.execute(
                "SELECT count(*) FROM hr_client_handover_seal WHERE handover_id = %s",
                [case["handover_id"]],
            )
            # ... when the other seal commits.
            with self.registry.cursor() as first_cr:
                seal(first_cr, item_ids[0])
                first_cr.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(pg_errors.SerializationFailure):
                seal(late_cr, item_ids[1])
            late_cr.rollback()
            env = api.Environment(late_cr, api.SUPERUSER_ID, {})
            retrying(lambda: seal(late_cr, item_ids[1]), env)
            late_cr.execute(
                "SELECT sequence, count(*) FROM hr_client_handover_seal"
                " WHERE handover_id = %s GROUP BY sequence HAVING count(*) > 1",
                [case["handover_id"]],
            )
            self.assertEqual(late_cr.fetchall(), [])
            late_cr.execute(
                "SELECT count(*) FROM hr_client_handover_seal"
                " WHERE handover_id = %s AND res_model = 'hr.client.handover.item'"
                " AND res_id IN %s",
                [case["handover_id"], tuple(item_ids)],
            )
            self.assertEqual(late_cr.fetchone()[0], 2)

    @mute_logger("odoo.sql_db")
    def test_record_edited_meanwhile_is_not_overwritten(self):
        """A customer someone else is editing during the transfer is skipped (never
        overwritten); the background job moves it once it is free."""
        case = self.cases["locked"]
        busy_id = case["partner_ids"][0]
        with self.registry.cursor() as editor_cr:
            # Another user's transaction holds the customer row.
            editor_cr.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [busy_id]
            )
            with self.registry.cursor() as cr:
                env = api.Environment(cr, case["approver_id"], {})
                handover = env["hr.client.handover"].browse(case["handover_id"])
                handover.with_context(handover_sync=True).action_approve_plan()
                cr.commit()  # pylint: disable=invalid-commit
                self.assertEqual(handover.transfer_state, "running")
                departing = handover.departing_user_id
                self.assertEqual(
                    env["res.partner"].sudo().browse(busy_id).user_id, departing
                )
            editor_cr.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["hr.client.handover"]._cron_run_transfers()
            cr.commit()  # pylint: disable=invalid-commit
            handover = env["hr.client.handover"].browse(case["handover_id"])
            self.assertEqual(handover.transfer_state, "done")
            partner = env["res.partner"].browse(busy_id)
            line = handover.line_ids.filtered(lambda line: line.partner_id == partner)
            self.assertEqual(partner.user_id, line.successor_id)

    def test_serialization_failure_is_retried(self):
        """In the background, a batch that meets a row changed by a transaction
        committed after its snapshot is rolled back and run again."""
        case = self.cases["retry"]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            handover.write({"state": "materials", "transfer_state": "running"})
            handover.transfer_total = env["hr.client.handover.engine"]._enqueue(
                handover
            )
        with self.registry.cursor() as engine_cr:
            engine_cr.execute("SELECT 1")  # the engine's snapshot starts here
            with self.registry.cursor() as user_cr:
                user_cr.execute(
                    "UPDATE res_partner SET comment = 'edited' WHERE id = %s",
                    [case["partner_ids"][0]],
                )
            rollbacks = []
            rollback = engine_cr.rollback
            engine_cr.rollback = lambda: rollbacks.append(1) or rollback()
            env = api.Environment(engine_cr, api.SUPERUSER_ID, {})
            handover = env["hr.client.handover"].browse(case["handover_id"])
            status = env["hr.client.handover.engine"]._run(handover, commit=True)
            self.assertEqual(status, "done")
            self.assertEqual(len(rollbacks), 1, "the batch was rolled back once")
            self.assertEqual(handover.transfer_state, "done")
            partner = env["res.partner"].browse(case["partner_ids"][0])
            self.assertNotEqual(partner.user_id, handover.departing_user_id)
            self.assertEqual(partner.comment, "edited")

    def test_two_workers_take_different_batches_and_finish_each_once(self):
        """Two background workers (the two scheduled actions, or two servers on
        the same database), each in its own transaction, run at the same time:
        they take different batches (the second skips what the first holds
        instead of waiting for it), never deadlock, and every handover
        completes once."""
        cases = [self.cases["worker1"], self.cases["worker2"]]
        ids = [case["handover_id"] for case in cases]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for handover in env["hr.client.handover"].browse(ids):
                handover.write({"state": "materials", "transfer_state": "running"})
                handover.transfer_total = env["hr.client.handover.engine"]._enqueue(
                    handover
                )
            cr.execute(
                "SELECT id FROM hr_client_handover_queue WHERE handover_id IN %s",
                [tuple(ids)],
            )
            queued = {row[0] for row in cr.fetchall()}
        Engine = self.registry["hr.client.handover.engine"]
        Handover = self.registry["hr.client.handover"]
        batch_after, on_end = Engine._batch_after, Handover._on_transfer_end
        # Both workers hold a batch at the same moment before going on.
        barrier = threading.Barrier(2)
        taken = {"worker1": set(), "worker2": set()}
        ends = []
        errors = []

        def take(engine, handover, cursor, query):
            rows = batch_after(engine, handover, cursor, query)
            mine = taken[threading.current_thread().name]
            if rows and not mine:
                mine.update(row[0] for row in rows)
                barrier.wait(timeout=30)
            else:
                mine.update(row[0] for row in rows)
            return rows

        def end(handover, result):
            ends.append(handover.id)
            return on_end(handover, result)

        def work():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    env["hr.client.handover"]._cron_run_transfers()
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as exc:  # noqa: BLE001 (reported by the test)
                errors.append(repr(exc))

        retries = LogLines()
        engine_log = logging.getLogger(hr_client_handover_engine.__name__)
        engine_log.addHandler(retries)
        try:
            with (
                patch.object(hr_client_handover_engine, "BATCH_SIZE", 5),
                patch.object(Engine, "_batch_after", take),
                patch.object(Handover, "_on_transfer_end", end),
            ):
                workers = [threading.Thread(target=work, name=name) for name in taken]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join(timeout=120)
        finally:
            engine_log.removeHandler(retries)
        self.assertEqual(errors, [])
        self.assertTrue(all(taken.values()), "both workers took batches")
        self.assertFalse(
            taken["worker1"] & taken["worker2"], "no batch taken by both workers"
        )
        self.assertEqual(taken["worker1"] | taken["worker2"], queued)
        self.assertFalse(
            [m for m in retries.messages if "deadlock" in m.lower()], retries.messages
        )
        self.assertEqual(sorted(ends), sorted(ids), "each handover completed once")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            handovers = env["hr.client.handover"].browse(ids)
            self.assertEqual(handovers.mapped("transfer_state"), ["done", "done"])
            cr.execute(
                "SELECT count(*) FROM hr_client_handover_queue WHERE handover_id IN %s",
                [tuple(ids)],
            )
            self.assertEqual(cr.fetchone()[0], 0)
            cr.execute(
                "SELECT res_model, res_id, field_name FROM hr_client_handover_transfer"
                " WHERE handover_id IN %s GROUP BY 1, 2, 3 HAVING count(*) > 1",
                [tuple(ids)],
            )
            self.assertEqual(cr.fetchall(), [], "nothing moved twice")
            for handover in handovers:
                done = handover.message_ids.filtered(
                    lambda m: "Transfer complete" in (m.body or "")
                )
                self.assertEqual(len(done), 1, handover.name)
