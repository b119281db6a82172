"""Bad-input catalogue: every invalid action ends in a clear message and
leaves the database as it was.

Each case is one line of ``CATALOGUE``: the stage of the handover it runs in,
a name, the role that tries it, what it does, the exception expected (its
exact class) and a fragment of the message. The cases run on one handover
walked through its stages; each is called like a request (what it wrote is
rolled back on the error) and the database read afterwards must be the one
read before. The cases in ``IN_CHINESE`` run a second time for a user working
in Simplified Chinese: their message must come translated.
"""

import re
from contextlib import closing
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.hr_client_handover_stages import STAGES
from .common import PNG_SIGNATURE, SALESMAN, HandoverCase, load_chinese


def create(t, u, **values):
    values.setdefault("employee_id", t.employee.id)
    return t.as_(u, t.env["hr.client.handover"]).create(values)


# The buttons the catalogue presses, by name.
PRESSED = set()


def button(record_attr, method):
    PRESSED.add(method)
    return lambda t, u: getattr(t.as_(u, getattr(t, record_attr)), method)()


def write(record_attr, **values):
    def call(t, u):
        values_now = {
            key: value(t) if callable(value) else value for key, value in values.items()
        }
        t.as_(u, getattr(t, record_attr)).write(values_now)

    return call


def wizard(model, **values):
    def call(t, u):
        record = t.as_(u, t.env[model]).create({"handover_id": t.handover.id, **values})
        method = {
            "hr.client.handover.refuse": "action_refuse",
            "hr.client.handover.cancel": "action_cancel_handover",
        }[model]
        getattr(record, method)()

    return call


def line_reason(record_attr, action, reason):
    """The reason dialog of a line (waiver request or refusal, visit sent back)."""

    def call(t, u):
        t.as_(u, t.env["hr.client.handover.line.reason"]).create(
            {"line_id": getattr(t, record_attr).id, "action": action, "reason": reason}
        ).action_confirm()

    return call


def assign(**values):
    def call(t, u):
        t.as_(u, t.env["hr.client.handover.assign"]).create(
            {
                "handover_id": t.handover.id,
                "line_ids": [Command.set(t.handover.line_ids.ids)],
                **{
                    key: value(t) if callable(value) else value
                    for key, value in values.items()
                },
            }
        ).action_assign()

    return call


def sign(stage, owner):
    def call(t, u):
        signature = t.handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == stage and sig.user_id == getattr(t, owner)
        )
        t.as_(u, signature).write({"signature": PNG_SIGNATURE})

    return call


def later(days):
    return lambda t: t.today + timedelta(days=days)


# (stage, case, role, action, exception, message fragment)
CATALOGUE = [
    # Starting a handover
    (
        "start",
        "deadline before the notice date",
        "supervisor",
        lambda t, u: create(
            t, u, notice_date=t.today, last_working_date=t.today - timedelta(days=3)
        ),
        ValidationError,
        "cannot be before the notice date",
    ),
    (
        "start",
        "return date on a resignation",
        "supervisor",
        lambda t, u: create(t, u, return_date=t.today + timedelta(days=90)),
        ValidationError,
        "Only a leave handover has a return date",
    ),
    (
        "start",
        "return date before the last working day",
        "supervisor",
        lambda t, u: create(
            t,
            u,
            handover_type="leave",
            last_working_date=t.today + timedelta(days=10),
            return_date=t.today + timedelta(days=5),
        ),
        ValidationError,
        "must come after the last working day",
    ),
    (
        "start",
        "started by an unrelated salesperson",
        "other_salesman",
        lambda t, u: create(t, u),
        AccessError,
        "can start their client handover",
    ),
    (
        "start",
        "started from the employee form by a colleague",
        "successor_a",
        lambda t, u: t.as_(u, t.employee).action_start_client_handover(),
        AccessError,
        "can start their client handover",
    ),
    (
        "start",
        "created directly in the done stage",
        "supervisor",
        lambda t, u: create(t, u, state="done"),
        AccessError,
        "change through the handover buttons only",
    ),
    (
        "start",
        "supervisor as division manager when not allowed",
        "supervisor",
        lambda t, u: create(t, u, approver_id=t.supervisor.id),
        ValidationError,
        "must be two different people",
    ),
    (
        "start",
        "departing employee as their own witness",
        "supervisor",
        lambda t, u: create(t, u, witness_id=t.departing.id),
        ValidationError,
        "cannot also be the",
    ),
    # Draft: the plan
    (
        "draft",
        "second handover for the same employee",
        "supervisor",
        lambda t, u: t.as_(u, t.employee).action_start_client_handover(),
        UserError,
        "already has a client handover in progress",
    ),
    (
        "draft",
        "a draft re-pointed at another employee",
        "supervisor",
        write("empty", employee_id=lambda t: t.employee.id),
        AccessError,
        "change through the handover buttons only",
    ),
    (
        "draft",
        "successor is the departing user",
        "departing",
        write("line_a", successor_id=lambda t: t.departing.id),
        ValidationError,
        "cannot succeed themselves",
    ),
    (
        "draft",
        "archived successor",
        "departing",
        write("line_a", successor_id=lambda t: t.archived_user.id),
        ValidationError,
        "is archived and cannot receive customers",
    ),
    (
        "draft",
        "portal user as successor",
        "departing",
        write("line_a", successor_id=lambda t: t.portal_user.id),
        ValidationError,
        "portal or public user",
    ),
    (
        "draft",
        "successor without access to the company",
        "departing",
        write("line_a", successor_id=lambda t: t.foreign_user.id),
        ValidationError,
        "has no access to",
    ),
    (
        "draft",
        "customer already in another active handover",
        "departing",
        lambda t, u: t.as_(u, t.env["hr.client.handover.line"]).create(
            {"handover_id": t.handover.id, "partner_id": t.free_customer.id}
        ),
        ValidationError,
        "is already in the active handover",
    ),
    (
        "draft",
        "a contact instead of its company",
        "departing",
        write("line_a", partner_id=lambda t: t.alpha_buyer.id),
        ValidationError,
        "add the company Alpha Trading instead",
    ),
    (
        "draft",
        "submit with no customers",
        "colleague",
        button("empty", "action_submit_plan"),
        UserError,
        "add at least one customer",
    ),
    (
        "draft",
        "skipping the plan review",
        "supervisor",
        button("handover", "action_review_plan"),
        UserError,
        "Review the plan is not possible",
    ),
    (
        "draft",
        "skipping to the approval",
        "approver",
        button("handover", "action_approve_plan"),
        UserError,
        "Approve the plan is not possible",
    ),
    (
        "draft",
        "refusing a plan not submitted",
        "supervisor",
        wizard("hr.client.handover.refuse", reason="Too early"),
        UserError,
        "Refuse the plan is not possible",
    ),
    (
        "draft",
        "confirming materials before the approval",
        "successor_a",
        button("line_a", "action_confirm_materials"),
        UserError,
        "Confirm the materials is not possible",
    ),
    (
        "draft",
        "materials confirmation written directly",
        "successor_a",
        write("line_a", materials_confirmed_on=lambda t: t.now),
        AccessError,
        "change through the handover buttons only",
    ),
    (
        "draft",
        "deadline moved before the notice date",
        "departing",
        write("handover", last_working_date=lambda t: t.today - timedelta(days=30)),
        ValidationError,
        "cannot be before the notice date",
    ),
    (
        "draft",
        "return date written on a resignation",
        "departing",
        write("handover", return_date=later(90)),
        ValidationError,
        "Only a leave handover has a return date",
    ),
    (
        "draft",
        "summary written in the draft",
        "departing",
        write("handover", summary="<p>Done already.</p>"),
        UserError,
        "Changing Summary is not possible",
    ),
    (
        "draft",
        "plan changed by a successor",
        "successor_a",
        write("handover", last_working_date=later(40)),
        AccessError,
        "can do this: Changing Last Working Day",
    ),
    (
        "draft",
        "draft deleted by the departing employee",
        "departing",
        lambda t, u: t.as_(u, t.handover).unlink(),
        AccessError,
        "can do this: Delete the handover",
    ),
    (
        "draft",
        "split across a single successor",
        "departing",
        assign(
            mode="split",
            successor_ids=lambda t: [Command.set(t.successor_a.ids)],
        ),
        UserError,
        "at least two successors",
    ),
    (
        "draft",
        "assign without a successor",
        "departing",
        assign(mode="single"),
        UserError,
        "Choose the successor",
    ),
    (
        "draft",
        "cancel without a reason",
        "supervisor",
        wizard("hr.client.handover.cancel", reason="   "),
        UserError,
        "Give the reason for cancelling",
    ),
    # Plan review
    (
        "plan_review",
        "plan submitted twice",
        "departing",
        button("handover", "action_submit_plan"),
        UserError,
        "Submit the plan is not possible",
    ),
    (
        "plan_review",
        "refusal without a reason",
        "supervisor",
        wizard("hr.client.handover.refuse", reason=" "),
        UserError,
        "Give the reason of the refusal",
    ),
    (
        "plan_review",
        "deadline moved by the departing employee after the draft",
        "departing",
        write("handover", last_working_date=later(40)),
        AccessError,
        "can do this: Changing Last Working Day",
    ),
    (
        "plan_review",
        "deleting a handover past the draft",
        "supervisor",
        lambda t, u: t.as_(u, t.handover).unlink(),
        UserError,
        "Delete the handover is not possible",
    ),
    (
        "plan_review",
        "customer added after the draft",
        "supervisor",
        lambda t, u: t.as_(u, t.env["hr.client.handover.line"]).create(
            {"handover_id": t.handover.id, "partner_id": t.other_customer.id}
        ),
        UserError,
        "Adding Client Handover Customer Line is not possible",
    ),
    (
        "plan_review",
        "successor changed after the draft",
        "supervisor",
        write("line_a", successor_id=lambda t: t.successor_b.id),
        UserError,
        "Changing Successor is not possible",
    ),
    (
        "plan_review",
        "employee changed after the draft",
        "supervisor",
        write("handover", employee_id=lambda t: t.supervisor_employee.id),
        AccessError,
        "change through the handover buttons only",
    ),
    # Plan approval
    (
        "plan_approval",
        "approved by the departing user",
        "departing",
        button("handover", "action_approve_plan"),
        AccessError,
        "Only the division manager",
    ),
    (
        "plan_approval",
        "approved by the supervisor",
        "supervisor",
        button("handover", "action_approve_plan"),
        AccessError,
        "Only the division manager",
    ),
    (
        "plan_approval",
        "plan reviewed twice",
        "supervisor",
        button("handover", "action_review_plan"),
        UserError,
        "Review the plan is not possible",
    ),
    # Materials
    (
        "materials",
        "materials of someone else's customer confirmed",
        "successor_b",
        button("line_a", "action_confirm_materials"),
        AccessError,
        "Only the successor of the customer of",
    ),
    (
        "materials",
        "materials confirmed twice",
        "successor_a",
        button("line_confirmed", "action_confirm_materials"),
        UserError,
        "were already confirmed",
    ),
    (
        "materials",
        "signing for someone else",
        "successor_b",
        sign("materials", "successor_a"),
        AccessError,
        "Only the signer of",
    ),
    (
        "materials",
        "departing user archived while the handover needs them",
        "hr_manager",
        lambda t, u: t.as_(u, t.departing).action_archive(),
        UserError,
        "is still needed by the handover",
    ),
    (
        "materials",
        "supervisor signs for the departing user who has not left",
        "supervisor",
        sign("materials", "departing"),
        AccessError,
        "Only the signer",
    ),
    (
        "materials",
        "departure allowed by the supervisor",
        "supervisor",
        button("handover", "action_allow_departure"),
        AccessError,
        "Only the handover administrator of",
    ),
    (
        "materials",
        "signing twice",
        "departing",
        sign("materials", "departing"),
        UserError,
        "You have already signed here",
    ),
    (
        "materials",
        "materials complete while customers wait",
        "supervisor",
        button("handover", "action_complete_materials"),
        UserError,
        "are not confirmed by their successor yet",
    ),
    (
        "materials",
        "checklist ticked by a successor",
        "successor_a",
        button("item", "action_mark_done"),
        AccessError,
        "can do this: Mark the item done",
    ),
    (
        "materials",
        "checklist item confirmed before it is done",
        "witness",
        button("item", "action_confirm"),
        UserError,
        "is not marked done yet",
    ),
    (
        "materials",
        "transfer reverted while the handover runs",
        "supervisor",
        button("handover", "action_revert_transfer"),
        UserError,
        "Revert the transfer is not possible",
    ),
    # Cancelled with its transfer reverted
    (
        "cancel",
        "transfer reverted twice",
        "supervisor",
        button("handover", "action_revert_transfer"),
        UserError,
        "has no completed transfer to revert",
    ),
    (
        "cancel",
        "cancelled handover with a ledger deleted",
        "supervisor",
        lambda t, u: t.as_(u, t.handover).unlink(),
        UserError,
        "Delete the handover is not possible",
    ),
    # Customer visits
    (
        "visits",
        "waiver approved without a request",
        "supervisor",
        button("line_a", "action_approve_waiver"),
        UserError,
        "Nobody requested a waiver",
    ),
    (
        "visits",
        "waiver requested without a reason",
        "departing",
        line_reason("line_a", "request_waiver", "   "),
        UserError,
        "Write why the customer cannot be visited",
    ),
    (
        "visits",
        "waiver requested by the supervisor",
        "supervisor",
        line_reason("line_a", "request_waiver", "Too far"),
        AccessError,
        "can do this: Request a visit waiver",
    ),
    (
        "visits",
        "waiver refused while none is requested",
        "supervisor",
        line_reason("line_a", "refuse_waiver", "Go there"),
        UserError,
        "No waiver of the visit",
    ),
    (
        "visits",
        "visit sent back before anyone confirmed it",
        "supervisor",
        line_reason("line_a", "send_back_visit", "Again"),
        UserError,
        "nothing to send back",
    ),
    (
        "visits",
        "visit sent back without a reason",
        "supervisor",
        line_reason("line_visited", "send_back_visit", " "),
        UserError,
        "Give the reason",
    ),
    (
        "visits",
        "visit confirmed without its date and place",
        "successor_a",
        button("line_a", "action_confirm_visit"),
        UserError,
        "Record when and where the visit",
    ),
    (
        "visits",
        "visits witnessed while customers wait",
        "witness",
        button("handover", "action_witness_visits"),
        UserError,
        "are not visited yet",
    ),
    (
        "visits",
        "visit confirmed by the witness",
        "witness",
        button("line_a", "action_confirm_visit"),
        AccessError,
        "can do this: Confirm the visit",
    ),
    (
        "visits",
        "materials signature after its stage",
        "departing",
        sign("materials", "departing"),
        UserError,
        "is over: its signatures are frozen",
    ),
    (
        "visits",
        "visits complete while customers wait",
        "supervisor",
        button("handover", "action_complete_visits"),
        UserError,
        "are not visited yet",
    ),
    # Phone verification
    (
        "verification",
        "call recorded without a result",
        "witness",
        button("sampled", "action_record_check"),
        UserError,
        "Choose the result of the call",
    ),
    (
        "verification",
        "call recorded on a customer outside the sample",
        "witness",
        button("unsampled", "action_record_check"),
        UserError,
        "is not in the spot-check sample",
    ),
    (
        "verification",
        "call recorded by a successor",
        "successor_a",
        button("sampled", "action_record_check"),
        AccessError,
        "Only the supervising witness of",
    ),
    (
        "verification",
        "verification complete with a result chosen, the call not recorded",
        "witness",
        lambda t, u: (
            t.as_(u, t.handover.line_ids.filtered("spot_check_selected")).write(
                {"check_result": "confirmed"}
            ),
            t.as_(u, t.handover).action_complete_verification(),
        ),
        UserError,
        "have not confirmed the handover on the phone yet",
    ),
    # Summary
    (
        "summary",
        "empty summary submitted",
        "departing",
        lambda t, u: (
            t.as_(u, t.handover).write({"summary": "<p><br></p>"}),
            t.as_(u, t.handover).action_submit_summary(),
        ),
        UserError,
        "is empty",
    ),
    (
        "summary",
        "summary submitted before everyone signed",
        "departing",
        button("handover", "action_submit_summary"),
        UserError,
        "Waiting for",
    ),
    (
        "summary",
        "summary written by the administrator",
        "handover_admin",
        write("handover", summary="<p>HR view.</p>"),
        AccessError,
        "Only the departing employee or direct supervisor of",
    ),
    (
        "verification",
        "verification completed by the supervisor instead of the witness",
        "supervisor",
        button("handover", "action_complete_verification"),
        AccessError,
        "can do this: Complete the phone verification",
    ),
    (
        "summary",
        "summary reviewed before it was submitted",
        "supervisor",
        button("handover", "action_review_summary"),
        UserError,
        "Review the summary is not possible",
    ),
    # Done
    (
        "done",
        "closed handover approved again",
        "approver",
        button("handover", "action_approve_summary"),
        UserError,
        "Approve the summary is not possible",
    ),
    (
        "done",
        "closed handover edited by its supervisor",
        "supervisor",
        write("handover", reason="Afterthought"),
        UserError,
        "Changing Reason is not possible",
    ),
    (
        "done",
        "filed summary rewritten",
        "handover_admin",
        write("handover", summary="<p>Rewritten.</p>"),
        UserError,
        "Changing Summary is not possible",
    ),
    (
        "done",
        "done handover cancelled",
        "supervisor",
        button("handover", "action_cancel"),
        UserError,
        "Cancel the handover is not possible",
    ),
]
# Run again in Chinese: the message must be translated.
IN_CHINESE = {
    "successor is the departing user",
    "archived successor",
    "customer already in another active handover",
    "skipping the plan review",
    "deleting a handover past the draft",
    "approved by the departing user",
    "signing for someone else",
}
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+){2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


@tagged("post_install", "-at_install")
class TestBadInput(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.company.handover_allow_same_reviewer = False
        cls.free_customer = cls.env["res.partner"].create(
            {"name": "Free Customer", "is_company": True}
        )

    def setUp(self):
        super().setUp()
        self.lang = "en_US"
        self.now = None
        self.cases_run = set()

    def as_(self, user, records):
        return records.with_user(user).with_context(lang=self.lang)

    def snapshot(self):
        """The handovers and what they touch, read from the database."""
        self.env.cr.flush()
        self.env.invalidate_all()

        def rows(model, fnames):
            return self.env[model].sudo().search_read([], fnames, order="id")

        handovers = self.env["hr.client.handover"].sudo().search([])
        return {
            "handovers": rows(
                "hr.client.handover",
                [
                    "state",
                    "employee_id",
                    "transfer_state",
                    "reason",
                    "notice_date",
                    "last_working_date",
                    "return_date",
                    "summary",
                    "supervisor_id",
                    "witness_id",
                    "approver_id",
                ],
            ),
            "lines": rows(
                "hr.client.handover.line",
                [
                    "handover_id",
                    "partner_id",
                    "successor_id",
                    "materials_confirmed_on",
                    "visit_successor_confirmed_on",
                    "visit_departing_confirmed_on",
                    "visit_waived",
                    "spot_check_selected",
                    "check_result",
                    "checked_on",
                ],
            ),
            "items": rows("hr.client.handover.item", ["done", "confirmed_by_id"]),
            "signatures": rows("hr.client.handover.signature", ["signed_on"]),
            "ledger": rows("hr.client.handover.transfer", ["res_id", "reverted_on"]),
            "messages": len(handovers.message_ids),
            "activities": len(handovers.activity_ids),
            "owners": self.env["res.partner"]
            .sudo()
            .search_read(
                [("id", "child_of", (self.customers | self.free_customer).ids)],
                ["user_id"],
            ),
        }

    def run_stage(self, stage):
        for case_stage, name, role, action, exception, fragment in CATALOGUE:
            if case_stage != stage:
                continue
            self.cases_run.add(name)
            langs = ["en_US", "zh_CN"] if name in IN_CHINESE else ["en_US"]
            for lang in langs:
                self.lang = lang
                with (
                    self.subTest(stage=stage, case=name, lang=lang),
                    closing(self.env.cr.savepoint()),
                ):
                    before = self.snapshot()
                    with self.assertRaises(exception) as catcher:
                        action(self, getattr(self, role))
                    error = catcher.exception
                    self.assertIs(type(error), exception, str(error))
                    message = str(error.args[0])
                    if lang == "en_US":
                        self.assertIn(fragment, message)
                    else:
                        self.assertRegex(message, CJK, "translated")
                        self.assertNotRegex(message, ENGLISH_SENTENCE)
                    self.assertEqual(self.snapshot(), before, "nothing changed")
        self.lang = "en_US"

    def test_catalogue(self):
        self.now = self.env.cr.now()
        self.run_stage("start")

        handover = self.handover = self.draft_handover()
        # Colleagues leaving too, none of them a successor of the handover
        # (who leaves receives no customers).
        Employee = self.env["hr.employee"]
        self.colleague = new_test_user(
            self.env, login="ho_colleague", name="Cora Colleague", groups=SALESMAN
        )
        colleague_a, colleague_b = Employee.create(
            [
                {
                    "name": name,
                    "user_id": user.id,
                    "department_id": self.sales_department.id,
                    "parent_id": self.supervisor_employee.id,
                }
                for name, user in (
                    ("Cora Colleague", self.colleague),
                    ("Nils Nouser", self.env["res.users"]),
                )
            ]
        )
        self.empty = self.create_handover(employee_id=colleague_a.id)
        other = self.create_handover(employee_id=colleague_b.id)
        self.env["hr.client.handover.line"].with_user(self.supervisor).create(
            {"handover_id": other.id, "partner_id": self.free_customer.id}
        )
        self.line_a = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[0]
        self.run_stage("draft")

        self.advance(handover, "plan_review")
        self.run_stage("plan_review")
        self.advance(handover, "plan_approval")
        self.run_stage("plan_approval")
        self.advance(handover, "materials")

        self.line_confirmed = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[-1]
        self.line_confirmed.with_user(self.successor_a).action_confirm_materials()
        self.sign(handover, "materials", self.departing)
        self.item = handover.item_ids.filtered(
            lambda item: item.responsible_id == self.departing
        )[0]
        self.run_stage("materials")
        with closing(self.env.cr.savepoint()):
            self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
                {"handover_id": handover.id, "reason": "Employee stays"}
            ).action_cancel_handover()
            self.assertEqual(handover.transfer_state, "reverted")
            self.run_stage("cancel")
        self.advance(handover, "visits")

        # A visit both visitors confirmed: one the supervisor could send back.
        self.line_visited = self.line_confirmed
        self.do_visits(handover, self.line_visited)
        self.run_stage("visits")
        self.advance(handover, "verification")

        sample = handover.line_ids.filtered("spot_check_selected")
        self.sampled = sample[0]
        self.unsampled = (handover.line_ids - sample)[0]
        self.run_stage("verification")
        self.advance(handover, "summary")

        self.run_stage("summary")
        self.advance(handover, "done")
        self.run_stage("done")

        self.assertEqual(
            self.cases_run,
            {case[1] for case in CATALOGUE},
            "every case of the catalogue ran",
        )
        # Each button that ends a stage is pressed where it must not be.
        self.assertFalse(
            {f"action_{stage.action}" for stage in STAGES if stage.action} - PRESSED,
            "a stage's button without a bad-input case",
        )
