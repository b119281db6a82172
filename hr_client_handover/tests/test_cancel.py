from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import html2plaintext

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverCancel(HandoverCase):
    """Cancelling, giving the customers back, and the deferred transfer."""

    def cancel(self, handover, user, reason, revert=True):
        wizard = Form(
            self.env["hr.client.handover.cancel"]
            .with_user(user)
            .with_context(default_handover_id=handover.id)
        )
        wizard.reason = reason
        if wizard.transfer_done:
            wizard.revert_transfer = revert
        return wizard.save().action_cancel_handover()

    def test_cancel_reverts_what_nobody_changed(self):
        handover = self.advance(self.draft_handover(), "materials")
        successor_of = {
            line.partner_id: line.successor_id for line in handover.line_ids
        }
        # Meanwhile a manager gives Beta's deal and Gina Gamma to someone else.
        self.lead_beta.user_id = self.other_salesman
        self.gamma.user_id = self.other_salesman

        with self.assertRaises(AccessError):
            handover.with_user(self.departing).action_cancel()
        with self.assertRaises(AccessError):
            self.cancel(handover, self.approver, "Not my call")
        self.assertEqual(handover.state, "materials")

        self.cancel(handover, self.supervisor, "The employee stays after all")
        self.assertEqual(handover.state, "cancel")
        self.assertEqual(handover.cancel_reason, "The employee stays after all")
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertFalse(handover.activity_ids, "no one has anything left to do")

        # Everything the handover set is given back exactly.
        for partner in (
            self.alpha | self.alpha_buyer | self.beta | self.beta_contact | self.zeta
        ):
            self.assertEqual(partner.user_id, self.departing, partner.name)
        self.assertFalse(self.epsilon.user_id, "Epsilon had no salesperson")
        for record in [
            self.lead_alpha,
            self.lead_alpha_buyer,
            self.lead_delta,
            *self.quotations,
        ]:
            self.assertEqual(record.user_id, self.departing, record.display_name)
            self.assertEqual(record.team_id, self.team_a, record.display_name)
        for activity in self.moving_activities:
            self.assertEqual(activity.user_id, self.departing, activity.summary)
        self.assertEqual(self.delta.user_id, self.other_salesman)
        self.assertEqual(self.alpha_other_contact.user_id, self.other_salesman)

        # What changed since stays with its new owner, and the ledger says why.
        self.assertEqual(self.lead_beta.user_id, self.other_salesman)
        self.assertEqual(self.gamma.user_id, self.other_salesman)
        ledger = handover.sudo().transfer_ids
        kept = ledger.filtered(
            lambda row: (row.res_model, row.res_id)
            in {("crm.lead", self.lead_beta.id), ("res.partner", self.gamma.id)}
        )
        self.assertEqual(len(kept), 2)
        self.assertEqual(set(kept.mapped("note")), {"Kept: changed after the handover"})
        self.assertFalse(any(kept.mapped("reverted_on")))
        self.assertTrue(all((ledger - kept).mapped("reverted_on")))

        expected = (
            f"Salesperson: {successor_of[self.alpha].name} → {self.departing.name} "
            f"(handover {handover.name} reverted)"
        )
        self.assertIn(
            expected, [html2plaintext(msg.body) for msg in self.lead_alpha.message_ids]
        )

        # Nothing to cancel or revert twice.
        with self.assertRaisesRegex(UserError, "no completed transfer to revert"):
            handover.with_user(self.supervisor).action_revert_transfer()
        with self.assertRaisesRegex(UserError, "Cancelled"):
            handover.with_user(self.supervisor).action_cancel()

    def test_cancel_then_revert_later(self):
        handover = self.advance(self.draft_handover(), "visits")
        self.cancel(handover, self.handover_admin, "Reorganisation", revert=False)
        self.assertEqual((handover.state, handover.transfer_state), ("cancel", "done"))
        self.assertNotEqual(self.alpha.user_id, self.departing)
        with self.assertRaises(AccessError):
            handover.with_user(self.approver).action_revert_transfer()
        handover.with_user(self.supervisor).action_revert_transfer()
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(self.alpha.user_id, self.departing)
        self.assertEqual(self.lead_alpha.user_id, self.departing)

    def test_cancel_draft_frees_the_customers(self):
        handover = self.draft_handover()
        self.cancel(handover, self.supervisor, "Wrong employee")
        self.assertEqual(
            (handover.state, handover.transfer_state), ("cancel", "pending")
        )
        self.assertEqual(self.alpha.user_id, self.departing)
        again = self.draft_handover()
        self.assertEqual(again.line_ids.partner_id, self.customers)

    def test_transfer_on_summary_approval(self):
        template = self.env.ref(
            "hr_client_handover.handover_template_resignation"
        ).copy({"transfer_moment": "summary"})
        handover = self.advance(
            self.draft_handover(template_id=template.id), "materials"
        )
        self.assertEqual(handover.transfer_state, "pending")
        self.assertFalse(handover.sudo().transfer_ids)
        self.assertEqual(self.alpha.user_id, self.departing)
        self.assertEqual(self.lead_alpha.user_id, self.departing)

        self.advance(handover, "summary_approval")
        self.assertEqual(handover.transfer_state, "pending")
        self.assertEqual(self.quote_beta.user_id, self.departing)

        self.advance(handover, "done")
        self.assertEqual(handover.transfer_state, "done")
        successor_of = {
            line.partner_id: line.successor_id for line in handover.line_ids
        }
        self.assertEqual(self.alpha.user_id, successor_of[self.alpha])
        self.assertEqual(self.lead_alpha.user_id, successor_of[self.alpha])
        self.assertEqual(self.quote_beta.user_id, successor_of[self.beta])
        self.assertEqual(self.act_alpha.user_id, successor_of[self.alpha])
        self.assertEqual(self.lead_alpha_won.user_id, self.departing)
        self.assertTrue(handover.sudo().transfer_ids)
