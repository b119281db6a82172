"""The simulated people of the load test (a Locust file; see run.py).

Each Locust user is one person of the roster the build made (load/odoo_side.py),
logged in with an API key of their own, working over Odoo 19's JSON-2 API as
the web client does over its RPC: they open their activities and their
handovers, open a handover form of 10,000 lines (its header and the first
page of customers, as the form shows them), press their line buttons
(confirm materials, confirm visits, record phone checks, countersign), sign
with the signature pad, and the supervisors print the visit sheet (through a
browser session: Odoo serves reports to logged-in sessions, not to API keys).

Every request is named after the action, so that Locust and run.py report
p50/p95/p99 per action. What each person did that writes (the line, item or
signature ids the server accepted) is counted here, on the client side, and
written with every response time to the file LOAD_OUT when the run stops; run.py
compares it with the database. The run stops by itself after its duration
(Locust's --run-time) or after LOAD_MAX_REQUESTS requests, whichever is first.

Configuration: the JSON file named by LOAD_CONFIG (written by run.py).
"""

import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

from gevent.lock import BoundedSemaphore
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
# pylint: disable=wrong-import-position
from common import LINE_FIELDS  # noqa: E402

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())
HANDOVERS = CONFIG["handovers"]
MAX_REQUESTS = CONFIG["max_requests"]

# The form as the web client reads it: the header's figures and the first
# page (40 rows) of the customer lines (the fields bench/phases.py reads).
FORM = {
    **{
        name: {}
        for name in (
            "name",
            "state",
            "transfer_state",
            "line_count",
            "successor_count",
            "materials_done_count",
            "visit_done_count",
            "spot_check_count",
            "progress",
            "transfer_done",
            "transfer_progress",
            "transfer_total",
            # What the reader may do now (the policy's answers the form reads).
            "can_submit_plan",
            "can_complete_materials",
            "can_complete_visits",
            "can_complete_verification",
            "can_submit_summary",
            "is_overdue",
            "display_name",
        )
    },
    "line_ids": {"limit": 40, "order": "sequence ASC, id ASC", "fields": LINE_FIELDS},
}
LIST = {
    "name": {},
    "employee_id": {"fields": {"display_name": {}}},
    "state": {},
    "progress": {},
    "activity_ids": {},
}

# Who joins next (the roster's order), and what was done, by kind of write.
_next = iter(CONFIG["roster"])
DONE = defaultdict(list)
TIMES = defaultdict(list)
ERRORS = []
REQUESTS = [0]
# One visit sheet printed at a time: with the production server's two HTTP
# workers, wkhtmltopdf fetches the report's styles from the same server, which
# a second print would leave without a free worker.
PRINTER = BoundedSemaphore(1)


@events.request.add_listener
def _record(name, response_time, exception, context, **_kwargs):
    TIMES[name].append(response_time)
    if exception:
        ERRORS.append(f"{name}: {exception}"[:300])
    REQUESTS[0] += 1


@events.test_stop.add_listener
def _write(**_kwargs):
    out = {
        "done": {key: DONE[key] for key in KINDS},
        "times": TIMES,
        "errors": ERRORS,
        "requests": REQUESTS[0],
    }
    with open(os.environ["LOAD_OUT"], "w", encoding="utf-8") as file:
        json.dump(out, file)


KINDS = (
    "materials",
    "visit_successor",
    "visit_departing",
    "check",
    "countersign",
    "sign",
)


class Person(HttpUser):
    """One person of the roster, doing their day."""

    wait_time = between(*CONFIG["think"])

    def on_start(self):
        self.login, self.role, key = next(_next)
        self.key = key
        self.handover = HANDOVERS[key]
        self.uid = CONFIG["users"][self.login]
        self.api_key = CONFIG["keys"][self.login]
        self.todo = []
        self.signed = False
        self.session_open = False
        self.fetch_todo()

    # ------------------------------------------------------------------
    def call(self, name, model, method, ids=None, **params):
        body = {"ids": ids, **params} if ids is not None else params
        with self.client.post(
            f"/json/2/{model}/{method}",
            json=body,
            headers={
                "Authorization": f"bearer {self.api_key}",
                "X-Odoo-Database": CONFIG["database"],
            },
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                try:
                    detail = response.json().get("message", "")
                except ValueError:
                    detail = response.text[:200]
                response.failure(f"HTTP {response.status_code} {detail}"[:300])
                return None
            return response.json()

    def budget(self):
        if REQUESTS[0] >= MAX_REQUESTS:
            self.environment.runner.quit()

    # ------------------------------------------------------------------
    TODO = {
        "materials_successor": (
            "hr.client.handover.line",
            [("successor_id", "="), ("materials_confirmed_on", "=", False)],
        ),
        "visit_successor": (
            "hr.client.handover.line",
            [("successor_id", "="), ("visit_successor_confirmed_on", "=", False)],
        ),
        "visit_departing": (
            "hr.client.handover.line",
            [("visit_departing_confirmed_on", "=", False)],
        ),
        "phone_witness": (
            "hr.client.handover.line",
            [("spot_check_selected", "=", True), ("checked_on", "=", False)],
        ),
        "countersigner": (
            "hr.client.handover.item",
            [("countersigner_id", "="), ("countersigned_on", "=", False)],
        ),
    }

    def fetch_todo(self):
        """Their own lines (or items) still to do, as their tab lists them."""
        if self.role not in self.TODO:
            return
        model, domain = self.TODO[self.role]
        domain = [("handover_id", "=", self.handover)] + [
            (leaf[0], "=", self.uid) if len(leaf) == 2 else leaf for leaf in domain
        ]
        ids = self.call("open my lines", model, "search", domain=domain, limit=2000)
        self.todo = list(reversed(ids or []))
        if self.role == "visit_departing":
            # The departing employee confirms from the other end of the list
            # than the successors, as two people working through it would.
            self.todo.reverse()

    # ------------------------------------------------------------------
    @task(2)
    def open_activities(self):
        self.call(
            "open activities",
            "mail.activity",
            "search_read",
            domain=[("user_id", "=", self.uid)],
            fields=["summary", "res_model", "res_id", "date_deadline", "state"],
            limit=80,
        )
        self.budget()

    @task(1)
    def open_handovers(self):
        self.call(
            "open handovers",
            "hr.client.handover",
            "web_search_read",
            domain=[],
            specification=LIST,
            limit=80,
        )
        self.budget()

    @task(3)
    def open_form(self):
        handover = self.handover
        if self.role == "manager" and random.random() < 0.5:
            # The division manager watches the big transfer's progress.
            handover = CONFIG["transfer_handover"]
            name = "open form (transfer running)"
        else:
            name = "open form (their handover)"
        self.call(
            name, "hr.client.handover", "web_read", [handover], specification=FORM
        )
        self.budget()

    @task(8)
    def press_button(self):
        role = self.role
        if role in ("signer", "materials_successor") and not self.signed:
            self.sign()
        elif role == "supervisor":
            self.print_visit_sheet()
        elif self.todo:
            self.line_button()
        else:
            self.open_form()
        self.budget()

    def line_button(self):
        record = self.todo.pop()
        role = self.role
        if role == "materials_successor":
            done = self.call(
                "confirm materials",
                "hr.client.handover.line",
                "action_confirm_materials",
                [record],
            )
            kind = "materials"
        elif role in ("visit_successor", "visit_departing"):
            done = self.call(
                "confirm visit",
                "hr.client.handover.line",
                "action_confirm_visit",
                [record],
            )
            kind = role
        elif role == "phone_witness":
            done = self.call(
                "record phone check",
                "hr.client.handover.line",
                "action_set_check_result",
                [record],
                context={"check_result": "confirmed"},
            )
            kind = "check"
        else:
            done = self.call(
                "countersign",
                "hr.client.handover.item",
                "action_countersign",
                [record],
            )
            kind = "countersign"
        if done is not None:
            DONE[kind].append(record)

    def sign(self):
        """The Sign button (the pad opens), then Adopt & Sign."""
        self.signed = True
        rows = self.call(
            "open my signature",
            "hr.client.handover.signature",
            "search_read",
            domain=[
                ("handover_id", "=", self.handover),
                ("user_id", "=", self.uid),
                ("signed_on", "=", False),
            ],
            fields=["id"],
        )
        if not rows:
            return
        pad = self.call(
            "sign (open the pad)",
            "hr.client.handover",
            "action_sign",
            [self.handover],
        )
        if pad is None:
            return
        signature = pad["params"]["signature_id"]
        done = self.call(
            "sign (adopt and sign)",
            "hr.client.handover.signature",
            "write",
            [signature],
            vals={"signature": CONFIG["signature_png"]},
        )
        if done is not None:
            DONE["sign"].append(signature)

    def print_visit_sheet(self):
        if not self.session_open:
            self.client.post(
                "/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "db": CONFIG["database"],
                        "login": self.login,
                        "password": self.login,
                    },
                },
                name="log in (browser)",
            )
            self.session_open = True
        with PRINTER:
            with self.client.get(
                f"/report/pdf/hr_client_handover.report_handover_visits/"
                f"{HANDOVERS['print_' + self.key]}",
                name="print visit sheet",
                catch_response=True,
            ) as response:
                if response.status_code != 200 or not response.content.startswith(
                    b"%PDF"
                ):
                    response.failure(f"no PDF (HTTP {response.status_code})")
