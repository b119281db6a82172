from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HandoverCase
from .test_reports import PLAN


@tagged("post_install", "-at_install")
class TestNoCustomerLeft(HandoverCase):
    """The plan is compared with everything the departing user owns; an
    omission is refused unless the direct supervisor justified it."""

    def justify(self, handover, partner, reason, user=None):
        with Form(handover.with_user(user or self.supervisor)) as form:
            with form.omission_ids.new() as omission:
                omission.partner_id = partner
                omission.reason = reason
        return handover.omission_ids.filtered(lambda o: o.partner_id == partner)

    def test_deleted_line_is_an_omission(self):
        handover = self.draft_handover()
        # The departing employee removes a customer from their own plan.
        gamma_line = handover.line_ids.filtered(lambda ln: ln.partner_id == self.gamma)
        gamma_line.with_user(self.departing).unlink()
        self.assertEqual(handover.omitted_partner_ids, self.gamma)
        with self.assertRaisesRegex(UserError, "Gina Gamma.*Generate Lines.*justify"):
            handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "draft")
        # Generate Lines brings it back: the plan passes.
        handover.with_user(self.departing).action_generate_lines()
        self.assertFalse(handover.omitted_partner_ids)
        handover.line_ids.filtered(lambda ln: not ln.successor_id).with_user(
            self.departing
        ).successor_id = self.successor_a
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")

    def test_owned_records_of_a_customer_out_of_the_plan(self):
        handover = self.draft_handover()
        # A deal the departing user opened on someone else's customer, after the
        # plan was drawn: that customer is left behind.
        self.env["crm.lead"].create(
            {
                "name": "Omega side deal",
                "type": "opportunity",
                "partner_id": self.other_customer.id,
                "user_id": self.departing.id,
            }
        )
        handover.invalidate_recordset(["omitted_partner_ids"])
        self.assertEqual(handover.omitted_partner_ids, self.other_customer)
        with self.assertRaisesRegex(UserError, "1 customer.*Omega Other"):
            handover.with_user(self.departing).action_submit_plan()

    def test_message_names_a_few_and_counts(self):
        handover = self.draft_handover()
        self.env["res.partner"].create(
            [
                {"name": f"Forgotten {n}", "is_company": True, "user_id": self.departing.id}
                for n in range(7)
            ]
        )
        with self.assertRaisesRegex(UserError, r"7 customer.*and 2 more") as caught:
            handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(str(caught.exception).count("Forgotten"), 5)

    def test_supervisor_justifies_the_departing_may_not(self):
        handover = self.draft_handover()
        handover.line_ids.filtered(
            lambda ln: ln.partner_id == self.zeta
        ).with_user(self.departing).unlink()
        # Not on the form, nor by any other path.
        with self.assertRaises(AssertionError):
            self.justify(handover, self.zeta, "I keep it", user=self.departing)
        with self.assertRaises(AccessError):
            self.env["hr.client.handover.omission"].with_user(self.departing).create(
                {
                    "handover_id": handover.id,
                    "partner_id": self.zeta.id,
                    "reason": "I keep it",
                }
            )
        self.assertFalse(handover.omission_ids)
        # A reason is required.
        with self.assertRaises(ValidationError):
            self.env["hr.client.handover.omission"].with_user(self.supervisor).create(
                {"handover_id": handover.id, "partner_id": self.zeta.id, "reason": " "}
            )
        omission = self.justify(handover, self.zeta, "Closing its account this month")
        self.assertEqual(omission.justified_by_id, self.supervisor)
        self.assertTrue(omission.justified_on)
        self.assertFalse(handover.omitted_partner_ids)
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")
        # The departing employee cannot remove the justification either.
        with self.assertRaises(AccessError):
            omission.with_user(self.departing).unlink()

        # At approval the plan is compared again: a customer given to the
        # departing user meanwhile is refused, until justified.
        self.advance(handover, "plan_approval")
        late = self.env["res.partner"].create(
            {"name": "Late Arrival", "is_company": True, "user_id": self.departing.id}
        )
        with self.assertRaisesRegex(UserError, "Late Arrival"):
            handover.with_user(self.approver).action_approve_plan()
        self.justify(handover, late, "Moves to the key account team")
        handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        # Justified customers are not moved: they stay where they are.
        self.assertEqual(self.zeta.user_id, self.departing)

        # The plan prints them with the reason, who and when.
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(PLAN, handover.ids)[0]
        )
        self.assertIn("Customers not handed over", html)
        for text in (
            "Zeta Print",
            "Closing its account this month",
            "Late Arrival",
            "Moves to the key account team",
            self.supervisor.name,
        ):
            self.assertIn(text, html)
