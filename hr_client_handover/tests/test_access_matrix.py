"""Access matrix: every role against every operation, each cell asserted.

The table below is the contract. Each cell runs the operation as the role's
user on a handover in the stage where the operation applies, inside a
savepoint rolled back afterwards, so every cell starts from the same state:

- ``ok``: the call goes through and does what it says;
- ``access``: AccessError (the role may not do this), nothing changed;
- ``user``: UserError (not at this stage), nothing changed.

A refused call runs like a request: what it wrote is rolled back, and the
database read afterwards must be exactly what it was before the call.
"""

from contextlib import closing
from datetime import timedelta
from itertools import product

from odoo.exceptions import AccessError, UserError
from odoo.service.model import call_kw, get_public_method
from odoo.tests import tagged

from .common import PNG_SIGNATURE, HandoverCase

ROLES = (
    "departing",
    "successor",
    "witness",
    "supervisor",
    "division_manager",
    "administrator",
    "salesperson",
    "other_company",
)
OK, ACCESS, USER = "ok", "access", "user"
A, U = ACCESS, USER

# operation: expected outcome for each role, in the order of ROLES
#                         depart succ  witn  super divis admin sales other
MATRIX = {
    # No handover yet: who may start one for the employee.
    "create":                (OK,  A,    OK,   OK,   OK,   OK,   A,    A),
    "start_from_employee":   (OK,  A,    OK,   OK,   OK,   OK,   A,    A),
    # Draft (the plan).
    "read":                  (OK,  OK,   OK,   OK,   OK,   OK,   A,    A),
    "write_draft_header":    (OK,  A,    A,    OK,   A,    OK,   A,    A),
    "write_draft_roles":     (A,   A,    A,    OK,   A,    OK,   A,    A),
    "write_employee":        (A,   A,    A,    A,    A,    A,    A,    A),
    # The checklist is the template's: its items are changed by the supervisor
    # (the departing employee adds and changes items of their own); who
    # answers for an item and who countersigns it, by the supervisor.
    "write_item_content":    (U,   A,    A,    OK,   A,    OK,   A,    A),
    "write_own_item_content": (OK, A,    A,    OK,   A,    OK,   A,    A),
    "write_item_people":     (A,   A,    A,    OK,   A,    OK,   A,    A),
    "unlink_draft":          (A,   A,    A,    OK,   A,    OK,   A,    A),
    "action_generate_lines": (OK,  A,    A,    OK,   A,    OK,   A,    A),
    "action_submit_plan":    (OK,  A,    A,    OK,   A,    OK,   A,    A),
    "action_cancel":         (A,   A,    A,    OK,   A,    OK,   A,    A),
    "rpc_private_method":    (A,   A,    A,    A,    A,    A,    A,    A),
    # Plan review.
    "write_dates_submitted": (A,   A,    A,    OK,   A,    OK,   A,    A),
    "write_roles_submitted": (A,   A,    A,    A,    A,    OK,   A,    A),
    "unlink_started":        (U,   U,    U,    U,    A,    U,    A,    A),
    # Reviews and approvals: never by the submitter; an administrator only in
    # place of a reviewer who submitted (a stage refusal otherwise).
    "action_review_plan":    (A,   A,    A,    OK,   A,    U,    A,    A),
    "refuse_plan_review":    (A,   A,    A,    OK,   A,    A,    A,    A),
    # Plan approval.
    "action_approve_plan":   (A,   A,    A,    A,    OK,   U,    A,    A),
    "refuse_plan_approval":  (A,   A,    A,    A,    OK,   A,    A,    A),
    # Materials.
    "action_confirm_materials": (A, OK,  A,    A,    A,    A,    A,    A),
    "sign_materials":        (OK,  OK,   OK,   A,    A,    A,    A,    A),
    "action_complete_materials": (A, A,  A,    OK,   A,    A,    A,    A),
    "action_send_back_materials": (A, A, A,    OK,   A,    A,    A,    A),
    "action_allow_departure": (A,  A,    A,    A,    A,    OK,   A,    A),
    # The handover meeting (Odoo Calendar): the supervisor chairs it.
    "schedule_meeting":      (A,   A,    A,    OK,   A,    OK,   A,    A),
    "write_meeting_minutes": (A,   A,    A,    OK,   A,    OK,   A,    A),
    # Cancelled after the transfer.
    "action_revert_transfer": (A,  A,    A,    OK,   A,    OK,   A,    A),
    # Customer visits.
    "action_request_waiver": (OK,  OK,   A,    A,    A,    A,    A,    A),
    "action_confirm_visit":  (OK,  OK,   A,    A,    A,    A,    A,    A),
    "action_approve_waiver": (A,   A,    A,    OK,   A,    A,    A,    A),
    "action_refuse_waiver":  (A,   A,    A,    OK,   A,    A,    A,    A),
    "action_send_back_visit": (A,  A,    A,    OK,   A,    A,    A,    A),
    "action_witness_visits": (A,   A,    OK,   A,    A,    A,    A,    A),
    "action_complete_visits": (A,  A,    A,    OK,   A,    A,    A,    A),
    "write_sealed_minutes":  (U,   U,    U,    U,    U,    U,    A,    A),
    # Phone verification.
    "action_record_check":   (A,   A,    OK,   A,    A,    A,    A,    A),
    "action_complete_verification": (A, A, OK, A,    A,    A,    A,    A),
    # Summary.
    "write_summary":         (OK,  A,    A,    OK,   A,    A,    A,    A),
    "sign_summary":          (OK,  OK,   OK,   A,    A,    A,    A,    A),
    "action_submit_summary": (OK,  A,    A,    OK,   A,    A,    A,    A),
    "action_review_summary": (A,   A,    A,    OK,   A,    U,    A,    A),
    "refuse_summary_review": (A,   A,    A,    OK,   A,    A,    A,    A),
    "action_approve_summary": (A,  A,    A,    A,    OK,   U,    A,    A),
    "refuse_summary_approval": (A, A,    A,    A,    OK,   A,    A,    A),
    # Done.
    "write_closed_header":   (U,   U,    U,    U,    U,    U,    A,    A),
    # The direct supervisor confirms the departure, once the employee has left
    # (the walk's last working day is still ahead: not yet).
    "action_confirm_departure": (A, A,   A,    U,    A,    A,    A,    A),
    "cancel_closed":         (U,   U,    U,    U,    U,    U,    A,    A),
}  # fmt: skip
EXCEPTIONS = {ACCESS: AccessError, USER: UserError}

# Helpers a remote client must never reach (private methods): each would skip the
# role and state checks of the public buttons.
PRIVATE_METHODS = {
    "hr.client.handover": [
        "_move_to",
        "_do_refuse",
        "_do_cancel",
        "_start_transfer",
        "_revert_transfer",
        "_return_from_leave",
        "_generate_lines",
        "_check_can",
        "_prepare_action",
        "_create_signature_requests",
        "_draw_spot_check_sample",
        "_file_report",
        "_cron_remind_and_escalate",
        "_cron_return_from_leave",
        "_cron_revoke_departed_accounts",
        "_revoke_departing_accounts",
        "_escalate_if_overdue",
    ],
    "hr.client.handover.document": ["_file_report", "_cron_file_due_reports"],
    "hr.client.handover.line": ["_send_back_to_visit", "_policy_check_button"],
    "hr.employee": ["_check_can_start_client_handover"],
    "hr.client.handover.retention": [
        "_cron_notify_risk_managers",
        "_schedule_risk_activities",
        "_risk_manager",
    ],
}
# The public surface of the addon's models: the workflow's and the form's buttons.
PUBLIC_METHODS = {
    "hr.client.handover.retention": {"action_notify_risk_managers"},
    "hr.client.handover": {
        "action_verify_integrity",
        "action_sign",
        "action_open_banner_link",
        "action_generate_lines",
        "action_submit_plan",
        "action_review_plan",
        "action_approve_plan",
        "action_complete_materials",
        "action_witness_visits",
        "action_complete_visits",
        "action_complete_verification",
        "action_submit_summary",
        "action_review_summary",
        "action_approve_summary",
        "action_cancel",
        "action_revert_transfer",
        "action_give_everything_back",
        "action_allow_departure",
        "action_confirm_departure",
        "action_open_refuse",
        "action_open_assign_successors",
        "action_schedule_meeting",
        "action_schedule_training",
        # Opens the incidents the caller may read (the record rules decide).
        "action_open_incidents",
    },
    "hr.client.handover.line": {
        "action_confirm_materials",
        "action_confirm_visit",
        "action_request_waiver",
        "action_approve_waiver",
        "action_refuse_waiver",
        "action_send_back_visit",
        "action_send_back_materials",
        "action_record_check",
        "action_set_check_result",
        "action_toggle_spot_check",
    },
    # The pad of a signature the policy lets the caller give (its write decides).
    "hr.client.handover.signature": {"action_sign"},
    "hr.client.handover.refuse": {"action_refuse"},
    "hr.client.handover.cancel": {"action_cancel_handover"},
    "hr.client.handover.everything": {"action_hand_everything"},
    "hr.client.handover.omission": set(),
    # Its events: the handover's policy guards create, write and unlink only.
    "calendar.event": set(),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            "departing": cls.departing,
            "successor": cls.successor_a,
            "witness": cls.witness,
            "supervisor": cls.supervisor,
            "division_manager": cls.approver,
            "administrator": cls.handover_admin,
            "salesperson": cls.other_salesman,
            "other_company": cls.foreign_user,
        }
        cls.company.handover_allow_same_reviewer = False

    def setUp(self):
        super().setUp()
        self.cells_run = set()

    # ------------------------------------------------------------------
    # The runner
    # ------------------------------------------------------------------
    def snapshot(self, handover):
        """What a refused call must leave untouched, read from the database."""
        self.env.cr.flush()
        self.env.invalidate_all()
        Handover = self.env["hr.client.handover"].sudo()
        data = {
            "handovers": Handover.search_count([("employee_id", "=", self.employee.id)])
        }
        sudo = handover.sudo().exists() if handover else Handover
        if sudo:
            data.update(
                state=sudo.state,
                transfer_state=sudo.transfer_state,
                header=sudo.read(
                    [
                        "reason",
                        "last_working_date",
                        "summary",
                        "supervisor_id",
                        "visits_witnessed_on",
                    ]
                ),
                lines=sudo.line_ids.read(
                    [
                        "successor_id",
                        "materials_confirmed_on",
                        "visit_successor_confirmed_on",
                        "visit_departing_confirmed_on",
                        "visit_waived",
                        "visit_state",
                        "check_result",
                        "checked_on",
                    ]
                ),
                signatures=sudo.signature_ids.read(["signed_on"]),
                items=sudo.item_ids.read(
                    ["location", "responsible_id", "countersigner_id", "done"]
                ),
                messages=len(sudo.message_ids),
                activities=sorted(
                    sudo.activity_ids.mapped(
                        lambda act: (act.activity_type_id.id, act.user_id.id)
                    )
                ),
                ledger=sudo.transfer_ids.read(["new_user_id", "reverted_on"]),
                owners=(self.alpha.user_id, self.lead_alpha.user_id),
            )
        return data

    def run_cells(self, handover, operations):
        for operation, role in product(operations, ROLES):
            expected = dict(zip(ROLES, MATRIX[operation], strict=True))[role]
            self.cells_run.add((operation, role))
            with (
                self.subTest(operation=operation, role=role, expected=expected),
                closing(self.env.cr.savepoint()),
            ):
                user = self.role_users[role]
                run = getattr(self, f"op_{operation}")
                if expected == OK:
                    run(handover, user)
                    continue
                before = self.snapshot(handover)
                with self.assertRaises(EXCEPTIONS[expected]) as catcher:
                    run(handover, user)
                self.assertIs(type(catcher.exception), EXCEPTIONS[expected])
                self.assertEqual(self.snapshot(handover), before, "nothing changed")

    def assertState(self, handover, state):
        self.assertEqual(handover.sudo().state, state)

    def wizard(self, model, handover, user, **values):
        return (
            self.env[model]
            .with_user(user)
            .create({"handover_id": handover.id, "reason": "Not ready", **values})
        )

    # ------------------------------------------------------------------
    # The operations: each does one thing as `user` and, when it goes
    # through, checks it did it.
    # ------------------------------------------------------------------
    def op_create(self, handover, user):
        new = (
            self.env["hr.client.handover"]
            .with_user(user)
            .create({"employee_id": self.employee.id})
        )
        self.assertState(new, "draft")

    def op_start_from_employee(self, handover, user):
        action = self.employee.with_user(user).action_start_client_handover()
        new = self.env["hr.client.handover"].browse(action["res_id"])
        self.assertEqual(new.sudo().line_ids.partner_id, self.customers)

    def op_read(self, handover, user):
        values = handover.with_user(user).read(["name", "state", "line_ids"])
        self.assertEqual(values[0]["name"], handover.sudo().name)

    def op_write_draft_header(self, handover, user):
        handover.with_user(user).write({"reason": "Moves to the Beijing office"})
        self.assertEqual(handover.sudo().reason, "Moves to the Beijing office")

    def op_write_draft_roles(self, handover, user):
        handover.with_user(user).write({"witness_id": self.approver.id})
        self.assertEqual(handover.sudo().witness_id, self.approver)

    def op_write_employee(self, handover, user):
        handover.with_user(user).write({"employee_id": self.witness_employee.id})
        self.assertEqual(handover.sudo().employee_id, self.witness_employee)

    def departing_item(self, handover):
        return handover.sudo().item_ids.filtered(
            lambda item: item.responsible_id == self.departing
        )[:1]

    def op_write_item_content(self, handover, user):
        item = self.departing_item(handover)
        item.with_user(user).location = f"Drawer of {user.name}"
        self.assertEqual(item.location, f"Drawer of {user.name}")

    def op_write_own_item_content(self, handover, user):
        # Added by the departing employee (planted as them, in any stage).
        item = (
            self.env["hr.client.handover.item"]
            .with_user(self.departing)
            .sudo()
            .create({"handover_id": handover.id, "name": "Trade fair contacts"})
        )
        item.with_user(user).location = f"Drawer of {user.name}"
        self.assertEqual(item.location, f"Drawer of {user.name}")

    def op_write_item_people(self, handover, user):
        item = self.departing_item(handover)
        handover.with_user(user).write(
            {
                "item_ids": [
                    (1, item.id, {"responsible_id": self.supervisor.id}),
                    (1, item.id, {"countersigner_id": self.witness.id}),
                ]
            }
        )
        self.assertEqual(item.responsible_id, self.supervisor)
        self.assertEqual(item.countersigner_id, self.witness)

    def op_write_dates_submitted(self, handover, user):
        deadline = handover.sudo().last_working_date + timedelta(days=7)
        handover.with_user(user).write({"last_working_date": deadline})
        self.assertEqual(handover.sudo().last_working_date, deadline)

    def op_write_roles_submitted(self, handover, user):
        handover.with_user(user).write({"witness_id": self.approver.id})
        self.assertEqual(handover.sudo().witness_id, self.approver)
        self.assertIn(
            "replaced people of the approval chain",
            handover.sudo().message_ids[:1].body,
        )

    def op_write_summary(self, handover, user):
        handover.with_user(user).summary = "<p>Every customer met us.</p>"
        self.assertIn("Every customer met us.", handover.sudo().summary)

    def op_write_closed_header(self, handover, user):
        handover.with_user(user).reason = "Corrected by HR"
        self.assertEqual(handover.sudo().reason, "Corrected by HR")

    def op_unlink_draft(self, handover, user):
        handover.with_user(user).unlink()
        self.assertFalse(handover.sudo().exists())

    op_unlink_started = op_unlink_draft

    def op_action_generate_lines(self, handover, user):
        handover.with_user(user).action_generate_lines()
        self.assertEqual(handover.sudo().line_ids.partner_id, self.customers)

    def op_rpc_private_method(self, handover, user):
        Handover = self.env["hr.client.handover"].with_user(user)
        call_kw(Handover, "_move_to", [handover.ids, "done"], {})

    def button(self, handover, user, method, to_stage):
        getattr(handover.with_user(user), method)()
        self.assertState(handover, to_stage)

    def op_action_submit_plan(self, handover, user):
        self.button(handover, user, "action_submit_plan", "plan_review")

    def op_action_review_plan(self, handover, user):
        self.button(handover, user, "action_review_plan", "plan_approval")

    def op_action_approve_plan(self, handover, user):
        self.button(handover, user, "action_approve_plan", "materials")
        self.assertEqual(handover.sudo().transfer_state, "done")
        self.env.invalidate_all()
        self.assertIn(self.alpha.user_id, self.successor_a | self.successor_b)

    def op_action_complete_materials(self, handover, user):
        self.button(handover, user, "action_complete_materials", "visits")

    def op_action_complete_visits(self, handover, user):
        self.button(handover, user, "action_complete_visits", "verification")

    def op_action_complete_verification(self, handover, user):
        self.button(handover, user, "action_complete_verification", "summary")

    def op_action_submit_summary(self, handover, user):
        self.button(handover, user, "action_submit_summary", "summary_review")

    def op_action_review_summary(self, handover, user):
        self.button(handover, user, "action_review_summary", "summary_approval")

    def op_action_approve_summary(self, handover, user):
        self.button(handover, user, "action_approve_summary", "done")

    def op_action_cancel(self, handover, user):
        handover.with_user(user).action_cancel()
        wizard = self.wizard("hr.client.handover.cancel", handover, user)
        wizard.action_cancel_handover()
        self.assertState(handover, "cancel")

    op_cancel_closed = op_action_cancel

    def op_action_revert_transfer(self, handover, user):
        handover.with_user(user).action_revert_transfer()
        self.assertEqual(handover.sudo().transfer_state, "reverted")
        self.env.invalidate_all()
        self.assertEqual(self.alpha.user_id, self.departing)

    def op_action_confirm_departure(self, handover, user):
        handover.with_user(user).action_confirm_departure()
        self.assertEqual(handover.sudo().departure_confirmed_by_id, user)

    def op_action_allow_departure(self, handover, user):
        handover.with_user(user).action_allow_departure()
        self.assertEqual(handover.sudo().departure_allowed_by_id, user)

    def op_schedule_meeting(self, handover, user):
        action = handover.with_user(user).action_schedule_meeting()
        start = self.meeting.start
        event = (
            self.env["calendar.event"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"start": start, "stop": start + timedelta(hours=1)})
        )
        self.assertEqual(event.sudo().handover_id, handover)

    def op_write_meeting_minutes(self, handover, user):
        self.meeting.with_user(user).notes = f"<p>Minutes by {user.name}</p>"

    def op_write_sealed_minutes(self, handover, user):
        self.meeting.with_user(user).notes = "<p>Forged minutes</p>"

    def refuse(self, handover, user, back_to):
        self.wizard("hr.client.handover.refuse", handover, user).action_refuse()
        self.assertState(handover, back_to)

    def op_refuse_plan_review(self, handover, user):
        self.refuse(handover, user, "draft")

    op_refuse_plan_approval = op_refuse_plan_review

    def op_refuse_summary_review(self, handover, user):
        self.refuse(handover, user, "summary")

    op_refuse_summary_approval = op_refuse_summary_review

    def op_action_confirm_materials(self, handover, user):
        self.line_a.with_user(user).action_confirm_materials()
        self.assertEqual(self.line_a.sudo().materials_confirmed_by_id, user)

    def op_action_confirm_visit(self, handover, user):
        self.line_a.with_user(user).action_confirm_visit()
        self.assertEqual(self.line_a.sudo().visit_state, "partial")

    def op_action_request_waiver(self, handover, user):
        self.line_reason(self.line_a, user, "action_request_waiver", "Too far")
        self.assertEqual(self.line_a.sudo().visit_state, "waiver_requested")

    def op_action_refuse_waiver(self, handover, user):
        self.line_reason(self.line_b, user, "action_refuse_waiver", "Visit them")
        self.assertEqual(self.line_b.sudo().visit_state, "pending")

    def op_action_send_back_materials(self, handover, user):
        self.line_reason(self.line_a, user, "action_send_back_materials", "Again")
        self.assertFalse(self.line_a.sudo().materials_confirmed_on)

    def op_action_send_back_visit(self, handover, user):
        self.line_reason(self.line_a, user, "action_send_back_visit", "Again")
        self.assertEqual(self.line_a.sudo().visit_state, "pending")

    def op_action_witness_visits(self, handover, user):
        handover.with_user(user).action_witness_visits()
        self.assertEqual(handover.sudo().visits_witnessed_by_id, user)

    def op_action_approve_waiver(self, handover, user):
        self.line_b.with_user(user).action_approve_waiver()
        self.assertEqual(self.line_b.sudo().visit_state, "waived")

    def op_action_record_check(self, handover, user):
        self.sampled.with_user(user).action_record_check()
        self.assertEqual(self.sampled.sudo().checked_by_id, user)

    def sign_as(self, handover, user, stage):
        """Sign one's own signature of the stage; without one, the successor's."""
        signatures = handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == stage
        )
        signature = signatures.filtered(
            lambda sig: sig.user_id == user
        ) or signatures.filtered(lambda sig: sig.user_id == self.successor_a)
        signature.with_user(user).write({"signature": PNG_SIGNATURE})
        self.assertTrue(signature.sudo().signed_on)

    def op_sign_materials(self, handover, user):
        self.sign_as(handover, user, "materials")

    def op_sign_summary(self, handover, user):
        self.sign_as(handover, user, "summary")

    # ------------------------------------------------------------------
    # The walk: one handover through every stage, the cells of each stage
    # run on it on the way.
    # ------------------------------------------------------------------
    def test_access_matrix(self):
        self.run_cells(None, ["create", "start_from_employee"])

        handover = self.draft_handover()
        self.run_cells(
            handover,
            [
                "read",
                "write_draft_header",
                "write_draft_roles",
                "write_employee",
                "write_item_content",
                "write_own_item_content",
                "write_item_people",
                "unlink_draft",
                "action_generate_lines",
                "action_submit_plan",
                "action_cancel",
                "rpc_private_method",
            ],
        )
        self.advance(handover, "plan_review")
        self.run_cells(
            handover,
            [
                "write_dates_submitted",
                "write_roles_submitted",
                "unlink_started",
                "action_review_plan",
                "refuse_plan_review",
            ],
        )
        self.advance(handover, "plan_approval")
        self.run_cells(handover, ["action_approve_plan", "refuse_plan_approval"])

        self.advance(handover, "materials")
        lines = handover.line_ids
        self.line_a = lines.filtered(lambda ln: ln.successor_id == self.successor_a)[0]
        self.line_b = lines.filtered(lambda ln: ln.successor_id == self.successor_b)[0]
        self.run_cells(
            handover,
            ["action_confirm_materials", "sign_materials", "action_allow_departure"],
        )
        self.meeting = self.hold_meeting(handover)
        self.run_cells(handover, ["schedule_meeting", "write_meeting_minutes"])
        with closing(self.env.cr.savepoint()):
            self.wizard(
                "hr.client.handover.cancel",
                handover,
                self.supervisor,
                revert_transfer=False,
            ).action_cancel_handover()
            self.run_cells(handover, ["action_revert_transfer"])
        self.do_materials(handover)
        self.run_cells(
            handover, ["action_complete_materials", "action_send_back_materials"]
        )
        handover.with_user(self.supervisor).action_complete_materials()

        self.record_visit(self.line_a, self.successor_a)
        self.run_cells(handover, ["action_request_waiver"])
        self.line_reason(
            self.line_b, self.departing, "action_request_waiver", "Moved abroad"
        )
        self.run_cells(
            handover,
            ["action_confirm_visit", "action_approve_waiver", "action_refuse_waiver"],
        )
        self.run_cells(handover, ["write_sealed_minutes"])
        self.line_b.with_user(self.supervisor).action_approve_waiver()
        self.do_visits(handover, lines - self.line_b)
        self.run_cells(handover, ["action_send_back_visit", "action_witness_visits"])
        self.witness_visits(handover)
        self.sign(handover, "visits")
        self.run_cells(handover, ["action_complete_visits"])
        handover.with_user(self.supervisor).action_complete_visits()

        self.sampled = handover.line_ids.filtered("spot_check_selected")[0]
        self.sampled.with_user(self.witness).check_result = "confirmed"
        self.run_cells(handover, ["action_record_check"])
        self.sampled.with_user(self.witness).action_record_check()
        self.do_calls(handover)
        self.sign(handover, "verification")
        self.run_cells(handover, ["action_complete_verification"])
        handover.with_user(self.witness).action_complete_verification()

        self.run_cells(handover, ["write_summary", "sign_summary"])
        handover.with_user(self.departing).summary = "<p>All customers met.</p>"
        self.sign_as(handover, self.departing, "summary")
        self.sign_as(handover, self.successor_a, "summary")
        self.sign_as(handover, self.successor_b, "summary")
        self.sign_as(handover, self.witness, "summary")
        self.run_cells(handover, ["action_submit_summary"])
        self.advance(handover, "summary_review")
        self.run_cells(handover, ["action_review_summary", "refuse_summary_review"])
        self.advance(handover, "summary_approval")
        self.work_summary_approval(handover)
        self.run_cells(handover, ["action_approve_summary", "refuse_summary_approval"])
        self.advance(handover, "done")
        self.run_cells(
            handover,
            ["write_closed_header", "cancel_closed", "action_confirm_departure"],
        )

        self.assertEqual(
            self.cells_run,
            set(product(MATRIX, ROLES)),
            "every cell of the table is asserted",
        )

    # ------------------------------------------------------------------
    # Remote procedure calls
    # ------------------------------------------------------------------
    def test_private_methods_not_callable_remotely(self):
        """The RPC dispatcher refuses the helpers and serves the buttons."""
        for model, names in PRIVATE_METHODS.items():
            for name in names:
                with self.subTest(model=model, method=name):
                    self.assertTrue(hasattr(self.env[model], name))
                    with self.assertRaises(AccessError):
                        get_public_method(self.env[model], name)
        for model, names in PUBLIC_METHODS.items():
            for name in names:
                with self.subTest(model=model, method=name):
                    method = get_public_method(self.env[model], name)
                    self.assertEqual(method.__name__, name)

    def test_public_surface(self):
        """No method of the addon is public by accident: each public one is in
        the list above (and checks the caller's role and the stage)."""
        for model, expected in PUBLIC_METHODS.items():
            found = set()
            for cls in type(self.env[model]).mro():
                if not cls.__module__.startswith("odoo.addons.hr_client_handover"):
                    continue
                for name, value in vars(cls).items():
                    if (
                        not name.startswith("_")
                        and callable(value)
                        # The ORM's entry points, overridden to check.
                        and name
                        not in ("create", "write", "unlink", "default_get", "onchange")
                    ):
                        found.add(name)
            with self.subTest(model=model):
                self.assertEqual(found, expected)
