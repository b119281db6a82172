"""The ownership transfer engine.

Moves the owner field of every record a transfer rule selects from the departing
user to the successor of the customer line it belongs to.

* Selection happens once: at approval, one ``INSERT … SELECT`` per rule fills the
  transfer queue (``hr.client.handover.queue``) with what will really move, in the
  handover's company, archived records included, nothing this handover already
  moved. Its size is the progress total.
* Batches walk the queue by id (keyset), so nothing done is read again. Each batch
  row-locks what it moves, skips rows another transaction holds (retried in a
  later pass), re-reads owner and team under the lock, and leaves a record whose
  owner changed meanwhile where it is, with a *kept* ledger row saying so.
* Writes are grouped per (rule, successor, team); tracking and auto-subscribe
  notifications are off, replaced by bulk chatter lines, follower changes and
  ledger rows (one per moved value), all through the cursor. Each group goes
  through the ORM's write (the model's overrides, constraints, what depends on
  the owner computed again), then the engine writes it to the table itself,
  one UPDATE per table and set of values, where the ORM's flush would cut it
  into statements of 100 records.
* In the background each batch is committed with its ledger rows and removed
  from the queue, the cache is cleared between batches (bounded memory), and a
  serialization failure rolls the batch back and retries it.
* Several workers (the two scheduled actions, or several servers sharing the
  database) share the handovers: a worker takes a handover's next batch by
  locking the handover's row and the batch's queue (or ledger) rows with
  ``FOR UPDATE SKIP LOCKED``, so two workers never take the same batch nor wait
  for each other; a handover another worker holds is that worker's turn.

Revert and leave return walk the ledger the same way, in the background when
large, and give back only what is still as the handover set it; they remove only
the follower subscriptions the handover added.

The engine is a service of the handover (hr_client_handover_transfer_mixin.py):
it never changes the handover's state; when a transfer or a revert has ended it
calls the handover back once (``_on_transfer_end``) with what it did.
"""

import logging
import random
import time
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

_logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# When several handovers run at once (a reorganisation), each one's first batch
# is cut so that all the first batches together take about a twentieth of the
# work: every handover starts early, none waits for another to finish.
OPENING_SHARE = 20
OPENING_MIN = 100
RETRIES = 5
RETRYABLE = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)
LEDGER_COLUMNS = (
    "handover_id",
    "line_id",
    "rule_id",
    "res_model",
    "res_id",
    "field_name",
    "old_user_id",
    "new_user_id",
    "old_team_id",
    "new_team_id",
    "outcome",
    "follower_added",
    "follower_removed",
    "note",
)


class HrClientHandoverEngine(models.AbstractModel):
    _name = "hr.client.handover.engine"
    _description = "Client Handover Transfer Engine"

    # ------------------------------------------------------------------
    # Selection (once, at approval)
    # ------------------------------------------------------------------
    def _line_of_partner(self, handover, partner_column):
        """SQL: the customer line of the partner in `partner_column` (the customer
        itself or one of its contacts), NULL when it is not handed over."""
        return SQL(
            "(SELECT hl.id FROM hr_client_handover_line hl"
            " JOIN res_partner hp ON hp.id = %s"
            " WHERE hl.handover_id = %s AND hl.successor_id IS NOT NULL"
            " AND hl.partner_id IN (hp.id, hp.commercial_partner_id)"
            " ORDER BY hl.partner_id = hp.id DESC LIMIT 1)",
            partner_column,
            handover.id,
        )

    def _not_moved_yet(self, handover, rule, id_column):
        """SQL: this handover has no live ledger row for the record's value (a
        record given back to the departing user after the move stays there)."""
        return SQL(
            "NOT EXISTS (SELECT 1 FROM hr_client_handover_transfer ht"
            " WHERE ht.handover_id = %s AND ht.res_model = %s AND ht.res_id = %s"
            " AND ht.field_name = %s AND ht.reverted_on IS NULL)",
            handover.id,
            rule.model,
            id_column,
            rule.user_field,
        )

    def _enqueue(self, handover):
        """Fill the queue with everything the transfer will move; return its size."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM hr_client_handover_queue WHERE handover_id = %s",
                handover.id,
            )
        )
        total = 0
        Rule = self.env["hr.client.handover.rule"]
        for rule in Rule._for_scope("partner"):
            Model = self.env[rule.model].with_context(active_test=False)
            query = Model._search(
                rule._selection_domain(handover.departing_user_id, handover),
                order="id",
            )
            id_column = SQL.identifier(Model._table, "id")
            line = self._line_of_partner(
                handover, SQL.identifier(Model._table, rule.partner_field)
            )
            total += self._queue(handover, rule, query, id_column, line)
        # The queue was empty a moment ago: give the planner its new size before
        # the activities look their records up in it, and before the batches.
        cr.execute(SQL("ANALYZE hr_client_handover_queue"))
        for rule in Rule._for_scope("moved_records"):
            total += self._enqueue_activities(handover, rule)
        return total

    def _enqueue_activities(self, handover, rule):
        """Open activities of the departing user on the customers and on every
        record queued (or already moved) by this handover go with them."""
        Activity = self.env[rule.model]
        table = Activity._table
        query = Activity._search(
            rule._selection_domain(handover.departing_user_id), order="id"
        )
        res_model = SQL.identifier(table, "res_model")
        res_id = SQL.identifier(table, "res_id")
        line = SQL(
            "COALESCE("
            "(SELECT hq.line_id FROM hr_client_handover_queue hq"
            "  WHERE hq.handover_id = %(h)s AND hq.res_model = %(model)s"
            "  AND hq.res_id = %(res_id)s LIMIT 1),"
            "(SELECT ht.line_id FROM hr_client_handover_transfer ht"
            "  WHERE ht.handover_id = %(h)s AND ht.res_model = %(model)s"
            "  AND ht.res_id = %(res_id)s AND ht.reverted_on IS NULL"
            "  AND ht.outcome = 'moved' LIMIT 1),"
            "CASE WHEN %(model)s = 'res.partner' THEN %(partner_line)s END)",
            h=handover.id,
            model=res_model,
            res_id=res_id,
            partner_line=self._line_of_partner(handover, res_id),
        )
        return self._queue(handover, rule, query, SQL.identifier(table, "id"), line)

    def _queue(self, handover, rule, query, id_column, line):
        """Queue the records of ``rule`` that ``query`` selects and have a line
        (``line``: SQL giving a record's line); return how many."""
        query.add_where(self._not_moved_yet(handover, rule, id_column))
        self.env.cr.execute(
            SQL(
                "INSERT INTO hr_client_handover_queue"
                " (handover_id, rule_id, res_model, res_id, line_id)"
                " SELECT %s, %s, %s, s.id, s.line FROM (%s) s"
                " WHERE s.line IS NOT NULL ORDER BY s.id",
                handover.id,
                rule.id,
                rule.model,
                query.select(SQL("%s AS id", id_column), SQL("%s AS line", line)),
            )
        )
        return self.env.cr.rowcount

    def _count_to_give_back(self, handover):
        return self.env["hr.client.handover.transfer"].search_count(
            self._give_back_domain(handover)
        )

    def _give_back_domain(self, handover):
        return [
            ("handover_id", "=", handover.id),
            ("outcome", "=", "moved"),
            ("reverted_on", "=", False),
            ("note", "=", False),
        ]

    def _remaining(self, handovers):
        """Values still to move or to give back, for the cron's progress."""
        running = handovers.filtered(lambda h: h.transfer_state == "running")
        left = self.env["hr.client.handover.queue"].search_count(
            [("handover_id", "in", running.ids)]
        )
        for handover in handovers - running:
            left += self._count_to_give_back(handover)
        return left

    # ------------------------------------------------------------------
    # Running: batches over the queue or the ledger
    # ------------------------------------------------------------------
    def _run(self, handover, commit=False, max_batches=None):
        """Move (or give back) batch by batch until nothing is left.

        Returns 'done'; 'later' when only rows other transactions hold are left
        (retried by the background job); 'more' when `max_batches` batches are
        done and some are left; with `commit` (background), each batch is
        committed, 'paused' means the cron's time is up and 'busy' that another
        worker holds the handover.
        """
        if "handover_team_cache" not in self.env.context:
            return self._for_run()._run(
                handover, commit=commit, max_batches=max_batches
            )
        Cron = self.env["ir.cron"]
        cursor = 0
        # Batches that did something: one whose rows all were held elsewhere
        # does not count as a turn (the turn goes on to the next batch).
        batches = 0
        while True:
            result = self._step_retrying(handover, cursor, commit)
            if result == "busy":
                return "busy"  # another worker holds the handover: its turn
            if result == "over":
                return "done"  # finished (or cancelled) by another worker
            cursor, processed = result
            if cursor is None:
                break  # end of a pass over the queue
            if commit:
                if Cron._commit_progress(processed) <= 0:
                    return "paused"
                self.env.invalidate_all()
            else:
                self._flush_quietly()
                self.env.invalidate_all()
            batches += bool(processed)
            if max_batches and batches >= max_batches:
                return "more"
        if self._left(handover):
            return "later"
        if handover.transfer_state == "running":
            handover._on_transfer_end(self._moved(handover))
        else:
            handover._on_transfer_end(self._given_back(handover))
        if commit:
            Cron._commit_progress()
        return "done"

    def _for_run(self):
        """The engine with what a run reads once, not once per batch: the
        successors' teams (filled as they are met) and the batch size (a
        system parameter, to tune it)."""
        batch = self.env.context.get("handover_batch_size") or int(
            self.env["ir.config_parameter"].get_param(
                "hr_client_handover.transfer_batch_size", BATCH_SIZE
            )
        )
        return self.with_context(handover_team_cache={}, handover_batch_size=batch)

    def _left(self, handover):
        if handover.transfer_state == "running":
            return self.env["hr.client.handover.queue"].search_count(
                [("handover_id", "=", handover.id)], limit=1
            )
        return self._count_to_give_back(handover)

    def _step_retrying(self, handover, cursor, commit):
        """One batch; in the background a serialization failure or deadlock rolls
        the batch back and tries it again (the user never sees it). In the
        background, 'busy' when another worker holds the handover, 'over' when
        it no longer runs."""
        for attempt in range(RETRIES):
            try:
                if commit:
                    claim = self._lock_handover(handover)
                    if claim != "ok":
                        return claim
                return self._step(handover, cursor)
            except RETRYABLE as exc:
                if not commit or attempt == RETRIES - 1:
                    raise
                _logger.info(
                    "Handover %s: batch rolled back (%s), retrying", handover.id, exc
                )
                self.env.cr.rollback()
                self.env.invalidate_all(flush=False)
                time.sleep(0.1 * 2**attempt)
        return None

    def _lock_handover(self, handover):
        """Keep a second worker (or a click) off the handover for this batch:
        'ok' once locked, 'busy' when another transaction holds it (skipped, not
        waited for), 'over' when it no longer runs."""
        self.env.cr.execute(
            SQL(
                "SELECT transfer_state FROM hr_client_handover WHERE id = %s"
                " FOR NO KEY UPDATE SKIP LOCKED",
                handover.id,
            )
        )
        row = self.env.cr.fetchone()
        handover.invalidate_recordset(["transfer_state"])
        if not row:
            return "busy"
        return "ok" if row[0] in ("running", "reverting") else "over"

    def _turns(self, skip=()):
        """The handovers under way, in the order of the background job's next
        round, each with the size of its next batch: [(handover, size)].

        Transfers that have not committed a batch yet come first (in the order
        they were approved), with a first batch cut so that all of them
        together take about a twentieth of the work; the others follow in a
        shuffled order, so that every worker and every run of the job shares
        its turns between them instead of always starting with the same one.
        ``skip``: ids left out (only rows other transactions hold are left)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT h.id, h.transfer_total, h.transfer_state = 'running'"
                " AND NOT EXISTS (SELECT 1 FROM hr_client_handover_transfer t"
                "  WHERE t.handover_id = h.id AND t.reverted_on IS NULL)"
                " FROM hr_client_handover h"
                " WHERE h.transfer_state IN ('running', 'reverting')"
                " AND h.id != ALL(%s) ORDER BY h.id",
                list(skip),
            )
        )
        rows = cr.fetchall()
        batch = self.env.context["handover_batch_size"]
        opening = batch
        unopened = [row for row in rows if row[2]]
        if len(rows) > 1 and unopened:
            share = sum(row[1] or 0 for row in rows) // (OPENING_SHARE * len(unopened))
            opening = min(batch, max(OPENING_MIN, share))
        opened = [row for row in rows if not row[2]]
        random.shuffle(opened)
        Handover = self.env["hr.client.handover"]
        return [(Handover.browse(row[0]), opening) for row in unopened] + [
            (Handover.browse(row[0]), batch) for row in opened
        ]

    def _step(self, handover, cursor):
        """One batch after `cursor`: (new cursor, values processed), or
        (None, 0) at the end of the pass."""
        if handover.transfer_state == "running":
            return self._move_step(handover, cursor)
        return self._give_back_step(handover, cursor)

    def _batch_after(self, handover, cursor, query):
        """The rows of one batch: ``query`` takes the handover, the cursor (the
        last id done) and the batch size, in that order."""
        self.env.cr.execute(
            SQL(
                query,
                handover.id,
                cursor,
                self.env.context["handover_batch_size"],
            )
        )
        return self.env.cr.fetchall()

    def _move_step(self, handover, cursor):
        # The batch is cut from the queue before the join: the cost of a batch
        # never depends on what is left behind it.
        rows = self._batch_after(
            handover,
            cursor,
            "SELECT q.id, q.rule_id, q.res_id, q.line_id, l.successor_id"
            " FROM (SELECT id, rule_id, res_id, line_id"
            "  FROM hr_client_handover_queue"
            "  WHERE handover_id = %s AND id > %s ORDER BY id LIMIT %s"
            "  FOR UPDATE SKIP LOCKED) q"
            " JOIN hr_client_handover_line l ON l.id = q.line_id ORDER BY q.id",
        )
        if not rows:
            return None, 0
        by_rule = defaultdict(list)
        for _qid, rule_id, res_id, line_id, successor_id in rows:
            by_rule[rule_id].append((res_id, line_id, successor_id))
        settled = set()
        moved = 0
        Rule = self.env["hr.client.handover.rule"]
        for rule_id, items in by_rule.items():
            done_ids, count = self._move_rule_batch(
                handover, Rule.browse(rule_id), items
            )
            settled.update((rule_id, res_id) for res_id in done_ids)
            moved += count
        finished = [row[0] for row in rows if (row[1], row[2]) in settled]
        if finished:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM hr_client_handover_queue WHERE id IN %s",
                    tuple(finished),
                )
            )
        return rows[-1][0], moved

    def _lock_current(self, model, ids, columns):
        """{id: (column values…)} of the rows nobody else is writing, locked; and
        the ids locked by another transaction (deleted rows are in neither)."""
        Model = self.env[model]
        table = SQL.identifier(Model._table)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id IN %s ORDER BY id"
                " FOR NO KEY UPDATE SKIP LOCKED",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                table,
                tuple(ids),
            )
        )
        rows = cr.fetchall()
        current = {row[0]: row[1:] for row in rows}
        if rows:
            # What was just read under the lock is what the write's overrides
            # compare with (a lead's owner, …): in the cache, they do not
            # read every column of the batch's records again for it.
            locked = Model.browse(list(current))
            for index, column in enumerate(columns, 1):
                Model._fields[column]._insert_cache(
                    locked, [row[index] for row in rows]
                )
        busy = set()
        missing = [rid for rid in ids if rid not in current]
        if missing:
            cr.execute(SQL("SELECT id FROM %s WHERE id IN %s", table, tuple(missing)))
            busy = {row[0] for row in cr.fetchall()}
        return current, busy

    def _team_for(self, successor, team_id, company):
        """A team of the record's company the successor belongs to: the record's
        own when they are a member, else their default team (when of the same
        company), else the record keeps its team."""
        if team_id and team_id in self._teams_of(successor):
            return team_id
        default = successor.sale_team_id
        if default and default.company_id in (company, company.browse()):
            return default.id
        return team_id

    def _teams_of(self, successor):
        cache = self.env.context.get("handover_team_cache")
        key = successor.id
        if cache is not None and key in cache:
            return cache[key]
        teams = set(successor.crm_team_ids.ids) | set(
            self.env["crm.team"].search([("user_id", "=", successor.id)]).ids
        )
        if cache is not None:
            cache[key] = teams
        return teams

    def _move_rule_batch(self, handover, rule, items):
        """Move the records of one rule in `items` [(res_id, line_id, successor)].
        Returns (ids settled, i.e. moved, kept or deleted; number moved)."""
        departing = handover.departing_user_id
        Model = self.env[rule.model]
        columns = [rule.user_field] + ([rule.team_field] if rule.team_field else [])
        Model.flush_model(columns)
        current, busy = self._lock_current(
            rule.model, [res_id for res_id, *_rest in items], columns
        )
        owners = {departing.id, None} if rule.include_unassigned else {departing.id}
        groups = defaultdict(list)
        ledger = []
        settled = []
        kept_note = self.env._("Not moved: changed during the transfer")
        for res_id, line_id, successor_id in items:
            if res_id in busy:
                continue
            settled.append(res_id)
            if res_id not in current:
                continue  # deleted meanwhile
            owner, *team = current[res_id]
            team_id = team[0] if team else None
            if owner not in owners:
                # Someone changed the owner after the selection: their edit
                # stands, and the ledger says so.
                ledger.append(
                    (line_id, rule.id, res_id, departing.id, owner, team_id, team_id)
                    + ("kept", False, False, kept_note)
                )
                continue
            groups[(successor_id, team_id, owner)].append((res_id, line_id))
        company = handover.company_id
        moved = 0
        Users = self.env["res.users"]
        by_write = defaultdict(list)
        written = []
        for (successor_id, team_id, owner), pairs in groups.items():
            successor = Users.browse(successor_id)
            new_team = (
                self._team_for(successor, team_id, company) if rule.team_field else None
            )
            by_write[(successor_id, new_team, team_id, owner)].extend(pairs)
        for (successor_id, new_team, old_team, owner), pairs in by_write.items():
            ids = [res_id for res_id, _line in pairs]
            records = self._write_owner(
                Model.browse(ids),
                rule,
                successor_id,
                new_team if (new_team or None) != (old_team or None) else -1,
            )
            from_user = Users.browse(owner) if owner else Users
            added, removed = self._log_and_follow(
                handover, rule, records, from_user, Users.browse(successor_id)
            )
            ledger.extend(
                (line_id, rule.id, res_id, owner, successor_id, old_team, new_team)
                + ("moved", res_id in added, res_id in removed, None)
                for res_id, line_id in pairs
            )
            moved += len(ids)
            written.extend(ids)
        # Recompute what depends on the moved values now, as the engine
        # (superuser), not later in the caller's environment at commit time.
        self._flush_quietly(Model.browse(written))
        self._insert_ledger(handover, rule.model, rule.user_field, ledger)
        return settled, moved

    def _write_owner(self, records, rule, user_id, team_id, field_name=None):
        """Write the owner of `records` (and their team, unless `team_id` is -1:
        the team stays), quietly. A team that stays is not computed again from
        the new owner, nor is what follows from the owner only through it (a
        lead's stage, its probability…)."""
        records = records.with_context(active_test=False, **self._quiet_context())
        field_name = field_name or rule.user_field
        values = {field_name: user_id or False}
        if rule and rule.team_field and team_id != -1:
            values[rule.team_field] = team_id or False
        if not rule or not rule.team_field or team_id != -1:
            records.write(values)
            return records
        with self.env.protecting(
            self._team_only_fields(records._name, field_name, rule.team_field),
            records,
        ):
            records.write(values)
        return records

    @tools.ormcache("model_name", "user_field", "team_field")
    def _team_only_fields(self, model_name, user_field, team_field):
        """The team field and the fields of the model that depend on the owner
        only through the team (from the registry's dependencies)."""
        Model = self.env[model_name]
        registry = Model.pool
        team = Model._fields[team_field]
        follow_owner = {user_field}
        grown = True
        while grown:
            grown = False
            for field in Model._fields.values():
                if (
                    field.compute
                    and field.name not in follow_owner
                    and field is not team
                    and any(
                        path.split(".")[0] in follow_owner
                        for path in registry.field_depends[field]
                    )
                ):
                    follow_owner.add(field.name)
                    grown = True
        return (team,) + tuple(
            field
            for field in registry.get_dependent_fields(team)
            if field.model_name == model_name and field.name not in follow_owner
        )

    def _log_and_follow(
        self, handover, rule, records, from_user, to_user, note=None, unfollow=None
    ):
        """Chatter line and follower change of a batch, in bulk.

        Equivalent of ``_message_log_batch`` + ``message_subscribe`` +
        ``message_unsubscribe`` with one statement each per batch instead of one
        ORM create per message and follower. `to_user` follows every record;
        `from_user` stops following the records of `unfollow` (default: all of
        them when the template says so). Returns (ids where `to_user` was added,
        ids where `from_user` was removed).
        """
        if not hasattr(records, "_message_log_batch") or not records:
            return set(), set()
        ids = list(records.ids)
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
        added = set()
        if to_user.partner_id:
            subtypes = self.env["mail.message.subtype"]._default_subtypes(
                records._name
            )[0]
            cr.execute(
                SQL(
                    "INSERT INTO mail_followers (res_model, res_id, partner_id)"
                    " SELECT %s, unnest(%s::int[]), %s"
                    " ON CONFLICT (res_model, res_id, partner_id) DO NOTHING"
                    " RETURNING id, res_id",
                    records._name,
                    ids,
                    to_user.partner_id.id,
                )
            )
            rows = cr.fetchall()
            added = {row[1] for row in rows}
            if rows and subtypes:
                cr.execute(
                    SQL(
                        "INSERT INTO mail_followers_mail_message_subtype_rel"
                        " (mail_followers_id, mail_message_subtype_id)"
                        " SELECT f, s FROM unnest(%s::int[]) f, unnest(%s::int[]) s",
                        [row[0] for row in rows],
                        list(subtypes),
                    )
                )
        if unfollow is None:
            unfollow = ids if handover.template_id.unsubscribe_departing else []
        removed = set()
        if unfollow and from_user.partner_id:
            cr.execute(
                SQL(
                    "DELETE FROM mail_followers WHERE res_model = %s"
                    " AND res_id = ANY(%s::int[]) AND partner_id = %s RETURNING res_id",
                    records._name,
                    list(unfollow),
                    from_user.partner_id.id,
                )
            )
            removed = {row[0] for row in cr.fetchall()}
        self.env["mail.followers"].invalidate_model()
        records.invalidate_recordset(["message_follower_ids", "message_partner_ids"])
        return added, removed

    def _insert_notes(self, model, res_ids, body):
        """One internal note per record, inserted in bulk (a _message_log_batch
        without the per-message ORM overhead), through the cursor."""
        author = self.env.user.partner_id
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                "INSERT INTO mail_message (model, res_id, body, message_type,"
                " subtype_id, author_id, email_from, is_internal, date, message_id,"
                " create_uid, write_uid, create_date, write_date)"
                " SELECT %(model)s, r, %(body)s, 'notification', %(subtype)s,"
                " %(author)s, %(email)s, TRUE, %(now)s, m, %(uid)s, %(uid)s,"
                " %(now)s, %(now)s"
                " FROM unnest(%(ids)s::int[], %(mids)s::varchar[]) AS u(r, m)",
                model=model,
                body=body,
                subtype=subtype_id,
                author=author.id,
                email=author.email_formatted or None,
                now=now,
                uid=self.env.uid,
                ids=list(res_ids),
                mids=[generate_tracking_message_id("handover") for _id in res_ids],
            )
        )
        self.env["mail.message"].invalidate_model()

    def _flush_quietly(self, records=None):
        """Flush and recompute what the moved values change, with tracking off:
        a computed field that follows the owner (team, stage, probability…) is
        not tracked record by record either, the batch's chatter line says it.
        What `records` (the ones the batch wrote, of one model) wait to have
        written is written first by the engine itself (``_write_pending``)."""
        env = self.with_context(**self._quiet_context()).env
        if records:
            env._recompute_all()
            self.with_env(env)._write_pending(records.with_env(env))
        env.flush_all()

    def _write_pending(self, records):
        """Write what `records` wait to have written (their owner and team, the
        magic fields, and what was computed again from them) with one ``UPDATE
        … WHERE id = ANY(…)`` per set of values, as the ORM's flush would
        write it but without its one statement per 100 records, each with its
        own row of values: a batch gives thousands of records one owner.

        The ORM's write has run (the model's overrides, constraints, what
        depends on the values marked to compute again): only its flush is
        done here, with the same columns, values and magic fields, and the
        values in the cache are the ones written. What the ORM writes with
        SQL of its own (translated, company-dependent or non-scalar columns, a
        parent path, a model with its own ``_write_multi``) and a record whose
        values no other shares are left to the ORM's flush."""
        Model = records.browse()
        if (
            len(records) < 2
            or Model._parent_store
            or type(Model)._write_multi is not models.BaseModel._write_multi
        ):
            return
        dirty = self.env._field_dirty
        ids = set(records._ids)
        pending = [
            (field, dirty_ids)
            for field in Model._fields.values()
            if (dirty_ids := dirty.get(field))
            and field.column_type
            and not field.translate
            and not field.company_dependent
            and not ids.isdisjoint(dirty_ids)
        ]
        groups = defaultdict(list)
        for id_ in records._ids:
            record = Model.browse(id_)
            key = []
            for field, dirty_ids in pending:
                if id_ in dirty_ids:
                    value = field.get_column_update(record)
                    if isinstance(
                        value, int | str | float | bool | type(None)
                    ) or hasattr(value, "isoformat"):
                        key.append((field, value))
            if key:
                groups[tuple(key)].append(id_)
        now = self.env.cr.now()
        for key, group_ids in groups.items():
            if len(group_ids) < 2:
                continue
            values = {field.name: value for field, value in key}
            if Model._log_access:
                values = {"write_uid": self.env.uid, "write_date": now} | values
            self.env.execute_query(
                SQL(
                    "UPDATE %s SET %s WHERE id = ANY(%s)",
                    SQL.identifier(Model._table),
                    SQL(", ").join(
                        SQL(
                            "%s = %s::%s",
                            SQL.identifier(fname),
                            value,
                            SQL(Model._fields[fname].column_type[1]),
                        )
                        for fname, value in sorted(values.items())
                    ),
                    sorted(group_ids),
                )
            )
            for field, _value in key:
                dirty_ids = dirty[field]
                dirty_ids.difference_update(group_ids)
                if not dirty_ids:
                    del dirty[field]

    @api.model
    def _quiet_context(self):
        return {
            "tracking_disable": True,
            "mail_notrack": True,
            "mail_auto_subscribe_no_notify": True,
            "mail_activity_quick_update": True,
            "mail_create_nosubscribe": True,
            "handover_transfer": True,
        }

    def _insert_ledger(self, handover, model, field_name, rows):
        """Bulk insert of ledger rows (our own table: no computed fields), one
        statement through the cursor. Row: (line, rule, res_id, old user, new
        user, old team, new team, outcome, follower added, follower removed,
        note)."""
        if not rows:
            return
        now = fields.Datetime.now()
        cols = list(zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                "INSERT INTO hr_client_handover_transfer (%(columns)s, transferred_on,"
                " company_id, create_uid, write_uid, create_date, write_date)"
                " SELECT %(h)s, u.line, u.rule, %(model)s, u.res, %(field)s, u.ou,"
                " u.nu, u.ot, u.nt, u.outcome, u.fa, u.fr, u.note, %(now)s,"
                " %(company)s, %(uid)s, %(uid)s, %(now)s, %(now)s"
                " FROM unnest(%(line)s::int[], %(rule)s::int[], %(res)s::int[],"
                " %(ou)s::int[], %(nu)s::int[], %(ot)s::int[], %(nt)s::int[],"
                " %(outcome)s::varchar[], %(fa)s::bool[], %(fr)s::bool[],"
                " %(note)s::varchar[])"
                " AS u(line, rule, res, ou, nu, ot, nt, outcome, fa, fr, note)",
                columns=SQL(", ").join(SQL.identifier(c) for c in LEDGER_COLUMNS),
                h=handover.id,
                model=model,
                field=field_name,
                now=now,
                company=handover.company_id.id,
                uid=self.env.uid,
                line=list(cols[0]),
                rule=list(cols[1]),
                res=list(cols[2]),
                ou=list(cols[3]),
                nu=list(cols[4]),
                ot=list(cols[5]),
                nt=list(cols[6]),
                outcome=list(cols[7]),
                fa=list(cols[8]),
                fr=list(cols[9]),
                note=list(cols[10]),
            )
        )
        self.env["hr.client.handover.transfer"].invalidate_model()
        # The handover's stored counter of moved values, added to in SQL: the
        # engine holds the handover's lock while it runs a batch.
        moved = sum(1 for outcome in cols[7] if outcome == "moved")
        if moved:
            self.env.cr.execute(
                SQL(
                    "UPDATE hr_client_handover SET transfer_done ="
                    " COALESCE(transfer_done, 0) + %s WHERE id = %s",
                    moved,
                    handover.id,
                )
            )
            handover.invalidate_recordset(["transfer_done", "transfer_progress"])

    def _moved(self, handover):
        """What the transfer of ``handover`` moved: {"moved": {successor:
        [(model's name, count)]}}, models in the order of their technical names."""
        Transfer = self.env["hr.client.handover.transfer"]
        counts = Transfer._read_group(
            [
                ("handover_id", "=", handover.id),
                ("reverted_on", "=", False),
                ("outcome", "=", "moved"),
            ],
            ["new_user_id", "res_model"],
            ["__count"],
        )
        per_user = defaultdict(dict)
        for user, model, count in counts:
            per_user[user][model] = count
        return {
            "moved": {
                user: [
                    (self.env["ir.model"]._get(model).name, count)
                    for model, count in sorted(by_model.items())
                ]
                for user, by_model in per_user.items()
            }
        }

    # ------------------------------------------------------------------
    # Giving back
    # ------------------------------------------------------------------
    def _give_back_step(self, handover, cursor):
        """Give back one batch of ledger rows after `cursor`, wherever the value is
        still what the handover set; a changed value is kept, with a note."""
        self.env["hr.client.handover.transfer"].flush_model()
        rows = self._batch_after(
            handover,
            cursor,
            "SELECT t.id, t.res_model, t.field_name, t.rule_id, t.res_id,"
            " t.old_user_id, t.new_user_id, t.old_team_id, t.new_team_id,"
            " t.follower_added"
            " FROM hr_client_handover_transfer t"
            " WHERE t.handover_id = %s AND t.id > %s AND t.outcome = 'moved'"
            " AND t.reverted_on IS NULL AND t.note IS NULL"
            " ORDER BY t.id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED",
        )
        if not rows:
            return None, 0
        groups = defaultdict(list)
        for row in rows:
            groups[row[1:4]].append(row)
        returned = 0
        for (model, field_name, rule_id), group in groups.items():
            if model in self.env:
                rule = self.env["hr.client.handover.rule"].browse(rule_id).exists()
                returned += self._give_back_group(
                    handover, model, field_name, rule, group
                )
        return rows[-1][0], returned

    def _give_back_group(self, handover, model, field_name, rule, rows):
        team_field = rule.team_field if rule else False
        columns = [field_name] + ([team_field] if team_field else [])
        Model = self.env[model]
        Model.flush_model(columns)
        current, busy = self._lock_current(model, [row[4] for row in rows], columns)
        kept = []
        writes = defaultdict(list)  # (old user, new user, old team or -1) -> rows
        for row in rows:
            _tid, _m, _f, _r, res_id, old_user, new_user, old_team, new_team, _fa = row
            if res_id in busy:
                continue  # retried in a later pass
            values = current.get(res_id)
            if values is None or values[0] != new_user:
                kept.append(row[0])
                continue
            restore_team = bool(
                team_field
                and new_team
                and values[1] == new_team
                and (old_team or None) != new_team
            )
            key = (old_user, new_user, old_team if restore_team else -1)
            writes[key].append(row)
        cr = self.env.cr
        if kept:
            cr.execute(
                SQL(
                    "UPDATE hr_client_handover_transfer SET note = %s"
                    " WHERE id IN %s",
                    self.env._("Kept: changed after the handover"),
                    tuple(kept),
                )
            )
        Users = self.env["res.users"]
        now = fields.Datetime.now()
        note = (
            self.env._("handover %(ref)s reverted", ref=handover.name)
            if handover.revert_reason != "return"
            else self.env._("back from leave, handover %(ref)s", ref=handover.name)
        )
        returned = 0
        written = []
        for (old_user, new_user, old_team), group in writes.items():
            records = self._write_owner(
                Model.browse([row[4] for row in group]),
                rule,
                old_user,
                old_team,
                field_name=field_name,
            )
            cr.execute(
                SQL(
                    "UPDATE hr_client_handover_transfer SET reverted_on = %s"
                    " WHERE id IN %s",
                    now,
                    tuple(row[0] for row in group),
                )
            )
            returned += len(group)
            written.extend(records.ids)
            if rule and model != "mail.activity":
                self._log_and_follow(
                    handover,
                    rule,
                    records,
                    Users.browse(new_user),
                    Users.browse(old_user) if old_user else Users,
                    note=note,
                    unfollow=[row[4] for row in group if row[9]],
                )
        self._flush_quietly(Model.browse(written))
        self.env["hr.client.handover.transfer"].invalidate_model()
        return returned

    def _given_back(self, handover):
        """What the revert of ``handover`` did: {"returned": values given back,
        "kept": values left with the successors because they changed since}."""
        Transfer = self.env["hr.client.handover.transfer"]
        base = [("handover_id", "=", handover.id), ("outcome", "=", "moved")]
        return {
            "returned": Transfer.search_count(base + [("reverted_on", "!=", False)]),
            "kept": Transfer.search_count(base + [("reverted_on", "=", False)]),
        }

    # ------------------------------------------------------------------
    # Figures shown on the customer lines
    # ------------------------------------------------------------------
    def _line_stats(self, lines):
        """{line id: {model: count, 'expected_revenue': amount}} with one grouped
        read per model and handover, never one query per line."""
        stats = defaultdict(lambda: defaultdict(float))
        lines = lines.filtered("id")
        for handover, handover_lines in lines.grouped("handover_id").items():
            if handover.transfer_state != "pending":
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
                " WHERE t.line_id IN %s AND t.outcome = 'moved'"
                " GROUP BY t.line_id, t.res_model",
                tuple(lines.ids),
            )
        )
        for line_id, model, count, revenue in self.env.cr.fetchall():
            stats[line_id][model] = count
            if revenue:
                stats[line_id]["expected_revenue"] += revenue

    def _live_stats(self, handover, lines, stats):
        """Before the transfer: the departing user's records of each customer
        as the transfer rules select them, and their activities on the
        customer, its contacts and those records."""
        departing = handover.departing_user_id
        if not departing:
            return
        line_of = {line.partner_id.id: line.id for line in lines}
        # As superuser: the engine moves every contact of the customers, which the
        # caller may not read (the policy checked the caller).
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for contact in Partner.search_fetch(
            [("commercial_partner_id", "in", list(line_of))], ["commercial_partner_id"]
        ):
            line_of.setdefault(contact.id, line_of[contact.commercial_partner_id.id])
        partner_ids = list(line_of)
        # {model: {record id: line id}}: what each rule selects, each record once
        # even when two rules of its model select it.
        selected = defaultdict(dict)
        # The figures tell whoever reads the line what the engine (superuser)
        # will move: rules and records are read as the engine reads them.
        Rule = self.env["hr.client.handover.rule"].sudo()
        for rule in Rule._for_scope("partner"):
            partner_field = rule.partner_field
            # The deals' expected revenue is summed with their count.
            revenue = rule.model == "crm.lead"
            for record in (
                self.env[rule.model]
                # (sudo: the records, as the engine reads them, see above.)
                .sudo()
                .search_fetch(
                    # The handover's selection, as ``_enqueue`` makes it.
                    rule._selection_domain(departing, handover)
                    + [(partner_field, "in", partner_ids)],
                    [partner_field] + (["expected_revenue"] if revenue else []),
                )
            ):
                if record.id in selected[rule.model]:
                    continue
                line_id = line_of[record[partner_field].id]
                selected[rule.model][record.id] = line_id
                stats[line_id][rule.model] += 1
                if revenue:
                    stats[line_id]["expected_revenue"] += record.expected_revenue
        # Activities follow the customer and its contacts, and what moves.
        targets = {**selected, "res.partner": line_of}
        for rule in Rule._for_scope("moved_records"):
            for model, by_id in targets.items():
                if not by_id:
                    continue
                for activity in (
                    self.env[rule.model]
                    # (sudo: the activities, as the engine reads them, see above.)
                    .sudo()
                    .search_fetch(
                        rule._selection_domain(departing)
                        + [("res_model", "=", model), ("res_id", "in", list(by_id))],
                        ["res_id"],
                    )
                ):
                    if activity.id not in selected[rule.model]:
                        selected[rule.model][activity.id] = by_id[activity.res_id]
                        stats[by_id[activity.res_id]][rule.model] += 1
