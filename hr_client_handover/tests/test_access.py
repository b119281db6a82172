from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PNG_SIGNATURE, HandoverCase

# state -> (button, roles allowed to press it)
STAND_IN_STATES = ("plan_review", "plan_approval", "summary_review", "summary_approval")
TRANSITIONS = [
    ("draft", "action_submit_plan", {"departing", "supervisor", "handover_admin"}),
    ("plan_review", "action_review_plan", {"supervisor"}),
    ("plan_approval", "action_approve_plan", {"approver"}),
    ("materials", "action_complete_materials", {"supervisor"}),
    ("visits", "action_complete_visits", {"supervisor"}),
    ("verification", "action_complete_verification", {"witness"}),
    ("summary", "action_submit_summary", {"departing", "supervisor"}),
    ("summary_review", "action_review_summary", {"supervisor"}),
    ("summary_approval", "action_approve_summary", {"approver"}),
]
EVERYONE = [
    "departing",
    "successor_a",
    "successor_b",
    "supervisor",
    "witness",
    "approver",
    "other_salesman",
    "handover_admin",
]


@tagged("post_install", "-at_install")
class TestHandoverAccess(HandoverCase):
    """Every transition by every wrong role is refused and changes nothing;
    every transition pressed twice applies once."""

    def snapshot(self, handover):
        self.env.cr.flush()  # posts the pending tracking messages
        handover.invalidate_recordset()
        sudo = handover.sudo()
        return (
            sudo.state,
            sudo.transfer_state,
            len(sudo.message_ids),
            sorted(
                sudo.activity_ids.mapped(
                    lambda act: (act.activity_type_id.id, act.user_id.id)
                )
            ),
            len(sudo.transfer_ids),
            self.alpha.user_id,
            self.lead_alpha.user_id,
        )

    def test_transitions_by_role(self):
        handover = self.draft_handover()
        for state, button, allowed in TRANSITIONS:
            self.assertEqual(handover.state, state)
            before = self.snapshot(handover)
            for name in EVERYONE:
                if name in allowed:
                    continue
                # An administrator reviews or approves only in place of a
                # reviewer who submitted: a refusal of the stage otherwise.
                stand_in = name == "handover_admin" and state in STAND_IN_STATES
                with (
                    self.subTest(state=state, user=name),
                    self.assertRaises(UserError if stand_in else AccessError),
                ):
                    getattr(handover.with_user(getattr(self, name)), button)()
                self.assertEqual(
                    self.snapshot(handover), before, f"{name} changed {state}"
                )
            # The right actor does it; pressing the same button again is refused.
            following = self.STEPS[self.STEPS.index(state) + 1]
            self.advance(handover, following)
            after = self.snapshot(handover)
            actor = getattr(self, sorted(allowed)[0])
            with (
                self.subTest(state=state, twice=True),
                self.assertRaisesRegex(UserError, "Nothing was changed"),
            ):
                getattr(handover.with_user(actor), button)()
            self.assertEqual(self.snapshot(handover), after, f"{button} applied twice")
        self.assertEqual(handover.state, "done")

    def test_plan_by_role(self):
        """Only the departing employee, the supervisor (and the administrator)
        draw up the plan."""
        handover = self.create_handover()
        for name in ("successor_a", "witness", "approver", "other_salesman"):
            with self.subTest(user=name), self.assertRaises(AccessError):
                handover.with_user(getattr(self, name)).action_generate_lines()
        self.assertFalse(handover.line_ids)
        handover.with_user(self.handover_admin).action_generate_lines()
        line = handover.line_ids[0]
        for name in ("successor_a", "witness", "approver"):
            user = getattr(self, name)
            with self.subTest(user=name), self.assertRaises(AccessError):
                line.with_user(user).successor_id = self.successor_a
            with self.subTest(user=name), self.assertRaises(AccessError):
                self.env["hr.client.handover.assign"].with_user(user).create(
                    {
                        "handover_id": handover.id,
                        "successor_id": self.successor_a.id,
                        "line_ids": handover.line_ids.ids,
                    }
                ).action_assign()
        self.assertFalse(handover.line_ids.successor_id)

    def test_refuse_and_cancel_by_role(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        Refuse = self.env["hr.client.handover.refuse"]
        before = self.snapshot(handover)
        for name in (
            "departing",
            "successor_a",
            "witness",
            "approver",
            "handover_admin",
        ):
            with self.subTest(user=name), self.assertRaises(AccessError):
                Refuse.with_user(getattr(self, name)).create(
                    {"handover_id": handover.id, "reason": "No"}
                ).action_refuse()
            self.assertEqual(self.snapshot(handover), before)
        Cancel = self.env["hr.client.handover.cancel"]
        for name in ("departing", "successor_a", "witness", "approver"):
            with self.subTest(user=name), self.assertRaises(AccessError):
                Cancel.with_user(getattr(self, name)).create(
                    {"handover_id": handover.id, "reason": "No"}
                ).action_cancel_handover()
            self.assertEqual(self.snapshot(handover), before)

    def test_line_buttons_by_role(self):
        handover = self.advance(self.draft_handover(), "materials")
        line = handover.line_ids.filtered(
            lambda ln: ln.successor_id == self.successor_a
        )[0]
        for user in (self.departing, self.successor_b, self.supervisor, self.witness):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                line.with_user(user).action_confirm_materials()
        self.assertFalse(line.materials_confirmed_on)
        line.with_user(self.successor_a).action_confirm_materials()
        confirmed_on = line.materials_confirmed_on
        with self.assertRaisesRegex(UserError, "already confirmed"):
            line.with_user(self.successor_a).action_confirm_materials()
        self.assertEqual(line.materials_confirmed_on, confirmed_on)
        # Buttons of later stages are refused now.
        with self.assertRaisesRegex(UserError, "Materials"):
            line.with_user(self.successor_a).action_confirm_visit()

        self.advance(handover, "visits")
        for user in (self.successor_b, self.supervisor, self.witness, self.approver):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                line.with_user(user).action_confirm_visit()
        self.record_visit(line, self.successor_a)
        line.with_user(self.successor_a).action_confirm_visit()
        with self.assertRaisesRegex(UserError, "already confirmed the visit"):
            line.with_user(self.successor_a).action_confirm_visit()
        self.assertEqual(line.visit_state, "partial")
        messages = len(handover.message_ids)
        line.with_user(self.departing).action_confirm_visit()
        self.assertEqual(line.visit_state, "done")
        # No chatter message per visit (the stage's digest lists them); each
        # confirmation is sealed.
        self.assertEqual(len(handover.message_ids), messages)
        self.assertEqual(
            handover._stage_events().filtered(lambda s: s.res_id == line.id).user_id,
            self.successor_a | self.departing,
        )
        other = handover.line_ids[-1]
        self.line_reason(
            other, self.departing, "action_request_waiver", "Customer closed for works"
        )
        for user in (self.departing, other.successor_id, self.witness, self.approver):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                other.with_user(user).action_approve_waiver()
        other.with_user(self.supervisor).action_approve_waiver()
        with self.assertRaisesRegex(UserError, "already approved"):
            other.with_user(self.supervisor).action_approve_waiver()

    def test_workflow_fields_only_through_buttons(self):
        """Neither a direct write nor a forged context skips the checks."""
        handover = self.advance(self.draft_handover(), "materials")
        line = handover.line_ids.filtered(
            lambda ln: ln.successor_id == self.successor_a
        )[0]
        forged = {"handover_workflow": True}
        with self.assertRaises(AccessError):
            line.with_user(self.successor_a).with_context(**forged).write(
                {"materials_confirmed_on": fields.Datetime.now()}
            )
        with self.assertRaises(AccessError):
            line.with_user(self.successor_a).spot_check_selected = True
        for values in ({"state": "done"}, {"transfer_state": "reverted"}):
            with self.assertRaises(AccessError):
                handover.with_user(self.supervisor).with_context(**forged).write(values)
        with self.assertRaises(AccessError):
            handover.with_user(self.approver).plan_approved_by_id = self.approver
        with self.assertRaises(AccessError):
            self.env["hr.client.handover"].with_user(self.handover_admin).create(
                {"employee_id": self.supervisor_employee.id, "state": "done"}
            )
        self.assertEqual(handover.state, "materials")
        # The plan cannot change once submitted.
        with self.assertRaisesRegex(UserError, "Changing Successor is not possible"):
            line.with_user(self.supervisor).successor_id = self.successor_b
        with self.assertRaisesRegex(
            UserError, "Adding Client Handover Customer Line is not possible"
        ):
            self.env["hr.client.handover.line"].with_user(self.supervisor).create(
                {"handover_id": handover.id, "partner_id": self.other_customer.id}
            )
        with self.assertRaisesRegex(
            AccessError, "change through the handover buttons only"
        ):
            handover.with_user(self.supervisor).employee_id = self.supervisor_employee
        # Signatures: only one's own, only the image.
        signature = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials" and sig.user_id == self.successor_a
        )
        with self.assertRaises(AccessError):
            signature.with_user(self.successor_b).signature = PNG_SIGNATURE
        with self.assertRaises(AccessError):
            signature.with_user(self.successor_a).write(
                {"signature": PNG_SIGNATURE, "user_id": self.successor_b.id}
            )
        with self.assertRaises(AccessError):
            self.env["hr.client.handover.signature"].with_user(self.witness).create(
                {
                    "handover_id": handover.id,
                    "stage": "materials",
                    "role": "witness",
                    "user_id": self.witness.id,
                }
            )
        self.assertFalse(signature.signed_on)

    def test_outsider_sees_nothing(self):
        handover = self.draft_handover()
        with self.assertRaises(AccessError):
            handover.with_user(self.other_salesman).read(["name"])
        with self.assertRaises(AccessError):
            handover.line_ids[0].with_user(self.other_salesman).read(["partner_id"])
        self.assertEqual(
            self.env["hr.client.handover"]
            .with_user(self.other_salesman)
            .search_count([]),
            0,
        )
        # Every participant sees it (and only it), the successors included.
        Handover = self.env["hr.client.handover"]
        for user in (self.successor_b, self.witness, self.approver):
            self.assertEqual(Handover.with_user(user).search([]), handover)
        self.assertIn(handover, Handover.with_user(self.handover_admin).search([]))

    def test_other_company_context(self):
        """Working from another company, the handover is out of reach."""
        handover = self.advance(self.draft_handover(), "plan_review")
        self.supervisor.company_ids |= self.other_company
        elsewhere = handover.with_user(self.supervisor).with_context(
            allowed_company_ids=self.other_company.ids
        )
        before = self.snapshot(handover)
        with self.assertRaises(AccessError):
            elsewhere.action_review_plan()
        self.assertEqual(self.snapshot(handover), before)
        handover.with_user(self.supervisor).action_review_plan()
        self.assertEqual(handover.state, "plan_approval")

    def test_buttons_ask_the_policy(self):
        """The completing button of each stage shows (its can_<action> field)
        exactly for the roles the button lets through (to the participants:
        nobody else opens the form)."""
        handover = self.draft_handover()
        for state, button, allowed in TRANSITIONS:
            self.advance(handover, state)
            action = button.removeprefix("action_")
            for name in EVERYONE:
                if name == "other_salesman":
                    continue
                shown = handover.with_user(getattr(self, name))[f"can_{action}"]
                self.assertEqual(shown, name in allowed, f"{button} as {name}")

    def test_participants_follow_the_successors(self):
        """Who reads a handover and its parts follows its customers' successors."""
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        self.assign(handover, self.successor_a)
        self.assertIn(self.successor_a, handover.participant_ids)
        self.assertNotIn(self.successor_b, handover.participant_ids)
        self.assign(handover, self.successor_b)
        self.assertIn(self.successor_b, handover.participant_ids)
        self.assertNotIn(self.successor_a, handover.participant_ids)
        Line = self.env["hr.client.handover.line"]
        self.assertFalse(Line.with_user(self.successor_a).search([]))
        self.assertEqual(Line.with_user(self.successor_b).search([]), handover.line_ids)

    def test_item_people_read_the_handover_and_their_checklist(self):
        """Whom the supervisor makes responsible for an item reads the handover
        and its checklist, as a countersigner does, and ticks the item; neither
        reads its customers, signatures, ledger, seals or filed documents."""
        handover = self.draft_handover()
        item = handover.item_ids.filtered(
            lambda i: not i.countersigner_id and not i.post_departure
        )[:1]
        self.assertTrue(item)
        item.with_user(self.supervisor).responsible_id = self.other_salesman
        self.assertNotIn(self.other_salesman, handover.participant_ids)
        colleague = self.env(user=self.other_salesman)
        self.assertEqual(colleague["hr.client.handover"].search([]), handover)
        self.assertEqual(
            colleague["hr.client.handover.item"].search([]), handover.item_ids
        )
        for model in (
            "hr.client.handover.line",
            "hr.client.handover.signature",
            "hr.client.handover.transfer",
            "hr.client.handover.seal",
            "hr.client.handover.document",
        ):
            self.assertFalse(colleague[model].search([]), model)
        with self.assertRaises(AccessError):
            handover.line_ids[:1].with_user(self.other_salesman).read(["partner_id"])
        item.with_user(self.other_salesman).action_mark_done()
        self.assertTrue(item.done)

    def test_signers_read_what_they_sign(self):
        """Whoever a signature is asked of takes part in the handover: they
        read it and its parts, and sign."""
        handover = self.advance(self.draft_handover(), "materials")
        signature = self.env["hr.client.handover.signature"].create(
            {
                "handover_id": handover.id,
                "stage": "materials",
                "role": "witness",
                "user_id": self.other_salesman.id,
            }
        )
        self.assertIn(self.other_salesman, handover.participant_ids)
        colleague = self.env(user=self.other_salesman)
        self.assertEqual(colleague["hr.client.handover"].search([]), handover)
        self.assertEqual(
            colleague["hr.client.handover.line"].search([]), handover.line_ids
        )
        signature.with_user(self.other_salesman).write({"signature": PNG_SIGNATURE})
        self.assertTrue(signature.signed_on)

    def test_my_handovers_are_those_i_take_part_in(self):
        """The search view's 'My Handovers' lists the handovers the user takes
        part in: for a successor theirs, for an administrator who holds no role
        none."""
        handover = self.draft_handover()
        arch = etree.fromstring(
            self.env.ref("hr_client_handover.hr_client_handover_view_search").arch
        )
        (my_filter,) = arch.xpath("//filter[@name='my_handovers']")
        Handover = self.env["hr.client.handover"]
        for user, expected in (
            (self.successor_a, handover),
            (self.handover_admin, Handover),
        ):
            domain = safe_eval(my_filter.get("domain"), {"uid": user.id})
            self.assertEqual(Handover.with_user(user).search(domain), expected)
