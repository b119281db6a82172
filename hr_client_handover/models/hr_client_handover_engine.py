"""The ownership transfer engine.

Moves the owner field of every record a transfer rule selects from the departing
user to the successor of the customer line it belongs to, in grouped writes per
(rule, successor, team) and batch, with:

* explicit team assignment (no per-record team recompute),
* tracking and auto-subscribe notifications disabled, replaced by one bulk chatter
  line per moved record, one bulk follower subscription per batch and one summary
  message per successor,
* one ledger row per moved value, inserted in bulk, committed with the batch it
  describes (background mode), so that an interrupted run resumes where it
  stopped: a moved record no longer belongs to the departing user and is not
  selected again.

Revert and leave return give back every value still as the handover set it.
"""

import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

_logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


class HrClientHandover(models.Model):
    _inherit = "hr.client.handover"

    def _start_transfer(self):
        """Run the transfer now, or hand it to the background job when large."""
        self.ensure_one()
        engine = self.env["hr.client.handover.engine"].sudo()
        handover = self.sudo()
        total = engine._count_to_move(handover)
        threshold = handover.company_id.handover_async_threshold or 0
        handover.write({"transfer_state": "running", "transfer_total": total})
        if (
            threshold
            and total > threshold
            and not self.env.context.get("handover_sync")
        ):
            handover.message_post(
                body=self.env._(
                    "%(count)s records to move: the transfer runs in the background. "
                    "Progress shows on the form.",
                    count=total,
                )
            )
            self.env.ref("hr_client_handover.ir_cron_handover_transfer")._trigger()
            return
        engine._run(handover, commit=False)
        if engine._count_to_move(handover):
            # Rows someone else was editing were skipped, not overwritten: the
            # background job retries them once they are free.
            self.env.ref("hr_client_handover.ir_cron_handover_transfer")._trigger()
            return
        engine._finish(handover)

    def _revert_transfer(self):
        self.ensure_one()
        engine = self.env["hr.client.handover.engine"].sudo()
        returned, kept = engine._give_back(self, reason="revert")
        self.write({"transfer_state": "reverted"})
        self.message_post(
            body=self.env._(
                "Transfer reverted: %(returned)s value(s) given back to %(user)s; "
                "%(kept)s kept because they changed since the handover.",
                returned=returned,
                kept=kept,
                user=self.departing_user_id.name,
            )
        )

    def _return_from_leave(self):
        self.ensure_one()
        engine = self.env["hr.client.handover.engine"].sudo()
        returned, kept = engine._give_back(self, reason="return")
        self.write({"transfer_state": "reverted", "returned_on": fields.Date.today()})
        user = self.departing_user_id
        self.message_post(
            body=self.env._(
                "Welcome back, %(user)s: %(returned)s record(s) came back to you; "
                "%(kept)s stayed with your successors because they changed "
                "meanwhile (see the Transfers tab).",
                user=user.name,
                returned=returned,
                kept=kept,
            ),
            partner_ids=user.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _cron_run_transfers(self):
        """Background transfers: committed batches, resumable after a crash (a
        moved record no longer belongs to the departing user, so it is never
        selected twice), time-boxed by the cron framework."""
        engine = self.env["hr.client.handover.engine"]
        Cron = self.env["ir.cron"]
        handovers = self.search([("transfer_state", "=", "running")])
        left = sum(max(h.transfer_total - h.transfer_done, 0) for h in handovers)
        Cron._commit_progress(remaining=left)
        for handover in handovers:
            if not engine._run(handover, commit=True):
                return
            if engine._count_to_move(handover):
                continue  # rows locked by another transaction: next run retries
            engine._finish(handover)
            Cron._commit_progress()


class HrClientHandoverEngine(models.AbstractModel):
    _name = "hr.client.handover.engine"
    _description = "Client Handover Transfer Engine"

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------
    def _partner_lines(self, handover):
        """{partner id: line} for every customer and its contacts."""
        lines = handover.line_ids.filtered("successor_id")
        by_commercial = {line.partner_id.id: line for line in lines}
        partner_lines = dict(by_commercial)
        if by_commercial:
            contacts = (
                self.env["res.partner"]
                .with_context(active_test=False)
                .search_fetch(
                    [("commercial_partner_id", "in", list(by_commercial))],
                    ["commercial_partner_id"],
                )
            )
            for contact in contacts:
                partner_lines[contact.id] = by_commercial[
                    contact.commercial_partner_id.id
                ]
        return partner_lines

    def _rule_domain(self, rule, handover, partner_ids):
        departing = handover.departing_user_id.id
        if rule.include_unassigned:
            owner = [(rule.user_field, "in", [departing, False])]
        else:
            owner = [(rule.user_field, "=", departing)]
        domain = owner + [(rule.partner_field, "in", partner_ids)] + rule._get_domain()
        if (
            rule.model == "sale.order"
            and handover.template_id.transfer_confirmed_orders
        ):
            domain = [
                d
                for d in domain
                if not (isinstance(d, tuple | list) and d[0] == "state")
            ]
        return domain

    def _rules(self, scope):
        return self.env["hr.client.handover.rule"].search([("scope", "=", scope)])

    def _count_to_move(self, handover):
        """What the transfer will move: the records of the partner rules and the
        departing user's open activities on them and on the customers."""
        partner_lines = self._partner_lines(handover)
        departing = handover.departing_user_id.id
        targets = {"res.partner": list(partner_lines)}
        total = 0
        for rule in self._rules("partner"):
            ids = (
                self.env[rule.model]
                .search(self._rule_domain(rule, handover, list(partner_lines)))
                .ids
            )
            total += len(ids)
            targets.setdefault(rule.model, [])
            targets[rule.model] += ids
        for rule in self._rules("moved_records"):
            for model, ids in targets.items():
                total += self.env[rule.model].search_count(
                    [
                        (rule.user_field, "=", departing),
                        ("res_model", "=", model),
                        ("res_id", "in", ids),
                    ]
                    + rule._get_domain()
                )
        return total

    # ------------------------------------------------------------------
    # Moving
    # ------------------------------------------------------------------
    def _run(self, handover, commit=False, max_batches=None):
        """Move everything the rules select, batch by batch.

        With `commit`, each batch is committed with its ledger rows and the run
        stops when the cron's time is up. Returns True once nothing is left.
        """
        for count, moved in enumerate(self._iter_batches(handover), 1):
            if commit and self.env["ir.cron"]._commit_progress(moved) <= 0:
                return False
            if max_batches and count >= max_batches:
                return False
        return True

    def _iter_batches(self, handover):
        """Move one batch at a time; yield the number of records it moved."""
        partner_lines = self._partner_lines(handover)
        if not partner_lines:
            return
        for rule in self._rules("partner"):
            Model = self.env[rule.model].with_context(active_test=False)
            fetch = [rule.partner_field] + (
                [rule.team_field] if rule.team_field else []
            )
            records = Model.search_fetch(
                self._rule_domain(rule, handover, list(partner_lines)), fetch
            )
            groups = defaultdict(list)
            for record in records:
                line = partner_lines[record[rule.partner_field].id]
                old_team = record[rule.team_field] if rule.team_field else None
                new_team = (
                    self._team_for(line.successor_id, old_team)
                    if rule.team_field
                    else None
                )
                groups[(line.successor_id, new_team, old_team)].append(
                    (record.id, line.id)
                )
            for (successor, new_team, old_team), pairs in groups.items():
                for start in range(0, len(pairs), BATCH_SIZE):
                    yield self._move_batch(
                        handover,
                        rule,
                        successor,
                        new_team,
                        old_team,
                        pairs[start : start + BATCH_SIZE],
                    )
        for rule in self._rules("moved_records"):
            yield from self._move_activities(handover, rule, partner_lines)

    def _team_for(self, successor, team):
        if not team:
            return successor.sale_team_id or team
        if successor in team.member_ids or successor == team.user_id:
            return team
        return successor.sale_team_id or team

    def _lock_still_owned(self, model, field_name, ids, owner_ids):
        """Ids still owned by one of `owner_ids` (False: no owner) that nobody
        else is writing right now.

        A row another transaction is editing is skipped (it stays with its owner
        and is picked up by the next run) instead of being overwritten.
        """
        if not ids:
            return []
        Model = self.env[model]
        Model.flush_model([field_name])
        column = SQL.identifier(field_name)
        users = tuple(owner for owner in owner_ids if owner)
        owned = SQL("%s IN %s", column, users) if users else SQL("FALSE")
        if False in owner_ids:
            owned = SQL("(%s OR %s IS NULL)", owned, column)
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s AND %s FOR UPDATE SKIP LOCKED",
                SQL.identifier(Model._table),
                tuple(ids),
                owned,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _move_batch(self, handover, rule, successor, new_team, old_team, pairs):
        departing = handover.departing_user_id
        owners = [departing.id, False] if rule.include_unassigned else [departing.id]
        line_of = dict(pairs)
        ids = self._lock_still_owned(rule.model, rule.user_field, list(line_of), owners)
        if not ids:
            return 0
        Model = self.env[rule.model]
        old_owner = {}
        if rule.include_unassigned:
            for record in (
                Model.browse(ids)
                .with_context(active_test=False)
                .read([rule.user_field])
            ):
                old_owner[record["id"]] = (
                    record[rule.user_field] and record[rule.user_field][0]
                )
        values = {rule.user_field: successor.id}
        if rule.team_field and new_team is not None:
            values[rule.team_field] = new_team.id or False
        records = Model.browse(ids).with_context(**self._quiet_context())
        records.write(values)
        now = fields.Datetime.now()
        self._insert_ledger(
            [
                (
                    handover.id,
                    line_of[rid],
                    rule.id,
                    rule.model,
                    rid,
                    rule.user_field,
                    old_owner.get(rid, departing.id) or None,
                    successor.id,
                    (old_team.id or None) if old_team is not None else None,
                    (new_team.id or None) if new_team is not None else None,
                    now,
                )
                for rid in ids
            ]
        )
        unowned = records.browse(
            [rid for rid in ids if rid in old_owner and not old_owner[rid]]
        )
        if unowned:
            # Records that had no owner say so in their chatter: "- → successor".
            self._log_and_follow(
                handover, rule, unowned, self.env["res.users"], successor
            )
        self._log_and_follow(handover, rule, records - unowned, departing, successor)
        # Recompute what depends on the moved values now, as the engine (superuser),
        # not later in the caller's environment at commit time.
        self.env.flush_all()
        return len(ids)

    def _log_and_follow(self, handover, rule, records, from_user, to_user, note=None):
        """Chatter line and follower change of a moved batch, in bulk.

        Equivalent of ``_message_log_batch`` + ``message_subscribe`` +
        ``message_unsubscribe`` with one INSERT/DELETE per batch instead of one
        ORM create per message and follower: this is where a per-record transfer
        spends most of its time.
        """
        if not hasattr(records, "_message_log_batch") or not records:
            return
        ids = tuple(records.ids)
        if rule.log_in_chatter:
            label = records._fields[rule.user_field].get_description(self.env)["string"]
            body = Markup("<p>%s: %s → %s (%s)</p>") % (
                label,
                from_user.name or "-",
                to_user.name or "-",
                note or self.env._("handover %(ref)s", ref=handover.name),
            )
            self._insert_notes(records._name, ids, str(body))
        cr = self.env.cr
        if to_user.partner_id:
            subtypes = self.env["mail.message.subtype"]._default_subtypes(
                records._name
            )[0]
            cr.execute(
                SQL(
                    "INSERT INTO mail_followers (res_model, res_id, partner_id)"
                    " SELECT %s, unnest(%s::int[]), %s"
                    " ON CONFLICT (res_model, res_id, partner_id) DO NOTHING"
                    " RETURNING id",
                    records._name,
                    list(ids),
                    to_user.partner_id.id,
                )
            )
            follower_ids = [row[0] for row in cr.fetchall()]
            if follower_ids and subtypes:
                cr.execute(
                    SQL(
                        "INSERT INTO mail_followers_mail_message_subtype_rel"
                        " (mail_followers_id, mail_message_subtype_id)"
                        " SELECT f, s FROM unnest(%s::int[]) f, unnest(%s::int[]) s",
                        follower_ids,
                        list(subtypes),
                    )
                )
        if handover.template_id.unsubscribe_departing and from_user.partner_id:
            cr.execute(
                SQL(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s"
                    " AND partner_id = %s",
                    records._name,
                    ids,
                    from_user.partner_id.id,
                )
            )
        self.env["mail.followers"].invalidate_model()
        records.invalidate_recordset(["message_follower_ids", "message_partner_ids"])

    def _insert_notes(self, model, res_ids, body):
        """One internal note per record, inserted in bulk (a _message_log_batch
        without the per-message ORM overhead)."""
        author = self.env.user.partner_id
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        now = fields.Datetime.now()
        uid = self.env.uid
        execute_values(
            self.env.cr._obj,
            "INSERT INTO mail_message (model, res_id, body, message_type, subtype_id,"
            " author_id, email_from, is_internal, date, message_id, create_uid,"
            " write_uid, create_date, write_date) VALUES %s",
            [
                (
                    model,
                    res_id,
                    body,
                    "notification",
                    subtype_id,
                    author.id,
                    author.email_formatted or None,
                    True,
                    now,
                    generate_tracking_message_id("handover"),
                    uid,
                    uid,
                    now,
                    now,
                )
                for res_id in res_ids
            ],
            page_size=1000,
        )
        self.env["mail.message"].invalidate_model()

    def _move_activities(self, handover, rule, partner_lines):
        """Open activities of the departing user on the customers and on every
        record this handover moved go with them to the successor."""
        departing = handover.departing_user_id
        Transfer = self.env["hr.client.handover.transfer"]
        moved = Transfer.search_fetch(
            [
                ("handover_id", "=", handover.id),
                ("reverted_at", "=", False),
                ("res_model", "!=", rule.model),
            ],
            ["res_model", "res_id", "line_id"],
        )
        targets = defaultdict(dict)  # model -> {res_id: line}
        for row in moved:
            targets[row.res_model][row.res_id] = row.line_id
        for partner_id, line in partner_lines.items():
            targets["res.partner"].setdefault(partner_id, line)
        Activity = self.env["mail.activity"]
        groups = defaultdict(list)
        for model, by_id in targets.items():
            if not by_id:
                continue
            activities = Activity.search_fetch(
                [
                    ("user_id", "=", departing.id),
                    ("res_model", "=", model),
                    ("res_id", "in", list(by_id)),
                ]
                + rule._get_domain(),
                ["res_id"],
            )
            for activity in activities:
                line = by_id[activity.res_id]
                groups[line.successor_id].append((activity.id, line.id))
        for successor, pairs in groups.items():
            for start in range(0, len(pairs), BATCH_SIZE):
                chunk = pairs[start : start + BATCH_SIZE]
                line_of = dict(chunk)
                ids = self._lock_still_owned(
                    rule.model, rule.user_field, list(line_of), [departing.id]
                )
                if not ids:
                    continue
                Activity.browse(ids).with_context(**self._quiet_context()).write(
                    {rule.user_field: successor.id}
                )
                now = fields.Datetime.now()
                self._insert_ledger(
                    [
                        (
                            handover.id,
                            line_of[aid],
                            rule.id,
                            rule.model,
                            aid,
                            rule.user_field,
                            departing.id,
                            successor.id,
                            None,
                            None,
                            now,
                        )
                        for aid in ids
                    ]
                )
                self.env.flush_all()
                yield len(ids)

    @api.model
    def _quiet_context(self):
        return {
            "tracking_disable": True,
            "mail_notrack": True,
            "mail_auto_subscribe_no_notify": True,
            "mail_activity_quick_update": True,
            "mail_create_nosubscribe": True,
        }

    def _insert_ledger(self, rows):
        """Bulk insert of ledger rows (our own table: no computed fields)."""
        if not rows:
            return
        company_id = self.env["hr.client.handover"].browse(rows[0][0]).company_id.id
        uid = self.env.uid
        execute_values(
            self.env.cr._obj,
            "INSERT INTO hr_client_handover_transfer (handover_id, line_id, rule_id,"
            " res_model, res_id, field_name, old_user_id, new_user_id, old_team_id,"
            " new_team_id, transferred_at, company_id, create_uid, write_uid,"
            " create_date, write_date) VALUES %s",
            [(*row, company_id, uid, uid, row[-1], row[-1]) for row in rows],
            page_size=1000,
        )
        self.env["hr.client.handover.transfer"].invalidate_model()

    def _finish(self, handover):
        """Transfer complete: one summary message per successor, customer mails."""
        Transfer = self.env["hr.client.handover.transfer"]
        counts = Transfer._read_group(
            [("handover_id", "=", handover.id), ("reverted_at", "=", False)],
            ["new_user_id", "res_model"],
            ["__count"],
        )
        per_user = defaultdict(dict)
        for user, model, count in counts:
            per_user[user][model] = count
        model_names = {
            model: self.env["ir.model"]._get(model).name
            for user in per_user
            for model in per_user[user]
        }
        for user, by_model in per_user.items():
            figures = ", ".join(
                f"{model_names[model]}: {count}"
                for model, count in sorted(by_model.items())
            )
            handover.message_post(
                body=self.env._(
                    "%(user)s, you now own what %(departing)s handed over in %(ref)s: "
                    "%(figures)s.",
                    user=user.name,
                    departing=handover.departing_user_id.name,
                    ref=handover.name,
                    figures=figures,
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        handover.write({"transfer_state": "done"})
        if handover.state == "done" and not handover.summary_attachment_id:
            handover._attach_summary_report()
        if handover.template_id.notify_customers:
            template = self.env.ref(
                "hr_client_handover.mail_template_new_account_manager",
                raise_if_not_found=False,
            )
            lines = handover.line_ids.filtered(lambda line: line.partner_id.email)
            if template and lines:
                template.send_mail_batch(lines.ids)

    # ------------------------------------------------------------------
    # Giving back
    # ------------------------------------------------------------------
    def _give_back(self, handover, reason):
        """Restore the old owner wherever the value is still what the handover set.

        Returns (given back, kept) counts; kept rows get a ledger note.
        """
        Transfer = self.env["hr.client.handover.transfer"]
        rows = Transfer.search_fetch(
            [("handover_id", "=", handover.id), ("reverted_at", "=", False)],
            [
                "res_model",
                "res_id",
                "field_name",
                "old_user_id",
                "new_user_id",
                "old_team_id",
                "new_team_id",
                "rule_id",
            ],
        )
        groups = defaultdict(list)
        for row in rows:
            key = (
                row.res_model,
                row.field_name,
                row.new_user_id,
                row.old_user_id,
                row.rule_id,
                row.new_team_id,
                row.old_team_id,
            )
            groups[key].append(row)
        returned = kept = 0
        now = fields.Datetime.now()
        kept_note = self.env._("Kept: changed after the handover")
        for (
            model,
            field_name,
            new_user,
            old_user,
            rule,
            new_team,
            old_team,
        ), group in groups.items():
            if model not in self.env:
                continue
            by_res = {row.res_id: row for row in group}
            ids = self._lock_still_owned(model, field_name, list(by_res), [new_user.id])
            kept_rows = Transfer.browse(
                [row.id for rid, row in by_res.items() if rid not in ids]
            )
            kept_rows.write({"note": kept_note})
            kept += len(kept_rows)
            if not ids:
                continue
            records = (
                self.env[model]
                .browse(ids)
                .with_context(active_test=False, **self._quiet_context())
            )
            team_field = rule.team_field if rule else False
            if team_field and new_team:
                same_team = records.filtered(
                    lambda r, t=new_team, f=team_field: r[f] == t
                )
                same_team.write(
                    {field_name: old_user.id or False, team_field: old_team.id or False}
                )
                (records - same_team).write({field_name: old_user.id or False})
            else:
                records.write({field_name: old_user.id or False})
            Transfer.browse([by_res[rid].id for rid in ids]).write({"reverted_at": now})
            returned += len(ids)
            if rule and model != "mail.activity":
                note = (
                    self.env._("handover %(ref)s reverted", ref=handover.name)
                    if reason == "revert"
                    else self.env._(
                        "back from leave, handover %(ref)s", ref=handover.name
                    )
                )
                self._log_and_follow(
                    handover, rule, records, new_user, old_user, note=note
                )
        return returned, kept

    # ------------------------------------------------------------------
    # Figures shown on the customer lines
    # ------------------------------------------------------------------
    def _line_stats(self, lines):
        """{line id: {model: count, 'expected_revenue': amount}} with one grouped
        read per model and handover, never one query per line."""
        stats = defaultdict(lambda: defaultdict(float))
        lines = lines.filtered("id")
        for handover, handover_lines in lines.grouped("handover_id").items():
            if handover.transfer_state in ("running", "done", "reverted"):
                self._ledger_stats(handover_lines, stats)
            else:
                self._live_stats(handover, handover_lines, stats)
        return stats

    def _ledger_stats(self, lines, stats):
        """Counts per line and model, and the moved deals' expected revenue, in
        one grouped query over the ledger."""
        self.env["hr.client.handover.transfer"].flush_model()
        self.env["crm.lead"].flush_model(["expected_revenue"])
        self.env.cr.execute(
            SQL(
                "SELECT t.line_id, t.res_model, count(*), sum(l.expected_revenue)"
                "  FROM hr_client_handover_transfer t"
                "  LEFT JOIN crm_lead l ON t.res_model = 'crm.lead' AND l.id = t.res_id"
                " WHERE t.line_id IN %s"
                " GROUP BY t.line_id, t.res_model",
                tuple(lines.ids),
            )
        )
        for line_id, model, count, revenue in self.env.cr.fetchall():
            stats[line_id][model] = count
            if revenue:
                stats[line_id]["expected_revenue"] += revenue

    def _live_stats(self, handover, lines, stats):
        departing = handover.departing_user_id
        if not departing:
            return
        line_of = {line.partner_id.id: line.id for line in lines}
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for contact in Partner.search_fetch(
            [("commercial_partner_id", "in", list(line_of))], ["commercial_partner_id"]
        ):
            line_of.setdefault(contact.id, line_of[contact.commercial_partner_id.id])
        partner_ids = list(line_of)
        targets = {"res.partner": line_of, "crm.lead": {}, "sale.order": {}}
        for lead in (
            self.env["crm.lead"]
            .sudo()
            .search_fetch(
                [
                    ("user_id", "=", departing.id),
                    ("partner_id", "in", partner_ids),
                    ("won_status", "=", "pending"),
                ],
                ["partner_id", "expected_revenue"],
            )
        ):
            line_id = line_of[lead.partner_id.id]
            targets["crm.lead"][lead.id] = line_id
            stats[line_id]["crm.lead"] += 1
            stats[line_id]["expected_revenue"] += lead.expected_revenue
        for order in (
            self.env["sale.order"]
            .sudo()
            .search_fetch(
                [
                    ("user_id", "=", departing.id),
                    ("partner_id", "in", partner_ids),
                    ("state", "in", ("draft", "sent")),
                ],
                ["partner_id"],
            )
        ):
            line_id = line_of[order.partner_id.id]
            targets["sale.order"][order.id] = line_id
            stats[line_id]["sale.order"] += 1
        Activity = self.env["mail.activity"].sudo()
        for model, by_id in targets.items():
            if not by_id:
                continue
            for res_id, count in Activity._read_group(
                [
                    ("user_id", "=", departing.id),
                    ("res_model", "=", model),
                    ("res_id", "in", list(by_id)),
                ],
                ["res_id"],
                ["__count"],
            ):
                stats[by_id[res_id]]["mail.activity"] += count
