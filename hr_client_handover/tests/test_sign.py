"""Signing in one click: the handover's Sign button opens the pad of the
signature the current user owes in the current stage; the pad's Adopt & Sign
writes it, where the policy decides."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PNG_SIGNATURE, HandoverCase


@tagged("post_install", "-at_install")
class TestSign(HandoverCase):
    def test_sign_button_opens_my_signature(self):
        handover = self.draft_handover()
        # Nothing to sign while the plan is drafted.
        self.assertFalse(handover.with_user(self.departing).sign_request_id)
        with self.assertRaisesRegex(UserError, "Nothing awaits your signature"):
            handover.with_user(self.departing).action_sign()

        self.advance(handover, "materials")
        mine = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials" and sig.user_id == self.successor_a
        )
        as_successor = handover.with_user(self.successor_a)
        self.assertEqual(as_successor.sign_request_id, mine)
        action = as_successor.action_sign()
        self.assertEqual(action["tag"], "hr_client_handover_sign")
        self.assertEqual(action["params"]["signature_id"], mine.id)
        self.assertEqual(action["params"]["name"], self.successor_a.name)

        # Someone else's signature has no pad for me; the approver owes none.
        with self.assertRaises(AccessError):
            mine.with_user(self.successor_b).action_sign()
        self.assertFalse(handover.with_user(self.approver).sign_request_id)

        # Once signed, the button is gone for the signer, not for the others.
        mine.with_user(self.successor_a).signature = PNG_SIGNATURE
        handover.invalidate_recordset(["sign_request_id"])
        self.assertFalse(as_successor.sign_request_id)
        with self.assertRaisesRegex(UserError, "Nothing awaits your signature"):
            as_successor.action_sign()
        self.assertEqual(
            handover.with_user(self.successor_b).sign_request_id.user_id,
            self.successor_b,
        )
