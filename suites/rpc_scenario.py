"""An external client drives a whole client handover over Odoo 19's JSON-2 API.

Builds a database with hr_client_handover and its demo data, gives admin and
every user of hr_client_handover/demo/LOGINS.txt an API key
(scripts/api_keys.py), serves the database on a free loopback port, then plays
what an integrator's program would do with a plain HTTP client (urllib):
``POST /json/2/<model>/<method>`` with ``Authorization: bearer <key>``. The
administrator creates a new salesperson with customers, an opportunity pipeline
and a quotation; the demo users then take the handover from draft to done
through the RPC contract of README.md (and plain
create/read/write/search), each in their role, with their own key. Wrong-role
and private calls must be refused (HTTP 403, AccessError; 422, UserError). One
step still logs in over XML-RPC, deprecated in Odoo 19 and gone in Odoo 20.

The procedure is the policy's: the supervisor holds the handover meeting and
the successors' training (calendar events with minutes), each responsible
records a departure duty before ticking it, the countersigners (会签)
countersign, the summary's sections are written. The checklist's part due after
the departure is refused while the salesperson is still there; once their
summary is submitted they leave early: HR presses Allow Early Departure
(Supervisor Signs), the administrator archives their user (their API key stops
working), the direct supervisor confirms the departure and, with the others
responsible, ticks the rest before the division manager approves.

Prints PASS or FAIL per step and closes with ``rpc: N passed, M failed``; exits 1
when a step failed (the steps after a failure are not run). The server is always
stopped; its log is var/rpc-server.log.

Usage: python suites/rpc_scenario.py [--database NAME] [--reuse] [--port N]
"""

import contextlib
import re
import sys
import time
from datetime import date, datetime, timedelta, timezone

import harness
from harness import (
    FAULT_ACCESS_ERROR,
    HTTP_ACCESS_ERROR,
    HTTP_USER_ERROR,
    SIGNATURE_PNG,
    Json2Session,
    Session,
    Tally,
    build_database,
    database_lock,
    describe,
    expect_fault,
    expect_refusal,
    free_port,
    generate_api_keys,
    m2o,
    odoo_server,
    read_logins,
    say,
    wait_until_ready,
)

DEFAULT_DATABASE = "handover_rpc"
STAGES = harness.load_stages()
# A section of the summary the stage hands over: its heading and its guidance.
SECTION = re.compile(r"(<h3[^>]*>.*?</h3>)\s*<p[^>]*>.*?</p>", re.S)


class StepFailed(Exception):
    """A step failed: the scenario cannot go on."""


class Report(Tally):
    """The steps of the scenario: the first failed one ends it."""

    def __init__(self):
        super().__init__("rpc")

    @contextlib.contextmanager
    def step(self, title):
        try:
            yield
        except Exception as exc:  # a failed step is reported, whatever failed
            self.record(title, describe(exc))
            raise StepFailed(title) from exc
        self.record(title)


# ----------------------------------------------------------------------
class Scenario:
    """The handover of a new salesperson, played by the demo users."""

    def __init__(self, url, db, report):
        self.url, self.db, self.report = url, db, report
        self.stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        self.sessions = {}  # uid -> Session
        self.handover_id = None
        self.successor_of = {}  # customer id -> successor uid
        self.portfolio = []  # (model, id, customer id, owner before) to move

    # -- helpers -------------------------------------------------------
    def step(self, title):
        return self.report.step(title)

    def login(self, login):
        """`login`'s JSON-2 session, with a new API key of theirs."""
        (key,) = generate_api_keys(self.db, [login]).values()
        return self.json2(login, key)

    def json2(self, login, key):
        session = Json2Session(self.url, self.db, login, key)
        self.sessions[session.uid] = session
        return session

    def handover(self, session, fields):
        return session.read_ids("hr.client.handover", [self.handover_id], fields)[0]

    def lines(self, session, domain=(), fields=("partner_id", "successor_id")):
        return session.search_read(
            "hr.client.handover.line",
            [("handover_id", "=", self.handover_id), *domain],
            list(fields),
        )

    def line_ids_of(self, successor):
        return [
            line["id"]
            for line in self.lines(successor, [("successor_id", "=", successor.uid)])
        ]

    def act(self, session, method, expected_state):
        """`session` presses a handover button, which leads to `expected_state`."""
        with self.step(f"{session.login}: {method} -> {expected_state}"):
            session.call("hr.client.handover", method, [self.handover_id])
            state = self.handover(session, ["state"])["state"]
            assert state == expected_state, f"the stage is {state}"

    def complete(self, key):
        """The stage `key` ends: its button (the stage table's), pressed by the
        first role the table lets press it, moves the handover to the next stage."""
        stage = STAGES.STAGE[key]
        session = self.by_role[stage.roles[0]]
        self.act(session, f"action_{stage.action}", STAGES.next_stage(key))

    def sign(self, stage):
        with self.step(f"every signer of the {stage} stage signs as themselves"):
            signatures = self.hr.search_read(
                "hr.client.handover.signature",
                [("handover_id", "=", self.handover_id), ("stage", "=", stage)],
                ["role", "user_id"],
            )
            roles = {sig["role"] for sig in signatures}
            wanted = set(STAGES.STAGE[stage].signatures)
            assert roles == wanted, f"roles {roles}, not {wanted}"
            for sig in signatures:
                signer = self.sessions[m2o(sig["user_id"])]
                signer.write_ids(
                    "hr.client.handover.signature",
                    [sig["id"]],
                    {"signature": SIGNATURE_PNG},
                )
            unsigned = self.hr.search(
                "hr.client.handover.signature",
                [
                    ("handover_id", "=", self.handover_id),
                    ("stage", "=", stage),
                    ("signed_on", "=", False),
                ],
            )
            assert not unsigned, f"{len(unsigned)} signature(s) not recorded"

    def session_of(self, uid):
        """The session of the user `uid`: a demo user's, else (a countersigner
        the company's settings name) a new API key of theirs."""
        if uid not in self.sessions:
            [user] = self.admin.read_ids("res.users", [uid], ["login"])
            self.login(user["login"])
        return self.sessions[uid]

    def checklist(self):
        """The handover's checklist items, with who answers for each."""
        fields = ["name", "responsible_id", "post_departure", "duty"]
        fields += ["countersigner_id", "done", "countersigned_on"]
        return self.hr.search_read(
            "hr.client.handover.item", [("handover_id", "=", self.handover_id)], fields
        )

    @staticmethod
    def duty_record(duty):
        """What the responsible person records on a departure duty before
        ticking it: the talk's or the review's date, the consent given and the
        data anonymised, the equipment found intact."""
        values = harness.plain_duty_record(duty, date.today().isoformat())
        return {"duty_notes": "Held and recorded.", **values}

    def tick(self, items):
        """Whoever answers for each item records its duty, when it has one,
        then ticks it; the items read done by whom ticked them."""
        by_responsible = {}
        for item in items:
            uid = m2o(item["responsible_id"])
            assert uid, f"'{item['name']}' has nobody responsible"
            by_responsible.setdefault(uid, []).append(item)
        for uid, its_items in by_responsible.items():
            session = self.session_of(uid)
            for item in its_items:
                if item["duty"]:
                    session.write_ids(
                        "hr.client.handover.item",
                        [item["id"]],
                        self.duty_record(item["duty"]),
                    )
            session.call(
                "hr.client.handover.item",
                "action_mark_done",
                [item["id"] for item in its_items],
            )
        rows = self.hr.read_ids(
            "hr.client.handover.item",
            [item["id"] for item in items],
            ["done", "done_by_id", "responsible_id"],
        )
        for row in rows:
            assert row["done"], f"item {row['id']} not done"
            assert m2o(row["done_by_id"]) == m2o(row["responsible_id"]), row

    def countersign(self):
        """Each countersigner (会签: HR in place of a department the settings
        do not name) countersigns the done items waiting for them."""
        with self.step("each countersigner countersigns the done items (会签)"):
            waiting = [
                item
                for item in self.checklist()
                if item["countersigner_id"]
                and item["done"]
                and not item["countersigned_on"]
            ]
            assert waiting, "no done item waits for a countersign"
            by_countersigner = {}
            for item in waiting:
                uid = m2o(item["countersigner_id"])
                by_countersigner.setdefault(uid, []).append(item["id"])
            for uid, item_ids in by_countersigner.items():
                self.session_of(uid).call(
                    "hr.client.handover.item", "action_countersign", item_ids
                )
            rows = self.hr.read_ids(
                "hr.client.handover.item",
                [item["id"] for item in waiting],
                ["countersigned_on"],
            )
            assert all(row["countersigned_on"] for row in rows), rows

    def hold_event(self, kind):
        """The supervisor schedules the handover meeting (or the successors'
        training) from the handover's button, held earlier today, and writes
        its minutes once it took place."""
        supervisor = self.supervisor
        with self.step(f"{supervisor.login}: holds the {kind}, writes its minutes"):
            action = supervisor.call(
                "hr.client.handover", f"action_schedule_{kind}", [self.handover_id]
            )
            start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
            start -= timedelta(hours=3)
            event = supervisor.call(
                "calendar.event",
                "create",
                vals_list=[
                    {
                        "start": str(start),
                        "stop": str(start + timedelta(hours=1)),
                        "location": "Meeting room 2",
                    }
                ],
                context={
                    **(supervisor.context or {}),
                    **action["context"],
                    "no_mail_to_attendees": True,
                },
            )[0]
            supervisor.write_ids(
                "calendar.event",
                [event],
                {"notes": "<p>Customers, files and open deals reviewed.</p>"},
            )
            held = self.handover(supervisor, [f"{kind}_held"])[f"{kind}_held"]
            assert held, f"the {kind} does not count as held"

    def check_ownership(self):
        """Every record of the portfolio belongs to its customer's successor."""
        for model, record_id, customer, _before in self.portfolio:
            record = self.admin.read_ids(model, [record_id], ["user_id"])[0]
            owner, want = m2o(record["user_id"]), self.successor_of[customer]
            assert owner == want, f"{model} {record_id}: user {owner}, not {want}"

    # -- the story -----------------------------------------------------
    def run(self):
        """Each stage of the stage table in turn: its work (``work_<stage>``, when
        it has any), its signatures (when it requires some), then its button."""
        self.log_in_demo_users()
        self.create_departing_salesperson()
        self.open_handover()
        for key in STAGES.OPEN:
            work = getattr(self, f"work_{key}", None)
            if work:
                work()
            if STAGES.STAGE[key].signatures:
                self.sign(key)
            self.complete(key)
        self.final_checks()

    def log_in_demo_users(self):
        users = read_logins()
        self.passwords = {login: password for _role, login, password in users}
        with self.step(f"admin and the {len(users)} users of LOGINS.txt get API keys"):
            assert users, "LOGINS.txt lists no user"
            keys = generate_api_keys(self.db, ["admin", *self.passwords])
        with self.step("each calls /json/2 with their key (bearer authentication)"):
            self.admin = self.json2("admin", keys["admin"])
            by_role = {}
            for role, login, _password in users:
                session = self.json2(login, keys[login])
                by_role.setdefault(role.split(" (")[0], []).append(session)
            self.successors = by_role["successor"]
            (self.supervisor,) = by_role["supervisor"]
            (self.witness,) = by_role["witness"]
            (self.approver,) = by_role["division manager"]
            (self.hr,) = by_role["handover administrator"]
            assert len(self.successors) >= 2, "LOGINS.txt lists < 2 successors"
        with self.step("admin works in the demo company, the supervisor's"):
            self.admin.work_in_company_of(self.supervisor.uid)

    def create_departing_salesperson(self):
        admin, stamp = self.admin, self.stamp
        with self.step("admin creates a salesperson reporting to the supervisor"):
            manager = admin.search_read(
                "hr.employee",
                [("user_id", "=", self.supervisor.uid)],
                ["department_id"],
            )
            assert manager, f"{self.supervisor.login} has no employee"
            login = f"rpc.leaver.{stamp}"
            groups = [
                admin.xmlid("base.group_user"),
                admin.xmlid("sales_team.group_sale_salesman"),
            ]
            uid = admin.create_one(
                "res.users",
                {
                    "name": f"RPC Leaver {stamp}",
                    "login": login,
                    "password": login,
                    "email": f"{login}@example.com",
                    "group_ids": [(6, 0, groups)],
                },
            )
            self.employee_id = admin.create_one(
                "hr.employee",
                {
                    "name": f"RPC Leaver {stamp}",
                    "user_id": uid,
                    "department_id": m2o(manager[0]["department_id"]),
                    "parent_id": manager[0]["id"],
                },
            )
            self.departing = self.login(login)

        with self.step("admin gives them 3 customers, 2 deals, a quotation, a to-do"):
            leaver = self.departing.uid

            def create(model, values):
                return admin.create_one(model, values)

            alpha = create(
                "res.partner",
                {"name": f"Alpha Tea {stamp}", "is_company": True, "user_id": leaver},
            )
            alpha_buyer = create(
                "res.partner",
                {"name": f"Ada Buyer {stamp}", "parent_id": alpha, "user_id": leaver},
            )
            beta = create(
                "res.partner",
                {"name": f"Beta Silk {stamp}", "is_company": True, "user_id": leaver},
            )
            # No salesperson: a customer of the departing user through a quotation.
            gamma = create(
                "res.partner", {"name": f"Gamma Porcelain {stamp}", "is_company": True}
            )
            lead_alpha = create(
                "crm.lead",
                {
                    "name": f"Alpha yearly contract {stamp}",
                    "type": "opportunity",
                    "partner_id": alpha_buyer,
                    "user_id": leaver,
                    "expected_revenue": 120000,
                },
            )
            lead_beta = create(
                "crm.lead",
                {
                    "name": f"Beta new collection {stamp}",
                    "type": "opportunity",
                    "partner_id": beta,
                    "user_id": leaver,
                    "expected_revenue": 45000,
                },
            )
            order = create("sale.order", {"partner_id": gamma, "user_id": leaver})
            lead_model = admin.search("ir.model", [("model", "=", "crm.lead")])[0]
            activity = create(
                "mail.activity",
                {
                    "res_model_id": lead_model,
                    "res_id": lead_beta,
                    "user_id": leaver,
                    "summary": "Send the new catalogue",
                    "date_deadline": str(date.today() + timedelta(days=7)),
                },
            )
            # What must move, with its customer and its owner before the move.
            self.portfolio = [
                ("res.partner", alpha, alpha, leaver),
                ("res.partner", alpha_buyer, alpha, leaver),
                ("res.partner", beta, beta, leaver),
                ("res.partner", gamma, gamma, False),
                ("crm.lead", lead_alpha, alpha, leaver),
                ("crm.lead", lead_beta, beta, leaver),
                ("sale.order", order, gamma, leaver),
                ("mail.activity", activity, beta, leaver),
            ]
            self.customers = {alpha, beta, gamma}

    def open_handover(self):
        with self.step("HR opens the handover; the roles come from the org chart"):
            self.handover_id = self.hr.create_one(
                "hr.client.handover",
                {
                    "employee_id": self.employee_id,
                    "handover_type": "resignation",
                    "reason": "Moves to another city",
                    "last_working_date": str(date.today() + timedelta(days=21)),
                },
            )
            fields = ["state", "supervisor_id", "witness_id", "approver_id", "item_ids"]
            handover = self.handover(self.hr, fields)
            assert handover["state"] == "draft", handover["state"]
            roles = {
                "supervisor_id": self.supervisor,
                "witness_id": self.witness,
                "approver_id": self.approver,
            }
            for field, session in roles.items():
                got = handover[field]
                assert m2o(got) == session.uid, f"{field} {got}, not {session.login}"
            assert handover["item_ids"], "no checklist from the template"
        # Who presses a stage's button: the session of the role the table names.
        self.by_role = {
            "departing": self.departing,
            "supervisor": self.supervisor,
            "witness": self.witness,
            "approver": self.approver,
        }

    def work_draft(self):
        departing = self.departing
        with self.step(f"{departing.login}: action_generate_lines, 3 customers"):
            departing.call(
                "hr.client.handover", "action_generate_lines", [self.handover_id]
            )
            lines = self.lines(departing)
            found = {m2o(line["partner_id"]) for line in lines}
            assert found == self.customers, f"lines for partners {sorted(found)}"

        with self.step(f"{departing.login}: writes a successor on every line"):
            for index, line in enumerate(sorted(lines, key=lambda line: line["id"])):
                successor = self.successors[index % 2]
                departing.write_ids(
                    "hr.client.handover.line",
                    [line["id"]],
                    {
                        "successor_id": successor.uid,
                        "planned_visit_date": str(date.today() + timedelta(days=7)),
                    },
                )
                self.successor_of[m2o(line["partner_id"])] = successor.uid

    def work_plan_review(self):
        handover_ids = [self.handover_id]
        successor = self.successors[0]
        with self.step(f"{successor.login}, a successor, cannot review: AccessError"):
            expect_refusal(
                HTTP_ACCESS_ERROR,
                lambda: successor.call(
                    "hr.client.handover", "action_review_plan", handover_ids
                ),
            )
        with self.step("a second action_submit_plan is refused: UserError"):
            expect_refusal(
                HTTP_USER_ERROR,
                lambda: self.departing.call(
                    "hr.client.handover", "action_submit_plan", handover_ids
                ),
            )
        with self.step("admin cannot call the private _move_to over RPC"):
            error = expect_refusal(
                HTTP_ACCESS_ERROR,
                lambda: self.admin.call(
                    "hr.client.handover", "_move_to", handover_ids, state="done"
                ),
            )
            assert "Private methods" in error.message, error.message
        with self.step("a call without an API key is refused: HTTP 401"):
            anonymous = Json2Session.__new__(Json2Session)
            anonymous.url, anonymous.db, anonymous._key = self.url, self.db, "none"
            expect_refusal(401, lambda: anonymous.search("res.partner", []))
        with self.step("the refused calls changed nothing"):
            state = self.handover(self.admin, ["state"])["state"]
            assert state == "plan_review", f"the stage is {state}"
        self.xmlrpc_smoke()

    def xmlrpc_smoke(self):
        """XML-RPC is deprecated in Odoo 19 and gone in Odoo 20: while Odoo 19
        serves it, a successor's session checks the contract holds there too."""
        successor = self.successors[0]
        login = successor.login
        with self.step(f"XML-RPC: {login} logs in with the password, reads the stage"):
            session = Session(self.url, self.db, login, self.passwords[login])
            assert session.uid == successor.uid, session.uid
            [row] = session.call(
                "hr.client.handover", "read", [self.handover_id], ["state"]
            )
            assert row["state"] == "plan_review", row["state"]
        with self.step(f"XML-RPC: {login} cannot review the plan: fault 4"):
            expect_fault(
                FAULT_ACCESS_ERROR,
                lambda: session.call(
                    "hr.client.handover", "action_review_plan", [self.handover_id]
                ),
            )

    def work_materials(self):
        with self.step("the plan approval moved the portfolio (transfer done)"):
            handover = self.handover(self.admin, ["transfer_moment", "transfer_state"])
            assert handover["transfer_moment"] == "plan", handover["transfer_moment"]
            assert handover["transfer_state"] == "done", handover["transfer_state"]
            self.check_ownership()
        for successor in self.successors:
            with self.step(f"{successor.login}: action_confirm_materials, own lines"):
                mine = self.line_ids_of(successor)
                assert mine, "no line"
                successor.write_ids(
                    "hr.client.handover.line",
                    mine,
                    {
                        "materials_paper": "Framework contract",
                        "materials_no_electronic": True,
                        "materials_location": "Cabinet B2",
                    },
                )
                successor.call(
                    "hr.client.handover.line", "action_confirm_materials", mine
                )
                confirmed = self.lines(
                    successor, [("id", "in", mine)], ["materials_confirmed_by_id"]
                )
                by = {m2o(line["materials_confirmed_by_id"]) for line in confirmed}
                assert by == {successor.uid}, f"confirmed by {by}"

        self.hold_event("meeting")
        with self.step("each responsible ticks the items due by the last working day"):
            items = self.checklist()
            before = [item for item in items if not item["post_departure"]]
            after = [item for item in items if item["post_departure"]]
            assert before and after, "no checklist part due after the departure"
            self.tick(before)
        with self.step("an item due after the departure is refused before it: 422"):
            item = after[0]
            session = self.session_of(m2o(item["responsible_id"]))
            error = expect_refusal(
                HTTP_USER_ERROR,
                lambda: session.call(
                    "hr.client.handover.item", "action_mark_done", [item["id"]]
                ),
            )
            assert "after the departure" in error.message, error.message
        self.countersign()
        with self.step(f"{self.witness.login}: action_confirm on the checklist"):
            # What was due by the last working day; the post-departure part is
            # ticked by its responsible people and needs no receipt.
            item_ids = [item["id"] for item in before]
            self.witness.call("hr.client.handover.item", "action_confirm", item_ids)
            still_open = self.hr.search(
                "hr.client.handover.item",
                [
                    ("id", "in", item_ids),
                    "|",
                    ("done", "=", False),
                    ("confirmed_by_id", "=", False),
                ],
            )
            assert not still_open, f"{len(still_open)} item(s) open"

    def work_visits(self):
        for index, successor in enumerate(self.successors):
            with self.step(f"{successor.login}: action_confirm_visit, own lines"):
                mine = self.line_ids_of(successor)
                if not index:
                    # The first successor cannot visit one customer: a waiver,
                    # asked with its reason, the supervisor approves.
                    waived, mine = mine[0], mine[1:]
                    dialog = successor.create_one(
                        "hr.client.handover.line.reason",
                        {
                            "line_id": waived,
                            "action": "request_waiver",
                            "reason": "Customer abroad.",
                        },
                    )
                    successor.call(
                        "hr.client.handover.line.reason", "action_confirm", [dialog]
                    )
                    self.supervisor.call(
                        "hr.client.handover.line", "action_approve_waiver", [waived]
                    )
                successor.write_ids(
                    "hr.client.handover.line",
                    mine,
                    {
                        "visit_date": date.today().isoformat(),
                        "visit_place": "Customer's office",
                        "visit_contact": "Purchasing manager",
                        "visit_notes": "Met.",
                    },
                )
                successor.call("hr.client.handover.line", "action_confirm_visit", mine)
        departing = self.departing
        with self.step(f"{departing.login}: action_confirm_visit, every line"):
            every_line = [
                line["id"]
                for line in self.lines(departing, (), ["visit_state"])
                if line["visit_state"] == "partial"
            ]
            departing.call(
                "hr.client.handover.line", "action_confirm_visit", every_line
            )
            states = {
                line["visit_state"]
                for line in self.lines(departing, (), ["visit_state"])
            }
            assert states == {"done", "waived"}, f"visit states {states}"
        self.act(self.witness, "action_witness_visits", "visits")

    def work_verification(self):
        witness = self.witness
        with self.step(f"{witness.login}: action_record_check, sampled lines"):
            sample = [
                line["id"]
                for line in self.lines(witness, [("spot_check_selected", "=", True)])
            ]
            assert sample, "no line drawn for the phone check"
            witness.write_ids(
                "hr.client.handover.line",
                sample,
                {"check_result": "confirmed", "check_notes": "Knows the successor."},
            )
            witness.call("hr.client.handover.line", "action_record_check", sample)
            checked = self.lines(witness, [("id", "in", sample)], ["checked_by_id"])
            by = {m2o(line["checked_by_id"]) for line in checked}
            assert by == {witness.uid}, f"checked by {by}"

    def work_summary(self):
        self.hold_event("training")
        departing = self.departing
        with self.step("the summary as the template gave it is refused: 422"):
            error = expect_refusal(
                HTTP_USER_ERROR,
                lambda: departing.call(
                    "hr.client.handover", "action_submit_summary", [self.handover_id]
                ),
            )
            assert "template's text" in error.message, error.message
        with self.step(f"{departing.login}: writes each section of the summary"):
            # The stage hands over the template's text: its heading and the
            # system's introduction stay, each section's guidance is replaced.
            text = self.handover(departing, ["summary"])["summary"]
            assert len(SECTION.findall(text)) >= 2, f"no sections in: {text}"
            written = [
                "Alpha Tea and Beta Silk to one successor, Gamma Porcelain to "
                "the other; all three buy regularly.",
                "The Alpha yearly contract is in negotiation; no complaint, no "
                "overdue payment.",
                "Visited together; the sampled customers confirmed on the phone.",
                "Renew the Alpha contract before the quarter ends.",
            ]
            lines = iter(written)
            summary = SECTION.sub(
                lambda match: (
                    f"{match.group(1)}<p>{next(lines, 'Nothing to add.')}</p>"
                ),
                text,
            )
            departing.write_ids(
                "hr.client.handover", [self.handover_id], {"summary": summary}
            )

    def work_summary_review(self):
        """The departing employee's part is over (the summary submitted and
        signed): they leave before their last working day. HR allows the early
        departure, the administrator archives their user (the accounts
        revoked), and the direct supervisor acts in their place from then on."""
        hr, admin, departing = self.hr, self.admin, self.departing
        with self.step(f"{hr.login}: action_allow_departure (Supervisor Signs)"):
            hr.call("hr.client.handover", "action_allow_departure", [self.handover_id])
            allowed = self.handover(hr, ["departure_allowed_by_id"])
            assert m2o(allowed["departure_allowed_by_id"]) == hr.uid, allowed
        with self.step("admin archives the departing user: their key is refused"):
            admin.call("res.users", "action_archive", [departing.uid])
            [user] = admin.call(
                "res.users",
                "search_read",
                domain=[("id", "=", departing.uid), ("active", "=", False)],
                fields=["active"],
            )
            assert not user["active"], user
            expect_refusal(401, lambda: departing.search("res.partner", []))

    def work_summary_approval(self):
        supervisor = self.supervisor
        with self.step(f"{supervisor.login}: action_confirm_departure (离职事实)"):
            supervisor.call(
                "hr.client.handover", "action_confirm_departure", [self.handover_id]
            )
            confirmed = self.handover(supervisor, ["departure_confirmed_by_id"])
            by = m2o(confirmed["departure_confirmed_by_id"])
            assert by == supervisor.uid, f"confirmed by {by}"
        with self.step("each responsible ticks the items due after the departure"):
            after = [
                item
                for item in self.checklist()
                if item["post_departure"] and not item["done"]
            ]
            assert after, "nothing left due after the departure"
            self.tick(after)
        self.countersign()

    def final_checks(self):
        admin = self.admin
        with self.step("the summary PDF is filed by the job its stage's end triggered"):
            # The suite's server runs no cron thread: the administrator runs
            # the filing job the approval triggered, as the scheduler would.
            cron = admin.xmlid("hr_client_handover.ir_cron_handover_file_reports")
            admin.call("ir.cron", "method_direct_trigger", [cron])
        with self.step("done: customers, deals, quotation, to-do are the successors'"):
            fields = ["state", "transfer_state", "summary_attachment_id"]
            handover = self.handover(admin, fields)
            assert handover["state"] == "done", handover["state"]
            assert handover["transfer_state"] == "done", handover["transfer_state"]
            assert handover["summary_attachment_id"], "no summary PDF filed"
            self.check_ownership()
        with self.step("the ledger hr.client.handover.transfer has every move"):
            rows = admin.search_read(
                "hr.client.handover.transfer",
                [("handover_id", "=", self.handover_id)],
                [
                    "res_model",
                    "res_id",
                    "field_name",
                    "old_user_id",
                    "new_user_id",
                    "reverted_on",
                ],
            )
            assert rows, "the ledger is empty"
            ledger = {
                (row["res_model"], row["res_id"], row["field_name"]): (
                    m2o(row["old_user_id"]),
                    m2o(row["new_user_id"]),
                    row["reverted_on"],
                )
                for row in rows
            }
            for model, record_id, customer, before in self.portfolio:
                row = ledger.get((model, record_id, "user_id"))
                assert row, f"{model} {record_id} is not in the ledger"
                want = (before, self.successor_of[customer], False)
                assert row == want, f"{model} {record_id}: {row}, not {want}"


# ----------------------------------------------------------------------
def main():
    args = harness.parser(
        __doc__,
        DEFAULT_DATABASE,
        "keep the database when the addon is already installed in it",
    ).parse_args()
    harness.configure("rpc")

    started = time.monotonic()
    report = Report()
    with database_lock(args.database):
        build_database(args.database, args.reuse)
        port = args.port or free_port()
        url = f"http://127.0.0.1:{port}"
        with odoo_server(args.database, port) as server:
            try:
                with report.step(f"the server answers on {url}/web/login"):
                    wait_until_ready(server, url)
                Scenario(url, args.database, report).run()
            except StepFailed as failed:
                say(f"rpc: stopped at the failed step '{failed}'")
    say(f"rpc: {time.monotonic() - started:.0f} s in all")
    return report.close()


if __name__ == "__main__":
    sys.exit(main())
