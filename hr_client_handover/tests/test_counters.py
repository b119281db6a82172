"""The handover's stored counters stay equal to a recount of its lines and its
ledger through the procedure, the transfer, its revert and a cancel; the form
reads them (and a window of its lines) without counting or listing them all."""

import importlib.util
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_path

from odoo.addons.hr_client_handover.models import hr_client_handover_window
from odoo.addons.hr_client_handover.models.hr_client_handover_progress import (
    LINE_COUNTERS,
)

from .common import HandoverCase
from .test_transfer_engine import QUIET, build_portfolio, to_plan_approval

COUNTERS = (*LINE_COUNTERS, "transfer_done")


class CountersMixin:
    def recount(self, handover):
        """The counters counted again, line by line, with the ORM."""
        lines = (
            self.env["hr.client.handover.line"]
            .sudo()
            .search([("handover_id", "=", handover.id)])
        )
        return {
            "line_count": len(lines),
            "assigned_count": len(lines.filtered("successor_id")),
            "successor_count": len(lines.successor_id),
            "materials_done_count": len(lines.filtered("materials_confirmed_on")),
            "visit_done_count": len(
                lines.filtered(lambda line: line.visit_state in ("done", "waived"))
            ),
            "spot_check_count": len(lines.filtered("spot_check_selected")),
            "check_done_count": len(
                lines.filtered(
                    lambda line: line.spot_check_selected
                    and line.check_result == "confirmed"
                    and line.checked_on
                )
            ),
            "transfer_done": self.env["hr.client.handover.transfer"]
            .sudo()
            .search_count(
                [("handover_id", "=", handover.id), ("outcome", "=", "moved")]
            ),
        }

    def stored(self, handover):
        """The counters as the database holds them (what the form reads)."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT {} FROM hr_client_handover WHERE id = %s".format(  # noqa: S608
                ", ".join(COUNTERS)
            ),
            [handover.id],
        )
        return dict(zip(COUNTERS, self.env.cr.fetchone(), strict=True))

    def assertCounted(self, handover, step):
        stored = self.stored(handover)
        self.assertEqual(stored, self.recount(handover), f"after {step}")
        return stored


@tagged("post_install", "-at_install")
class TestCounters(CountersMixin, HandoverCase):
    def test_counters_follow_the_procedure(self):
        handover = self.create_handover()
        self.assertEqual(self.assertCounted(handover, "creation")["line_count"], 0)
        handover.with_user(self.departing).action_generate_lines()
        counted = self.assertCounted(handover, "line creation")
        self.assertTrue(counted["line_count"])
        self.assertFalse(counted["assigned_count"])
        self.assign(handover, self.successor_a, self.successor_b)
        counted = self.assertCounted(handover, "assignment")
        self.assertEqual(counted["assigned_count"], counted["line_count"])
        self.assertEqual(counted["successor_count"], 2)
        removed = handover.line_ids[-1]
        partner = removed.partner_id
        removed.with_user(self.departing).unlink()
        counted = self.assertCounted(handover, "a line removed")
        self.assertEqual(counted["line_count"], len(handover.line_ids))
        # Its customer goes back on the plan, to its successor.
        handover.with_user(self.departing).action_generate_lines()
        handover.line_ids.filtered(lambda line: line.partner_id == partner).with_user(
            self.departing
        ).successor_id = self.successor_a
        counted = self.assertCounted(handover, "a line added again")
        self.assertEqual(counted["assigned_count"], counted["line_count"])
        self.describe_materials(handover.line_ids)
        # The approval moves the ownership (the default transfer moment).
        self.advance(handover, "materials")
        counted = self.assertCounted(handover, "the transfer at the approval")
        self.assertTrue(counted["transfer_done"])
        line = handover.line_ids[0]
        line.with_user(line.successor_id).action_confirm_materials()
        self.assertEqual(
            self.assertCounted(handover, "a materials confirmation")[
                "materials_done_count"
            ],
            1,
        )
        self.line_reason(
            line, self.supervisor, "action_send_back_materials", "Incomplete"
        )
        self.assertEqual(
            self.assertCounted(handover, "materials sent back")["materials_done_count"],
            0,
        )
        self.advance(handover, "visits")
        self.assertCounted(handover, "the materials stage")
        self.do_visits(handover, handover.line_ids[:1])
        self.assertEqual(
            self.assertCounted(handover, "a visit confirmed")["visit_done_count"], 1
        )
        self.advance(handover, "verification")
        counted = self.assertCounted(handover, "the spot-check sample")
        self.assertTrue(counted["spot_check_count"])
        self.do_calls(handover)
        counted = self.assertCounted(handover, "the calls")
        self.assertEqual(counted["check_done_count"], counted["spot_check_count"])

    def test_cancel_keeps_the_counters(self):
        handover = self.draft_handover()
        before = self.assertCounted(handover, "the plan")
        self.cancel(handover)
        self.assertEqual(self.assertCounted(handover, "the cancel"), before)
        self.assertEqual(handover.progress, 0.0)

    def test_migration_counts_the_existing_handovers(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        expected = self.recount(handover)
        self.assertTrue(expected["transfer_done"])
        self.env.cr.execute(
            "UPDATE hr_client_handover SET {} WHERE id = %s".format(  # noqa: S608
                ", ".join(f"{name} = NULL" for name in COUNTERS)
            ),
            [handover.id],
        )
        path = file_path("hr_client_handover/migrations/19.0.1.9.0/post-counters.py")
        spec = importlib.util.spec_from_file_location("post_counters", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.8.0")
        self.env.invalidate_all()
        self.assertEqual(self.stored(handover), expected)
        migration.migrate(self.env.cr, "19.0.1.8.0")
        self.assertEqual(self.stored(handover), expected, "twice: the same")

    def cancel(self, handover):
        self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
            {"handover_id": handover.id, "reason": "The employee stays"}
        ).action_cancel_handover()
        self.assertEqual(handover.state, "cancel")

    def test_form_header_reads_no_line_nor_ledger(self):
        """The figures of the form come from the handover's row: one query."""
        handover = self.draft_handover()
        self.advance(handover, "materials")
        figures = [*COUNTERS, "progress", "transfer_progress", "state"]
        Handover = self.env["hr.client.handover"]
        self.assertEqual(
            [name for name in COUNTERS if not Handover._fields[name].store],
            [],
            "every counter is a column of the handover",
        )
        handover.invalidate_recordset()
        with self.assertQueryCount(1):
            handover.read(figures)


@tagged("post_install", "-at_install")
class TestCountersOfTheEngine(CountersMixin, HandoverCase):
    """The moved values, batch by batch in the background, then given back."""

    def test_background_transfer_and_revert(self):
        data = build_portfolio(self.env, "count", 6)
        self.env.company.handover_async_threshold = 5
        handover = to_plan_approval(data)
        handover.with_user(data["approver"]).action_approve_plan()
        self.assertEqual(handover.transfer_state, "running")
        engine = self.env["hr.client.handover.engine"].with_context(
            handover_batch_size=10, **QUIET
        )
        engine._run(handover, max_batches=1)
        counted = self.assertCounted(handover, "the first batch")
        self.assertEqual(counted["transfer_done"], 10)
        engine._run(handover)
        handover.invalidate_recordset()
        self.assertEqual(handover.transfer_state, "done")
        counted = self.assertCounted(handover, "the transfer")
        self.assertEqual(counted["transfer_done"], handover.transfer_total)
        self.env["hr.client.handover.cancel"].with_user(data["supervisor"]).create(
            {"handover_id": handover.id, "reason": "The employee stays"}
        ).action_cancel_handover()
        engine._run(handover)
        handover.invalidate_recordset()
        self.assertEqual(handover.transfer_state, "reverted")
        # The ledger keeps what was moved, given back or not.
        self.assertEqual(self.assertCounted(handover, "the revert"), counted)
        self.assertEqual(handover.transfer_progress, 100.0)


@tagged("post_install", "-at_install")
class TestFormWindows(HandoverCase):
    """The form lists a window of the lines; what it sends acts on the lines."""

    def form_read(self, handover, user):
        spec = {
            "lines_listed_all": {},
            "form_line_ids": {
                "limit": 40,
                "order": "sequence ASC, id ASC",
                "fields": {"partner_id": {"fields": {"display_name": {}}}},
            },
            "form_stage_line_ids": {"limit": 40, "fields": {"successor_id": {}}},
        }
        (values,) = handover.with_user(user).web_read(spec)
        values["form_line_ids"] = [row["id"] for row in values["form_line_ids"]]
        return values

    def test_form_lists_a_window(self):
        handover = self.draft_handover()
        lines = handover.line_ids.sorted(lambda line: (line.sequence, line.id))
        self.assertGreater(len(lines), 2)
        values = self.form_read(handover, self.departing)
        self.assertTrue(values["lines_listed_all"])
        self.assertEqual(values["form_line_ids"], lines.ids, "all of a small one")
        with patch.object(hr_client_handover_window, "FORM_WINDOW", 2):
            handover.invalidate_recordset()
            values = self.form_read(handover, self.departing)
            self.assertFalse(values["lines_listed_all"])
            self.assertEqual(values["form_line_ids"], lines[:2].ids, "the first ones")
            # The stage tabs' window lists the reader's own customers first.
            values = self.form_read(handover, self.successor_b)
            self.assertEqual(len(values["form_stage_line_ids"]), 2)
            self.assertEqual(
                {row["successor_id"] for row in values["form_stage_line_ids"]},
                {self.successor_b.id},
            )

    def test_stage_window_in_the_stage_tabs_order(self):
        """The stage tabs' window, read one successor at a time, lists the
        same lines in the same order as sorting every line would: the
        reader's own, then each successor's in the users' order, then the
        lines without a successor; cut at every size."""
        handover = self.draft_handover()
        # A customer nobody receives yet (set as the system: the plan's state).
        handover.line_ids.sorted("id")[:1].sudo().successor_id = False
        self.assertEqual(len(handover.line_ids.successor_id), 2)
        Line = self.env["hr.client.handover.line"]
        order = hr_client_handover_window.LINE_WINDOWS["form_stage_line_ids"][1]
        for reader in (self.departing, self.successor_a, self.successor_b):
            everything = (
                Line.with_user(reader)
                .search([("handover_id", "=", handover.id)], order=order)
                .ids
            )
            self.assertEqual(len(everything), len(handover.line_ids))
            for size in range(1, len(everything) + 2):
                with patch.object(hr_client_handover_window, "FORM_WINDOW", size):
                    window = handover.with_user(reader)._stage_window()
                self.assertEqual(window.ids, everything[:size], (reader.name, size))

    def test_window_commands_act_on_the_lines(self):
        handover = self.draft_handover()
        first, second, *others = handover.line_ids.sorted(
            lambda line: (line.sequence, line.id)
        )
        self.assertTrue(others)
        as_departing = handover.with_user(self.departing)
        as_departing.write(
            {
                "form_line_ids": [
                    Command.update(first.id, {"customer_notes": "Call in May"}),
                    Command.delete(second.id),
                ]
            }
        )
        self.assertEqual(first.customer_notes, "Call in May")
        self.assertFalse(second.exists())
        # A replacement replaces what the form listed, never what it did not.
        with patch.object(hr_client_handover_window, "FORM_WINDOW", 1):
            handover.invalidate_recordset()
            as_departing.write({"form_line_ids": [Command.set([])]})
        self.assertFalse(first.exists())
        self.assertEqual(handover.line_ids.ids, [line.id for line in others])
        # Under the same policy as the lines: a successor cannot change the plan.
        with self.assertRaises(UserError):
            handover.with_user(self.successor_a).write(
                {"form_line_ids": [Command.delete(others[0].id)]}
            )
        self.assertTrue(others[0].exists())
