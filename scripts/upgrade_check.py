"""Upgrading hr_client_handover from the previous release (``make test-upgrade``).

``prepare CONFIG DATABASE OUT_JSON``: on a database where the previous release
is installed with its demo data (CONFIG's addons path holds that release),
brings more handovers into every stage through that release's own buttons, each
pressed by the user holding the role: one in every stage from the plan review to
Done (its summary PDF filed), a cancelled one whose transfer was reverted, a
leave that is over, and one whose transfer runs in the background, left after
its first batch. Writes the scenario and a snapshot of the addon's stored data
(counts and checksums) to OUT_JSON.

``check CONFIG DATABASE BEFORE_JSON UPGRADE_LOG``: after ``-u`` to the working
tree, checks the upgrade log, that the snapshot is unchanged (what a migration
adds by design aside, checked as added), that the background transfer
completes, that every open handover goes on to Done with the current buttons as
the policy asks now, and that a done handover's ledger reverts. Prints
``upgrade: N passed, M failed``.

Only SQL reads the snapshot (and the signature images through the ORM, where
each release keeps them), so the same code serves both releases.
"""

# The script commits what it prepares and each step it checks, on a database
# of its own that make test-upgrade drops afterwards.
# pylint: disable=invalid-commit
import base64
import hashlib
import json
import re
import sys
import traceback
from datetime import date, timedelta

from checks import Verdicts, configure

ADDON = "hr_client_handover"
# What must survive the upgrade unchanged: (name, table, rows). Every column the
# previous release had is compared, except the write stamps (an upgrade may
# legitimately rewrite a row with the same values).
TABLES = [
    ("handovers", "hr_client_handover", "TRUE"),
    ("lines", "hr_client_handover_line", "TRUE"),
    ("checklist items", "hr_client_handover_item", "TRUE"),
    # The 19.0.1.8.0 migration requests the signatures of the visit sheet and
    # of the phone check from the handovers already in these stages, by design:
    # they are left out here and checked as added (_check_sheet_signatures).
    (
        "signatures",
        "hr_client_handover_signature",
        "NOT EXISTS (SELECT 1 FROM hr_client_handover handover"
        " WHERE handover.id = hr_client_handover_signature.handover_id"
        " AND handover.state = hr_client_handover_signature.stage"
        " AND handover.state IN ('visits', 'verification'))",
    ),
    ("ledger rows", "hr_client_handover_transfer", "TRUE"),
    (
        "filed attachments",
        "ir_attachment",
        "res_model LIKE 'hr.client.handover%%' AND res_field IS NULL",
    ),
    # The 19.0.1.3.0 migration schedules the visit activities of the handovers
    # in the visits stage (the departing employee's, a waiver to decide, the
    # witness's) by design: their activities and messages are left out.
    (
        "activities",
        "mail_activity",
        "res_model LIKE 'hr.client.handover%%' AND NOT (res_model = "
        "'hr.client.handover' AND res_id IN (SELECT id FROM hr_client_handover"
        " WHERE state = 'visits'))",
    ),
    (
        "chatter messages",
        "mail_message",
        "model LIKE 'hr.client.handover%%' AND NOT (model = 'hr.client.handover'"
        " AND res_id IN (SELECT id FROM hr_client_handover WHERE state = 'visits'))",
    ),
]
SKIPPED_COLUMNS = {"write_date", "write_uid"}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")

# The handovers prepare adds, one departing salesperson each: (key, target
# stage, handover type). Every stage from draft to done is covered together with
# the demo's own four handovers (draft, plan approval, visits, done).
SCENARIO = [
    ("plan_review", "plan_review", "resignation"),
    ("materials", "materials", "resignation"),
    ("verification", "verification", "resignation"),
    ("summary", "summary", "resignation"),
    ("summary_review", "summary_review", "resignation"),
    ("summary_approval", "summary_approval", "resignation"),
    ("done", "done", "resignation"),
    ("leave_over", "done", "leave"),
    ("cancelled", "materials", "resignation"),
    ("to_cancel", "materials", "resignation"),
    ("background", "materials", "resignation"),
]
CUSTOMERS = 3
BACKGROUND_CUSTOMERS = 6
SUMMARY = (
    "<h2>Customer handover summary</h2><p>Every customer met the new account "
    "manager; nothing is left open.</p>"
)


def connect(conf, db):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    configure(conf, db)
    registry = Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, odoo.SUPERUSER_ID, {})


# ----------------------------------------------------------------------------
# Snapshot (works on either release)
# ----------------------------------------------------------------------------
def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s ORDER BY column_name",
        [table],
    )
    return [row[0] for row in cr.fetchall() if row[0] not in SKIPPED_COLUMNS]


def _translated_columns(cr, table):
    """The columns of `table` Odoo keeps translated (jsonb)."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND data_type = 'jsonb'",
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def _table_sums(cr, table, where, columns):
    """{column: md5 of its values in id order}, {id: md5 of the row}."""
    from odoo.tools import SQL

    if not columns:
        return {}, {}
    # A column made translatable (a checklist item's description) turns from
    # text into {lang: text}: its English text is what the release stored.
    translated = _translated_columns(cr, table)
    values = [
        SQL("coalesce(%s->>'en_US', '<null>')", SQL.identifier(col))
        if col in translated
        else SQL("coalesce(%s::text, '<null>')", SQL.identifier(col))
        for col in columns
    ]
    rows = SQL("FROM %s WHERE %s", SQL.identifier(table), SQL(where))
    cr.execute(
        SQL(
            "SELECT %s %s",
            SQL(", ").join(
                SQL("md5(string_agg(%s, '|' ORDER BY id))", value) for value in values
            ),
            rows,
        )
    )
    sums = dict(zip(columns, cr.fetchone(), strict=True))
    cr.execute(
        SQL("SELECT id, md5(%s) %s ORDER BY id", SQL(" || '|' || ").join(values), rows)
    )
    return sums, {str(rid): digest for rid, digest in cr.fetchall()}


def snapshot(env, columns=None):
    """Counts and checksums of what the addon stores. `columns`: the columns to
    read per table (default: all of them now)."""
    from odoo.tools import SQL

    cr = env.cr
    env.flush_all()
    result = {}
    for name, table, where in TABLES:
        cols = columns[name] if columns else _columns(cr, table)
        cols = [col for col in cols if col in set(_columns(cr, table))]
        sums, rows = _table_sums(cr, table, where, cols)
        result[name] = {"columns": cols, "sums": sums, "rows": rows}
    # Signature images, by content, wherever the release keeps them (an
    # attachment before 19.0.1.1.0, a column since).
    images = {}
    signatures = (
        env["hr.client.handover.signature"]
        .sudo()
        .with_context(bin_size=False, active_test=False)
        .search([])
    )
    for sig in signatures:
        value = sig.signature
        if value:
            images[str(sig.id)] = hashlib.md5(base64.b64decode(value)).hexdigest()
    result["signature images"] = {"rows": images}
    # The owner of every value the ledger moved.
    cr.execute(
        "SELECT DISTINCT res_model, res_id, field_name"
        " FROM hr_client_handover_transfer ORDER BY 1, 2, 3"
    )
    owners = {}
    for model, res_id, field in cr.fetchall():
        cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE id = %s",
                SQL.identifier(field),
                SQL.identifier(model.replace(".", "_")),
                res_id,
            )
        )
        row = cr.fetchone()
        owners[f"{model},{res_id},{field}"] = str(row[0]) if row else "gone"
    result["owners of moved records"] = {"rows": owners}
    return result


# ----------------------------------------------------------------------------
# prepare (previous release)
# ----------------------------------------------------------------------------
def _salesperson(env, key, customers):
    """A salesperson of the demo's East China department with `customers`
    customers, each with a contact, an open opportunity, a quotation and an
    activity of theirs."""
    ref = env.ref
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": f"Upgrade {key}",
                "login": f"upgrade.{key}",
                "password": f"upgrade.{key}",
                "email": f"upgrade.{key}@example.com",
                "company_id": ref("base.main_company").id,
                "company_ids": [(6, 0, ref("base.main_company").ids)],
                "group_ids": [
                    (
                        6,
                        0,
                        [
                            ref("base.group_user").id,
                            ref("sales_team.group_sale_salesman").id,
                        ],
                    )
                ],
            }
        )
    )
    team = ref("sales_team.team_sales_department")
    env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id})
    employee = env["hr.employee"].create(
        {
            "name": f"Upgrade {key}",
            "user_id": user.id,
            "company_id": ref("base.main_company").id,
            "department_id": ref(f"{ADDON}.dep_east_china_sales").id,
            "parent_id": ref(f"{ADDON}.employee_zhang_wei").id,
        }
    )
    stage = ref("crm.stage_lead2")
    for number in range(1, customers + 1):
        customer = env["res.partner"].create(
            {
                "name": f"Upgrade {key} Customer {number} Ltd",
                "is_company": True,
                "user_id": user.id,
                "email": f"c{number}.{key}@example.com",
            }
        )
        env["res.partner"].create(
            {
                "name": f"Contact {number} of {key}",
                "parent_id": customer.id,
                "user_id": user.id,
            }
        )
        env["crm.lead"].create(
            {
                "name": f"Deal {number} of {key}",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": user.id,
                "team_id": team.id,
                "stage_id": stage.id,
                "expected_revenue": 10000 * number,
            }
        )
        env["sale.order"].create(
            {"partner_id": customer.id, "user_id": user.id, "team_id": team.id}
        )
        customer.activity_schedule(
            "mail.mail_activity_data_call",
            user_id=user.id,
            summary=f"Call customer {number}",
        )
    return employee


def prepare(conf, db, out_path):
    env = connect(conf, db)
    ref = env.ref
    cr = env.cr
    today = date.today()
    company = ref("base.main_company")
    Demo = env["hr.client.handover.demo"]
    successors = [ref(f"{ADDON}.user_zhao_min").id, ref(f"{ADDON}.user_sun_hao").id]
    handovers = {}
    # wkhtmltopdf asks this port, where nothing listens, for the reports' styles
    # (and prints without them), not another Odoo server this machine may run.
    env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
    # The previous release may name the deadline by its name before 19.0.1.11.0.
    last_day = next(
        name
        for name in ("last_working_date", "last_working_day")
        if name in env["hr.client.handover"]._fields
    )
    for key, target, kind in SCENARIO:
        employee = _salesperson(
            env, key, BACKGROUND_CUSTOMERS if key == "background" else CUSTOMERS
        )
        values = {
            "employee_id": employee.id,
            "handover_type": kind,
            "reason": f"Upgrade scenario: {key}",
            "notice_date": today - timedelta(days=30),
            last_day: today + timedelta(days=10),
        }
        if kind == "leave":
            values[last_day] = today - timedelta(days=5)
            values["return_date"] = today
        handover = env["hr.client.handover"].create(values)
        cr.commit()
        if key == "background":
            # Larger than the company's background threshold: the approval
            # returns at once and leaves the transfer to the scheduled action.
            company.handover_async_threshold = 5
        story = {"successors": successors, "summary": SUMMARY}
        Demo._walk(handover.id, target, **story)
        if key == "background":
            company.handover_async_threshold = 2000
            # One batch of the background job, as if the server stopped after it.
            env["hr.client.handover.engine"]._run(handover, max_batches=1)
        if key == "cancelled":
            wizard = (
                env["hr.client.handover.cancel"]
                .with_user(handover.supervisor_id)
                .create({"handover_id": handover.id, "reason": "The employee stays"})
            )
            wizard.revert_transfer = True
            wizard.action_cancel_handover()
        env.flush_all()
        cr.commit()
        handovers[key] = handover.id
    for xmlid in ("wang_lei", "wu_gang", "zhou_ting", "zheng_xue"):
        handovers[f"demo_{xmlid}"] = ref(f"{ADDON}.handover_{xmlid}").id
    for handover in env["hr.client.handover"].search([], order="id"):
        sys.stdout.write(
            f"  {handover.name}: {handover.state}, transfer "
            f"{handover.transfer_state} ({handover.transfer_done} of "
            f"{handover.transfer_total} moved)"
            f"{', summary filed' if handover.summary_attachment_id else ''}\n"
        )
    cr.execute(
        "SELECT state, transfer_state, summary_attachment_id IS NOT NULL"
        " FROM hr_client_handover"
    )
    stages = sorted(
        {
            f"{state}, transfer {transfer}" + (", filed" if filed else "")
            for state, transfer, filed in cr.fetchall()
        }
    )
    data = {"handovers": handovers, "stages": stages, "snapshot": snapshot(env)}
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True)
    cr.close()
    return 0


# ----------------------------------------------------------------------------
# check (working tree)
# ----------------------------------------------------------------------------
def _log_problems(log_path):
    """(errors and tracebacks, warnings) of an Odoo log, one line each."""
    errors, warnings = [], []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE.match(line)
            if match and match.group(1) in ("ERROR", "CRITICAL"):
                errors.append(line.strip())
            elif match and match.group(1) == "WARNING":
                warnings.append(line.strip())
            elif line.startswith("Traceback"):
                errors.append(line.strip())
    return errors, warnings


def _compare(name, before, after):
    """'' when equal, else what differs."""
    old_rows, new_rows = before["rows"], after["rows"]
    problems = []
    gone = sorted(set(old_rows) - set(new_rows), key=str)
    if gone:
        problems.append(f"{len(gone)} gone (ids {', '.join(gone[:8])})")
    changed = [
        key for key in old_rows if key in new_rows and old_rows[key] != new_rows[key]
    ]
    if changed:
        columns = [
            col
            for col in before.get("columns", ())
            if before["sums"].get(col) != after["sums"].get(col)
        ]
        dropped = [
            col
            for col in before.get("columns", ())
            if col not in after.get("columns", ())
        ]
        problems.append(
            f"{len(changed)} changed (ids {', '.join(changed[:8])}"
            + (f"; columns {', '.join(columns)}" if columns else "")
            + ")"
        )
        if dropped:
            problems.append(f"columns dropped: {', '.join(dropped)}")
    added = sorted(set(new_rows) - set(old_rows), key=str)
    if added and name not in ("owners of moved records",):
        problems.append(f"{len(added)} added (ids {', '.join(added[:8])})")
    return "; ".join(problems)


class Walker:
    """Takes a handover on to Done with the current buttons, each pressed by
    the user holding the role, doing what its stage still lacks as the policy
    asks now (the demo walker and the tests' helpers do it the same way)."""

    def __init__(self, env):
        from odoo.addons.hr_client_handover.demo.hr_client_handover_demo import (
            HELD_EVENT,
            plain_duty_record,
            signature_image,
        )

        self.env = env
        self.signature_image = signature_image
        self.plain_duty_record = plain_duty_record
        self.held_event = HELD_EVENT
        # The handover administrator who allows an early departure and
        # archives the departing user (an administrator of users too).
        self.admin = env.ref("base.user_admin")

    def act(self, user, records, method, *args):
        """`method` on `records` as `user`, ending as a web request does."""
        records = records.with_user(user).with_context(lang=user[:1].lang)
        getattr(records, method)(*args)
        self.env.flush_all()
        self.env.cr.precommit.run()

    def sign(self, handover, stage):
        """Every signer of `stage` signs as themselves; the direct supervisor
        signs in the place of a departing user who has left (代签)."""
        for sig in handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == stage and not sig.signed_on
        ):
            signer = sig.user_id if sig.user_id.active else handover.supervisor_id
            image = self.signature_image(signer.login)
            self.act(signer, sig, "write", {"signature": image})

    def hold(self, handover, kind):
        """The supervisor holds the handover meeting or the successors'
        training from the handover, with its minutes, as the demo does."""
        self.env["hr.client.handover.demo"]._hold_event(handover, kind, self.held_event)
        self.env.cr.precommit.run()
        handover.invalidate_recordset()

    def ticker(self, item, role):
        """Who ticks `item`: whoever answers for it; the direct supervisor in
        the place of a departing user who has left; the administrator for an
        item nobody answers for."""
        user = item.responsible_id
        if not user or user == item.countersigner_id:
            # Who ticks an item does not countersign it (items made before
            # 19.0.1.5.0 could name one person for both).
            return self.admin
        if not user.active and user == item.handover_id.departing_user_id:
            return role("supervisor")
        return user

    def tick(self, item, role):
        """The item ticked, its departure duty (the talk, the consent, the
        equipment check) recorded first (write:record, ITEM_TICKERS)."""
        ticker = self.ticker(item, role)
        if item.duty:
            recorder = ticker if ticker == item.responsible_id else self.admin
            values = self.plain_duty_record(item.duty, date.today()) | {
                "duty_notes": "Held and recorded with the departing employee."
            }
            self.act(recorder, item, "write", values)
        self.act(ticker, item, "action_mark_done")

    def to_done(self, handover):
        """Each stage: the work it still lacks (``_<stage>``), then its
        completing button pressed by the first role of its row."""
        from odoo.addons.hr_client_handover.models.hr_client_handover_stages import (
            STAGE,
        )

        role = handover._users_for_role
        for _step in range(12):
            stage = STAGE[handover.state]
            if not stage.action:
                return
            work = getattr(self, f"_{stage.key}", None)
            if work:
                work(handover, role)
            self.act(role(stage.roles[0]), handover, f"action_{stage.action}")
        raise AssertionError(f"still in {handover.state} after 12 steps")

    def _draft(self, handover, role):
        if not handover.line_ids:
            self.act(role("departing"), handover, "action_generate_lines")
        if handover.line_ids.filtered(lambda line: not line.successor_id):
            supervisor = role("supervisor")
            wizard = (
                self.env["hr.client.handover.assign"]
                .with_user(supervisor)
                .with_context(default_handover_id=handover.id)
                .create(
                    {
                        "mode": "single",
                        "successor_id": self.env.ref(f"{ADDON}.user_zhao_min").id,
                    }
                )
            )
            self.act(supervisor, wizard, "action_assign")

    def _materials(self, handover, role):
        # Since 19.0.1.8.0 paper, electronic and location are described (or an
        # explicit "none") before the successor confirms: what the previous
        # release left empty is the CRM record, no paper file.
        for line in handover.line_ids.filtered(
            lambda ln: not ln.materials_confirmed_on
        ):
            values = {}
            if not (line.materials_paper or line.materials_no_paper):
                values["materials_no_paper"] = True
            if not (line.materials_electronic or line.materials_no_electronic):
                values["materials_electronic"] = "CRM"
            if not line.materials_location:
                values["materials_location"] = "CRM"
            if values:
                self.act(line.successor_id, line, "write", values)
            self.act(line.successor_id, line, "action_confirm_materials")
        # The part due after the departure waits for it (_summary_approval).
        due = handover.item_ids.filtered(lambda item: not item.post_departure)
        for item in due.filtered(lambda item: not item.done):
            self.tick(item, role)
        for item in due.filtered(lambda i: i.needs_receipt and not i.confirmed_on):
            # Who ticked an item does not confirm its receipt.
            witness = role("witness")
            confirmer = (
                witness
                if item.done_by_id != witness
                else handover.line_ids.successor_id[:1]
            )
            self.act(confirmer, item, "action_confirm")
        if handover.require_meeting and not handover.meeting_held:
            self.hold(handover, "meeting")
        self.sign(handover, "materials")

    def _visits(self, handover, role):
        for line in handover.line_ids.filtered(
            lambda line: line.visit_state not in ("done", "waived")
        ):
            if line.visit_waiver_reason:
                self.act(role("supervisor"), line, "action_approve_waiver")
                continue
            # Since 19.0.1.8.0 a visit records when and where it took place,
            # since 19.0.1.3.0 the contact met, before it is confirmed.
            values = {}
            if not line.visit_date:
                values["visit_date"] = date.today()
            if not line.visit_place:
                values["visit_place"] = "客户办公室"
            if not (line.visit_contact_id or line.visit_contact):
                values["visit_contact"] = "采购经理"
            if values:
                self.act(line.successor_id, line, "write", values)
            if not line.visit_successor_confirmed_on:
                self.act(line.successor_id, line, "action_confirm_visit")
            if not line.visit_departing_confirmed_on:
                self.act(role("departing"), line, "action_confirm_visit")
        if not handover.visits_witnessed_on:
            self.act(role("witness"), handover, "action_witness_visits")
        # The visit sheet, signed by who visited and the witness (19.0.1.8.0).
        self.sign(handover, "visits")

    def _verification(self, handover, role):
        witness = role("witness")
        for line in handover.line_ids.filtered(
            lambda line: line.spot_check_selected
            and (line.check_result != "confirmed" or not line.checked_on)
        ):
            line = line.with_context(check_result="confirmed")
            self.act(witness, line, "action_set_check_result")
        # The phone check, signed by the witness who called (19.0.1.8.0).
        self.sign(handover, "verification")

    def _summary(self, handover, role):
        if handover.require_training and not handover.training_held:
            self.hold(handover, "training")
        # Since 19.0.1.7.0 the template's text left as it is is no summary,
        # since 19.0.1.8.0 neither is one of its sections left as it was.
        if handover._summary_is_empty() or handover._summary_unwritten_sections():
            self.act(role("departing"), handover, "write", {"summary": SUMMARY})
        self.sign(handover, "summary")

    def _summary_approval(self, handover, role):
        items = handover.item_ids
        post = items.filtered(lambda item: item.post_departure and not item.done)
        if post and not handover._departure_happened():
            # Ticked once the departing employee has left: an administrator
            # allows the early departure and archives the user (the system
            # does it the day after the last working day); the direct
            # supervisor then acts in their place (代签).
            if not handover.departure_allowed_on:
                self.act(self.admin, handover, "action_allow_departure")
            self.act(self.admin, handover.departing_user_id, "action_archive")
            handover.invalidate_recordset()
        for item in post:
            self.tick(item, role)
        # Each countersigner countersigns (会签), never what they ticked.
        for item in items.filtered(
            lambda i: i.countersigner_id and not i.countersigned_on
        ):
            self.act(item.countersigner_id, item, "action_countersign")


def _check_sheet_signatures(env, before):
    """The signatures the 19.0.1.8.0 migration requests by design: each
    handover in the visits or the phone verification stage asks its stage's
    signers (the stage table's roles: the departing employee, each successor
    and the witness sign the visit sheet, the witness who phoned the phone
    check), once each, none signed yet; nothing else was added. Returns
    (problems, what was added)."""
    from odoo.addons.hr_client_handover.models.hr_client_handover_stages import (
        STAGE,
    )

    old_ids = set(before["snapshot"]["signatures"]["rows"])
    Signature = env["hr.client.handover.signature"].sudo()
    added = Signature.search([("id", "not in", [int(i) for i in old_ids])])
    handovers = (
        env["hr.client.handover"]
        .with_context(active_test=False)
        .search([("state", "in", ("visits", "verification"))], order="id")
    )
    problems, found = [], []
    for handover in handovers:
        stage = handover.state
        roles = STAGE[stage].signatures
        witness = handover._users_for_role("witness")
        wanted = set()
        if stage != "visits" or handover.template_id.require_visits:
            if "departing" in roles:
                wanted.add(("departing", handover.departing_user_id.id))
            if "successor" in roles:
                wanted |= {("successor", u.id) for u in handover.line_ids.successor_id}
            wanted |= {(r, witness.id) for r in ("witness", "verifier") if r in roles}
        mine = added.filtered(
            lambda sig, h=handover, st=stage: sig.handover_id == h and sig.stage == st
        )
        got = [(sig.role, sig.user_id.id) for sig in mine]
        if set(got) != wanted or len(got) != len(wanted):
            problems.append(
                f"{handover.name} ({stage}): {len(got)} requested, "
                f"{len(wanted)} expected"
            )
        if mine.filtered("signed_on"):
            problems.append(f"{handover.name}: signed already")
        found.append(f"{handover.name} {stage}: {len(mine)}")
        added -= mine
    if added:
        problems.append(
            f"{len(added)} other signature(s) added (ids "
            f"{', '.join(str(i) for i in added.ids[:8])})"
        )
    return problems, found


def _given_back(env, handover):
    """Ledger rows of `handover` moved and not given back, and moved values whose
    record does not hold the former owner again (kept rows aside)."""
    ledger = env["hr.client.handover.transfer"].search(
        [("handover_id", "=", handover.id), ("outcome", "=", "moved")]
    )
    open_rows = ledger.filtered(lambda row: not row.reverted_on and not row.note)
    wrong = []
    for row in ledger.filtered("reverted_on"):
        record = env[row.res_model].with_context(active_test=False).browse(row.res_id)
        if record.exists() and record[row.field_name] != row.old_user_id:
            wrong.append(f"{row.res_model},{row.res_id}")
    return ledger, open_rows, wrong


def _renamed_snapshot(snap):
    """`snap` (taken by prepare on the previous release) with the columns of
    the fields renamed since (19.0.1.6.0, 19.0.1.9.0, 19.0.1.11.0) under
    their current names."""
    from odoo.addons.hr_client_handover.models.hr_client_handover_seal import (
        RENAMED_FIELDS,
    )

    renamed = {
        model.replace(".", "_"): names for model, names in RENAMED_FIELDS.items()
    }
    result = dict(snap)
    for name, table, _where in TABLES:
        names = renamed.get(table, {})
        result[name] = {
            **snap[name],
            "columns": [names.get(col, col) for col in snap[name]["columns"]],
            "sums": {
                names.get(col, col): sums for col, sums in snap[name]["sums"].items()
            },
        }
    return result


def check(conf, db, before_path, log_path):
    verdict = Verdicts("upgrade")
    with open(before_path, encoding="utf-8") as data:
        before = json.load(data)
    errors, warnings = _log_problems(log_path)
    verdict(
        "the upgrade logged no error or traceback",
        not errors,
        f"{len(errors)}: " + " | ".join(errors[:3]) if errors else "",
    )
    verdict(
        "the upgrade logged no warning",
        not warnings,
        f"{len(warnings)}: " + " | ".join(warnings[:3]) if warnings else "",
    )

    # The addon is importable once connect() has read the addons path.
    env = connect(conf, db)
    cr = env.cr

    from odoo.addons.hr_client_handover.models.hr_client_handover_stages import (
        ORDER,
    )

    stages = before["stages"]
    missing = [
        state
        for state in ORDER
        if not any(stage.startswith(f"{state},") for stage in stages)
    ]
    verdict(
        "the previous release had handovers in every stage, a running background "
        "transfer and a filed summary",
        not missing
        and "materials, transfer running" in stages
        and "done, transfer done, filed" in stages,
        f"missing: {', '.join(missing)}" if missing else "",
    )

    from odoo.modules.module import get_manifest

    try:
        version = get_manifest(ADDON)["version"]
        module = env["ir.module.module"].search([("name", "=", ADDON)])
        verdict(
            f"{ADDON} is installed at the working tree's version {version}",
            module.state == "installed" and module.latest_version == version,
            f"{module.state}, {module.latest_version}",
        )
        cr.execute(
            "SELECT indexname FROM pg_indexes"
            " WHERE tablename = 'hr_client_handover_transfer'"
            " AND indexname IN ('hr_client_handover_transfer__handover_id_index',"
            " 'hr_client_handover_transfer__res_model_index')"
        )
        left = [row[0] for row in cr.fetchall()]
        verdict(
            "the ledger's redundant single-column indexes are dropped",
            not left,
            ", ".join(left) or "none left",
        )

        # The fields renamed in 19.0.1.6.0, 19.0.1.9.0 and 19.0.1.11.0 keep their field
        # records (the chatter's tracking values point at them), under the new
        # names only.
        from odoo.addons.hr_client_handover.models.hr_client_handover_seal import (
            RENAMED_FIELDS,
        )

        cr.execute(
            "SELECT model, name FROM ir_model_fields WHERE model IN %s",
            [tuple(RENAMED_FIELDS)],
        )
        known = set(cr.fetchall())
        wrong = [
            f"{model}.{old_name}"
            for model, names in RENAMED_FIELDS.items()
            for old_name, new_name in names.items()
            if (model, old_name) in known or (model, new_name) not in known
        ]
        verdict(
            "the renamed fields' records carry their new names"
            " (19.0.1.6.0, 19.0.1.9.0)",
            not wrong,
            ", ".join(wrong),
        )

        # Nothing lost or changed: the previous release's columns, under the
        # names they carry now.
        old = _renamed_snapshot(before["snapshot"])
        columns = {name: old[name]["columns"] for name, _table, _where in TABLES}
        after = snapshot(env, columns)
        for name in [name for name, _table, _where in TABLES] + [
            "signature images",
            "owners of moved records",
        ]:
            problems = _compare(name, old[name], after[name])
            verdict(
                f"{name} unchanged",
                not problems,
                problems or f"{len(old[name]['rows'])} rows",
            )
        problems, found = _check_sheet_signatures(env, before)
        verdict(
            "the visit sheet and the phone check ask their signers in the "
            "handovers already in these stages (19.0.1.8.0)",
            found and not problems,
            "; ".join(problems) if problems else ", ".join(found) or "none",
        )
        # The items of the previous release due after the last working day
        # (the accounts revoked) kept no post_departure value (19.0.1.1.0).
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE post_departure IS NOT TRUE)"
            " FROM hr_client_handover_item WHERE due_rule = 'after_last_day'"
        )
        due_after, not_after = cr.fetchone()
        verdict(
            "the previous release's checklist items due after the last working "
            "day are ticked after the departure (19.0.1.8.0)",
            due_after and not not_after,
            f"{due_after} items, {not_after} not after the departure",
        )
        cr.execute(
            "SELECT count(*) FROM ir_attachment"
            " WHERE res_model = 'hr.client.handover.signature'"
        )
        verdict(
            "no signature image is left as an attachment (19.0.1.1.0)",
            not cr.fetchone()[0],
        )
        Handover = env["hr.client.handover"].with_context(active_test=False)
        filed = Handover.search([("summary_attachment_id", "!=", False)])
        unlisted = filed.filtered(
            lambda h: h.summary_attachment_id
            not in h.document_ids.filtered(lambda d: d.kind == "summary").attachment_id
        )
        verdict(
            "every filed summary is listed as a filed document (19.0.1.2.0)",
            filed and not unlisted,
            f"{len(filed)} filed"
            + (
                f", not listed: {', '.join(unlisted.mapped('name'))}"
                if unlisted
                else ""
            ),
        )

        ids = before["handovers"]
        # The background transfer the previous release left after one batch.
        background = Handover.browse(ids["background"])
        departing = background.departing_user_id
        customers = background.line_ids.partner_id
        try:
            Handover._cron_run_transfers()
            cr.commit()
            background.invalidate_recordset()
            queue = env["hr.client.handover.queue"].search_count(
                [("handover_id", "=", background.id)]
            )
            verdict(
                "the background transfer left running completes (scheduled action)",
                background.transfer_state == "done" and not queue,
                f"{background.name}: transfer {background.transfer_state}, "
                f"{queue} queued",
            )
            contacts = (
                env["res.partner"]
                .with_context(active_test=False)
                .search([("commercial_partner_id", "in", customers.ids)])
            )
            left = {
                "customers": env["res.partner"].search_count(
                    [("id", "in", contacts.ids), ("user_id", "=", departing.id)]
                ),
                "opportunities": env["crm.lead"].search_count(
                    [("partner_id", "in", contacts.ids), ("user_id", "=", departing.id)]
                ),
                "quotations": env["sale.order"].search_count(
                    [("partner_id", "in", contacts.ids), ("user_id", "=", departing.id)]
                ),
                "activities": env["mail.activity"].search_count(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", contacts.ids),
                        ("user_id", "=", departing.id),
                    ]
                ),
            }
            moved = env["hr.client.handover.transfer"].search_count(
                [("handover_id", "=", background.id), ("outcome", "=", "moved")]
            )
            verdict(
                "it moved all its customers' records to the successors",
                not any(left.values()),
                f"{moved} moved (transfer total {background.transfer_total}); "
                f"still with {departing.name}: "
                + ", ".join(f"{n} {what}" for what, n in left.items()),
            )
        except Exception:  # any error is the finding
            cr.rollback()
            verdict(
                "the background transfer completes",
                False,
                traceback.format_exc(limit=4),
            )

        # Every open handover goes on to Done.
        walker = Walker(env)
        cancel_later = Handover.browse(ids["to_cancel"])
        for handover in Handover.search(
            [("state", "not in", ("done", "cancel")), ("id", "!=", cancel_later.id)],
            order="id",
        ):
            stage = handover.state
            try:
                walker.to_done(handover)
                cr.commit()
                handover.invalidate_recordset()
                listed = handover.document_ids.filtered(lambda d: d.kind == "summary")
                ok = bool(handover.summary_attachment_id and listed)
                detail = "summary filed"
                if not ok:
                    # Since 19.0.1.7.0 the approval triggers the filing job,
                    # which files once a web server serves the reports' styles
                    # (none runs here).
                    job = env.ref("hr_client_handover.ir_cron_handover_file_reports")
                    Document = env["hr.client.handover.document"]
                    ok = "summary" in Document._files_due(handover) and bool(
                        env["ir.cron.trigger"].search_count([("cron_id", "=", job.id)])
                    )
                    detail = (
                        "summary due: its filing job is triggered"
                        if ok
                        else "done, but its summary is neither filed nor due"
                    )
            except Exception as exc:  # any error is the finding
                cr.rollback()
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            verdict(f"{handover.name} goes on from {stage} to Done", ok, detail)

        # The ledger still reverts: a leave that is over gives back what a done
        # handover moved, and cancelling a handover gives its customers back.
        leave = Handover.browse(ids["leave_over"])
        try:
            Handover._cron_return_from_leave()
            Handover._cron_run_transfers()
            cr.commit()
            leave.invalidate_recordset()
            ledger, open_rows, wrong = _given_back(env, leave)
            verdict(
                "a done handover's ledger reverts (leave return)",
                leave.transfer_state == "reverted"
                and ledger
                and not open_rows
                and not wrong,
                f"{leave.name}: transfer {leave.transfer_state}, {len(ledger)} rows, "
                f"{len(open_rows)} not given back, {len(wrong)} not with the former "
                "owner",
            )
        except Exception:  # any error is the finding
            cr.rollback()
            verdict(
                "a done handover's ledger reverts", False, traceback.format_exc(limit=4)
            )
        try:
            supervisor = cancel_later.supervisor_id
            wizard = (
                env["hr.client.handover.cancel"]
                .with_user(supervisor)
                .create({"handover_id": cancel_later.id, "reason": "Stays after all"})
            )
            wizard.revert_transfer = True
            walker.act(supervisor, wizard, "action_cancel_handover")
            Handover._cron_run_transfers()
            cr.commit()
            cancel_later.invalidate_recordset()
            ledger, open_rows, wrong = _given_back(env, cancel_later)
            verdict(
                "cancelling reverts a transfer of the previous release",
                cancel_later.state == "cancel"
                and cancel_later.transfer_state == "reverted"
                and ledger
                and not open_rows
                and not wrong,
                f"{cancel_later.name}: transfer {cancel_later.transfer_state}, "
                f"{len(ledger)} rows, {len(open_rows)} not given back, "
                f"{len(wrong)} not with the former owner",
            )
        except Exception:  # any error is the finding
            cr.rollback()
            verdict(
                "cancelling reverts a transfer", False, traceback.format_exc(limit=4)
            )

        broken = []
        for handover in Handover.search([], order="id"):
            intact, message = env["hr.client.handover.seal"]._integrity_message(
                handover
            )
            if not intact:
                broken.append(f"{handover.name}: {message}")
        verdict(
            "Verify Integrity finds every handover intact",
            not broken,
            " | ".join(broken[:3]) if broken else "",
        )
    finally:
        cr.rollback()
        cr.close()
    return verdict.summary()


def main(argv):
    if len(argv) == 4 and argv[0] == "prepare":
        return prepare(*argv[1:])
    if len(argv) == 5 and argv[0] == "check":
        return check(*argv[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
