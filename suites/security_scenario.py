"""Adversarial security suite: every role against every model of the addon, by RPC.

Copies the database ``make test-rpc`` leaves (handover_rpc: the demo's handovers in
draft, plan approval, visits and done, and the scenario's own, done with its filed
summary PDF) into handover_security, or builds a fresh demo database when there is
none, and serves it on a free loopback port. The administrator installs Simplified
Chinese and creates an unrelated internal user, a portal user, an officer of a
department elsewhere, an officer of a new sales team and a salesperson in that team,
whose handover the demo users then walk from draft to done. In every stage of that
walk, and on each demo handover, every role (departing, successor, supervisor,
witness, division manager, officer, administrator, colleague, unrelated internal
user, portal user) tries to read, search, create, write each field group, unlink,
send x2many commands and press each public button on the handover, its customer
lines, checklist, signatures, justified omissions, incidents, ledger and seals,
the refuse / cancel / assign / hand-everything wizards and the attachments
behind them (signature images, filed summary PDF).

The expected outcome of each cell comes from the policy table below, written from
the access policy's prose and not from the addon's code, except the stages (their
order) and the button that ends each stage with the roles that may press it: those
are the addon's stage table (models/hr_client_handover_stages.py), which the walk
follows too. A refused call must come
back as XML-RPC fault 2 (UserError: wrong stage, already done, missing data) or 4
(AccessError: not the caller's role) as the table says, never 1 (a traceback) nor a
success, with a readable message (Simplified Chinese when asked, for a sample), and
leave the handover tables, their attachments, chatter and activities exactly as they
were (checksum before and after). An allowed call is proven by reading its effect
back in the database.

Prints PASS or FAIL per cell (a failed cell does not stop the run) and closes with
``security: N passed, M failed``; exits 1 when a cell failed. The server log is
var/security/rpc-server.log.

Usage: python suites/security_scenario.py [--database NAME] [--source NAME]
       [--reuse] [--port N]
"""

import base64
import hashlib
import http.cookiejar
import itertools
import json
import re
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client
from datetime import UTC, date, datetime, timedelta

import harness
import psycopg2
import psycopg2.extras
from harness import (
    ADDON,
    FAULT_ACCESS_ERROR,
    FAULT_USER_ERROR,
    SIGNATURE_PNG,
    Session,
    Tally,
    build_database,
    copy_database,
    database_lock,
    describe,
    drop_database,
    free_port,
    m2o,
    odoo_server,
    psql,
    read_logins,
    say,
    wait_until_ready,
)
from psycopg2 import sql

DEFAULT_DATABASE = "handover_security"
DEFAULT_SOURCE = "handover_rpc"
# The server, install and upgrade logs land in var/security/.
VAR = harness.ROOT / "var" / "security"
STAGES = harness.load_stages()

# The walked handover's stage blocks: (lean, with the read cells). In full
# where no demo handover stands in that stage.
WALK_BLOCKS = {
    "draft": (True, False),
    "plan_review": (True, False),
    "plan_approval": (True, False),
    "materials": (False, True),
    "visits": (True, False),
    "verification": (False, False),
    "summary": (False, True),
    "summary_review": (True, False),
    "summary_approval": (True, False),
    "done": (True, False),
}
REFUSED_BY_ROLE = frozenset({FAULT_ACCESS_ERROR})
REFUSED_BY_STAGE = frozenset({FAULT_USER_ERROR})
REFUSED = REFUSED_BY_ROLE | REFUSED_BY_STAGE
ALLOWED = None
# The activity types of the handover's steps (the workflow's, not reminders
# nor follow-ups): marked done by doing the step only.
STEP_ACTIVITY_TYPES = frozenset(
    f"mail_act_handover_{step}"
    for step in (
        "draft_plan",
        "review_plan",
        "approve_plan",
        "materials",
        "visits",
        "spot_check",
        "write_summary",
        "review_summary",
        "approve_summary",
        "waiver",
        "witness_visits",
        "countersign",
        "post_departure",
        "confirm_departure",
    )
)
# Confirmed once the employee has left, a done handover's departure too.
CONFIRM_DEPARTURE_ACTIVITY = "mail_act_handover_confirm_departure"
NOT_WRITTEN = object()  # an allowed write that needs no restoring

HANDOVER = "hr.client.handover"
LINE = "hr.client.handover.line"
ITEM = "hr.client.handover.item"
SIGNATURE = "hr.client.handover.signature"
OMISSION = "hr.client.handover.omission"
INCIDENT = "hr.client.handover.incident"
LEDGER = "hr.client.handover.transfer"
SEAL = "hr.client.handover.seal"
DOCUMENT = "hr.client.handover.document"
RISK_ALERT = "hr.client.handover.risk.alert"
ATTACHMENT = "ir.attachment"
SUMMARY_REPORT = "hr_client_handover.report_handover_summary"
FORGED_PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nforged").decode()
A_DATETIME = "2026-01-02 03:04:05"
CJK = re.compile(r"[\u3400-\u9fff]")

# ======================================================================
# The policy, as a table (written from the policy's prose)
# ======================================================================
# The stages, in their order, are the addon's stage table.
OPEN = STAGES.OPEN
AFTER_DRAFT = STAGES.AFTER_DRAFT
AFTER_APPROVAL = STAGES.after("plan_approval")
UP_TO_MATERIALS = STAGES.until("materials")
UP_TO_VISITS = STAGES.until("visits")
ORDER = STAGES.ORDER

# Who reads a handover and everything under it.
READERS = frozenset(
    {
        "departing",
        "successor",
        "supervisor",
        "witness",
        "approver",
        "creator",
        "officer",
        "admin",
    }
)
PARTICIPANTS = frozenset(
    {"departing", "successor", "supervisor", "witness", "approver", "creator"}
)
PLANNERS = ("departing", "supervisor", "admin")
LINE_ACTORS = ("departing", "supervisor", "line_successor")


def during(states, *roles):
    """A rule: {stage: the roles allowed in it}; a stage left out refuses everyone."""
    return {state: frozenset(roles) for state in states}


def completing(*keys):
    """The buttons that end the stages `keys` (``action_<action>`` of the stage
    table), each a rule: pressed in its stage by the roles the table names; a
    review or an approval also by an administrator, who acts in place of a
    reviewer who submitted what is reviewed (``button_blocked``)."""
    return {
        f"action_{STAGES.STAGE[key].action}": during(
            [key],
            *STAGES.STAGE[key].roles,
            *(("admin",) if key in REVIEWED else ()),
        )
        for key in keys
    }


# The review and approval stages, and who submitted what each is about: whoever
# submits a plan or a summary never reviews nor approves it.
REVIEWED = {
    "plan_review": "plan_submitted_by_id",
    "plan_approval": "plan_submitted_by_id",
    "summary_review": "summary_submitted_by_id",
    "summary_approval": "summary_submitted_by_id",
}
# Who reviews in each: the user field of the handover naming them.
REVIEWER_FIELD = {
    "plan_review": "supervisor_id",
    "plan_approval": "approver_id",
    "summary_review": "supervisor_id",
    "summary_approval": "approver_id",
}


NOBODY = {}

# hr.client.handover: field groups (the first field stands for its group) and
# who writes them in which stage. Workflow fields last: they would derail a stage.
HANDOVER_FIELDS = {
    "details": (
        "reason",
        "notice_date",
        "last_working_date",
        "return_date",
    ),
    "plan": ("default_successor_id",),
    # The checklist is the template's: which template, for which type, and
    # whether the position is a key one.
    "template": ("key_position", "handover_type", "template_id"),
    "summary": ("summary",),
    "roles": ("witness_id", "approver_id", "supervisor_id"),
    "workflow": (
        "name",
        "employee_id",
        "company_id",
        "plan_reviewed_by_id",
        "plan_reviewed_on",
        "plan_approved_by_id",
        "plan_approved_on",
        "summary_reviewed_by_id",
        "summary_reviewed_on",
        "summary_approved_by_id",
        "summary_approved_on",
        "refuse_reason",
        "cancel_reason",
        "summary_attachment_id",
        "done_date",
        "departure_allowed_by_id",
        "departure_allowed_on",
        "departure_confirmed_by_id",
        "departure_confirmed_on",
        "plan_submitted_by_id",
        "plan_submitted_on",
        "summary_submitted_by_id",
        "summary_submitted_on",
        "transfer_state",
        "state",
    ),
}
HANDOVER_WRITE = {
    "details": {
        **during(["draft"], *PLANNERS),
        **during(AFTER_DRAFT, "supervisor", "admin"),
    },
    "plan": during(["draft"], *PLANNERS),
    # Changed only by the supervisor or an administrator, in draft (whoever
    # starts the handover sets them on create).
    "template": during(["draft"], "supervisor", "admin"),
    "summary": during(["summary"], "departing", "supervisor"),
    "roles": {
        **during(["draft"], "supervisor", "admin"),
        **during(AFTER_DRAFT, "admin"),
    },
    "workflow": NOBODY,
}
# Never set on create by anyone (AccessError).
HANDOVER_CREATE_FORBIDDEN = tuple(
    name
    for name in HANDOVER_FIELDS["workflow"]
    if name not in ("employee_id", "company_id")
)
HANDOVER_UNLINK = during(["draft"], "supervisor", "admin")
# Who starts a handover for an employee: the employee, managers up the chain,
# officers of the employee's department or a parent one, administrators.
HANDOVER_CREATORS = frozenset({"self", "manager", "officer", "admin"})
HANDOVER_BUTTONS = {
    "action_generate_lines": during(["draft"], *PLANNERS),
    **completing("draft"),
    "action_open_assign_successors": during(["draft"], *PLANNERS),
    **completing(*STAGES.until("materials")[1:]),
    "action_witness_visits": during(["visits"], "witness"),
    **completing(*STAGES.after("materials")),
    "action_open_refuse": {
        **during(["plan_review", "summary_review"], "supervisor"),
        **during(["plan_approval", "summary_approval"], "approver"),
    },
    "action_cancel": during(OPEN, "supervisor", "admin"),
    "action_revert_transfer": during(["cancel"], "supervisor", "admin"),
    "action_allow_departure": during(OPEN, "admin"),
    # The direct supervisor confirms the departure (确认离职事实) of an
    # employee who resigned, once they have left, once, until Done.
    "action_confirm_departure": during([*OPEN, "done"], "supervisor"),
    # What was handed to one successor at once is given back by an
    # administrator (a handover of that type, done, its transfer run).
    "action_give_everything_back": during(["done"], "admin"),
    # The auditors of the record: the supervising witness and the administrator.
    "action_verify_integrity": during(ORDER, "witness", "admin"),
    # The calendar's event form, filled in (handover meeting, training session).
    "action_schedule_meeting": during(UP_TO_MATERIALS, "supervisor", "admin"),
    "action_schedule_training": during(
        [*UP_TO_MATERIALS, "visits", "verification", "summary"], "supervisor", "admin"
    ),
    "action_open_banner_link": during(ORDER, *READERS),
}
# Buttons that only open a dialog or report: an allowed call changes nothing.
HARMLESS_BUTTONS = (
    "action_open_assign_successors",
    "action_open_refuse",
    "action_cancel",
    "action_verify_integrity",
    "action_schedule_meeting",
    "action_schedule_training",
    "action_open_banner_link",
)
REFUSE_WIZARD = HANDOVER_BUTTONS["action_open_refuse"]
CANCEL_WIZARD = HANDOVER_BUTTONS["action_cancel"]

# hr.client.handover.line ("line_successor": the successor of that very line).
LINE_FIELDS = {
    "plan": ("planned_date", "sequence", "successor_id", "partner_id"),
    "materials": (
        "materials_location",
        "customer_notes",
        "materials_paper",
        "materials_electronic",
    ),
    "visit": ("visit_notes", "visit_contact", "visit_contact_id", "planned_visit_date"),
    "check": ("check_notes", "check_result"),
    "confirmation": (
        "materials_confirmed_by_id",
        "materials_confirmed_on",
        "visit_successor_confirmed_on",
        "visit_successor_confirmed_by_id",
        "visit_departing_confirmed_on",
        "visit_departing_confirmed_by_id",
        "visit_confirmed_on_behalf_by_id",
        "visit_done_on",
        "visit_waived",
        "visit_waiver_reason",
        "waiver_requested_by_id",
        "waiver_requested_on",
        "waiver_approved_by_id",
        "visit_return_count",
        "visit_return_reason",
        "spot_check_selected",
        "checked_by_id",
        "checked_on",
        "problem_count",
    ),
}
LINE_WRITE = {
    "plan": during(["draft"], *PLANNERS),
    "materials": during(UP_TO_MATERIALS, *LINE_ACTORS),  # while not confirmed
    # While nobody confirmed the visit and it is not waived.
    "visit": during(UP_TO_VISITS, *LINE_ACTORS),
    "check": during(["verification"], "witness"),  # while the call is not recorded
    "confirmation": NOBODY,
}
# A new line carries none of these (AccessError).
LINE_CREATE_FORBIDDEN = (*LINE_FIELDS["confirmation"], "check_result")
LINE_EDIT = during(["draft"], *PLANNERS)  # create and unlink
LINE_CHECK = during(["verification"], "witness")
LINE_BUTTONS = {
    "action_confirm_materials": during(["materials"], "line_successor"),
    "action_confirm_visit": during(["visits"], "line_successor", "departing"),
    "action_request_waiver": during(["visits"], "line_successor", "departing"),
    "action_approve_waiver": during(["visits"], "supervisor"),
    "action_refuse_waiver": during(["visits"], "supervisor"),
    "action_send_back_visit": during(["visits"], "supervisor"),
    "action_send_back_materials": during(["materials"], "supervisor"),
    "action_record_check": LINE_CHECK,
    "action_set_check_result": LINE_CHECK,
    "action_toggle_spot_check": LINE_CHECK,
}

# hr.client.handover.item ("responsible": the item's responsible).
ITEM_FIELDS = {
    "checklist": (
        "location",
        "name",
        "category",
        "due_date",
        "sequence",
        "countersign_department",
        "post_departure",
        "needs_receipt",
    ),
    # Who answers for the item and who countersigns it: never named (nor
    # cleared) by the departing employee the item is about.
    "people": ("responsible_id", "countersigner_id"),
    # What a duty records before it is ticked (the talk, the consent...).
    "record": ("duty_date", "duty_notes"),
    "progress": (
        "done",
        "done_by_id",
        "done_on",
        "confirmed_by_id",
        "confirmed_on",
        "countersigned_on",
    ),
}
# The checklist is the template's: the departing employee changes or removes
# only the items they added (an item of the template: a UserError to them).
ITEM_WRITE = {
    "checklist": during(["draft"], *PLANNERS),
    "people": during(["draft"], "supervisor", "admin"),
    "progress": NOBODY,
}
TEMPLATE_KEEPERS = frozenset({"supervisor", "admin"})
ITEM_EDIT = during(["draft"], *PLANNERS)  # create and unlink (own items)
ITEM_WORKERS = ("responsible", "departing", "supervisor", "admin")
# Who ticks an item: whoever answers for it, and the administrator.
ITEM_TICKERS = ("responsible", "admin")
# A duty's record (the talk held, the consent): written by whoever ticks the
# item, while it is not done, in the stages its part of the checklist is done.
ITEM_RECORD = during(UP_TO_MATERIALS, *ITEM_TICKERS)
POST_DEPARTURE_RECORD = during(AFTER_APPROVAL, *ITEM_TICKERS)
# Nobody confirms or countersigns an item they ticked, nor one of their own
# handover (a UserError where the role would otherwise allow it).
ITEM_BUTTONS = {
    "action_mark_done": during(UP_TO_MATERIALS, *ITEM_TICKERS),
    "action_reset": during(UP_TO_MATERIALS, *ITEM_WORKERS),  # until confirmed
    "action_confirm": during(UP_TO_MATERIALS, "successor", "witness"),
    # The item's countersigner (IT, finance, administration), once it is done.
    "action_countersign": during(AFTER_APPROVAL, "countersigner"),
}
# The part of the checklist due after the last working day: ticked from the
# plan's approval until Done, once the departing employee has left (before:
# a UserError), never confirmed on receipt.
POST_DEPARTURE_BUTTONS = {
    **ITEM_BUTTONS,
    "action_mark_done": during(AFTER_APPROVAL, *ITEM_TICKERS),
    "action_reset": during(AFTER_APPROVAL, *ITEM_WORKERS),
}

# hr.client.handover.signature: the signer ("signer") writes the image of their
# own signature, once, while the handover is in the signature's stage. Nothing
# else, nobody else; create and unlink: nobody.
SIGNATURE_OTHER_FIELDS = (
    "signed_on",
    "signed_by_id",
    "user_id",
    "role",
    "stage",
    "handover_id",
)

# hr.client.handover.omission: a customer the plan leaves out, justified with
# a reason by the direct supervisor (never the departing employee), while the
# plan is drawn and reviewed: create, write and unlink.
OMISSION_EDIT = during(STAGES.until("plan_approval"), "supervisor")
# hr.client.handover.incident (违规处理): recorded and handled by the supervisor
# or HR (the handover administrator) while the handover is open after its
# draft, never by the person accountable for it (a UserError); never deleted.
INCIDENT_EDIT = during(AFTER_DRAFT, "supervisor", "admin")
INCIDENT_FORGED = ("recorded_by_id", "department_id")

# Ledger, seals: create, write, unlink by nobody (administrators included); the
# wizards: only the user who created one reads or writes it.


def expect(rule, state, roles, blocked=False):
    """The outcome the policy gives a caller with `roles` in `state`: ALLOWED, or
    the fault codes of the refusal. `blocked`: allowed to this role in this stage,
    but already done or missing data (a UserError)."""
    if not rule:
        return REFUSED  # nobody may: "not your role" and "never" both hold
    if not roles & READERS:
        return REFUSED_BY_ROLE  # they do not even see the handover
    now = rule.get(state, frozenset())
    if roles & now:
        return REFUSED_BY_STAGE if blocked else ALLOWED
    holds = any(roles & allowed for allowed in rule.values())
    if holds and not now:
        return REFUSED_BY_STAGE
    if now and not holds:
        return REFUSED_BY_ROLE
    return REFUSED  # wrong role and wrong stage: either answer is right


def outcome_label(expected):
    if expected is ALLOWED:
        return "ok"
    return "fault " + "|".join(str(code) for code in sorted(expected))


# ======================================================================
# Database
# ======================================================================
CHECKSUM_SQL = r"""
SELECT md5(string_agg(part, '|' ORDER BY part)) FROM (
    SELECT c.relname || ':' || (xpath('/row/h/text()', query_to_xml(format(
        'SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text COLLATE "C"),'
        ' %L)) AS h FROM %I t', '|', '', c.relname), false, true, '')))[1]::text AS part
    FROM pg_class c
    WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
      AND c.relname LIKE 'hr\_client\_handover%'
    UNION ALL
    SELECT 'ir_attachment:' || md5(coalesce(string_agg(a::text, '|' ORDER BY a.id), ''))
    FROM ir_attachment a WHERE a.res_model LIKE 'hr.client.handover%'
    UNION ALL
    SELECT 'mail_message:' || md5(coalesce(string_agg(m::text, '|' ORDER BY m.id), ''))
    FROM mail_message m WHERE m.model LIKE 'hr.client.handover%'
    UNION ALL
    SELECT 'mail_activity:' || md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), ''))
    FROM mail_activity x WHERE x.res_model LIKE 'hr.client.handover%'
) parts
"""


class Probe:
    """Read-only SQL on the suite's database: checksums and observations."""

    def __init__(self, db):
        self.connection = psycopg2.connect(dbname=db)
        self.connection.autocommit = True

    def rows(self, query, params=None):
        with self.connection.cursor(
            cursor_factory=psycopg2.extras.RealDictCursor
        ) as cursor:
            cursor.execute(query, params)
            return [dict(row) for row in cursor.fetchall()]

    def value(self, query, params=None):
        rows = self.rows(query, params)
        return next(iter(rows[0].values())) if rows else None

    def column(self, table, record_id, field):
        query = sql.SQL("SELECT {} AS value FROM {} WHERE id = %s").format(
            sql.Identifier(field), sql.Identifier(table)
        )
        rows = self.rows(query, (record_id,))
        assert rows, f"{table} {record_id} does not exist"
        return rows[0]["value"]

    def exists(self, table, record_id):
        query = sql.SQL("SELECT 1 AS one FROM {} WHERE id = %s").format(
            sql.Identifier(table)
        )
        return bool(self.rows(query, (record_id,)))

    def table_exists(self, table):
        return bool(self.value("SELECT to_regclass(%s) IS NOT NULL", (table,)))

    def checksum(self):
        return self.value(CHECKSUM_SQL)

    def close(self):
        self.connection.close()


def _usable(db):
    """The addon is installed in `db` with its demo data."""
    return (
        psql(
            db,
            "SELECT count(*) FROM ir_module_module m, res_users u "
            f"WHERE m.name = '{ADDON}' AND m.state = 'installed' "
            "AND u.login = 'wang.lei'",
        )
        == "1"
    )


def prepare_database(db, source, reuse):
    """`db` as a copy of `source` (database and filestore), brought to the
    addon's current code, or a fresh demo one; `reuse`: keep `db` when it is
    usable."""
    if reuse and _usable(db):
        say(f"security: reusing database {db}")
        upgrade(db)
        return
    drop_database(db)
    with database_lock(source):  # not while a test-rpc run rebuilds it
        if _usable(source):
            problem = copy_database(source, db)
            if not problem:
                say(f"security: copied {source} into {db}")
                upgrade(db)
                return
            say(f"security: could not copy {source}: {problem}")
    say(f"security: no usable {source} (addon with demo data); building {db}")
    build_database(db, reuse=False)


def upgrade(db):
    """Update the addon in `db`: the copy may predate the code under test."""
    log = VAR / "upgrade.log"
    if harness.odoo("-d", db, "-u", ADDON, "--stop-after-init", log=log):
        raise SystemExit(f"security: updating {ADDON} in {db} failed; see {log}")


# ======================================================================
# Cells
# ======================================================================
def short(value, limit=120):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def message_problem(message):
    """Why a refusal's message is not one a user can read, or None."""
    if not message.strip():
        return "empty message"
    if "Traceback (most recent call last)" in message or re.search(
        r'^\s*File ".*", line \d+', message, re.MULTILINE
    ):
        return "the message carries a Python traceback"
    return None


def same_value(stored, wanted):
    """Does the database value `stored` hold what was written (`wanted`)?"""
    if wanted is False:
        return stored in (None, False, "")
    if isinstance(stored, datetime):
        return stored.strftime("%Y-%m-%d %H:%M:%S") == wanted
    if isinstance(stored, date):
        return stored.isoformat() == wanted
    if isinstance(stored, dict):  # a translated (jsonb) column
        return wanted in stored.values()
    return stored == wanted


class Cells(Tally):
    """Runs the cells, one line each, and never stops at a failed one."""

    def __init__(self, probe):
        super().__init__("security")
        self.probe = probe
        self._checksum = None  # the database's, when known to be current
        self.zh_ready = False
        self._zh_sampled = set()

    def changed(self):
        """Something may have written: the next refusal checksums afresh."""
        self._checksum = None

    def checksum(self):
        if self._checksum is None:
            self._checksum = self.probe.checksum()
        return self._checksum

    def check(self, title, observe):
        """A cell that only observes (`observe` raises AssertionError)."""
        try:
            observe()
        except AssertionError as exc:
            self.record(title, str(exc) or "assertion failed")
        except Exception as exc:  # whatever broke, the next cells still run
            self.record(title, describe(exc))
        else:
            self.record(title)

    def run(self, title, who, model, method, args, expected, observe=None, **kwargs):
        """`who` calls `model`.`method`(*args, **kwargs); the policy says
        `expected` (ALLOWED or fault codes). Returns the result or the fault."""
        title = f"{title} -> {outcome_label(expected)}"
        if expected is ALLOWED:
            return self._allowed(title, who, model, method, args, observe, kwargs)
        return self._refused(title, who, model, method, args, expected, kwargs)

    def _allowed(self, title, who, model, method, args, observe, kwargs):
        self.changed()
        try:
            result = who.call(model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            self.record(title, f"refused, must be allowed: {describe(fault)}")
            return fault
        except Exception as exc:  # a transport error: the next cells still run
            self.record(title, describe(exc))
            return exc
        if observe is None:
            self.record(title)
        else:
            self.check(title, lambda: observe(result))
        return result

    def _refused(self, title, who, model, method, args, expected, kwargs):
        before = self.checksum()
        try:
            result = who.call(model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            problems = self.refusal_problems(fault, expected, before)
            self.record(title, "; ".join(problems))
            if not problems:
                self._sample_chinese(title, who, model, method, args, kwargs, fault)
            return fault
        except Exception as exc:  # a transport error: the next cells still run
            self.changed()
            self.record(title, describe(exc))
            return exc
        self.changed()
        self.record(title, f"accepted, must be refused (returned {short(result)})")
        return result

    def refusal_problems(self, fault, expected, before):
        problems = []
        if fault.faultCode not in expected:
            problems.append(f"got {describe(fault)}")
        unreadable = message_problem(str(fault.faultString))
        if unreadable and fault.faultCode in expected:
            problems.append(unreadable)
        self._checksum = self.probe.checksum()
        if self._checksum != before:
            problems.append("the refused call changed the database")
        return problems

    def _sample_chinese(self, title, who, model, method, args, kwargs, fault):
        """Once per model and fault code: the same refusal, asked in Chinese."""
        key = (model, fault.faultCode)
        if not self.zh_ready or key in self._zh_sampled:
            return
        self._zh_sampled.add(key)
        context = {**kwargs.get("context", {}), "lang": "zh_CN"}
        before = self.checksum()
        try:
            who.call(model, method, *args, **{**kwargs, "context": context})
        except xmlrpc.client.Fault as again:
            problems = self.refusal_problems(again, {fault.faultCode}, before)
            if not CJK.search(str(again.faultString)):
                problems.append(f"no Chinese in {short(again.faultString, 200)}")
            self.record(f"{title} [zh_CN message]", "; ".join(problems))
            return
        self.changed()
        self.record(f"{title} [zh_CN message]", "accepted in Chinese")


# ======================================================================
# Handovers as the database has them
# ======================================================================
HANDOVER_SQL = """
SELECT h.*, COALESCE(h.witness_id, h.supervisor_id) AS acting_witness_id
FROM hr_client_handover h WHERE h.id = %s
"""
LINES_SQL = """
SELECT id, successor_id, partner_id, sequence,
       materials_confirmed_on IS NOT NULL AS materials_confirmed,
       visit_state, visit_waived, visit_waiver_reason,
       visit_successor_confirmed_on IS NOT NULL AS visit_by_successor,
       visit_departing_confirmed_on IS NOT NULL AS visit_by_departing,
       spot_check_selected, check_result, checked_on IS NOT NULL AS checked
FROM hr_client_handover_line WHERE handover_id = %s ORDER BY id
"""
ITEMS_SQL = """
SELECT id, responsible_id, done, done_by_id, confirmed_by_id IS NOT NULL AS confirmed,
       category,
       countersigner_id, countersigned_on IS NOT NULL AS countersigned,
       post_departure, needs_receipt, duty,
       template_item_id IS NOT NULL AS from_template
FROM hr_client_handover_item WHERE handover_id = %s ORDER BY id
"""
SIGNATURES_SQL = """
SELECT id, user_id, stage, role, signed_on IS NOT NULL AS signed
FROM hr_client_handover_signature WHERE handover_id = %s ORDER BY id
"""
# Managers of the department and of every parent department.
CHAIN_SQL = """
WITH RECURSIVE chain(id, parent_id, manager_id) AS (
    SELECT id, parent_id, manager_id FROM hr_department WHERE id = %s
    UNION
    SELECT d.id, d.parent_id, d.manager_id
    FROM hr_department d JOIN chain ON d.id = chain.parent_id
)
SELECT e.user_id FROM chain JOIN hr_employee e ON e.id = chain.manager_id
WHERE e.user_id IS NOT NULL
"""
# The employee's managers, up the chain.
MANAGERS_SQL = """
WITH RECURSIVE up(id, parent_id, user_id) AS (
    SELECT id, parent_id, user_id FROM hr_employee WHERE id = %s
    UNION
    SELECT e.id, e.parent_id, e.user_id
    FROM hr_employee e JOIN up ON e.id = up.parent_id
)
SELECT user_id FROM up WHERE id != %s AND user_id IS NOT NULL
"""


class Handover:
    """One handover, its records and who holds which role in it."""

    def __init__(self, label, probe, officers, admins):
        self.label = label
        self.probe = probe
        self._officers, self._admins = officers, admins
        self.id = None

    def load(self, handover_id):
        probe = self.probe
        self.id = handover_id
        rows = probe.rows(HANDOVER_SQL, (handover_id,))
        if not rows:
            raise LookupError(f"handover {handover_id} does not exist")
        self.row = rows[0]
        self.state = self.row["state"]
        self.lines = probe.rows(LINES_SQL, (handover_id,))
        self.items = probe.rows(ITEMS_SQL, (handover_id,))
        self.signatures = probe.rows(SIGNATURES_SQL, (handover_id,))
        # The departing employee has left: the last working day passed, or
        # their user is archived.
        last_day = self.row["last_working_date"]
        departing = self.row["departing_user_id"]
        self.departed = bool(last_day and last_day < date.today()) or (
            bool(departing)
            and not probe.value(
                "SELECT active FROM res_users WHERE id = %s", (departing,)
            )
        )
        self.omissions = probe.rows(
            "SELECT id, partner_id FROM hr_client_handover_omission "
            "WHERE handover_id = %s ORDER BY id",
            (handover_id,),
        )
        self.incidents = probe.rows(
            "SELECT id, accountable_user_id FROM hr_client_handover_incident "
            "WHERE handover_id = %s ORDER BY id",
            (handover_id,),
        )
        self.ledger = [
            row["id"]
            for row in probe.rows(
                "SELECT id FROM hr_client_handover_transfer "
                "WHERE handover_id = %s ORDER BY id",
                (handover_id,),
            )
        ]
        self.seals = []
        if probe.table_exists("hr_client_handover_seal"):
            self.seals = [
                row["id"]
                for row in probe.rows(
                    "SELECT id FROM hr_client_handover_seal "
                    "WHERE handover_id = %s ORDER BY id",
                    (handover_id,),
                )
            ]
        self._roles = {}
        row = self.row
        for role, uid in (
            ("departing", row["departing_user_id"]),
            ("supervisor", row["supervisor_id"]),
            ("witness", row["acting_witness_id"]),
            ("approver", row["approver_id"]),
            ("creator", row["create_uid"]),
        ):
            self._add(uid, role)
        for line in self.lines:
            self._add(line["successor_id"], "successor")
        chain = probe.rows(CHAIN_SQL, (row["department_id"],))
        for uid in {r["user_id"] for r in chain} & self._officers:
            self._add(uid, "officer")
        for uid in self._admins:
            self._add(uid, "admin")
        return self

    def _add(self, uid, role):
        if uid:
            self._roles.setdefault(uid, set()).add(role)

    @property
    def tag(self):
        return f"{self.label}[{self.state}]"

    def roles(self, uid):
        return frozenset(self._roles.get(uid, ()))

    def line_roles(self, uid, line):
        extra = {"line_successor"} if uid == line["successor_id"] else set()
        return self.roles(uid) | extra

    def item_roles(self, uid, item):
        extra = {"responsible"} if uid == item["responsible_id"] else set()
        if uid == item["countersigner_id"]:
            extra.add("countersigner")
        return self.roles(uid) | extra

    def signature_roles(self, uid, signature):
        extra = {"signer"} if uid == signature["user_id"] else set()
        return self.roles(uid) | extra

    def holders(self):
        """Users with a role, participants first."""
        order = ("departing", "successor", "supervisor", "witness", "approver")
        order += ("creator", "officer", "admin")
        return sorted(
            self._roles,
            key=lambda uid: min(order.index(role) for role in self._roles[uid]),
        )

    def successors(self):
        return sorted({line["successor_id"] for line in self.lines} - {None})


class SetupFailed(Exception):
    """The suite cannot build what its cells need."""


def finds(expected_ids):
    def observe(found):
        assert sorted(found) == sorted(
            expected_ids
        ), f"found {short(sorted(found))}, expected {short(sorted(expected_ids))}"

    return observe


def reads(expected_ids):
    def observe(rows):
        got = sorted(row["id"] for row in rows)
        assert got == sorted(expected_ids), f"read {short(got)}"

    return observe


def opens(res_model):
    def observe(action):
        assert isinstance(action, dict), f"returned {short(action)}"
        assert action.get("res_model") == res_model, f"opens {short(action)}"

    return observe


BROKEN_WORDS = ("broken", "tamper", "mismatch", "altered", "corrupt", "invalid")


def reports_intact(result):
    """action_verify_integrity's answer says the chain is intact."""
    assert isinstance(result, dict), f"returned {short(result)}, not an action"
    params = result.get("params") or {}
    kind = params.get("type") if isinstance(params, dict) else None
    text = json.dumps(result, ensure_ascii=False).lower()
    assert kind in (None, "success", "info"), f"reports {kind}: {short(text, 200)}"
    bad = [word for word in BROKEN_WORDS if word in text]
    assert not bad, f"reports {bad}: {short(text, 200)}"


SHORT = {
    HANDOVER: "handover",
    LINE: "line",
    ITEM: "item",
    SIGNATURE: "signature",
    OMISSION: "omission",
    INCIDENT: "incident",
    LEDGER: "ledger",
    SEAL: "seal",
    DOCUMENT: "filed document",
    RISK_ALERT: "risk alert",
    ATTACHMENT: "attachment",
    "hr.client.handover.refuse": "refuse wizard",
    "hr.client.handover.cancel": "cancel wizard",
    "hr.client.handover.assign": "assign wizard",
    "hr.client.handover.line.reason": "visit reason wizard",
}
TABLE = {model: model.replace(".", "_") for model in SHORT}


# ======================================================================
# The suite
# ======================================================================
class Suite:
    """Sets the stage, then runs every block of cells."""

    def __init__(self, url, db, probe, cells):
        self.url, self.db, self.probe, self.cells = url, db, probe, cells
        self.stamp = datetime.now().strftime("%m%d%H%M%S")
        self.sessions = {}  # uid -> Session
        self.login = {}  # login -> Session
        self._partners = []
        self._free_employee = None
        self._employees = []
        self._no_session = set()
        self._forged = itertools.count(1)
        self.lean = False
        self.seal_model = False
        self.seal_field = False

    # -- sessions and roles --------------------------------------------
    def log_in(self, login, password=None):
        if login not in self.login:
            session = Session(self.url, self.db, login, password or login)
            self.sessions[session.uid] = session
            self.login[login] = session
        return self.login[login]

    def session(self, uid):
        """The session of `uid`, logging them in (every test password is the
        login) when needed; None for a user that cannot log in (OdooBot)."""
        if uid not in self.sessions and uid not in self._no_session:
            login = self.probe.value(
                "SELECT login FROM res_users WHERE id = %s", (uid,)
            )
            try:
                self.log_in(login)
            except (AssertionError, xmlrpc.client.Fault):
                self._no_session.add(uid)
        return self.sessions.get(uid)

    def snapshot(self, label, handover_id):
        return Handover(label, self.probe, self.officers, self.admins).load(handover_id)

    def people(self, hc, everyone=True, colleague=False):
        """Who tries: everyone who holds a role in `hc`, the administrators, a
        colleague without a role, an officer of another department, an
        unrelated internal user and a portal user (and, with `colleague`, a
        demo salesperson without a role: one more non-reader); when not
        `everyone` (a stage another block covers in full), the participants
        and the handover administrator only."""
        if everyone:
            outsiders = [self.elsewhere, self.internal, self.portal]
            if colleague:
                others = [s for s in self.departing_demo if not hc.roles(s.uid)]
                outsiders = others[:1] + outsiders
            uids = [*hc.holders(), self.hr.uid, self.admin.uid]
            uids += [s.uid for s in outsiders]
        else:
            uids = [u for u in hc.holders() if hc.roles(u) & PARTICIPANTS]
            uids.append(self.hr.uid)
        seen, people = set(), []
        for uid in uids:
            session = self.session(uid) if uid not in seen else None
            seen.add(uid)
            if session:
                people.append(session)
        return people

    def insiders(self, hc, line=None):
        """Who gets every field of a group tried (the others: its first field):
        the departing employee and the handover administrator, and the line's
        successor on a line."""
        uids = {hc.row["departing_user_id"], self.hr.uid}
        if line:
            uids.add(line["successor_id"])
        return uids

    def fields_for(self, fields, person, insiders):
        return fields if person.uid in insiders and not self.lean else fields[:1]

    def who(self, person, roles):
        return f"{person.login} ({','.join(sorted(roles)) or 'no role'})"

    # -- setup -----------------------------------------------------------
    def setup(self):
        self.log_in_demo_users()
        self.install_chinese()
        self.create_people()
        self.create_customers()
        self.inspect_models()

    def log_in_demo_users(self):
        self.admin = self.log_in("admin", "admin")
        by_role = {}
        for role, login, password in read_logins():
            by_role.setdefault(re.split(r" \(|,", role)[0], []).append(
                self.log_in(login, password)
            )
        (self.hr,) = by_role["handover administrator"]
        (self.supervisor,) = by_role["supervisor"]
        (self.witness,) = by_role["witness"]
        (self.approver,) = by_role["division manager"]
        self.successor_a, self.successor_b = by_role["successor"][:2]
        # admin creates people and customers in the demo company, the
        # supervisor's (the demo's people work in a company of their own).
        self.admin.work_in_company_of(self.supervisor.uid)
        self.departing_demo = by_role["departing"]
        self.group = {
            name: self.admin.xmlid(xmlid)
            for name, xmlid in (
                ("user", "base.group_user"),
                ("portal", "base.group_portal"),
                ("salesman", "sales_team.group_sale_salesman"),
                ("officer", f"{ADDON}.group_handover_officer"),
                ("manager", f"{ADDON}.group_handover_manager"),
            )
        }

    def install_chinese(self):
        def install():
            admin = self.admin
            langs = admin.call(
                "res.lang",
                "search_read",
                [("code", "=", "zh_CN")],
                fields=["active"],
                context={"active_test": False},
            )
            assert langs, "no res.lang zh_CN"
            if not langs[0]["active"]:
                wizard = admin.call(
                    "base.language.install",
                    "create",
                    {"lang_ids": [(6, 0, [langs[0]["id"]])]},
                )
                # Loading every module's terms takes longer than a plain call.
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object").execute_kw(
                    self.db,
                    admin.uid,
                    admin.password,
                    "base.language.install",
                    "lang_install",
                    [[wizard]],
                )
            self.cells.zh_ready = True

        self.cells.changed()
        self.cells.check("admin installs Simplified Chinese (zh_CN)", install)

    def create_user(self, login, groups, name=None):
        return self.admin.call(
            "res.users",
            "create",
            {
                "name": name or login,
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "group_ids": [(6, 0, groups)],
            },
        )

    def create_people(self):
        """Users outside the demo's roles, two departments and the salesperson
        whose handover is walked through every stage."""
        admin, stamp, group = self.admin, self.stamp, self.group
        self.cells.changed()
        try:
            logins = {}
            for key, groups in (
                ("internal", [group["user"]]),
                ("portal", [group["portal"]]),
                ("spare", [group["user"]]),
                ("officer", [group["user"], group["officer"]]),
                ("elsewhere", [group["user"], group["officer"]]),
                ("leaver", [group["user"], group["salesman"]]),
            ):
                logins[key] = f"sec.{key}.{stamp}"
                self.create_user(logins[key], groups)
            supervisor_employee = admin.search_read(
                "hr.employee",
                [("user_id", "=", self.supervisor.uid)],
                ["department_id"],
            )[0]
            self.manager_employee = supervisor_employee["id"]
            sales = m2o(supervisor_employee["department_id"])
            officer_employee = self.create_employee(logins["officer"])
            elsewhere_employee = self.create_employee(logins["elsewhere"])
            self.team = admin.call(
                "hr.department",
                "create",
                {
                    "name": f"Security Team {stamp}",
                    "parent_id": sales,
                    "manager_id": officer_employee,
                },
            )
            admin.call(
                "hr.department",
                "create",
                {"name": f"Elsewhere {stamp}", "manager_id": elsewhere_employee},
            )
            self.leaver_employee = self.create_employee(logins["leaver"], self.team)
        except xmlrpc.client.Fault as fault:
            raise SetupFailed(
                f"admin could not create the users: {describe(fault)}"
            ) from fault
        self.internal = self.log_in(logins["internal"])
        self.portal = self.log_in(logins["portal"])
        self.spare = self.log_in(logins["spare"])
        self.officer = self.log_in(logins["officer"])
        self.elsewhere = self.log_in(logins["elsewhere"])
        self.leaver = self.log_in(logins["leaver"])
        self.officers = set(
            admin.search("res.users", [("all_group_ids", "in", [group["officer"]])])
        )
        self.admins = set(
            admin.search("res.users", [("all_group_ids", "in", [group["manager"]])])
        )
        say(
            f"security: created {', '.join(sorted(logins.values()))} "
            "(password = login)"
        )

    def create_employee(self, login, department=False):
        """An employee for the user `login` (created when missing), in
        `department` under the demo supervisor."""
        admin = self.admin
        users = admin.search("res.users", [("login", "=", login)])
        uid = users[0] if users else self.create_user(login, [self.group["user"]])
        values = {"name": login, "user_id": uid}
        if department:
            values.update(department_id=department, parent_id=self.manager_employee)
        return admin.call("hr.employee", "create", values)

    def new_employee(self):
        """A salesperson in the security team, with a user and no handover
        (made ten at a time: creating users is slow)."""
        if not self._employees:
            self.cells.changed()
            batch = len(self.login)  # grows with every employee handed out
            logins = [f"sec.emp{batch}-{n}.{self.stamp}" for n in range(10)]
            uids = self.admin.call(
                "res.users",
                "create",
                [
                    {
                        "name": login,
                        "login": login,
                        "password": login,
                        "group_ids": [(6, 0, [self.group["user"]])],
                    }
                    for login in logins
                ],
            )
            employees = self.admin.call(
                "hr.employee",
                "create",
                [
                    {
                        "name": login,
                        "user_id": uid,
                        "department_id": self.team,
                        "parent_id": self.manager_employee,
                    }
                    for login, uid in zip(logins, uids, strict=True)
                ],
            )
            self._employees = list(zip(employees, logins, strict=True))
        employee, login = self._employees.pop(0)
        return employee, self.log_in(login)

    def free_employee(self):
        """An employee no handover was started for, kept while it stays so."""
        busy = self._free_employee and self.probe.value(
            "SELECT count(*) FROM hr_client_handover WHERE employee_id = %s",
            (self._free_employee,),
        )
        if not self._free_employee or busy:
            self._free_employee = self.new_employee()[0]
        return self._free_employee

    def create_customers(self):
        admin, stamp = self.admin, self.stamp
        self.cells.changed()
        self.customers = admin.call(
            "res.partner",
            "create",
            [
                {
                    "name": f"Security Customer {index} {stamp}",
                    "is_company": True,
                    "user_id": self.leaver.uid,
                }
                for index in range(1, 9)
            ],
        )
        self.decoy = admin.call(
            ATTACHMENT,
            "create",
            {
                "name": "decoy.pdf",
                "res_model": "res.partner",
                "res_id": self.customers[0],
                "datas": base64.b64encode(b"%PDF-1.4 decoy").decode(),
            },
        )

    def fresh_partner(self):
        """A company in no handover, for a new customer line."""
        if not self._partners:
            self.cells.changed()
            self._partners = self.admin.call(
                "res.partner",
                "create",
                [
                    {"name": f"Fresh Company {n} {self.stamp}", "is_company": True}
                    for n in range(len(self.login), len(self.login) + 40)
                ],
            )
        return self._partners.pop()

    def inspect_models(self):
        self.seal_model = bool(self.admin.search("ir.model", [("model", "=", SEAL)]))
        self.seal_field = "seal_ids" in self.admin.call(
            HANDOVER, "fields_get", ["seal_ids"], attributes=["type"]
        )
        self.cells.check(
            f"the model {SEAL} exists", lambda: self._assert(self.seal_model)
        )

    @staticmethod
    def _assert(condition, message="not the case"):
        assert condition, message

    def find_handover(self, login, states):
        uid = self.login[login].uid if login in self.login else None
        return self.probe.value(
            "SELECT h.id FROM hr_client_handover h WHERE h.departing_user_id = %s "
            "AND h.state = ANY(%s) ORDER BY h.id DESC LIMIT 1",
            (uid, list(states)),
        )

    # -- generic blocks: every role against one handover in its stage -------
    def stage_block(self, label, handover_id, lean=False, reads=True):
        """Every cell that fits the handover's current stage. `lean` (a stage
        another block covers in full): one field per group, the main x2many
        commands, only the participants and the handover administrator
        outside the read cells; `reads`: the read and search cells too."""
        if not handover_id:
            self.cells.record(f"{label}: the handover exists", "not found")
            return
        self.lean = lean
        blocks = [self.read_cells] if reads else []
        for block in (
            *blocks,
            self.handover_write_cells,
            self.handover_create_line_cells,
            self.line_write_cells,
            self.line_button_cells,
            self.item_cells,
            self.item_button_cells,
            self.signature_cells,
            self.omission_cells,
            self.incident_cells,
            self.record_cells,
            self.command_cells,
            self.button_cells,
            self.unlink_cells,
            self.workflow_write_cells,
        ):
            try:
                hc = self.snapshot(label, handover_id)
            except LookupError:
                self.cells.record(f"{label}: the handover still exists", "deleted")
                break
            reading = block == self.read_cells
            if block == self.record_cells and not self.nobody_here(hc):
                continue
            if lean and block == self.signature_cells:
                continue  # the full blocks try them
            block(hc, self.people(hc, reading or not lean, colleague=reading))
        self.lean = False

    def nobody_here(self, hc):
        """Cells that nobody passes in any stage (ledger, seals, creating,
        deleting or forging signatures) run in the full blocks of a draft, a
        handover in materials (signatures and ledger exist) and a done one."""
        return not self.lean and hc.state in ("draft", "materials", "done")

    # -- read ------------------------------------------------------------
    def read_cells(self, hc, people):
        targets = [
            (HANDOVER, [hc.id], [("id", "=", hc.id)]),
            (LINE, [line["id"] for line in hc.lines], [("handover_id", "=", hc.id)]),
            (ITEM, [item["id"] for item in hc.items], [("handover_id", "=", hc.id)]),
            (
                SIGNATURE,
                [s["id"] for s in hc.signatures],
                [("handover_id", "=", hc.id)],
            ),
            (LEDGER, hc.ledger, [("handover_id", "=", hc.id)]),
        ]
        if self.seal_model:
            targets.append((SEAL, hc.seals, [("handover_id", "=", hc.id)]))
        filed = hc.row["summary_attachment_id"]
        for model, ids, domain in targets:
            for person in people:
                roles = hc.roles(person.uid)
                reader = bool(roles & READERS)
                who = self.who(person, roles)
                # A portal user has no access right on the handover models at
                # all: even an empty search is refused.
                self.cells.run(
                    f"{hc.tag} {SHORT[model]} search as {who}",
                    person,
                    model,
                    "search",
                    [domain],
                    REFUSED_BY_ROLE if person is self.portal else ALLOWED,
                    finds(ids if reader else []),
                )
                if ids:
                    self.cells.run(
                        f"{hc.tag} {SHORT[model]} read {short(ids[:3], 30)} as {who}",
                        person,
                        model,
                        "read",
                        [ids[:3], ["display_name"]],
                        ALLOWED if reader else REFUSED_BY_ROLE,
                        reads(ids[:3]),
                    )
        if filed:
            for person in people:
                roles = hc.roles(person.uid)
                self.cells.run(
                    f"{hc.tag} filed PDF {filed} read as {self.who(person, roles)}",
                    person,
                    ATTACHMENT,
                    "read",
                    [[filed], ["name", "checksum"]],
                    ALLOWED if roles & READERS else REFUSED_BY_ROLE,
                    reads([filed]),
                )

    # -- write -----------------------------------------------------------
    def write_cell(self, hc, model, record, field, value, person, roles, expected):
        """`person` writes `field` = `value` (value, original: put back after an
        allowed write; NOT_WRITTEN: keep it) on `record` of `model`."""
        value, original = value
        record_id = record["id"] if isinstance(record, dict) else record

        def observe(_result):
            if model == SIGNATURE and field == "signature":
                stored = self.probe.column(TABLE[model], record_id, "signed_on")
                assert stored, "signed_on is not set after signing"
                return
            stored = self.probe.column(TABLE[model], record_id, field)
            assert self.holds(
                stored, value
            ), f"{field} is {short(stored, 60)} after writing {short(value, 60)}"
            if original is NOT_WRITTEN or self.holds(stored, original):
                return
            roles_field = model == HANDOVER and field in HANDOVER_FIELDS["roles"]
            restorer = self.hr if roles_field else person
            try:
                restorer.call(model, "write", [record_id], {field: original})
            except xmlrpc.client.Fault as fault:
                raise AssertionError(
                    f"written, but {restorer.login} could not put back "
                    f"{field}={short(original, 40)}: {describe(fault)}"
                ) from fault

        result = self.cells.run(
            f"{hc.tag} {SHORT[model]} {record_id} write {field}={short(value, 40)} "
            f"as {self.who(person, roles)}",
            person,
            model,
            "write",
            [[record_id], {field: value}],
            expected,
            observe,
        )
        if expected is not ALLOWED and result is True and original is not NOT_WRITTEN:
            self.put_back(model, record_id, field, original)

    def put_back(self, model, record_id, field, original):
        """Undo a write that should have been refused, so that the cells after
        it find the roles they expect (best effort: it is already a FAIL)."""
        self.cells.changed()
        for session in (self.hr, self.admin):
            try:
                session.call(model, "write", [record_id], {field: original})
            except xmlrpc.client.Fault:
                continue
            return

    @staticmethod
    def holds(stored, value):
        if isinstance(value, str) and value.startswith("<p>"):
            return isinstance(stored, str) and value[3:-4] in stored
        return same_value(stored, value)

    def handover_write_cells(
        self, hc, people, groups=("details", "plan", "template", "summary", "roles")
    ):
        insiders = self.insiders(hc)
        for group in groups:
            for person in people:
                roles = hc.roles(person.uid)
                expected = expect(HANDOVER_WRITE[group], hc.state, roles)
                if (
                    expected is ALLOWED
                    and group == "roles"
                    and hc.state in ("materials", "summary")
                ):
                    continue  # the signers of this stage follow the roles: keep them
                for field in self.fields_for(HANDOVER_FIELDS[group], person, insiders):
                    value = self.handover_value(hc, field, person)
                    if value:
                        self.write_cell(
                            hc,
                            HANDOVER,
                            hc.id,
                            field,
                            value,
                            person,
                            roles,
                            self.template_fits(hc, field, value[0], expected),
                        )
                if group == "roles":
                    self.duty_cells(hc, person, roles)

    def workflow_write_cells(self, hc, people):
        """Last in a block: an accepted one would derail the stage."""
        self.handover_write_cells(hc, people, groups=("workflow",))

    def duty_cells(self, hc, person, roles):
        """Segregation of duties: never the departing user or a successor."""
        if person.uid != self.hr.uid:
            return
        departing = hc.row["departing_user_id"]
        attempts = [("witness_id", departing), ("approver_id", departing)]
        attempts += [("supervisor_id", uid) for uid in hc.successors()[:1]]
        for field, uid in attempts:
            if uid:
                self.write_cell(
                    hc,
                    HANDOVER,
                    hc.id,
                    field,
                    (uid, hc.row[field] or False),
                    person,
                    roles,
                    REFUSED_BY_STAGE if hc.state in OPEN else REFUSED,
                )

    def handover_value(self, hc, field, person):
        """(value, original) to write `field` on `hc`; None: no valid value."""
        row = hc.row
        current = row.get(field)
        if field in HANDOVER_FIELDS["workflow"]:
            return self.forged_handover_value(hc.row, field), NOT_WRITTEN
        if field in ("reason", "summary"):
            text = f"{field} by {person.login}"
            return (f"<p>{text}</p>" if field == "summary" else text), NOT_WRITTEN
        if field == "key_position":
            return not current, bool(current)
        if field in HANDOVER_FIELDS["roles"]:
            return (
                (self.spare.uid, current or False)
                if current != self.spare.uid
                else None
            )
        if field == "default_successor_id":
            other = self.successor_a.uid
            if current == other or other == row["departing_user_id"]:
                other = self.successor_b.uid
            return other, current or False
        if field == "handover_type":
            if row["return_date"]:
                return None  # only a leave has a return date
            return ("promotion" if current != "promotion" else "transfer"), current
        if field == "template_id":
            # One that fits the handover's type when there is one.
            other = self.probe.value(
                "SELECT id FROM hr_client_handover_template WHERE id != %s "
                "ORDER BY handover_type IS NULL OR handover_type = %s DESC, id "
                "LIMIT 1",
                (current or 0, row["handover_type"]),
            )
            return (other, current or False) if other else None
        return self.date_value(row, field)

    def template_type(self, template_id):
        return self.probe.value(
            "SELECT handover_type FROM hr_client_handover_template WHERE id = %s",
            (template_id or 0,),
        )

    def template_fits(self, hc, field, value, expected):
        """A handover takes a template of its type or one without a type: a
        write that would pair them otherwise is refused (a UserError) to whom
        the policy lets write it."""
        if expected is not ALLOWED or field not in ("handover_type", "template_id"):
            return expected
        if field == "handover_type":
            kind, template = value, hc.row["template_id"]
        else:
            kind, template = hc.row["handover_type"], value
        return (
            ALLOWED
            if self.template_type(template) in (None, kind)
            else REFUSED_BY_STAGE
        )

    @staticmethod
    def date_value(row, field):
        current = row[field]
        today = date.today()
        if field == "notice_date":
            new = (current or today) - timedelta(days=1)
        elif field == "last_working_date":
            new = (current or today + timedelta(days=20)) + timedelta(days=1)
            if row["return_date"] and new >= row["return_date"]:
                return None
        else:  # return_date
            if row["handover_type"] != "leave":
                return None  # a return date on another type is invalid data
            new = (current or today + timedelta(days=60)) + timedelta(days=1)
        return new.isoformat(), current.isoformat() if current else False

    def forged_handover_value(self, row, field):
        if field == "state":
            return "done" if row["state"] != "done" else "draft"
        if field == "transfer_state":
            return "reverted" if row["transfer_state"] != "reverted" else "pending"
        if field.endswith("_by_id"):
            return self.hr.uid
        if field.endswith("_on"):
            return A_DATETIME
        forged = {
            "name": f"HO/FORGED/{self.stamp}/{next(self._forged)}",
            "employee_id": self.free_employee(),
            "company_id": self.other_company(row["company_id"]),
            "refuse_reason": "Forged reason",
            "cancel_reason": "Forged reason",
            "summary_attachment_id": self.decoy,
            "done_date": "2026-01-02",
        }
        return forged[field]

    def other_company(self, company_id):
        other = self.probe.value(
            "SELECT id FROM res_company WHERE id != %s ORDER BY id LIMIT 1",
            (company_id,),
        )
        return other or company_id

    # -- customer lines ----------------------------------------------------
    @staticmethod
    def line_blocked(group, line):
        """Allowed to the role in this stage, but already done for this line."""
        return {
            "materials": line["materials_confirmed"],
            "visit": line["visit_state"] not in ("pending", "waiver_requested"),
            "check": line["checked"],
        }.get(group, False)

    def line_write_cells(self, hc, people):
        if not hc.lines:
            return
        line = hc.lines[0]
        insiders = self.insiders(hc, line)
        for group, fields in LINE_FIELDS.items():
            blocked = self.line_blocked(group, line)
            for person in people:
                roles = hc.line_roles(person.uid, line)
                expected = expect(LINE_WRITE[group], hc.state, roles, blocked)
                for field in self.fields_for(fields, person, insiders):
                    value = self.line_value(hc, line, field, person)
                    self.write_cell(
                        hc, LINE, line, field, value, person, roles, expected
                    )

    def line_value(self, hc, line, field, person):
        """(value, original) for `field` of `line`."""
        if field in LINE_FIELDS["confirmation"]:
            return self.forged_line_value(line, field, person), NOT_WRITTEN
        if field == "successor_id":
            current = line["successor_id"]
            other = self.successor_a.uid
            if other in (current, hc.row["departing_user_id"]):
                other = self.successor_b.uid
            return other, current or False
        if field == "partner_id":
            return self.fresh_partner(), line["partner_id"]
        if field == "sequence":
            return (line["sequence"] or 0) + 1, NOT_WRITTEN
        if field in ("planned_date", "planned_visit_date"):
            return "2027-01-15", NOT_WRITTEN
        if field == "visit_contact_id":
            return False, NOT_WRITTEN
        if field == "check_result":
            current = line["check_result"]
            new = "unreachable" if current != "unreachable" else "problem"
            return new, current or False
        return f"{field} by {person.login}", NOT_WRITTEN

    @staticmethod
    def forged_line_value(line, field, person):
        if field in ("visit_waived", "spot_check_selected"):
            return not line[field]
        if field in ("problem_count", "visit_return_count"):
            return 7
        if field in ("visit_waiver_reason", "visit_return_reason"):
            return f"Forged by {person.login}"
        if field in (
            "materials_confirmed_by_id",
            "visit_successor_confirmed_by_id",
            "visit_departing_confirmed_by_id",
            "visit_confirmed_on_behalf_by_id",
            "waiver_requested_by_id",
            "waiver_approved_by_id",
            "checked_by_id",
        ):
            return person.uid
        return A_DATETIME  # the dates and times of a confirmation

    def one_row(self, query, params, what):
        """An observation: `query` counts exactly one row (`what`: the rows
        counted, in the message of another count)."""

        def observe(_result):
            found = self.probe.value(query, params)
            assert found == 1, f"{found} {what}"

        return observe

    def line_created(self, handover_id, partner):
        return self.one_row(
            "SELECT count(*) FROM hr_client_handover_line "
            "WHERE handover_id = %s AND partner_id = %s",
            (handover_id, partner),
            "line(s) for the new customer",
        )

    def gone(self, model, record_id):
        def observe(_result):
            assert not self.probe.exists(TABLE[model], record_id), "still there"

        return observe

    def column_is(self, model, record_id, field, wanted):
        def observe(_result=None):
            stored = self.probe.column(TABLE[model], record_id, field)
            if wanted is True:
                assert stored, f"{field} is not set"
            else:
                assert self.holds(stored, wanted), f"{field} is {short(stored, 60)}"

        return observe

    def handover_create_line_cells(self, hc, people):
        """Direct create and unlink of lines, and lines born confirmed."""
        successor = self.successor_a.uid
        if successor == hc.row["departing_user_id"]:
            successor = self.successor_b.uid
        insiders = self.insiders(hc)
        for person in people:
            roles = hc.roles(person.uid)
            expected = expect(LINE_EDIT, hc.state, roles)
            who = self.who(person, roles)
            partner = self.fresh_partner()
            values = {"handover_id": hc.id, "partner_id": partner}
            self.cells.run(
                f"{hc.tag} line create as {who}",
                person,
                LINE,
                "create",
                [{**values, "successor_id": successor}],
                expected,
                self.line_created(hc.id, partner),
            )
            forged = REFUSED_BY_ROLE if expected is ALLOWED else expected | {4}
            fields = LINE_CREATE_FORBIDDEN if person.uid in insiders else ()
            fields = () if self.lean else fields
            for field in fields:
                value = "confirmed" if field == "check_result" else None
                line = {"visit_waived": False, "spot_check_selected": False}
                value = value or self.forged_line_value(line, field, person)
                self.cells.run(
                    f"{hc.tag} line create with {field} as {who}",
                    person,
                    LINE,
                    "create",
                    [{**values, "partner_id": self.fresh_partner(), field: value}],
                    forged,
                )
            self.unlink_cell(hc, person, roles, LINE, LINE_EDIT)

    def spare_record(self, hc, model, person):
        """A line the administrator adds to a draft, or a checklist item
        ``person`` adds (the departing employee removes only the items they
        added), for an allowed unlink; None when it cannot be added."""
        values = {"handover_id": hc.id}
        author = self.hr
        if model == LINE:
            values.update(
                partner_id=self.fresh_partner(), successor_id=self.successor_a.uid
            )
        else:
            values.update(name=f"Spare item {self.stamp}")
            author = person
        self.cells.changed()
        try:
            return author.call(model, "create", values)
        except xmlrpc.client.Fault as fault:
            self.cells.record(
                f"{hc.tag} {SHORT[model]} create by {author.login} for an unlink",
                f"refused: {describe(fault)}",
            )
            return None

    def unlink_cell(self, hc, person, roles, model, rule):
        expected = expect(rule, hc.state, roles)
        if expected is ALLOWED:
            target = self.spare_record(hc, model, person)
        else:  # the last one (other cells use the first), still there
            query = sql.SQL("SELECT max(id) FROM {} WHERE handover_id = %s").format(
                sql.Identifier(TABLE[model])
            )
            target = self.probe.value(query, (hc.id,))
        if target:
            self.cells.run(
                f"{hc.tag} {SHORT[model]} {target} unlink as {self.who(person, roles)}",
                person,
                model,
                "unlink",
                [[target]],
                expected,
                self.gone(model, target),
            )

    def line_button_blocked(self, method, line, roles):
        """Known to be refused for the right role in the right stage (already
        done, missing data), or None when it would go through."""
        if method == "action_confirm_materials":
            return line["materials_confirmed"]
        if method == "action_send_back_materials":
            return not line["materials_confirmed"]
        if method == "action_confirm_visit":
            mine = (
                line["visit_by_successor"]
                if "line_successor" in roles
                else line["visit_by_departing"]
            )
            return line["visit_state"] not in ("pending", "partial") or mine
        if method == "action_request_waiver":
            return line["visit_state"] != "pending"
        if method in ("action_approve_waiver", "action_refuse_waiver"):
            return line["visit_state"] != "waiver_requested"
        if method == "action_send_back_visit":
            return line["visit_state"] not in ("partial", "done", "waived")
        if method == "action_toggle_spot_check":
            return None  # adding or dropping depends on the sample's size
        return (
            not line["spot_check_selected"]
            or line["checked"]
            or (
                method == "action_record_check"
                and line["check_result"] in (None, "pending")
            )
        )

    def line_button_cells(self, hc, people):
        if not hc.lines:
            return
        line = hc.lines[0]
        for method, rule in LINE_BUTTONS.items():
            context = {"check_result": "confirmed"} if "set_check" in method else {}
            for person in people:
                roles = hc.line_roles(person.uid, line)
                expected = expect(rule, hc.state, roles)
                if expected is ALLOWED:
                    if not self.line_button_blocked(method, line, roles):
                        continue  # it would go through: the walk presses it
                    expected = REFUSED_BY_STAGE
                self.cells.run(
                    f"{hc.tag} line {line['id']} {method} as {self.who(person, roles)}",
                    person,
                    LINE,
                    method,
                    [[line["id"]]],
                    expected,
                    context=context,
                )

    # -- checklist -----------------------------------------------------------
    def item_cells(self, hc, people):
        """Create, write each field group, unlink."""
        insiders = self.insiders(hc)
        item = hc.items[0] if hc.items else None
        for person in people:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            name = f"Item added by {person.login}"
            self.cells.run(
                f"{hc.tag} item create as {who}",
                person,
                ITEM,
                "create",
                [{"handover_id": hc.id, "name": name}],
                expect(ITEM_EDIT, hc.state, roles),
                self.item_created(hc.id, name),
            )
            if not item:
                continue
            item_roles = hc.item_roles(person.uid, item)
            for group, fields in ITEM_FIELDS.items():
                expected = self.item_write_expected(hc, item, group, item_roles)
                for field in self.fields_for(fields, person, insiders):
                    value = self.item_value(item, field, person)
                    self.write_cell(
                        hc, ITEM, item, field, value, person, item_roles, expected
                    )
        for person in people:  # last: an unlink wrongly let through
            self.unlink_cell(hc, person, hc.roles(person.uid), ITEM, ITEM_EDIT)

    @staticmethod
    def item_write_expected(hc, item, group, roles):
        """Who writes `group` on `item`: the template's items are changed by
        the supervisor or an administrator only; a duty's record while the
        item is open, by whoever ticks it."""
        if group == "record":
            rule = POST_DEPARTURE_RECORD if item["post_departure"] else ITEM_RECORD
            return expect(rule, hc.state, roles, item["done"])
        blocked = (
            group == "checklist"
            and item["from_template"]
            and not roles & TEMPLATE_KEEPERS
        )
        return expect(ITEM_WRITE[group], hc.state, roles, blocked)

    def item_created(self, handover_id, name):
        return self.one_row(
            # The description is translated: in any of its languages.
            "SELECT count(*) FROM hr_client_handover_item WHERE handover_id = %s"
            " AND %s IN (SELECT value FROM jsonb_each_text(name))",
            (handover_id, name),
            f"item(s) named {name!r}",
        )

    def item_value(self, item, field, person):
        if field in ITEM_FIELDS["progress"]:
            if field == "done":
                return not item["done"], NOT_WRITTEN
            return (person.uid if field.endswith("_by_id") else A_DATETIME), NOT_WRITTEN
        if field == "responsible_id":
            return self.spare.uid, item["responsible_id"] or False
        if field == "countersigner_id":
            return self.spare.uid, item["countersigner_id"] or False
        if field in ("post_departure", "needs_receipt"):
            return not item[field], bool(item[field])
        values = {
            "category": "other" if item["category"] != "other" else "documents",
            "due_date": "2027-02-01",
            "duty_date": date.today().isoformat(),
            "sequence": 99,
            "countersign_department": "finance",
        }
        if field in values:
            return values[field], NOT_WRITTEN
        return f"{field} by {person.login}", NOT_WRITTEN

    def item_button_cells(self, hc, people):
        """Mark done then reset (each allowed pair leaves the item as it was),
        confirm (allowed ones are the walk's)."""
        if not hc.items:
            return
        # (A duty is ticked once recorded: the walk does it.)
        fresh = [
            i
            for i in hc.items
            if not i["done"] and not i["confirmed"] and not i["duty"]
        ]
        item = (fresh or hc.items)[0]
        done = [i for i in hc.items if i["done"] and not i["confirmed"]]
        to_confirm = (done or hc.items)[0]
        buttons = POST_DEPARTURE_BUTTONS if item["post_departure"] else ITEM_BUTTONS
        for person in people:
            roles = hc.item_roles(person.uid, item)
            who = self.who(person, roles)
            title = f"{hc.tag} item {item['id']}"
            early = item["post_departure"] and not hc.departed
            mark = expect(
                buttons["action_mark_done"], hc.state, roles, item["done"] or early
            )
            self.cells.run(
                f"{title} action_mark_done as {who}",
                person,
                ITEM,
                "action_mark_done",
                [[item["id"]]],
                mark,
                self.column_is(ITEM, item["id"], "done", True),
            )
            reset = expect(
                buttons["action_reset"],
                hc.state,
                roles,
                item["confirmed"] or item["countersigned"],
            )
            if reset is not ALLOWED or mark is ALLOWED:
                self.cells.run(
                    f"{title} action_reset as {who}",
                    person,
                    ITEM,
                    "action_reset",
                    [[item["id"]]],
                    reset,
                    self.column_is(ITEM, item["id"], "done", False),
                )
            roles = hc.item_roles(person.uid, to_confirm)
            own = person.uid in (to_confirm["done_by_id"], hc.row["departing_user_id"])
            blocked = (
                not to_confirm["done"]
                or to_confirm["confirmed"]
                or to_confirm["post_departure"]
                or own
            )
            confirm = expect(ITEM_BUTTONS["action_confirm"], hc.state, roles, blocked)
            if confirm is not ALLOWED:
                self.cells.run(
                    f"{hc.tag} item {to_confirm['id']} action_confirm as "
                    f"{self.who(person, roles)}",
                    person,
                    ITEM,
                    "action_confirm",
                    [[to_confirm["id"]]],
                    confirm,
                )
            blocked = not to_confirm["done"] or to_confirm["countersigned"] or own
            countersign = expect(
                ITEM_BUTTONS["action_countersign"], hc.state, roles, blocked
            )
            if countersign is not ALLOWED:
                self.cells.run(
                    f"{hc.tag} item {to_confirm['id']} action_countersign as "
                    f"{self.who(person, roles)}",
                    person,
                    ITEM,
                    "action_countersign",
                    [[to_confirm["id"]]],
                    countersign,
                )

    # -- signatures ------------------------------------------------------------
    def sample_signatures(self, hc):
        """One signature per signing stage, an unsigned one when there is."""
        chosen = []
        for stage in ("materials", "summary"):
            of_stage = [s for s in hc.signatures if s["stage"] == stage]
            of_stage.sort(key=lambda s: (s["signed"], s["id"]))
            chosen += of_stage[:1]
        return chosen

    def signature_cells(self, hc, people):
        for sig in self.sample_signatures(hc):
            rule = during([sig["stage"]], "signer")
            insiders = {sig["user_id"], hc.row["departing_user_id"], self.hr.uid}
            for person in people:
                roles = hc.signature_roles(person.uid, sig)
                expected = expect(rule, hc.state, roles, sig["signed"])
                if expected is not ALLOWED:  # allowed: the signer signs in the walk
                    self.write_cell(
                        hc,
                        SIGNATURE,
                        sig,
                        "signature",
                        (SIGNATURE_PNG, NOT_WRITTEN),
                        person,
                        roles,
                        expected,
                    )
                nobody = expect(NOBODY, hc.state, roles)
                fields = SIGNATURE_OTHER_FIELDS if self.nobody_here(hc) else ()
                for field in self.fields_for(fields, person, insiders):
                    value = self.forged_signature_value(hc, sig, field, person)
                    self.write_cell(
                        hc, SIGNATURE, sig, field, value, person, roles, nobody
                    )
        for person in people if self.nobody_here(hc) else ():
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            nobody = expect(NOBODY, hc.state, roles)
            self.cells.run(
                f"{hc.tag} signature create as {who}",
                person,
                SIGNATURE,
                "create",
                [
                    {
                        "handover_id": hc.id,
                        "stage": "materials",
                        "role": "witness",
                        "user_id": person.uid,
                        "signature": FORGED_PNG,
                    }
                ],
                nobody,
            )
            if hc.signatures:
                target = hc.signatures[0]["id"]
                self.cells.run(
                    f"{hc.tag} signature {target} unlink as {who}",
                    person,
                    SIGNATURE,
                    "unlink",
                    [[target]],
                    nobody,
                )

    def forged_signature_value(self, hc, sig, field, person):
        if field == "signed_on":
            value = A_DATETIME
        elif field == "signed_by_id":
            value = person.uid
        elif field == "user_id":
            value = person.uid if person.uid != sig["user_id"] else self.spare.uid
        elif field == "role":
            value = "witness" if sig["role"] != "witness" else "successor"
        elif field == "stage":
            value = "summary" if sig["stage"] == "materials" else "materials"
        else:
            value = self.other_handover(hc)
        return value, NOT_WRITTEN

    def other_handover(self, hc):
        return self.probe.value(
            "SELECT id FROM hr_client_handover WHERE id != %s ORDER BY id LIMIT 1",
            (hc.id,),
        )

    # -- omissions and incidents ----------------------------------------------
    def created(self, model, handover_id, field, value):
        query = sql.SQL(
            "SELECT count(*) FROM {} WHERE handover_id = %s AND {} = %s"
        ).format(sql.Identifier(TABLE[model]), sql.Identifier(field))
        return self.one_row(
            query, (handover_id, value), f"{SHORT[model]}(s) with {field}={value}"
        )

    def part_ids(self, model, hc):
        query = sql.SQL("SELECT id FROM {} WHERE handover_id = %s ORDER BY id").format(
            sql.Identifier(TABLE[model])
        )
        return [row["id"] for row in self.probe.rows(query, (hc.id,))]

    def omission_cells(self, hc, people):
        """Create, write the reason, unlink a justified omission."""
        for person in people:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            expected = expect(OMISSION_EDIT, hc.state, roles)
            partner = self.fresh_partner()
            values = {
                "handover_id": hc.id,
                "partner_id": partner,
                "reason": f"Left out by {person.login}",
            }
            self.cells.run(
                f"{hc.tag} omission create as {who}",
                person,
                OMISSION,
                "create",
                [values],
                expected,
                self.created(OMISSION, hc.id, "partner_id", partner),
            )
            if person.uid == hc.row["supervisor_id"] and not self.lean:
                forged = REFUSED_BY_ROLE if expected is ALLOWED else expected | {4}
                self.cells.run(
                    f"{hc.tag} omission create with justified_by_id as {who}",
                    person,
                    OMISSION,
                    "create",
                    [
                        {
                            **values,
                            "partner_id": self.fresh_partner(),
                            "justified_by_id": self.spare.uid,
                        }
                    ],
                    forged,
                )
        ids = self.part_ids(OMISSION, hc)
        if not ids:
            return
        for person in people:
            roles = hc.roles(person.uid)
            self.write_cell(
                hc,
                OMISSION,
                ids[0],
                "reason",
                (f"Reason by {person.login}", NOT_WRITTEN),
                person,
                roles,
                expect(OMISSION_EDIT, hc.state, roles),
            )
        # Last: the refused ones on the first, the allowed ones on the last.
        ordered = sorted(
            people,
            key=lambda p: expect(OMISSION_EDIT, hc.state, hc.roles(p.uid)) is ALLOWED,
        )
        for person in ordered:
            roles = hc.roles(person.uid)
            expected = expect(OMISSION_EDIT, hc.state, roles)
            ids = self.part_ids(OMISSION, hc)
            target = ids[-1] if expected is ALLOWED else ids[0] if ids else None
            if target:
                self.cells.run(
                    f"{hc.tag} omission {target} unlink as {self.who(person, roles)}",
                    person,
                    OMISSION,
                    "unlink",
                    [[target]],
                    expected,
                    self.gone(OMISSION, target),
                )

    def incident_cells(self, hc, people):
        """Record an incident (the departing employee accountable), one a
        recorder is accountable for, handle it, forge it, delete it."""
        departing = hc.row["departing_user_id"]
        for person in people:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            expected = expect(INCIDENT_EDIT, hc.state, roles)
            text = f"Incident recorded by {person.login} {next(self._forged)}"
            values = {
                "handover_id": hc.id,
                "kind": "other",
                "description": text,
                "accountable_user_id": departing,
            }
            mine = person.uid == departing
            self.cells.run(
                f"{hc.tag} incident create as {who}",
                person,
                INCIDENT,
                "create",
                [values],
                expect(INCIDENT_EDIT, hc.state, roles, mine),
                self.created(INCIDENT, hc.id, "description", text),
            )
            if self.lean or person.uid not in (hc.row["supervisor_id"], self.hr.uid):
                continue
            self.cells.run(
                f"{hc.tag} incident create accountable {person.login} as {who}",
                person,
                INCIDENT,
                "create",
                [{**values, "accountable_user_id": person.uid}],
                expect(INCIDENT_EDIT, hc.state, roles, True),
            )
            forged = REFUSED_BY_ROLE if expected is ALLOWED else expected | {4}
            for field in INCIDENT_FORGED:
                value = (
                    self.spare.uid
                    if field == "recorded_by_id"
                    else self.probe.value("SELECT min(id) FROM hr_department")
                )
                self.cells.run(
                    f"{hc.tag} incident create with {field} as {who}",
                    person,
                    INCIDENT,
                    "create",
                    [{**values, field: value}],
                    forged,
                )
        incidents = self.probe.rows(
            "SELECT id, accountable_user_id FROM hr_client_handover_incident "
            "WHERE handover_id = %s ORDER BY id",
            (hc.id,),
        )
        if not incidents:
            return
        incident = incidents[0]
        for person in people:
            roles = hc.roles(person.uid)
            mine = person.uid == incident["accountable_user_id"]
            self.write_cell(
                hc,
                INCIDENT,
                incident["id"],
                "resolution",
                (f"Handled by {person.login}", NOT_WRITTEN),
                person,
                roles,
                expect(INCIDENT_EDIT, hc.state, roles, mine),
            )
            self.cells.run(
                f"{hc.tag} incident {incident['id']} unlink as "
                f"{self.who(person, roles)}",
                person,
                INCIDENT,
                "unlink",
                [[incident["id"]]],
                expect(NOBODY, hc.state, roles),
            )

    # -- ledger and seals: nobody creates, writes or unlinks --------------------
    def record_cells(self, hc, people):
        if not self.seal_model:
            self.cells.record(f"{hc.tag} seal cells", f"the model {SEAL} is missing")
        for model, ids, create, writes in (
            (LEDGER, hc.ledger, self.forged_ledger(hc), self.ledger_writes()),
            (SEAL, hc.seals, self.forged_seal(hc), self.seal_writes(hc)),
        ):
            if model == SEAL and not self.seal_model:
                continue
            for person in people:
                roles = hc.roles(person.uid)
                nobody = expect(NOBODY, hc.state, roles)
                who = self.who(person, roles)
                self.cells.run(
                    f"{hc.tag} {SHORT[model]} create as {who}",
                    person,
                    model,
                    "create",
                    [create],
                    nobody,
                )
                if not ids:
                    continue
                insiders = {self.hr.uid, self.admin.uid, hc.row["supervisor_id"]}
                for field in self.fields_for(list(writes), person, insiders):
                    self.write_cell(
                        hc,
                        model,
                        ids[0],
                        field,
                        (writes[field], NOT_WRITTEN),
                        person,
                        roles,
                        nobody,
                    )
                self.cells.run(
                    f"{hc.tag} {SHORT[model]} {ids[0]} unlink as {who}",
                    person,
                    model,
                    "unlink",
                    [[ids[0]]],
                    nobody,
                )

    def forged_ledger(self, hc):
        return {
            "handover_id": hc.id,
            "res_model": "res.partner",
            "res_id": self.customers[0],
            "field_name": "user_id",
            "old_user_id": self.successor_a.uid,
            "new_user_id": self.spare.uid,
            "transferred_on": A_DATETIME,
        }

    def ledger_writes(self):
        return {
            "new_user_id": self.spare.uid,
            "reverted_on": A_DATETIME,
            "res_id": self.customers[1],
            "note": "forged",
        }

    def forged_seal(self, hc):
        """A well-formed seal: only the policy may refuse it."""
        return {
            "handover_id": hc.id,
            "sequence": 999,
            "kind": "stage",
            "res_model": HANDOVER,
            "res_id": hc.id,
            "user_id": self.spare.uid,
            "sealed_on": A_DATETIME,
            "sealed_values": "{}",
            "hash": "0" * 64,
            "previous_hash": "0" * 64,
        }

    def seal_writes(self, hc):
        return {
            "hash": "f" * 64,
            "previous_hash": "e" * 64,
            "res_id": self.other_handover(hc),
            "sequence": 0,
        }

    # -- x2many commands written on the handover ------------------------------
    def command_cells(self, hc, people):
        for person in people:
            for field, commands, expected, observe in self.commands(hc, person):
                if not commands or (expected is ALLOWED and observe is None):
                    continue
                if self.lean and commands[0][0] not in (0, 2):
                    continue  # it would go through for real: the walk does it
                roles = hc.roles(person.uid)
                self.cells.run(
                    f"{hc.tag} handover write {field}={short(commands, 60)} "
                    f"as {self.who(person, roles)}",
                    person,
                    HANDOVER,
                    "write",
                    [[hc.id], {field: commands}],
                    expected,
                    observe,
                )

    def commands(self, hc, person):
        """(field, commands, expected, observe) that `person` sends."""
        state, roles = hc.state, hc.roles(person.uid)
        nobody = expect(NOBODY, state, roles)
        # The plan's tab and the stage tabs edit the same lines through two
        # fields: both under the lines' policy.
        for field in ("line_ids", "stage_line_ids"):
            yield from self.line_commands(hc, person, field, nobody)
        name = f"Item by {person.login} (command)"
        yield (
            "item_ids",
            [(0, 0, {"name": name})],
            expect(ITEM_EDIT, state, roles),
            self.item_created(hc.id, name),
        )
        if hc.items:
            item = hc.items[0]
            item_roles = hc.item_roles(person.uid, item)
            text = f"location by {person.login} (command)"
            yield (
                "item_ids",
                [(1, item["id"], {"location": text})],
                self.item_write_expected(hc, item, "checklist", item_roles),
                self.column_is(ITEM, item["id"], "location", text),
            )
            yield ("item_ids", [(1, item["id"], {"done": True})], nobody, None)
            yield self.delete_command(hc, person, "item_ids", ITEM, item)
        yield from self.record_commands(hc, person, nobody)

    def line_commands(self, hc, person, field, nobody):
        state, roles = hc.state, hc.roles(person.uid)
        partner = self.fresh_partner()
        successor = hc.successors()[0] if hc.successors() else self.successor_a.uid
        new_line = {"partner_id": partner, "successor_id": successor}
        yield (
            field,
            [(0, 0, new_line)],
            expect(LINE_EDIT, state, roles),
            self.line_created(hc.id, partner),
        )
        if hc.lines:
            line = hc.lines[0]
            line_roles = hc.line_roles(person.uid, line)
            text = f"location by {person.login} ({field} command)"
            yield (
                field,
                [(1, line["id"], {"materials_location": text})],
                expect(
                    LINE_WRITE["materials"],
                    state,
                    line_roles,
                    line["materials_confirmed"],
                ),
                self.column_is(LINE, line["id"], "materials_location", text),
            )
            yield (
                field,
                [(1, line["id"], {"materials_confirmed_by_id": person.uid})],
                nobody,
                None,
            )
            yield self.delete_command(hc, person, field, LINE, hc.lines[0])

    def delete_command(self, hc, person, field, model, record):
        roles = hc.roles(person.uid)
        expected = expect(LINE_EDIT if model == LINE else ITEM_EDIT, hc.state, roles)
        target = record["id"]
        if expected is ALLOWED:
            target = self.spare_record(hc, model, person)
        if not target:
            return field, [], REFUSED, None
        return field, [(2, target, 0)], expected, self.gone(model, target)

    def record_commands(self, hc, person, nobody):
        """Signatures, ledger and seals: nobody creates or deletes them through
        the handover either; a signature's image follows the signature's rule."""
        nobody_here = self.nobody_here(hc)
        new_signature = {"stage": "materials", "role": "witness", "user_id": person.uid}
        if nobody_here:
            yield "signature_ids", [(0, 0, new_signature)], nobody, None
        if hc.signatures:
            sig = self.sample_signatures(hc)[0]
            roles = hc.signature_roles(person.uid, sig)
            rule = during([sig["stage"]], "signer")
            expected = expect(rule, hc.state, roles, sig["signed"])
            yield (
                "signature_ids",
                [(1, sig["id"], {"signature": SIGNATURE_PNG})],
                expected,
                None,
            )
        if not nobody_here:
            return
        if hc.signatures:
            sig = hc.signatures[0]
            for command in ((2, sig["id"], 0), (3, sig["id"], 0), (5, 0, 0)):
                yield "signature_ids", [command], nobody, None
        fields = [("transfer_ids", hc.ledger, self.forged_ledger(hc), "note")]
        if self.seal_field:
            fields.append(("seal_ids", hc.seals, self.forged_seal(hc), "hash"))
        for field, ids, values, column in fields:
            values = {k: v for k, v in values.items() if k != "handover_id"}
            yield field, [(0, 0, values)], nobody, None
            if ids:
                yield field, [(1, ids[0], {column: "f" * 64})], nobody, None
                for command in ((2, ids[0], 0), (3, ids[0], 0), (5, 0, 0)):
                    yield field, [command], nobody, None

    # -- buttons -----------------------------------------------------------------
    def button_cells(self, hc, people):
        observers = {
            "action_open_assign_successors": opens("hr.client.handover.assign"),
            "action_open_refuse": opens("hr.client.handover.refuse"),
            "action_cancel": opens("hr.client.handover.cancel"),
            "action_verify_integrity": reports_intact,
            "action_schedule_meeting": opens("calendar.event"),
            "action_schedule_training": opens("calendar.event"),
            "action_open_banner_link": opens("hr.client.handover.line"),
        }
        not_done = hc.row["transfer_state"] != "done"
        for method, rule in HANDOVER_BUTTONS.items():
            blocked = (method == "action_revert_transfer" and not_done) or (
                method == "action_witness_visits"
                and bool(hc.row["visits_witnessed_on"])
            )
            for person in people:
                roles = hc.roles(person.uid)
                expected = expect(
                    rule,
                    hc.state,
                    roles,
                    blocked or self.button_blocked(hc, method, person, roles),
                )
                if expected is ALLOWED and method not in HARMLESS_BUTTONS:
                    continue  # it would move the stage: the walk presses it
                self.cells.run(
                    f"{hc.tag} {method} as {self.who(person, roles)}",
                    person,
                    HANDOVER,
                    method,
                    [[hc.id]],
                    expected,
                    observers.get(method),
                )

    @staticmethod
    def button_blocked(hc, method, person, roles):
        """Allowed to the role in this stage, refused on this handover (a
        UserError): the review of what `person` submitted, an administrator
        standing in for a reviewer who did not submit it; a departure not to
        confirm (not a resignation, not yet left, already confirmed); nothing
        handed to one successor to give back."""
        row = hc.row
        if method == "action_confirm_departure":
            return (
                row["handover_type"] != "resignation"
                or not hc.departed
                or bool(row["departure_confirmed_on"])
            )
        if method == "action_give_everything_back":
            return row["handover_type"] != "everything" or (
                row["transfer_state"] != "done"
            )
        if method == "action_allow_departure":
            return bool(row["departure_allowed_on"]) or not row["supervisor_id"]
        stage = next(
            (key for key in REVIEWED if method == f"action_{STAGES.STAGE[key].action}"),
            None,
        )
        if stage != hc.state:
            return False
        submitter = row[REVIEWED[stage]]
        if person.uid == submitter:
            return True
        if roles & set(STAGES.STAGE[stage].roles):
            return False
        return submitter != row[REVIEWER_FIELD[stage]]

    def unlink_cells(self, hc, people):
        """Unlink the handover; an allowed one deletes a draft made for it."""
        for person in people:
            roles = hc.roles(person.uid)
            expected = expect(HANDOVER_UNLINK, hc.state, roles)
            target, target_roles = hc.id, roles
            if expected is ALLOWED:
                if self.lean:
                    continue  # a full draft block deletes spare drafts
                spare = self.spare_handover()
                if not spare:
                    continue
                target_roles = spare.roles(person.uid)
                expected = expect(HANDOVER_UNLINK, spare.state, target_roles)
                target = spare.id
            self.cells.run(
                f"{hc.tag} handover {target} unlink as "
                f"{self.who(person, target_roles)}",
                person,
                HANDOVER,
                "unlink",
                [[target]],
                expected,
                self.gone(HANDOVER, target),
            )

    def spare_handover(self):
        """A new draft, started by the administrator, to be deleted."""
        employee, _user = self.new_employee()
        self.cells.changed()
        try:
            handover_id = self.hr.call(HANDOVER, "create", self.start_values(employee))
        except xmlrpc.client.Fault as fault:
            self.cells.record(
                f"{self.hr.login} starts a draft to delete", describe(fault)
            )
            return None
        return self.snapshot("spare", handover_id)

    @staticmethod
    def start_values(employee, **extra):
        return {
            "employee_id": employee,
            "handover_type": "resignation",
            "reason": "Security suite",
            "last_working_date": (date.today() + timedelta(days=30)).isoformat(),
            **extra,
        }

    # -- starting handovers ----------------------------------------------------------
    def create_cells(self):
        """Who starts a handover for an employee of the security team, with
        which values; returns {creator login: handover id} of the allowed ones."""
        employee, own_user = self.new_employee()
        chain = {
            r["user_id"] for r in self.probe.rows(MANAGERS_SQL, (employee, employee))
        }
        department = self.probe.rows(CHAIN_SQL, (self.team,))
        officers = {r["user_id"] for r in department} & self.officers
        people = [own_user, *self.everyone()]
        started = {}
        for person in people:
            roles = set()
            if person is own_user:
                roles.add("self")
            roles |= {"manager"} if person.uid in chain else set()
            roles |= {"officer"} if person.uid in officers else set()
            roles |= {"admin"} if person.uid in self.admins else set()
            allowed = bool(roles & HANDOVER_CREATORS)
            target = employee if person is own_user else None
            if allowed and not target:
                target, _user = self.new_employee()
            handover = self.create_cell(
                person,
                roles,
                self.start_values(target or self.free_employee()),
                ALLOWED if allowed else REFUSED_BY_ROLE,
            )
            if allowed and isinstance(handover, int):
                started[person.login] = handover
        self.create_role_cells()
        self.create_forged_cells(own_user)
        self.second_handover_cells(own_user, employee)
        return started

    def everyone(self):
        """Every session except the throw-away employees, in a stable order."""
        fixed = [self.admin, self.hr, self.supervisor, self.witness, self.approver]
        fixed += [self.successor_a, self.successor_b, *self.departing_demo]
        fixed += [self.officer, self.elsewhere, self.spare, self.internal, self.portal]
        return fixed

    def create_cell(self, person, roles, values, expected, check=None):
        extra = {
            k: v for k, v in values.items() if k.endswith("_id") and k != "employee_id"
        }
        extra |= {k: v for k, v in values.items() if k in HANDOVER_CREATE_FORBIDDEN}
        label = f" with {short(extra, 70)}" if extra else ""

        def observe(handover_id):
            row = self.probe.rows(HANDOVER_SQL, (handover_id,))
            assert row, "no handover created"
            row = row[0]
            assert row["state"] == "draft", f"created in {row['state']}"
            assert row["employee_id"] == values["employee_id"], "another employee"
            wanted = {"supervisor_id": self.supervisor.uid, **(check or {})}
            for field, uid in wanted.items():
                assert row[field] == uid, f"{field} is {row[field]}, not {uid}"

        return self.cells.run(
            f"start a handover for employee {values['employee_id']}{label} as "
            f"{person.login} ({','.join(sorted(roles)) or 'no role'})",
            person,
            HANDOVER,
            "create",
            [values],
            expected,
            observe,
        )

    def create_role_cells(self):
        """A non-administrator keeps the org chart's roles unless they become the
        supervisor themselves; nobody makes the departing user a role holder."""
        spare = self.spare.uid
        cases = [
            (None, {"self"}, {"supervisor_id": spare}, REFUSED, None),
            (self.supervisor, {"manager"}, {"witness_id": spare}, ALLOWED, None),
            (
                self.witness,
                {"manager", "officer"},
                {"supervisor_id": self.witness.uid, "approver_id": self.approver.uid},
                ALLOWED,
                None,
            ),
            (self.officer, {"officer"}, {"approver_id": spare}, REFUSED, None),
            (
                self.hr,
                {"admin"},
                {
                    "supervisor_id": spare,
                    "witness_id": self.elsewhere.uid,
                    "approver_id": self.approver.uid,
                },
                ALLOWED,
                None,
            ),
        ]
        for person, roles, extra, expected, check in cases:
            employee, user = self.new_employee()
            if expected is ALLOWED:
                check = {"supervisor_id": self.supervisor.uid, **extra}
            self.create_cell(
                person or user,
                roles,
                self.start_values(employee, **extra),
                expected,
                check,
            )
        for field in ("witness_id", "supervisor_id"):
            employee, user = self.new_employee()
            self.create_cell(
                self.hr,
                {"admin"},
                self.start_values(employee, **{field: user.uid}),
                REFUSED_BY_STAGE,
            )

    def create_forged_cells(self, own_user):
        """Workflow fields are never set on create."""
        blank = {"state": "draft", "transfer_state": "pending", "company_id": 0}
        for field in HANDOVER_CREATE_FORBIDDEN:
            value = self.forged_handover_value(blank, field)
            self.create_cell(
                self.hr,
                {"admin"},
                self.start_values(self.free_employee(), **{field: value}),
                REFUSED_BY_ROLE,
            )
        self.create_cell(
            own_user,
            {"self"},
            self.start_values(self.free_employee(), state="done"),
            REFUSED_BY_ROLE,
        )

    def second_handover_cells(self, own_user, employee):
        """An employee with a handover in progress gets no second one."""
        wang = self.probe.value(
            "SELECT h.employee_id FROM hr_client_handover h JOIN res_users u "
            "ON u.id = h.departing_user_id WHERE u.login = 'wang.lei' "
            "AND h.state NOT IN ('done', 'cancel') LIMIT 1"
        )
        cases = [
            (own_user, {"self"}, employee),
            (self.hr, {"admin"}, employee),
            (self.hr, {"admin"}, wang),
            (self.supervisor, {"manager"}, wang),
        ]
        for person, roles, target in cases:
            if target:
                self.create_cell(
                    person, roles, self.start_values(target), REFUSED_BY_STAGE
                )

    # -- wizards ----------------------------------------------------------------------
    def wizard_cells(self, hc, owner, model, values, field, value):
        """`owner` opens a wizard on `hc`: nobody else reads or writes it.
        Returns the wizard's id (None when it could not be created)."""
        roles = hc.roles(owner.uid)
        wizard = self.cells.run(
            f"{hc.tag} {SHORT[model]} create as {self.who(owner, roles)}",
            owner,
            model,
            "create",
            [values],
            ALLOWED,
            lambda wizard_id: self._assert(
                self.probe.exists(TABLE[model], wizard_id), "no wizard"
            ),
        )
        if not isinstance(wizard, int):
            return None
        self.cells.run(
            f"{hc.tag} {SHORT[model]} {wizard} read by its owner {owner.login}",
            owner,
            model,
            "read",
            [[wizard], [field]],
            ALLOWED,
            reads([wizard]),
        )
        for person in self.people(hc):
            if person.uid == owner.uid:
                continue
            who = self.who(person, hc.roles(person.uid))
            self.cells.run(
                f"{hc.tag} {SHORT[model]} {wizard} of {owner.login} read as {who}",
                person,
                model,
                "read",
                [[wizard], [field]],
                REFUSED_BY_ROLE,
            )
            self.cells.run(
                f"{hc.tag} {SHORT[model]} {wizard} of {owner.login} write as {who}",
                person,
                model,
                "write",
                [[wizard], {field: value}],
                REFUSED_BY_ROLE,
            )
        return wizard

    def wizard_misuse_cells(self, hc, model, values, method, rule):
        """Whoever the rule refuses opens the wizard and confirms it: refused
        (at the creation or at the confirmation), nothing changes."""
        for person in self.people(hc):
            roles = hc.roles(person.uid)
            expected = expect(rule, hc.state, roles)
            if expected is ALLOWED:
                continue
            title = f"{hc.tag} {SHORT[model]} {method} as {self.who(person, roles)}"
            self.wizard_cell(title, person, model, values, method, expected)

    def wizard_cell(self, title, person, model, values, method, expected):
        """`person` opens the wizard `model` with `values` and presses `method`:
        the cell of the creation where it is refused, else of the button."""
        try:
            wizard = person.call(model, "create", values)
        except xmlrpc.client.Fault:
            self.cells.run(
                f"{title} (create)", person, model, "create", [values], expected
            )
            return
        self.cells.changed()
        self.cells.run(title, person, model, method, [[wizard]], expected)

    # -- the walk: one handover through every stage --------------------------------
    def complete(self, hc, person, key=None):
        """`person` presses the button that ends the stage `key` (by default the
        one `hc` stands in), as the stage table names it; the handover moves on
        to the next stage."""
        key = key or hc.state
        method = f"action_{STAGES.STAGE[key].action}"
        return self.act(
            hc, person, method, HANDOVER, expected_state=STAGES.next_stage(key)
        )

    def ticker(self, item):
        """Who ticks `item`: whoever answers for it, else an administrator;
        never its countersigner, who then countersigns what another ticked."""
        responsible = item["responsible_id"]
        candidates = [responsible and self.session(responsible), self.hr, self.admin]
        return next(
            session
            for session in candidates
            if session and session.uid != item["countersigner_id"]
        )

    def tick_open_items(self, hc, items):
        """Each open item of `items` ticked by whoever answers for it, its
        duty recorded first; the part due after the departure once the
        departing employee has left."""
        by_ticker = {}
        for item in items:
            if item["done"] or (item["post_departure"] and not hc.departed):
                continue
            ticker = self.ticker(item)
            if item["duty"]:
                self.record_duty(hc, ticker, item)
            by_ticker.setdefault(ticker.uid, (ticker, []))[1].append(item["id"])
        for ticker, ids in by_ticker.values():
            self.act(hc, ticker, "action_mark_done", ITEM, ids)

    def record_duty(self, hc, person, item):
        """`person`, who ticks the duty `item`, records it first (the talk
        held, the consent and what was done with the data, the equipment
        found intact)."""
        values = harness.plain_duty_record(item["duty"], date.today().isoformat())
        self.cells.run(
            f"walk {hc.tag} duty {item['duty']} recorded on item {item['id']} "
            f"as {person.login}",
            person,
            ITEM,
            "write",
            [[item["id"]], {"duty_notes": "Talked it through.", **values}],
            ALLOWED,
        )

    def depart(self, hc):
        """The departing employee's last working day passes (the
        administrator dates it yesterday): the part of the checklist due
        after the departure is ticked and countersigned, the supervisor
        confirms the departure."""
        yesterday = date.today() - timedelta(days=1)
        self.cells.run(
            f"walk {hc.tag} last working day yesterday as {self.hr.login}",
            self.hr,
            HANDOVER,
            "write",
            [
                [hc.id],
                {
                    "notice_date": (yesterday - timedelta(days=40)).isoformat(),
                    "last_working_date": yesterday.isoformat(),
                },
            ],
            ALLOWED,
        )
        hc = self.snapshot(hc.label, hc.id)
        self.tick_open_items(hc, hc.items)
        hc = self.snapshot(hc.label, hc.id)
        by_signer = {}
        for item in hc.items:
            signer = item["countersigner_id"] and self.session(item["countersigner_id"])
            if signer and not item["countersigned"]:
                by_signer.setdefault(signer.uid, (signer, []))[1].append(item["id"])
        for signer, ids in by_signer.values():
            self.act(hc, signer, "action_countersign", ITEM, ids)
        supervisor = self.session(hc.row["supervisor_id"]) or self.supervisor
        if hc.row["handover_type"] == "resignation":
            self.act(hc, supervisor, "action_confirm_departure", HANDOVER)
            self.column_check(
                hc, HANDOVER, hc.id, "departure_confirmed_by_id", supervisor.uid
            )
            self.again(hc, supervisor, HANDOVER, "action_confirm_departure", hc.id)

    def act(self, hc, person, method, target, ids=None, expected_state=None, **kwargs):
        """`person` presses `method` (allowed by the policy) and it works."""
        model = HANDOVER if ids is None else target
        ids = [hc.id] if ids is None else ids

        def observe(_result):
            if expected_state:
                state = self.probe.column("hr_client_handover", hc.id, "state")
                assert state == expected_state, f"the stage is {state}"

        return self.cells.run(
            f"walk {hc.tag} {method} on {SHORT[model]} {short(ids, 40)} "
            f"as {person.login}",
            person,
            model,
            method,
            [ids],
            ALLOWED,
            observe,
            **kwargs,
        )

    # -- segregation of duties on the checklist; the template's type ---------
    def checklist_trust_cells(self, hc):
        """On the walked handover. Draft: the departing employee names nobody
        on an item (write, x2many commands, create), the supervisor does; no
        template of another type is taken (create, write). Materials: who
        ticked an item does not countersign it."""
        if hc.state == "draft":
            self.item_people_cells(hc)
            self.template_type_cells(hc)
        elif hc.state == "materials":
            self.self_countersign_cells(hc)

    def trust_item(self, hc):
        """The departing employee's first item due by the last working day
        without a countersigner."""
        departing = hc.row["departing_user_id"]
        return next(
            (
                item
                for item in hc.items
                if item["responsible_id"] == departing
                and not item["countersigner_id"]
                and not item["post_departure"]
            ),
            None,
        )

    def item_people_cells(self, hc):
        leaver = self.session(hc.row["departing_user_id"])
        item = self.trust_item(hc)
        if not leaver or not item:
            self.cells.record(f"{hc.tag} checklist people cells", "no item to try")
            return
        item_id, leaver_uid = item["id"], leaver.uid
        supervisor = self.supervisor
        # The supervisor names a countersigner (themselves, tried in materials).
        self.write_cell(
            hc,
            ITEM,
            item,
            "countersigner_id",
            (supervisor.uid, NOT_WRITTEN),
            supervisor,
            hc.item_roles(supervisor.uid, item),
            ALLOWED,
        )
        roles = hc.item_roles(leaver_uid, item)
        other = next(
            (i for i in hc.items if i["responsible_id"] not in (None, leaver_uid)),
            None,
        )
        attempts = [
            (item_id, "countersigner_id", leaver_uid),
            (item_id, "countersigner_id", False),
            (item_id, "responsible_id", False),
        ]
        if other:
            attempts.append((other["id"], "responsible_id", leaver_uid))
        for record_id, field, value in attempts:
            self.cells.run(
                f"{hc.tag} item {record_id} write {field}={value} as "
                f"{self.who(leaver, roles)}",
                leaver,
                ITEM,
                "write",
                [[record_id], {field: value}],
                REFUSED_BY_ROLE,
            )
            self.cells.run(
                f"{hc.tag} handover write item_ids=[(1, {record_id}, "
                f"{{{field}: {value}}})] as {self.who(leaver, roles)}",
                leaver,
                HANDOVER,
                "write",
                [[hc.id], {"item_ids": [(1, record_id, {field: value})]}],
                REFUSED_BY_ROLE,
            )
        for field in ("responsible_id", "countersigner_id"):
            values = {"name": f"Accounts revoked ({field})", field: self.witness.uid}
            self.cells.run(
                f"{hc.tag} item create with {field} as {self.who(leaver, roles)}",
                leaver,
                ITEM,
                "create",
                [{"handover_id": hc.id, **values}],
                REFUSED_BY_ROLE,
            )
            self.cells.run(
                f"{hc.tag} handover write item_ids=[(0, 0, {{{field}}})] as "
                f"{self.who(leaver, roles)}",
                leaver,
                HANDOVER,
                "write",
                [[hc.id], {"item_ids": [(0, 0, values)]}],
                REFUSED_BY_ROLE,
            )
        # Whoever names them never names the departing employee countersigner.
        self.cells.run(
            f"{hc.tag} item {item_id} write countersigner_id=departing as "
            f"{self.who(self.hr, hc.item_roles(self.hr.uid, item))}",
            self.hr,
            ITEM,
            "write",
            [[item_id], {"countersigner_id": leaver_uid}],
            REFUSED_BY_STAGE,
        )

    def template_type_cells(self, hc):
        """A template of another type: refused on create and on write."""
        other = self.probe.value(
            "SELECT id FROM hr_client_handover_template "
            "WHERE handover_type IS NOT NULL AND handover_type != %s "
            "ORDER BY id LIMIT 1",
            (hc.row["handover_type"],),
        )
        if not other:
            self.cells.record(f"{hc.tag} template type cells", "one type only")
            return
        employee, _user = self.new_employee()
        self.cells.run(
            f"{self.hr.login} starts a {hc.row['handover_type']} handover with the "
            f"template {other} of another type",
            self.hr,
            HANDOVER,
            "create",
            [
                self.start_values(
                    employee, handover_type=hc.row["handover_type"], template_id=other
                )
            ],
            REFUSED_BY_STAGE,
        )
        leaver = self.session(hc.row["departing_user_id"])
        writes = [{"template_id": other}]
        if self.template_type(hc.row["template_id"]):
            kind = self.template_type(other)
            writes.append({"handover_type": kind})
        # The departing employee changes neither (not their role); the
        # administrator does, but not to a template of another type.
        for person, expected in (
            (leaver, REFUSED_BY_ROLE),
            (self.hr, REFUSED_BY_STAGE),
        ):
            for values in writes:
                self.cells.run(
                    f"{hc.tag} handover write {values} (a template of another type) "
                    f"as {self.who(person, hc.roles(person.uid))}",
                    person,
                    HANDOVER,
                    "write",
                    [[hc.id], values],
                    expected,
                )

    def self_countersign_cells(self, hc):
        """The supervisor, countersigner of an item since the draft, ticks it:
        they cannot countersign it, nor can the departing employee; ticked by
        the departing employee, the supervisor countersigns it."""
        supervisor = self.supervisor
        leaver = self.session(hc.row["departing_user_id"])
        item = next(
            (
                i
                for i in hc.items
                if i["countersigner_id"] == supervisor.uid and not i["done"]
            ),
            None,
        )
        if not item or not leaver:
            self.cells.record(f"{hc.tag} self-countersign cells", "no item to try")
            return
        item_id = item["id"]
        # Ticked by whoever answers for it (the administrator for an item
        # nobody who logs in answers for).
        ticker = self.ticker(item)
        self.act(hc, ticker, "action_mark_done", ITEM, [item_id])
        self.column_check(hc, ITEM, item_id, "done_by_id", ticker.uid)
        cells = [(leaver, REFUSED_BY_ROLE)]
        if ticker.uid == supervisor.uid:
            cells.append((supervisor, REFUSED_BY_STAGE))
        for person, expected in cells:
            self.cells.run(
                f"{hc.tag} item {item_id} action_countersign after "
                f"{ticker.login} ticked it as "
                f"{self.who(person, hc.item_roles(person.uid, item))}",
                person,
                ITEM,
                "action_countersign",
                [[item_id]],
                expected,
            )
        if ticker.uid == supervisor.uid:
            # Ticked again by the administrator: the supervisor countersigns.
            self.act(hc, supervisor, "action_reset", ITEM, [item_id])
            self.act(hc, self.hr, "action_mark_done", ITEM, [item_id])
        self.act(hc, supervisor, "action_countersign", ITEM, [item_id])
        self.column_check(hc, ITEM, item_id, "countersigned_on", True)

    # -- chatter, files and activities: nobody rewrites the record through them
    def chatter_cells(self, found):
        """Messages, files and activities of an open handover (V) and of a done
        one (X, else the walked one), tried by every role of the demo, an
        officer of another department, an unrelated internal user, a portal
        user and a user of a second company. What the system posted is
        nobody's to change; a note is its author's while the handover is open;
        a message is posted in one's own name; files come from participants of
        an open handover and go with their author; an activity moves with its
        assignee (or a handover administrator) only."""
        done = ("X", found.get("X")) if found.get("X") else ("W", found.get("W"))
        for label, handover_id in (("V", found.get("V")), done):
            if not handover_id:
                self.cells.record(f"{label}: a handover for the chatter cells", "none")
                continue
            hc = self.snapshot(label, handover_id)
            people = [*self.people(hc), self.foreign_user()]
            self.message_cells(hc, people)
            self.chatter_file_cells(hc, people)
            self.activity_cells(hc, people)

    def handover_message(self, hc, message_type):
        return self.probe.value(
            "SELECT id FROM mail_message WHERE model = %s AND res_id = %s "
            "AND message_type = %s ORDER BY id DESC LIMIT 1",
            (HANDOVER, hc.id, message_type),
        )

    def post_note(self, hc, person, text):
        """`person` (a participant) posts a note: allowed on any handover they
        read; returns its id."""
        note = self.cells.run(
            f"{hc.tag} chatter note posted as {self.who(person, hc.roles(person.uid))}",
            person,
            HANDOVER,
            "message_post",
            [[hc.id]],
            ALLOWED,
            body=text,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return note if isinstance(note, int) else None

    def message_cells(self, hc, people):
        frozen = hc.state in ("done", "cancel")
        decision = self.handover_message(hc, "notification")
        author = self.session(hc.row["supervisor_id"])
        note = author and self.post_note(hc, author, f"Security suite note {hc.tag}")
        for person in people:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            targets = [("system message", decision, REFUSED)]
            if note:
                own = person.uid == author.uid
                mine = ALLOWED if own and not frozen else REFUSED
                targets.append(("own note" if own else "another's note", note, mine))
            for what, message_id, expected in targets:
                if not message_id:
                    continue
                if expected is REFUSED:
                    self.cells.run(
                        f"{hc.tag} {what} {message_id} unlink as {who}",
                        person,
                        "mail.message",
                        "unlink",
                        [[message_id]],
                        REFUSED,
                    )
                self.cells.run(
                    f"{hc.tag} {what} {message_id} body rewritten as {who}",
                    person,
                    "mail.message",
                    "write",
                    [[message_id], {"body": "<p>Rewritten by the suite</p>"}],
                    expected,
                )
                self.cells.run(
                    f"{hc.tag} {what} {message_id} author changed as {who}",
                    person,
                    "mail.message",
                    "write",
                    [[message_id], {"author_id": self.hr_partner()}],
                    REFUSED,
                )
            other = author or self.hr
            if other.uid == person.uid:
                other = self.hr if person.uid != self.hr.uid else self.witness
            forged = {"author_id": self.partner_of(other.uid)}
            for kwargs in (forged, {"email_from": f"{other.login}@forged.example"}):
                self.cells.run(
                    f"{hc.tag} message_post {short(kwargs, 60)} as {who}",
                    person,
                    HANDOVER,
                    "message_post",
                    [[hc.id]],
                    REFUSED,
                    body="Approved by the supervisor.",
                    message_type="comment",
                    **kwargs,
                )
            self.cells.run(
                f"{hc.tag} mail.message create as {other.login} by {who}",
                person,
                "mail.message",
                "create",
                [
                    {
                        "model": HANDOVER,
                        "res_id": hc.id,
                        "body": "Approved by the supervisor.",
                        "message_type": "notification",
                        **forged,
                    }
                ],
                REFUSED,
            )

    def hr_partner(self):
        return self.partner_of(self.hr.uid)

    def partner_of(self, uid):
        return self.probe.value(
            "SELECT partner_id FROM res_users WHERE id = %s", (uid,)
        )

    def chatter_file_cells(self, hc, people):
        frozen = hc.state in ("done", "cancel")
        pdf = base64.b64encode(b"%PDF-1.4 forged summary").decode()
        name = f"{hc.row['name'].replace('/', '_')}_summary.pdf"
        line = hc.lines[0] if hc.lines else None
        owner = line and self.session(line["successor_id"])
        upload = None
        if not frozen and owner:
            upload = self.cells.run(
                f"{hc.tag} line {line['id']} file added by its successor {owner.login}",
                owner,
                ATTACHMENT,
                "create",
                [
                    {
                        "name": "visit-report.txt",
                        "datas": base64.b64encode(b"Met the buyer").decode(),
                        "res_model": LINE,
                        "res_id": line["id"],
                    }
                ],
                ALLOWED,
            )
            upload = upload if isinstance(upload, int) else None
        for person in people:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            targets = [(HANDOVER, hc.id)] + ([(LINE, line["id"])] if line else [])
            for model, res_id in targets if frozen or not roles & READERS else ():
                self.cells.run(
                    f"{hc.tag} {SHORT[model]} {res_id} file created as {who}",
                    person,
                    ATTACHMENT,
                    "create",
                    [dict(name=name, datas=pdf, res_model=model, res_id=res_id)],
                    REFUSED,
                )
            if frozen or not roles & READERS:
                self.cells.run(
                    f"{hc.tag} message_post with attachments as {who}",
                    person,
                    HANDOVER,
                    "message_post",
                    [[hc.id]],
                    REFUSED,
                    body="The signed summary.",
                    attachments=[[name, "%PDF-1.4 forged summary"]],
                )
                self.staged_upload_cell(hc, person, who, name, pdf)
            if upload and person.uid != owner.uid:
                self.cells.run(
                    f"{hc.tag} {owner.login}'s file {upload} unlink as {who}",
                    person,
                    ATTACHMENT,
                    "unlink",
                    [[upload]],
                    REFUSED,
                )
                self.cells.run(
                    f"{hc.tag} {owner.login}'s file {upload} rewritten as {who}",
                    person,
                    ATTACHMENT,
                    "write",
                    [[upload], {"datas": pdf, "name": name}],
                    REFUSED,
                )
        if upload:
            self.cells.run(
                f"{hc.tag} file {upload} unlink by whoever added it, {owner.login}",
                owner,
                ATTACHMENT,
                "unlink",
                [[upload]],
                ALLOWED,
                self.gone(ATTACHMENT, upload),
            )

    def staged_upload_cell(self, hc, person, who, name, pdf):
        """`person` uploads a file as the chatter stages it (on the composer),
        then posts it: core would move it onto the handover."""
        self.cells.changed()
        try:
            staged = person.call(
                ATTACHMENT,
                "create",
                {
                    "name": name,
                    "datas": pdf,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                },
            )
        except xmlrpc.client.Fault:
            return  # who may not upload at all cannot try this way
        self.cells.run(
            f"{hc.tag} message_post with attachment_ids [{staged}] as {who}",
            person,
            HANDOVER,
            "message_post",
            [[hc.id]],
            REFUSED,
            body="The signed summary.",
            attachment_ids=[staged],
        )

    def activity_cells(self, hc, people):
        rows = self.probe.rows(
            "SELECT a.id, a.user_id, a.create_uid, a.automated, d.name AS kind "
            "FROM mail_activity a LEFT JOIN ir_model_data d "
            "ON d.model = 'mail.activity.type' AND d.res_id = a.activity_type_id "
            "AND d.module = 'hr_client_handover' "
            "WHERE a.res_model = %s AND a.res_id = %s AND a.active "
            "ORDER BY a.id LIMIT 1",
            (HANDOVER, hc.id),
        )
        if not rows:
            return
        activity = rows[0]
        today = date.today().isoformat()
        for person in people:
            roles = hc.roles(person.uid)
            if (
                person.uid == activity["user_id"]
                or "admin" in roles
                or (person.uid == activity["create_uid"] and not activity["automated"])
            ):
                continue  # theirs to change
            who = self.who(person, roles)
            for method, args, kwargs in (
                ("write", [{"user_id": person.uid}], {}),
                ("write", [{"date_deadline": today}], {}),
                ("action_feedback", [], {"feedback": "Done by the suite"}),
                ("action_done", [], {}),
                ("unlink", [], {}),
            ):
                self.cells.run(
                    f"{hc.tag} activity {activity['id']} of user "
                    f"{activity['user_id']} {method} {short(args, 40)} as {who}",
                    person,
                    "mail.activity",
                    method,
                    [[activity["id"]], *args],
                    REFUSED,
                    **kwargs,
                )
        assignee = self.session(activity["user_id"])
        # The activity of a step of an open handover is done by doing the
        # step: Mark Done is refused, with the button to press.
        step = (
            activity["automated"]
            and activity["kind"] in STEP_ACTIVITY_TYPES
            and (
                hc.state not in ("done", "cancel")
                or (
                    activity["kind"] == CONFIRM_DEPARTURE_ACTIVITY
                    and hc.state == "done"
                )
            )
        )
        if assignee:
            self.cells.run(
                f"{hc.tag} activity {activity['id']} marked done by its assignee "
                f"{assignee.login}{' (a step: refused)' if step else ''}",
                assignee,
                "mail.activity",
                "action_feedback",
                [[activity["id"]]],
                REFUSED_BY_STAGE if step else ALLOWED,
                feedback="Done",
            )

    # -- printing is reading, filing is the system's, dialogs leak nothing -----------
    HANDOVER_REPORTS = {
        "plan": "hr_client_handover.report_handover_plan",
        "visits": "hr_client_handover.report_handover_visits",
        "summary": SUMMARY_REPORT,
    }
    NO_FILED_COPY = "?context=" + urllib.parse.quote(
        json.dumps({"report_pdf_no_attachment": True})
    )

    def trust_cells(self, filed, found):
        """Printing a handover is reading it, over every path; a print files
        nothing, the system's scheduled action files what is due; a dialog
        opens only on what its user may act on."""
        if found.get("X"):
            self.scheduled_filing_cells("X", found["X"])
            self.report_url_cells("X", found["X"])
        if filed[1] and filed[1] != found.get("X"):
            self.report_url_cells(*filed)
        self.report_rpc_cells(*(filed if filed[1] else ("X", found.get("X"))))
        self.dialog_trust_cells(found)

    def foreign_user(self):
        """An internal user of a second company only (created once)."""
        if getattr(self, "_foreign_user", None) is None:
            self.cells.changed()
            company = self.admin.call(
                "res.company", "create", {"name": f"Far Away {self.stamp}"}
            )
            login = f"sec.foreign.{self.stamp}"
            self.admin.call(
                "res.users",
                "create",
                {
                    "name": login,
                    "login": login,
                    "password": login,
                    "company_id": company,
                    "company_ids": [(6, 0, [company])],
                    "group_ids": [(6, 0, [self.group["user"], self.group["salesman"]])],
                },
            )
            self._foreign_company = company
            # admin was given the new company: it counts among theirs from now.
            self.admin.work_in_company_of(self.supervisor.uid)
            self._foreign_user = self.log_in(login)
        return self._foreign_user

    def web_get(self, person, path):
        """(HTTP status, body) of `path` as `person` opens it in the web client
        (logged in once per person)."""
        openers = self.__dict__.setdefault("_web_openers", {})
        opener = openers.get(person.login)
        if opener is None:
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "db": self.db,
                        "login": person.login,
                        "password": person.password,
                    },
                }
            ).encode()
            request = urllib.request.Request(
                f"{self.url}/web/session/authenticate",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with opener.open(request, timeout=60) as response:
                answer = json.load(response)
            assert "error" not in answer, f"{person.login} cannot log in to the web"
            openers[person.login] = opener
        try:
            with opener.open(f"{self.url}{path}", timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def handover_secrets(self, hc):
        """What a print tells: the reference and the customers' names."""
        customers = [
            row["name"]
            for row in self.probe.rows(
                "SELECT p.name FROM res_partner p JOIN hr_client_handover_line l "
                "ON l.partner_id = p.id WHERE l.handover_id = %s ORDER BY l.id "
                "LIMIT 5",
                (hc.id,),
            )
        ]
        return [hc.row["name"], *customers]

    def print_refused(self, title, person, path, secrets):
        """`person` opens the report URL `path`: no PDF, nothing of the handover,
        the database as it was."""

        def observe():
            before = self.cells.checksum()
            status, body = self.web_get(person, path)
            self.cells.changed()
            assert b"%PDF" not in body, f"returned a PDF (HTTP {status})"
            text = body.decode("utf-8", "replace")
            shown = [secret for secret in secrets if secret and secret in text]
            assert not shown, f"the answer shows {short(shown)}"
            if not path.startswith("/report/download"):  # answers errors as JSON
                assert status != 200, "HTTP 200"
            assert self.cells.checksum() == before, "the refused print changed data"

        self.cells.check(f"{title} -> refused", observe)

    def prints_copy(self, person, path, checksum):
        def observe():
            status, body = self.web_get(person, path)
            assert status == 200, f"HTTP {status}"
            got = hashlib.sha1(body).hexdigest()
            assert got == checksum, f"another file than the filed one (sha1 {got})"

        return observe

    def report_url_cells(self, label, handover_id):
        """Each report of the handover over HTTP (/report/pdf, with a context in
        the query string, /report/html, /report/download) for every role, the
        outsiders and a user of a second company: who reads the handover gets
        its filed copy byte for byte, whoever does not gets nothing."""
        hc = self.snapshot(label, handover_id)
        secrets = self.handover_secrets(hc)
        checksums = {
            kind: self.probe.value(
                "SELECT checksum FROM ir_attachment WHERE id = %s",
                (hc.row[f"{kind}_attachment_id"],),
            )
            for kind in self.HANDOVER_REPORTS
            if hc.row[f"{kind}_attachment_id"]
        }
        for person in [*self.people(hc, colleague=True), self.foreign_user()]:
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            for kind, report in self.HANDOVER_REPORTS.items():
                pdf = f"/report/pdf/{report}/{hc.id}"
                if roles & READERS:
                    if kind not in checksums:
                        continue  # a live render, as the walk prints
                    for path in (pdf, pdf + self.NO_FILED_COPY):
                        self.cells.check(
                            f"{hc.tag} GET {path} as {who} -> the filed copy",
                            self.prints_copy(person, path, checksums[kind]),
                        )
                    continue
                download = "/report/download?" + urllib.parse.urlencode(
                    {"data": json.dumps([pdf, "qweb-pdf"]), "context": "{}"}
                )
                for path in (
                    pdf,
                    pdf + self.NO_FILED_COPY,
                    f"/report/html/{report}/{hc.id}",
                    download,
                ):
                    self.print_refused(
                        f"{hc.tag} GET {short(path, 90)} as {who}",
                        person,
                        path,
                        secrets,
                    )

    def report_rpc_cells(self, label, handover_id):
        """The report model over XML-RPC: its rendering and attachment helpers
        are not remote calls, for anyone (core's refusal of a private method
        has no translation: no Chinese sample here)."""
        if not handover_id:
            return
        hc = self.snapshot(label, handover_id)
        report_id = self.admin.xmlid("hr_client_handover.action_report_handover_plan")
        name = self.HANDOVER_REPORTS["plan"]
        for person in (self.internal, self.portal, self.foreign_user(), self.hr):
            who = self.who(person, hc.roles(person.uid))
            for method, args in (
                ("retrieve_attachment", [[report_id], hc.id]),
                ("_render_qweb_pdf", [[report_id], name, [hc.id]]),
                ("_render_qweb_html", [[report_id], name, [hc.id]]),
                ("_render", [[report_id], name, [hc.id]]),
            ):
                self.cells.check(
                    f"{hc.tag} ir.actions.report {method} over RPC as {who} "
                    f"-> fault {FAULT_ACCESS_ERROR}",
                    self.report_call_refused(person, method, args),
                )

    def report_call_refused(self, person, method, args):
        def observe():
            before = self.cells.checksum()
            try:
                result = person.call("ir.actions.report", method, *args)
            except xmlrpc.client.Fault as fault:
                assert fault.faultCode == FAULT_ACCESS_ERROR, describe(fault)
            else:
                raise AssertionError(f"answered {short(result)}")
            finally:
                self.cells.changed()
            assert self.cells.checksum() == before, "the call changed data"

        return observe

    def scheduled_filing_cells(self, label, handover_id):
        """The demo's handover past its stages, installed while no web server
        served the reports' styles: a reader's print files nothing; the
        scheduled action, run as the system, files it."""
        hc = self.snapshot(label, handover_id)
        due = [k for k in self.HANDOVER_REPORTS if not hc.row[f"{k}_attachment_id"]]
        if not due:
            return
        kind = due[0]
        supervisor = self.session(hc.row["supervisor_id"])
        documents_sql = (
            "SELECT count(*) FROM hr_client_handover_document WHERE handover_id = %s"
        )
        documents = self.probe.value(documents_sql, (hc.id,))

        def live_print():
            status, body = self.web_get(
                supervisor, f"/report/pdf/{self.HANDOVER_REPORTS[kind]}/{hc.id}"
            )
            assert status == 200 and body.startswith(b"%PDF"), f"HTTP {status}"
            filed = self.probe.column(
                "hr_client_handover", hc.id, f"{kind}_attachment_id"
            )
            assert not filed, f"the print filed attachment {filed}"
            assert self.probe.value(documents_sql, (hc.id,)) == documents, "filed"

        self.cells.changed()
        self.cells.check(
            f"{hc.tag} {kind} printed by {supervisor.login} before it is filed: "
            "a live render, nothing filed",
            live_print,
        )
        cron = self.admin.xmlid("hr_client_handover.ir_cron_handover_file_reports")
        self.cells.changed()

        def filed_by_the_system():
            self.run_filing_job(cron)
            for name in due:
                attachment = self.probe.column(
                    "hr_client_handover", hc.id, f"{name}_attachment_id"
                )
                assert attachment, f"the {name} is not filed"
                owner = self.probe.value(
                    "SELECT create_uid FROM ir_attachment WHERE id = %s", (attachment,)
                )
                assert owner in (1, 2), f"the {name} was filed by user {owner}"

        self.cells.check(
            f"{hc.tag} the scheduled action files {', '.join(due)} as the system",
            filed_by_the_system,
        )

    def run_filing_job(self, cron=None):
        """The administrator runs the scheduled action that files the
        documents due (a stage's end triggers it; the suite's server has no
        cron thread)."""
        cron = cron or self.admin.xmlid(
            "hr_client_handover.ir_cron_handover_file_reports"
        )
        # Rendering every due document takes longer than a plain call.
        xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object").execute_kw(
            self.db,
            self.admin.uid,
            self.admin.password,
            "ir.cron",
            "method_direct_trigger",
            [[cron]],
        )

    def dialog_open_cells(self, hc, model, values, expected_for, defaults=None):
        """Everyone `expected_for(person)` refuses opens the dialog on `hc`'s
        records: refused at its creation, its defaults (`defaults`: the context
        of the button) and its form's values; nothing written."""
        fields = [name for name in values if name != "reason"]
        for person in [*self.people(hc), self.foreign_user()]:
            expected = expected_for(person)
            if expected is ALLOWED:
                continue
            title = f"{hc.tag} {SHORT.get(model, model)} on {short(values, 60)}"
            who = self.who(person, hc.roles(person.uid))
            self.cells.run(
                f"{title} create as {who}", person, model, "create", [values], expected
            )
            if defaults:
                self.cells.run(
                    f"{title} default_get as {who}",
                    person,
                    model,
                    "default_get",
                    [fields],
                    expected,
                    context=defaults,
                )
            spec = {name: {} for name in fields}
            for name in fields:
                if name.endswith("_id"):
                    spec[name] = {"fields": {"display_name": {}}}
            self.cells.run(
                f"{title} onchange as {who}",
                person,
                model,
                "onchange",
                [[], values, [], spec],  # a new record: no ids
                expected,
            )

    def dialog_trust_cells(self, found):
        """Every dialog of the addon, opened on records of others."""
        refuse, cancel = "hr.client.handover.refuse", "hr.client.handover.cancel"
        assign = "hr.client.handover.assign"
        reason = "hr.client.handover.line.reason"
        if found.get("A"):
            hc = self.snapshot("A", found["A"])
            for model, rule in ((refuse, REFUSE_WIZARD), (cancel, CANCEL_WIZARD)):
                self.dialog_open_cells(
                    hc,
                    model,
                    {"handover_id": hc.id, "reason": "Not mine"},
                    lambda person, rule=rule: expect(
                        rule, hc.state, hc.roles(person.uid)
                    ),
                    {"default_handover_id": hc.id},
                )
        if found.get("D"):
            hc = self.snapshot("D", found["D"])
            rule = HANDOVER_BUTTONS["action_open_assign_successors"]
            self.dialog_open_cells(
                hc,
                assign,
                {
                    "handover_id": hc.id,
                    "mode": "single",
                    "successor_id": self.successor_a.uid,
                },
                lambda person: expect(rule, hc.state, hc.roles(person.uid)),
                {"default_handover_id": hc.id},
            )
            # The preview of another user's dialog.
            owner = self.session(hc.row["departing_user_id"])
            wizard = owner.call(assign, "create", {"handover_id": hc.id})
            self.cells.changed()
            for person in (self.internal, self.foreign_user(), self.successor_b):
                self.cells.run(
                    f"{hc.tag} assign preview of {owner.login}'s dialog created by "
                    f"{person.login}",
                    person,
                    "hr.client.handover.assign.preview",
                    "create",
                    [{"wizard_id": wizard, "customer_count": 1}],
                    REFUSED_BY_ROLE,
                )
        if found.get("V"):
            hc = self.snapshot("V", found["V"])
            for line in hc.lines[:1]:
                for action in ("request_waiver", "refuse_waiver", "send_back_visit"):
                    rule = LINE_BUTTONS[f"action_{action}"]
                    self.dialog_open_cells(
                        hc,
                        reason,
                        {"line_id": line["id"], "action": action, "reason": "Not mine"},
                        lambda person, rule=rule, line=line: expect(
                            rule, hc.state, hc.line_roles(person.uid, line)
                        ),
                        {"default_line_id": line["id"], "default_action": action},
                    )
        # The departure of another company's employee.
        self.foreign_user()
        self.cells.changed()
        employee = self.admin.call(
            "hr.employee",
            "create",
            {"name": f"Far Employee {self.stamp}", "company_id": self._foreign_company},
        )
        for person in (self.hr, self.internal):
            self.cells.run(
                f"departure wizard for {employee} (another company) as {person.login}",
                person,
                "hr.departure.wizard",
                "create",
                [{"employee_ids": [(6, 0, [employee])]}],
                REFUSED_BY_ROLE,
            )

    # -- the handovers' calendar events, their attendees and their customers ---
    def calendar_trust_cells(self, found):
        """Every role of the demo, an unrelated internal user, a portal user and
        a user of a second company against the events of the handovers (a
        visit of V, the sealed meeting and training of X), their attendees,
        and Merge Contacts, deleting and archiving of the customers they name.
        Who sees an event: its organizer, its attendees and whoever reads the
        handover; nobody changes a sealed event or a visit's attendees by hand;
        no customer (or contact met) of a running handover is merged, deleted
        or archived, nor a customer in a done handover's ledger merged or
        deleted. A refused call leaves the events, attendees and partners as
        they were."""
        foreign = self.foreign_user()
        people = {}
        for label in ("V", "X"):
            if not found.get(label):
                self.cells.record(f"{label}: calendar cells", "no such handover")
                continue
            hc = self.snapshot(label, found[label])
            people[label] = [*self.people(hc, colleague=True), foreign]
            events = self.handover_events(hc)
            if not events:
                self.cells.record(f"{hc.tag} calendar cells", "no event to try")
            for event in events:
                self.calendar_event_cells(hc, event, people[label])
                self.calendar_attendee_cells(hc, event, people[label])
        self.customer_trust_cells(found, people)

    def handover_events(self, hc):
        """One event of each kind (a visit, a sealed meeting, ...) of `hc`."""
        rows = self.probe.rows(
            "SELECT id, name, user_id, handover_event_kind AS kind, "
            "handover_sealed_on IS NOT NULL AS sealed FROM calendar_event "
            "WHERE handover_id = %s AND active ORDER BY id",
            (hc.id,),
        )
        picked = {}
        for row in rows:
            picked.setdefault((row["kind"], row["sealed"]), row)
        return list(picked.values())

    def attendee_partners(self, event_id):
        return {
            row["partner_id"]
            for row in self.probe.rows(
                "SELECT partner_id FROM calendar_attendee WHERE event_id = %s "
                "UNION SELECT res_partner_id FROM calendar_event_res_partner_rel "
                "WHERE calendar_event_id = %s",
                (event_id, event_id),
            )
        }

    def sees_event(self, hc, event, person):
        """Organizer, attendee or reader of the handover."""
        return bool(
            person.uid == event["user_id"]
            or self.partner_of(person.uid) in self.attendee_partners(event["id"])
            or hc.roles(person.uid) & READERS
        )

    def calendar_state(self, event_ids, partner_ids=()):
        """The events, their attendees and messages, and the partners, as the
        database holds them."""
        return self.probe.value(
            "SELECT md5(concat_ws('|', "
            "(SELECT string_agg(e::text, ',' ORDER BY e.id) FROM calendar_event e "
            " WHERE e.id = ANY(%(events)s)), "
            "(SELECT string_agg(a::text, ',' ORDER BY a.id) FROM calendar_attendee a "
            " WHERE a.event_id = ANY(%(events)s)), "
            "(SELECT string_agg(r::text, ',' ORDER BY r::text) "
            " FROM calendar_event_res_partner_rel r "
            " WHERE r.calendar_event_id = ANY(%(events)s)), "
            "(SELECT string_agg(m.id::text || m.body, ',' ORDER BY m.id) "
            " FROM mail_message m WHERE m.model = 'calendar.event' "
            " AND m.res_id = ANY(%(events)s)), "
            "(SELECT string_agg(p::text, ',' ORDER BY p.id) FROM res_partner p "
            " WHERE p.id = ANY(%(partners)s)), "
            "(SELECT string_agg(concat_ws(':', l.id, l.partner_id, "
            " l.visit_contact_id), ',' ORDER BY l.id) FROM hr_client_handover_line l "
            " WHERE l.partner_id = ANY(%(partners)s) "
            " OR l.visit_contact_id = ANY(%(partners)s))))",
            {"events": list(event_ids), "partners": list(partner_ids)},
        )

    def refused_calendar_cell(
        self, title, person, model, method, args, expected, watch, **kwargs
    ):
        """A refused call, then the proof that it left `watch` (event ids,
        partner ids) as it was."""
        before = self.calendar_state(*watch)
        self.cells.run(title, person, model, method, args, expected, **kwargs)
        after = self.calendar_state(*watch)
        self.cells.check(
            f"{title}: the events, attendees and partners are as they were",
            lambda: self._assert(after == before, "the refused call changed them"),
        )

    @staticmethod
    def chairs_open_event(hc, event, person):
        """The supervisor (or the handover administrator) of an open meeting or
        training session: they change it and its attendees."""
        return (
            event["kind"] != "visit"
            and not event["sealed"]
            and hc.state not in ("done", "cancel")
            and bool(hc.roles(person.uid) & {"supervisor", "admin"})
        )

    def calendar_event_cells(self, hc, event, people):
        event_id = event["id"]
        what = f"{hc.tag} {event['kind']}{' (sealed)' if event['sealed'] else ''}"
        what += f" event {event_id}"
        watch = ([event_id],)
        for person in people:
            sees = self.sees_event(hc, event, person)
            who = self.who(person, hc.roles(person.uid))
            self.cells.run(
                f"{what} search_read as {who}",
                person,
                "calendar.event",
                "search_read",
                [[("id", "=", event_id)]],
                ALLOWED,
                reads([event_id] if sees else []),
                fields=["name", "description"],
            )
            self.cells.run(
                f"{what} searched by its name as {who}",
                person,
                "calendar.event",
                "search",
                [[("name", "=", event["name"])]],
                ALLOWED,
                lambda found, sees=sees: self._assert(
                    (event_id in found) == sees, f"found {short(found)}"
                ),
            )
            self.cells.run(
                f"{what} read as {who}",
                person,
                "calendar.event",
                "read",
                [[event_id], ["name", "notes", "description", "attendee_ids"]],
                ALLOWED if sees else REFUSED_BY_ROLE,
                reads([event_id]),
            )
            if self.chairs_open_event(hc, event, person):
                continue  # the chair changes an open meeting: not tried here
            field = "name" if event["kind"] == "visit" else "notes"
            self.refused_calendar_cell(
                f"{what} write {field} as {who}",
                person,
                "calendar.event",
                "write",
                [[event_id], {field: "<p>Forged by the security suite</p>"}],
                REFUSED if sees else REFUSED_BY_ROLE,
                watch,
            )
            self.refused_calendar_cell(
                f"{what} unlink as {who}",
                person,
                "calendar.event",
                "unlink",
                [[event_id]],
                REFUSED if sees else REFUSED_BY_ROLE,
                watch,
            )

    def calendar_attendee_cells(self, hc, event, people):
        event_id = event["id"]
        what = f"{hc.tag} {event['kind']}{' (sealed)' if event['sealed'] else ''}"
        what += f" event {event_id} attendee"
        attendees = self.probe.rows(
            "SELECT id, partner_id, state FROM calendar_attendee "
            "WHERE event_id = %s ORDER BY id",
            (event_id,),
        )
        if not attendees:
            self.cells.record(f"{what} cells", "the event has no attendee")
            return
        watch = ([event_id],)
        answered = False
        for person in people:
            sees = self.sees_event(hc, event, person)
            who = self.who(person, hc.roles(person.uid))
            internal = person is not self.portal
            partner = self.partner_of(person.uid)
            own = [att for att in attendees if att["partner_id"] == partner]
            other = next(
                (att for att in attendees if att["partner_id"] != partner), attendees[0]
            )
            self.cells.run(
                f"{what}s search_read as {who}",
                person,
                "calendar.attendee",
                "search_read",
                [[("event_id", "=", event_id)]],
                ALLOWED if internal else REFUSED_BY_ROLE,
                reads([att["id"] for att in attendees] if sees else []),
                fields=["state", "partner_id"],
            )
            self.cells.run(
                f"{what} {other['id']} read as {who}",
                person,
                "calendar.attendee",
                "read",
                [[other["id"]], ["event_id", "partner_id", "state"]],
                ALLOWED if internal and sees else REFUSED_BY_ROLE,
                reads([other["id"]]),
            )
            refused = REFUSED if sees and internal else REFUSED_BY_ROLE
            if self.chairs_open_event(hc, event, person):
                continue  # the chair invites to an open meeting: not tried here
            for title, method, args in (
                (
                    "create (invites themself)",
                    "create",
                    [{"event_id": event_id, "partner_id": partner}],
                ),
                (
                    f"{other['id']} write state",
                    "write",
                    [[other["id"]], {"state": "declined"}],
                ),
                (
                    f"{other['id']} write partner",
                    "write",
                    [[other["id"]], {"partner_id": partner}],
                ),
                (f"{other['id']} do_decline", "do_decline", [[other["id"]]]),
                (f"{other['id']} unlink", "unlink", [[other["id"]]]),
            ):
                self.refused_calendar_cell(
                    f"{what} {title} as {who}",
                    person,
                    "calendar.attendee",
                    method,
                    args,
                    refused,
                    watch,
                )
            if not own:
                continue
            if event["sealed"] or hc.state in ("done", "cancel"):
                # Not even one's own answer changes any more.
                self.refused_calendar_cell(
                    f"{what} {own[0]['id']} (their own) do_decline as {who}",
                    person,
                    "calendar.attendee",
                    "do_decline",
                    [[own[0]["id"]]],
                    REFUSED_BY_STAGE,
                    watch,
                )
            elif not answered:  # an attendee answers their own invitation
                answered = True
                self.cells.run(
                    f"{what} {own[0]['id']} (their own) do_accept as {who}",
                    person,
                    "calendar.attendee",
                    "do_accept",
                    [[own[0]["id"]]],
                    ALLOWED,
                    lambda _result, att=own[0]["id"]: self._assert(
                        self.probe.column("calendar_attendee", att, "state")
                        == "accepted",
                        "the answer was not recorded",
                    ),
                )

    def customer_trust_cells(self, found, people):
        """Merge Contacts, unlink and archive of the customers of V (running)
        and of X (done, in its ledger), and of V's contacts met."""
        targets = []
        if found.get("V"):
            hc = self.snapshot("V", found["V"])
            targets += [("V", hc, line["partner_id"], True) for line in hc.lines[:1]]
            contact = self.probe.value(
                "SELECT visit_contact_id FROM hr_client_handover_line "
                "WHERE handover_id = %s AND visit_contact_id IS NOT NULL "
                "ORDER BY id LIMIT 1",
                (hc.id,),
            )
            if contact:
                targets.append(("V", hc, contact, True))
        if found.get("X"):
            hc = self.snapshot("X", found["X"])
            customer = self.probe.value(
                "SELECT res_id FROM hr_client_handover_transfer WHERE handover_id = %s "
                "AND res_model = 'res.partner' ORDER BY id LIMIT 1",
                (hc.id,),
            )
            if customer:
                targets.append(("X", hc, customer, False))
        if not targets:
            self.cells.record("customer cells", "no customer to try")
            return
        manager_group = self.admin.xmlid("base.group_partner_manager")
        managers = set(
            self.admin.search("res.users", [("all_group_ids", "in", [manager_group])])
        )
        spare = self.fresh_partner()
        for label, hc, partner, running in targets:
            watch = ([], [partner, spare])
            customers = {line["partner_id"] for line in hc.lines}
            kind = "customer" if partner in customers else "contact met"
            what = f"{hc.tag} {kind} {partner}"
            for person in people.get(label, []):
                who = self.who(person, hc.roles(person.uid))
                # A contact manager is refused by the handover, not by core.
                refused = REFUSED_BY_STAGE if person.uid in managers else REFUSED
                self.refused_calendar_cell(
                    f"{what} unlink as {who}",
                    person,
                    "res.partner",
                    "unlink",
                    [[partner]],
                    refused,
                    watch,
                )
                if running:
                    self.refused_calendar_cell(
                        f"{what} archived as {who}",
                        person,
                        "res.partner",
                        "write",
                        [[partner], {"active": False}],
                        refused,
                        watch,
                    )
                wizard = self.merge_wizard(what, person, who, partner, spare, managers)
                if wizard:
                    self.refused_calendar_cell(
                        f"{what} merged into another contact as {who}",
                        person,
                        "base.partner.merge.automatic.wizard",
                        "action_merge",
                        [[wizard]],
                        REFUSED_BY_STAGE,
                        watch,
                    )

    def merge_wizard(self, what, person, who, partner, spare, managers):
        """`person` opens Merge Contacts on `partner` and a spare contact: a
        contact manager may, the others are refused by core."""
        model = "base.partner.merge.automatic.wizard"
        values = {"partner_ids": [(6, 0, [partner, spare])], "dst_partner_id": spare}
        if person.uid in managers:
            wizard = self.cells.run(
                f"{what} Merge Contacts opened as {who}",
                person,
                model,
                "create",
                [values],
                ALLOWED,
            )
            return wizard if isinstance(wizard, int) else None
        self.refused_calendar_cell(
            f"{what} Merge Contacts opened as {who}",
            person,
            model,
            "create",
            [values],
            REFUSED_BY_ROLE,
            ([], [partner, spare]),
        )
        return None

    def walk(self):
        label = "W"
        handover_id = self.cells.run(
            f"walk: {self.hr.login} starts the handover of {self.leaver.login} with "
            f"witness {self.witness.login} and division manager {self.approver.login}",
            self.hr,
            HANDOVER,
            "create",
            [
                self.start_values(
                    self.leaver_employee,
                    witness_id=self.witness.uid,
                    approver_id=self.approver.uid,
                )
            ],
            ALLOWED,
        )
        if not isinstance(handover_id, int):
            raise SetupFailed("the walked handover could not be started")
        # Every open stage of the stage table, in its order: walk_<stage> does
        # the stage's work, then presses the button that ends it.
        for state in OPEN:
            hc = self.snapshot(label, handover_id)
            if hc.state != state:
                self.cells.record(f"walk W reaches {state}", f"it is in {hc.state}")
            getattr(self, f"walk_{state}")(hc)
        self.walk_block(self.snapshot(label, handover_id))  # done
        return handover_id

    def walk_block(self, hc):
        """The stage's cells on the walked handover: in full where no demo
        handover stands in that stage, lean where one does."""
        lean, reads = WALK_BLOCKS[hc.state]
        self.stage_block(hc.label, hc.id, lean=lean, reads=reads)
        self.checklist_trust_cells(self.snapshot(hc.label, hc.id))

    def walk_draft(self, hc):
        leaver = self.leaver
        self.act(hc, leaver, "action_generate_lines", HANDOVER)
        hc = self.snapshot(hc.label, hc.id)
        self.cells.check(
            f"walk {hc.tag} a line per customer of {leaver.login}",
            lambda: self._assert(
                {line["partner_id"] for line in hc.lines} >= set(self.customers),
                f"lines for {sorted(line['partner_id'] for line in hc.lines)}",
            ),
        )
        successors = (self.successor_a, self.successor_b)
        for index, line in enumerate(hc.lines):
            successor = successors[index % 2].uid
            self.write_cell(
                hc,
                LINE,
                line,
                "successor_id",
                (successor, NOT_WRITTEN),
                leaver,
                hc.line_roles(leaver.uid, line),
                ALLOWED,
            )
        if hc.items:  # the supervisor makes the first successor responsible
            self.write_cell(
                hc,
                ITEM,
                hc.items[0],
                "responsible_id",
                (self.successor_a.uid, NOT_WRITTEN),
                self.supervisor,
                hc.roles(self.supervisor.uid),
                ALLOWED,
            )
        self.walk_block(hc)
        self.complete(hc, leaver)

    def walk_plan_review(self, hc):
        self.walk_block(hc)
        refuse = "hr.client.handover.refuse"
        values = {"handover_id": hc.id, "reason": "Security suite: refused once"}
        wizard = self.wizard_cells(
            hc, self.supervisor, refuse, values, "reason", "Hijacked reason"
        )
        self.wizard_misuse_cells(hc, refuse, values, "action_refuse", REFUSE_WIZARD)
        back = STAGES.STAGE[hc.state].refused_to
        if wizard:
            self.act(hc, self.supervisor, "action_refuse", refuse, [wizard], back)
        self.complete(hc, self.leaver, back)
        self.complete(hc, self.supervisor)

    def walk_plan_approval(self, hc):
        self.walk_block(hc)
        self.complete(hc, self.approver)
        hc = self.snapshot(hc.label, hc.id)
        self.cells.check(
            f"walk {hc.tag} the approval moved the customers (ledger rows)",
            lambda: self._assert(hc.ledger, "the ledger is empty"),
        )

    def lines_of(self, hc, session, predicate=lambda line: True):
        return [
            line
            for line in hc.lines
            if line["successor_id"] == session.uid and predicate(line)
        ]

    def again(self, hc, person, model, method, record_id, **kwargs):
        """The same button a second time: already done (UserError)."""
        self.cells.run(
            f"{hc.tag} {SHORT[model]} {record_id} {method} again as {person.login}",
            person,
            model,
            method,
            [[record_id]],
            REFUSED_BY_STAGE,
            **kwargs,
        )

    def write_again(self, hc, person, model, record_id, field, why):
        """A write the record's progress now refuses (UserError)."""
        self.cells.run(
            f"{hc.tag} {SHORT[model]} {record_id} write {field} as {person.login} "
            f"({why})",
            person,
            model,
            "write",
            [[record_id], {field: f"{field} by {person.login}, late"}],
            REFUSED_BY_STAGE,
        )

    def walk_materials(self, hc):
        self.walk_block(hc)
        hc = self.snapshot(hc.label, hc.id)
        first = self.successor_a
        mine = self.lines_of(hc, first, lambda line: not line["materials_confirmed"])
        if mine:
            line_id = mine[0]["id"]
            self.describe_materials(hc, first, [line_id])
            self.act(hc, first, "action_confirm_materials", LINE, [line_id])
            self.column_check(hc, LINE, line_id, "materials_confirmed_by_id", first.uid)
            self.again(hc, first, LINE, "action_confirm_materials", line_id)
            self.write_again(
                hc, first, LINE, line_id, "materials_location", "confirmed"
            )
        self.checklist_specials(hc)
        for kind in ("meeting", "training"):
            self.hold_meeting(hc, kind)
        self.sign(hc, "materials")
        self.finish_materials(hc)
        self.complete(hc, self.supervisor)

    def hold_meeting(self, hc, kind):
        """The supervisor schedules the handover meeting (or the training) from
        the handover, as its button opens it, held an hour ago, and writes its
        minutes (the template asks for both)."""
        supervisor = self.session(hc.row["supervisor_id"]) or self.supervisor

        def hold():
            action = supervisor.call(HANDOVER, f"action_schedule_{kind}", [hc.id])
            start = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(hours=2)
            event = supervisor.call(
                "calendar.event",
                "create",
                {
                    "start": start.strftime("%Y-%m-%d %H:%M:%S"),
                    "stop": (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
                },
                context=action["context"],
            )
            supervisor.call(
                "calendar.event",
                "write",
                [event],
                {"notes": "<p>Customers, files and open deals reviewed.</p>"},
            )

        self.cells.changed()
        self.cells.check(f"walk {hc.tag} the {kind} held, its minutes written", hold)

    def column_check(self, hc, model, record_id, field, wanted):
        self.cells.check(
            f"walk {hc.tag} {SHORT[model]} {record_id} {field} is {short(wanted, 40)}",
            self.column_is(model, record_id, field, wanted),
        )

    def checklist_specials(self, hc):
        """The item's responsible marks it done, the witness confirms it, the
        departing employee can no longer reset it; a successor confirms another."""
        pending = [
            item for item in hc.items if not item["done"] and not item["post_departure"]
        ]
        if len(pending) < 2:
            self.cells.record(f"{hc.tag} checklist cells", "fewer than 2 open items")
            return
        owned, other = pending[0], pending[1]
        doer = self.ticker(owned)
        self.act(hc, doer, "action_mark_done", ITEM, [owned["id"]])
        self.column_check(hc, ITEM, owned["id"], "done", True)
        self.act(hc, self.witness, "action_confirm", ITEM, [owned["id"]])
        self.column_check(hc, ITEM, owned["id"], "confirmed_by_id", self.witness.uid)
        self.cells.run(
            f"{hc.tag} item {owned['id']} action_reset once confirmed as "
            f"{self.leaver.login}",
            self.leaver,
            ITEM,
            "action_reset",
            [[owned["id"]]],
            REFUSED_BY_STAGE,
        )
        self.act(hc, self.ticker(other), "action_mark_done", ITEM, [other["id"]])
        self.act(hc, self.successor_b, "action_confirm", ITEM, [other["id"]])
        self.column_check(
            hc, ITEM, other["id"], "confirmed_by_id", self.successor_b.uid
        )

    def sign(self, hc, stage):
        """Every signer of `stage` signs as themselves, once."""
        hc = self.snapshot(hc.label, hc.id)
        signatures = [s for s in hc.signatures if s["stage"] == stage]
        self.cells.check(
            f"walk {hc.tag} {stage} signatures requested",
            lambda: self._assert(signatures, "no signature to sign"),
        )
        for sig in signatures:
            signer = self.session(sig["user_id"])
            if sig["signed"] or not signer:
                continue
            self.write_cell(
                hc,
                SIGNATURE,
                sig,
                "signature",
                (SIGNATURE_PNG, NOT_WRITTEN),
                signer,
                hc.signature_roles(signer.uid, sig),
                ALLOWED,
            )
            self.column_check(hc, SIGNATURE, sig["id"], "signed_on", True)
        if signatures:
            sig = signatures[0]
            self.cells.run(
                f"{hc.tag} signature {sig['id']} signed again by its signer",
                self.session(sig["user_id"]),
                SIGNATURE,
                "write",
                [[sig["id"]], {"signature": FORGED_PNG}],
                REFUSED_BY_STAGE,
            )

    def finish_materials(self, hc):
        hc = self.snapshot(hc.label, hc.id)
        for successor in (self.successor_a, self.successor_b):
            ids = [
                line["id"]
                for line in self.lines_of(
                    hc, successor, lambda line: not line["materials_confirmed"]
                )
            ]
            if ids:
                self.describe_materials(hc, successor, ids)
                self.act(hc, successor, "action_confirm_materials", LINE, ids)
        self.tick_open_items(hc, hc.items)
        # What was due by the last working day; the post-departure part is not
        # confirmed on receipt.
        unconfirmed = [
            item["id"]
            for item in hc.items
            if not item["confirmed"] and not item["post_departure"]
        ]
        if unconfirmed:
            self.act(hc, self.witness, "action_confirm", ITEM, unconfirmed)

    def walk_visits(self, hc):
        self.walk_block(hc)
        hc = self.snapshot(hc.label, hc.id)
        open_visit = lambda line: line["visit_state"] not in ("done", "waived")  # noqa: E731
        first, second = self.successor_a, self.successor_b
        reason = "hr.client.handover.line.reason"
        visited = self.lines_of(hc, first, open_visit)
        if visited:
            line_id = visited[0]["id"]
            self.contact_met(hc, first, [line_id])
            self.act(hc, first, "action_confirm_visit", LINE, [line_id])
            self.again(hc, first, LINE, "action_confirm_visit", line_id)
            self.act(hc, self.leaver, "action_confirm_visit", LINE, [line_id])
            self.column_check(hc, LINE, line_id, "visit_state", "done")
            self.write_again(hc, first, LINE, line_id, "visit_notes", "visited")
            # The supervisor sends that visit back with a reason: visited again.
            values = {
                "line_id": line_id,
                "action": "send_back_visit",
                "reason": "Security suite: met the wrong person",
            }
            self.wizard_misuse_cells(
                hc,
                reason,
                values,
                "action_confirm",
                LINE_BUTTONS["action_send_back_visit"],
            )
            wizard = self.wizard_cells(
                hc, self.supervisor, reason, values, "reason", "Hijacked reason"
            )
            if wizard:
                self.act(hc, self.supervisor, "action_confirm", reason, [wizard])
                self.column_check(hc, LINE, line_id, "visit_state", "pending")
                self.column_check(hc, LINE, line_id, "visit_return_count", 1)
        waived = self.lines_of(hc, second, open_visit)
        if waived:
            line_id = waived[0]["id"]
            # A waiver asked with a reason, refused, asked again, approved.
            for action, person, state in (
                ("request_waiver", self.leaver, "waiver_requested"),
                ("refuse_waiver", self.supervisor, "pending"),
                ("request_waiver", second, "waiver_requested"),
            ):
                values = {
                    "line_id": line_id,
                    "action": action,
                    "reason": f"Security suite: {action} by {person.login}",
                }
                wizard = self.wizard_cells(
                    hc, person, reason, values, "reason", "Hijacked reason"
                )
                if wizard:
                    self.act(hc, person, "action_confirm", reason, [wizard])
                    self.column_check(hc, LINE, line_id, "visit_state", state)
            self.act(hc, self.supervisor, "action_approve_waiver", LINE, [line_id])
            self.column_check(hc, LINE, line_id, "visit_waived", True)
            self.again(hc, self.supervisor, LINE, "action_approve_waiver", line_id)
            self.write_again(hc, self.leaver, LINE, line_id, "visit_notes", "waived")
            self.again(hc, second, LINE, "action_confirm_visit", line_id)
        hc = self.snapshot(hc.label, hc.id)
        for successor in (first, second):
            ids = [line["id"] for line in self.lines_of(hc, successor, open_visit)]
            if ids:
                self.contact_met(hc, successor, ids)
                self.act(hc, successor, "action_confirm_visit", LINE, ids)
        ids = [line["id"] for line in hc.lines if open_visit(line)]
        if ids:
            self.act(hc, self.leaver, "action_confirm_visit", LINE, ids)
        witness = self.session(hc.row["acting_witness_id"]) or self.witness
        self.act(
            hc, witness, "action_witness_visits", HANDOVER, expected_state="visits"
        )
        self.again(hc, witness, HANDOVER, "action_witness_visits", hc.id)
        self.sign(hc, "visits")
        self.complete(hc, self.supervisor)

    def describe_materials(self, hc, person, line_ids):
        """`person` describes the materials before confirming them."""
        self.cells.run(
            f"walk {hc.tag} materials described on line {short(line_ids, 40)} "
            f"as {person.login}",
            person,
            LINE,
            "write",
            [
                line_ids,
                {
                    "materials_paper": "Framework contract",
                    "materials_no_paper": False,
                    "materials_electronic": "Shared drive, folder Contracts",
                    "materials_no_electronic": False,
                    "materials_location": "Cabinet B2",
                },
            ],
            ALLOWED,
        )

    def contact_met(self, hc, person, line_ids):
        """`person` notes the contact met before confirming the visits."""
        self.cells.run(
            f"walk {hc.tag} contact met on line {short(line_ids, 40)} "
            f"as {person.login}",
            person,
            LINE,
            "write",
            [
                line_ids,
                {
                    "visit_contact": "Purchasing manager",
                    "visit_date": date.today().isoformat(),
                    "visit_place": "Customer's office",
                },
            ],
            ALLOWED,
        )

    def walk_verification(self, hc):
        self.walk_block(hc)
        hc = self.snapshot(hc.label, hc.id)
        witness = self.session(hc.row["acting_witness_id"]) or self.witness
        sampled = [line for line in hc.lines if line["spot_check_selected"]]
        if len(sampled) >= 2:
            first, second = sampled[0]["id"], sampled[1]["id"]
            self.write_cell(
                hc,
                LINE,
                first,
                "check_result",
                ("confirmed", NOT_WRITTEN),
                witness,
                hc.line_roles(witness.uid, sampled[0]),
                ALLOWED,
            )
            self.act(hc, witness, "action_record_check", LINE, [first])
            self.column_check(hc, LINE, first, "checked_by_id", witness.uid)
            self.again(hc, witness, LINE, "action_record_check", first)
            self.write_again(hc, witness, LINE, first, "check_notes", "call recorded")
            self.act(
                hc,
                witness,
                "action_set_check_result",
                LINE,
                [second],
                context={"check_result": "confirmed"},
            )
            self.column_check(hc, LINE, second, "checked_on", True)
        else:
            self.cells.record(
                f"{hc.tag} phone check cells", "fewer than 2 sampled lines"
            )
        outside = [line for line in hc.lines if not line["spot_check_selected"]]
        if outside:
            self.act(hc, witness, "action_toggle_spot_check", LINE, [outside[0]["id"]])
            self.column_check(hc, LINE, outside[0]["id"], "spot_check_selected", True)
        hc = self.snapshot(hc.label, hc.id)
        for line in hc.lines:
            if line["spot_check_selected"] and not line["checked"]:
                self.write_cell(
                    hc,
                    LINE,
                    line,
                    "check_result",
                    ("confirmed", NOT_WRITTEN),
                    witness,
                    hc.line_roles(witness.uid, line),
                    ALLOWED,
                )
                self.act(hc, witness, "action_record_check", LINE, [line["id"]])
        self.sign(hc, "verification")
        self.complete(hc, witness)

    def walk_summary(self, hc):
        self.walk_block(hc)
        hc = self.snapshot(hc.label, hc.id)
        self.write_cell(
            hc,
            HANDOVER,
            hc.id,
            "summary",
            ("<p>Every customer handed over and confirmed.</p>", NOT_WRITTEN),
            self.leaver,
            hc.roles(self.leaver.uid),
            ALLOWED,
        )
        self.sign(hc, "summary")
        self.complete(hc, self.leaver)

    def walk_summary_review(self, hc):
        self.walk_block(hc)
        self.complete(hc, self.supervisor)

    def walk_summary_approval(self, hc):
        self.walk_block(hc)
        self.depart(hc)
        self.complete(hc, self.approver)
        # The approval triggered the filing job; the suite's server runs no
        # cron thread: the administrator runs it, as the scheduler would.
        self.run_filing_job()
        self.column_check(hc, HANDOVER, hc.id, "summary_attachment_id", True)

    # -- attachments behind the handover -------------------------------------------
    def print_summary(self, person, handover_id):
        """The summary report as `person` downloads it from the web client."""
        status, body = self.web_get(
            person, f"/report/pdf/{SUMMARY_REPORT}/{handover_id}"
        )
        assert status == 200, f"{person.login} gets HTTP {status}"
        return body

    def prints_filed(self, handover_id, filed, checksum):
        def observe():
            pinned = self.probe.column(
                "hr_client_handover", handover_id, "summary_attachment_id"
            )
            assert pinned == filed, f"summary_attachment_id is {pinned}, not {filed}"
            pdf = self.print_summary(self.hr, handover_id)
            got = hashlib.sha1(pdf).hexdigest()
            assert got == checksum, f"printing returns another file (sha1 {got})"

        return observe

    def filed_pdf_cells(self, label, handover_id):
        hc = self.snapshot(label, handover_id)
        filed = hc.row["summary_attachment_id"]
        if not filed:
            self.cells.record(f"{hc.tag} filed summary PDF", "none filed")
            return
        row = self.probe.rows(
            "SELECT name, checksum FROM ir_attachment WHERE id = %s", (filed,)
        )[0]
        unchanged = self.prints_filed(hc.id, filed, row["checksum"])
        self.cells.changed()
        self.cells.check(
            f"{hc.tag} printing the summary returns the filed PDF", unchanged
        )
        forged_pdf = base64.b64encode(b"%PDF-1.4 forged summary").decode()
        changes = {
            "datas": forged_pdf,
            "name": "renamed.pdf",
            "res_id": self.other_handover(hc),
            "res_model": "res.partner",
            "description": "forged",
        }
        people = self.people(hc)
        insiders = self.insiders(hc) | {self.admin.uid}
        for person in people:
            roles = hc.roles(person.uid)
            nobody = expect(NOBODY, hc.state, roles)
            for field in self.fields_for(list(changes), person, insiders):
                self.cells.run(
                    f"{hc.tag} filed PDF {filed} write {field} as "
                    f"{self.who(person, roles)}",
                    person,
                    ATTACHMENT,
                    "write",
                    [[filed], {field: changes[field]}],
                    nobody,
                )
            self.cells.run(
                f"{hc.tag} filed PDF {filed} unlink as {self.who(person, roles)}",
                person,
                ATTACHMENT,
                "unlink",
                [[filed]],
                nobody,
            )
        self.decoy_cells(hc, people, row["name"], forged_pdf, unchanged)

    def filed_document_cells(self, label, handover_id):
        """The documents filed with HR (plan, visits, summary) and their PDFs:
        nobody creates, changes or removes them; nor the customers-at-risk
        notes the daily job keeps."""
        hc = self.snapshot(label, handover_id)
        documents = self.probe.rows(
            "SELECT id, attachment_id FROM hr_client_handover_document"
            " WHERE handover_id = %s ORDER BY id",
            (hc.id,),
        )
        if not documents:
            self.cells.record(f"{hc.tag} filed documents", "none filed")
        alerts = self.probe.rows(
            "SELECT id FROM hr_client_handover_risk_alert ORDER BY id LIMIT 1"
        )
        forged_pdf = base64.b64encode(b"%PDF-1.4 forged filing").decode()
        forged = {
            "handover_id": hc.id,
            "kind": "summary",
            "attachment_id": self.decoy,
            "filed_on": A_DATETIME,
        }
        changes = {
            "kind": "plan",
            "attachment_id": self.decoy,
            "filed_on": A_DATETIME,
            "handover_id": self.other_handover(hc),
        }
        alert = {"line_id": hc.lines[0]["id"] if hc.lines else False}
        for person in self.people(hc):
            roles = hc.roles(person.uid)
            nobody = expect(NOBODY, hc.state, roles)
            who = self.who(person, roles)
            calls = [(DOCUMENT, "create", [forged], "")]
            for document in documents:
                calls += [
                    (DOCUMENT, "write", [[document["id"]], {field: value}], field)
                    for field, value in changes.items()
                ]
                calls.append((DOCUMENT, "unlink", [[document["id"]]], ""))
                filed = [document["attachment_id"]]
                calls += [
                    (ATTACHMENT, "write", [filed, {"datas": forged_pdf}], "datas"),
                    (
                        ATTACHMENT,
                        "write",
                        [filed, {"res_id": changes["handover_id"]}],
                        "res_id",
                    ),
                    (ATTACHMENT, "unlink", [filed], ""),
                ]
            calls.append((RISK_ALERT, "create", [alert], ""))
            for row in alerts:
                calls += [
                    (RISK_ALERT, "write", [[row["id"]], {"user_id": person.uid}], ""),
                    (RISK_ALERT, "unlink", [[row["id"]]], ""),
                ]
            for model, method, args, field in calls:
                target = args[0][0] if method != "create" else ""
                self.cells.run(
                    f"{hc.tag} {SHORT[model]} {target} {method} {field} as {who}",
                    person,
                    model,
                    method,
                    args,
                    nobody,
                )

    def decoy_cells(self, hc, people, name, forged_pdf, unchanged):
        """An attachment named like the filed PDF, created on the handover or
        moved onto it, changes neither summary_attachment_id nor the print."""
        decoy = {
            "name": name,
            "res_model": HANDOVER,
            "res_id": hc.id,
            "datas": forged_pdf,
            "mimetype": "application/pdf",
        }
        for person in people:
            if not hc.roles(person.uid) & READERS:
                continue
            self.attempt(
                f"{hc.tag} attachment named like the filed PDF created by "
                f"{person.login}",
                person,
                "create",
                [decoy],
                unchanged,
            )
        self.cells.changed()
        moved = self.admin.call(
            ATTACHMENT,
            "create",
            {**decoy, "name": "notes.pdf", "res_model": "res.partner", "res_id": 1},
        )
        self.attempt(
            f"{hc.tag} attachment renamed and moved onto the handover by "
            f"{self.admin.login}",
            self.admin,
            "write",
            [[moved], {"res_model": HANDOVER, "res_id": hc.id, "name": name}],
            unchanged,
        )

    def attempt(self, title, person, method, args, unchanged):
        """Refused, or accepted without changing what the handover filed."""
        title = f"{title} -> refused or harmless"
        before = self.cells.checksum()
        try:
            person.call(ATTACHMENT, method, *args)
        except xmlrpc.client.Fault as fault:
            self.cells.record(
                title, "; ".join(self.cells.refusal_problems(fault, REFUSED, before))
            )
            return
        self.cells.changed()
        self.cells.check(title, unchanged)

    def signature_attachment_cells(self, label, handover_id):
        """Signature images are out of reach of ir.attachment, for everyone."""
        hc = self.snapshot(label, handover_id)
        sig_ids = [sig["id"] for sig in hc.signatures]
        stored = [
            row["id"]
            for row in self.probe.rows(
                "SELECT id FROM ir_attachment WHERE res_model = %s "
                "AND res_id = ANY(%s) ORDER BY id",
                (SIGNATURE, sig_ids),
            )
        ]
        if not sig_ids:
            self.cells.record(f"{hc.tag} signature attachments", "no signature")
            return
        domain = [("res_model", "=", SIGNATURE), ("res_field", "=", "signature")]
        for person in self.people(hc):
            roles = hc.roles(person.uid)
            who = self.who(person, roles)
            nobody = expect(NOBODY, hc.state, roles)
            # A portal user has no access right on signatures: Odoo refuses the
            # search of their attachments outright.
            self.cells.run(
                f"{hc.tag} attachment search of signature images as {who}",
                person,
                ATTACHMENT,
                "search",
                [domain],
                REFUSED_BY_ROLE if person is self.portal else ALLOWED,
                finds([]),
            )
            for res_field in ("signature", False):
                values = {
                    "name": "signature",
                    "res_model": SIGNATURE,
                    "res_id": sig_ids[0],
                    "res_field": res_field,
                    "datas": FORGED_PNG,
                }
                self.cells.run(
                    f"{hc.tag} attachment create on signature {sig_ids[0]} "
                    f"(res_field={res_field}) as {who}",
                    person,
                    ATTACHMENT,
                    "create",
                    [values],
                    nobody,
                )
            if not stored:
                continue
            for method, args in (
                ("read", [stored[:1], ["datas"]]),
                ("write", [stored[:1], {"datas": FORGED_PNG}]),
                ("write", [stored[:1], {"res_id": sig_ids[-1]}]),
                ("unlink", [stored[:1]]),
            ):
                self.cells.run(
                    f"{hc.tag} signature image attachment {stored[0]} {method} "
                    f"{short(args[-1], 40) if method == 'write' else ''}as {who}",
                    person,
                    ATTACHMENT,
                    method,
                    args,
                    nobody,
                )

    def field_attachment_cells(self, label, handover_id):
        """No one forges the storage of a binary field on the addon's records."""
        hc = self.snapshot(label, handover_id)
        records = [
            (HANDOVER, hc.id),
            (LINE, hc.lines[0]["id"] if hc.lines else None),
            (ITEM, hc.items[0]["id"] if hc.items else None),
            (LEDGER, hc.ledger[0] if hc.ledger else None),
            (SEAL, hc.seals[0] if hc.seals else None),
        ]
        for person in self.people(hc):
            roles = hc.roles(person.uid)
            for model, record_id in records:
                if not record_id:
                    continue
                self.cells.run(
                    f"{hc.tag} attachment create on {SHORT[model]} {record_id} "
                    f"with res_field=signature as {self.who(person, roles)}",
                    person,
                    ATTACHMENT,
                    "create",
                    [
                        {
                            "name": "signature",
                            "res_model": model,
                            "res_id": record_id,
                            "res_field": "signature",
                            "datas": FORGED_PNG,
                        }
                    ],
                    expect(NOBODY, hc.state, roles),
                )

    # -- integrity -------------------------------------------------------------------
    def integrity_cells(self, handovers):
        for label, handover_id in handovers:
            if handover_id:
                hc = self.snapshot(label, handover_id)
                self.cells.run(
                    f"{hc.tag} action_verify_integrity as {self.hr.login} at the end",
                    self.hr,
                    HANDOVER,
                    "action_verify_integrity",
                    [[hc.id]],
                    ALLOWED,
                    reports_intact,
                )
        if not self.seal_model:
            return
        walked = dict(handovers).get("W")
        seals = self.probe.rows(
            "SELECT id, handover_id, hash, previous_hash FROM hr_client_handover_seal "
            "ORDER BY handover_id, sequence, id"
        )

        def chained():
            assert any(s["handover_id"] == walked for s in seals), "W has no seal"
            hashes = [s["hash"] for s in seals]
            assert len(set(hashes)) == len(hashes), "two seals share a hash"
            loose = {}
            for seal in seals:
                if seal["previous_hash"] not in hashes:
                    loose[seal["handover_id"]] = loose.get(seal["handover_id"], 0) + 1
            broken = {h: n for h, n in loose.items() if n > 1}
            assert not broken, f"seals pointing nowhere: {broken}"

        self.cells.check(
            "the seals form hash chains; the walked handover has seals", chained
        )

    # -- the whole run -----------------------------------------------------------------
    def run(self):
        self.setup()
        found = {"W": None}
        started = self.guard("start handovers", self.create_cells) or {}
        for label, login, states, lean in (
            ("D", "wu.gang", ["draft"], False),
            ("A", "zhou.ting", ["plan_approval"], True),
            ("V", "wang.lei", ["visits"], False),
            ("X", "zheng.xue", ["done"], False),
        ):
            found[label] = self.find_handover(login, states)
            self.guard(f"{label} block", self.stage_block, label, found[label], lean)
        found["H"] = self.probe.value(
            "SELECT h.id FROM hr_client_handover h JOIN res_users u "
            "ON u.id = h.departing_user_id WHERE u.login LIKE 'rpc.leaver.%' "
            "AND h.state = 'done' AND h.summary_attachment_id IS NOT NULL "
            "ORDER BY h.id DESC LIMIT 1"
        )
        if found["H"]:  # done, as X: who reads it (and, below, its filed PDF)
            hc = self.snapshot("H", found["H"])
            self.guard("H reads", self.read_cells, hc, self.people(hc, colleague=True))
        self.guard("wizards on the demo handovers", self.demo_wizard_cells, found)
        self.guard("hand everything", self.everything_cells, found)
        found["P"] = next(iter(started.values()), None)
        if found["P"]:
            hc = self.snapshot("P", found["P"])
            self.guard("P reads", self.read_cells, hc, self.people(hc, colleague=True))
        found["C"] = self.guard("C block", self.cancel_cells, started)
        found["W"] = self.guard("the walk", self.walk)
        filed = ("H", found["H"]) if found["H"] else ("W", found["W"])
        self.guard("filed PDF", self.filed_pdf_cells, *filed)
        self.guard("filed documents", self.filed_document_cells, *filed)
        self.guard("printing is reading; dialogs", self.trust_cells, filed, found)
        if found["W"]:
            self.guard("signatures", self.signature_attachment_cells, "W", found["W"])
            self.guard("binary fields", self.field_attachment_cells, "W", found["W"])
        self.guard("chatter, files and activities", self.chatter_cells, found)
        self.guard("calendar and customers", self.calendar_trust_cells, found)
        self.guard("integrity", self.integrity_cells, sorted(found.items()))

    def guard(self, title, function, *args):
        """Run a phase; a crash (a broken set-up step) fails it, not the run."""
        try:
            return function(*args)
        except (SetupFailed, LookupError, AssertionError, xmlrpc.client.Fault) as exc:
            self.cells.changed()
            self.cells.record(f"{title}: the phase ran to its end", describe(exc))
            return None

    def demo_wizard_cells(self, found):
        if found["D"]:
            hc = self.snapshot("D", found["D"])
            owner = self.session(hc.row["departing_user_id"])
            values = {
                "handover_id": hc.id,
                "mode": "single",
                "successor_id": self.successor_a.uid,
            }
            self.wizard_cells(
                hc,
                owner,
                "hr.client.handover.assign",
                values,
                "successor_id",
                self.successor_b.uid,
            )
        if found["A"]:
            hc = self.snapshot("A", found["A"])
            values = {"handover_id": hc.id, "reason": "Misused refusal"}
            self.wizard_misuse_cells(
                hc, "hr.client.handover.refuse", values, "action_refuse", REFUSE_WIZARD
            )
        if found["V"]:
            hc = self.snapshot("V", found["V"])
            values = {
                "handover_id": hc.id,
                "reason": "Misused cancel",
                "revert_transfer": False,
            }
            self.wizard_misuse_cells(
                hc,
                "hr.client.handover.cancel",
                values,
                "action_cancel_handover",
                CANCEL_WIZARD,
            )

    def everything_cells(self, found):
        """Hand Everything To…: only a handover administrator hands what a
        user owns to one successor; not while that user's handover is in
        progress (a UserError). Everyone else: refused."""
        hc = found.get("V") and self.snapshot("V", found["V"])
        if not hc:
            return
        model = "hr.client.handover.everything"
        values = {
            "user_id": hc.row["departing_user_id"],
            "successor_id": self.spare.uid,
            "reason": "Security suite: everything at once",
        }
        for person in self.everyone():
            roles = {"admin"} if person.uid in self.admins else set()
            expected = REFUSED_BY_STAGE if roles else REFUSED_BY_ROLE
            title = (
                f"{hc.tag} action_hand_everything of {hc.row['departing_user_id']} "
                f"as {self.who(person, roles)}"
            )
            method = "action_hand_everything"
            self.wizard_cell(title, person, model, values, method, expected)

    def cancel_cells(self, started):
        """The supervisor cancels a new draft through the wizard; then every
        cell on the cancelled handover."""
        handover_id = started.get(self.officer.login) or next(
            iter(started.values()), None
        )
        if not handover_id:
            self.cells.record("C: a draft to cancel", "no handover was started")
            return None
        hc = self.snapshot("C", handover_id)
        supervisor = self.session(hc.row["supervisor_id"])
        cancel = "hr.client.handover.cancel"
        values = {"handover_id": hc.id, "reason": "Security suite: cancelled"}
        wizard = self.wizard_cells(hc, supervisor, cancel, values, "reason", "Hijacked")
        if wizard:
            self.act(
                hc, supervisor, "action_cancel_handover", cancel, [wizard], "cancel"
            )
        self.stage_block("C", handover_id, lean=True)
        return handover_id


# ======================================================================
def run_suite(args, probe, cells):
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    with odoo_server(args.database, port) as server:
        cells.check(
            f"the server answers on {url}/web/login",
            lambda: wait_until_ready(server, url),
        )
        if cells.failures:
            return
        try:
            Suite(url, args.database, probe, cells).run()
        except Exception as exc:  # a broken set-up: the total still prints
            cells.record("set-up", describe(exc))


def main():
    parser = harness.parser(
        __doc__,
        DEFAULT_DATABASE,
        "run again on the database a previous run left (when usable)",
    )
    parser.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        help="database to copy (the one make test-rpc leaves)",
    )
    args = parser.parse_args()
    harness.configure("security", VAR)
    # Killed (CI timeout): unwind, so that the server is stopped too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))

    started = time.monotonic()
    with database_lock(args.database):
        probe = None
        try:
            prepare_database(args.database, args.source, args.reuse)
            probe = Probe(args.database)
        except (SystemExit, psycopg2.Error) as exc:
            cells = Cells(None)
            cells.record(f"the database {args.database} is ready", str(exc))
        if probe:
            cells = Cells(probe)
            run_suite(args, probe, cells)
            probe.close()
            say("security: the server log is var/security/rpc-server.log")
    say(f"security: {time.monotonic() - started:.0f} s in all")
    return cells.close()


if __name__ == "__main__":
    sys.exit(main())
