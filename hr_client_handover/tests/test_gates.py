import base64
import io

from PIL import Image, ImageDraw

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import PNG_SIGNATURE, HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverGates(HandoverCase):
    """Each stage refuses to be left while its work is not done."""

    def assertRefused(self, handover, user, method, phrase):
        state = handover.state
        messages = len(handover.message_ids)
        with self.assertRaisesRegex(UserError, phrase):
            getattr(handover.with_user(user), method)()
        self.assertEqual(handover.state, state)
        self.assertEqual(len(handover.message_ids), messages)

    # ------------------------------------------------------------------
    # Plan
    # ------------------------------------------------------------------
    def test_submit_without_lines(self):
        handover = self.create_handover()
        self.assertRefused(
            handover, self.departing, "action_submit_plan", "add at least one customer"
        )

    def test_submit_line_without_successor(self):
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        unassigned = handover.line_ids[0]
        self.assign(handover, self.successor_a, lines=handover.line_ids - unassigned)
        self.assertRefused(
            handover,
            self.departing,
            "action_submit_plan",
            rf"give a successor to 1 customer\(s\) \({unassigned.partner_id.name}\)",
        )

    def test_submit_without_deadline(self):
        handover = self.draft_handover(last_working_date=False)
        self.assertRefused(
            handover, self.departing, "action_submit_plan", "set the last working day"
        )

    def test_submit_leave_without_return_date(self):
        handover = self.draft_handover(handover_type="leave")
        self.assertRefused(
            handover, self.departing, "action_submit_plan", "set the return date"
        )

    def test_submit_key_position_without_witness(self):
        handover = self.draft_handover(key_position=True)
        handover.with_user(self.supervisor).witness_id = False
        self.assertRefused(
            handover,
            self.departing,
            "action_submit_plan",
            r"set the supervising witness \(key position\)",
        )

    def test_approve_with_archived_successor(self):
        """A successor who left after the plan was submitted receives nothing."""
        handover = self.advance(self.draft_handover(), "plan_approval")
        self.successor_b.action_archive()
        self.assertRefused(
            handover,
            self.approver,
            "action_approve_plan",
            f"successor.*{self.successor_b.name} is archived",
        )
        self.assertEqual(handover.transfer_state, "pending")
        self.assertEqual(self.alpha.user_id, self.departing)
        self.assertFalse(handover.sudo().transfer_ids)

    # ------------------------------------------------------------------
    # Materials
    # ------------------------------------------------------------------
    def test_materials_not_confirmed(self):
        handover = self.advance(self.draft_handover(), "materials")
        line, *others = handover.line_ids
        for other in others:
            other.with_user(other.successor_id).action_confirm_materials()
        for item in handover.item_ids.filtered(lambda item: not item.post_departure):
            self.tick(item)
        self.sign(handover, "materials")
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_materials",
            rf"materials of 1 customer\(s\) are not confirmed.*{line.partner_id.name}",
        )

    def test_checklist_not_done(self):
        handover = self.advance(self.draft_handover(), "materials")
        self.do_materials(handover)
        item = handover.item_ids.filtered(
            lambda item: not item.needs_receipt and not item.post_departure
        )[0]
        item.with_user(self.supervisor).action_reset()
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_materials",
            r"1 checklist item\(s\) are not done",
        )

    def test_blank_signature_refused(self):
        """A blank, transparent, white or dotted image is no signature."""
        handover = self.advance(self.draft_handover(), "materials")
        signature = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials" and sig.user_id == self.departing
        )

        def png(size, color, dot=None):
            image = Image.new("RGBA", size, color)
            if dot:
                ImageDraw.Draw(image).ellipse(dot, fill=(0, 0, 0, 255))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return base64.b64encode(buffer.getvalue())

        for name, image in (
            ("transparent pixel", png((1, 1), (0, 0, 0, 0))),
            ("transparent box", png((360, 120), (255, 255, 255, 0))),
            ("white box", png((360, 120), (255, 255, 255, 255))),
            ("a dot", png((360, 120), (255, 255, 255, 0), dot=(100, 50, 106, 56))),
        ):
            with (
                self.subTest(image=name),
                self.assertRaisesRegex(UserError, "signature is blank"),
            ):
                signature.with_user(self.departing).signature = image
        self.assertFalse(signature.signed_on)
        signature.with_user(self.departing).signature = PNG_SIGNATURE
        self.assertTrue(signature.signed_on)

    def test_materials_signature_missing(self):
        handover = self.advance(self.draft_handover(), "materials")
        for line in handover.line_ids:
            line.with_user(line.successor_id).action_confirm_materials()
        for item in handover.item_ids.filtered(lambda item: not item.post_departure):
            self.tick(item)
        for item in handover.item_ids.filtered("needs_receipt"):
            item.with_user(self.successor_a).action_confirm()
        self.sign(
            handover,
            "materials",
            users=self.departing | self.successor_a | self.successor_b,
        )
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_materials",
            rf"Waiting for 1 signature\(s\) \({self.witness.name}\)",
        )
        # Signing for someone else, or twice, is refused.
        signature = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials" and sig.user_id == self.witness
        )
        with self.assertRaisesRegex(AccessError, "Only the signer of"):
            signature.with_user(self.supervisor).signature = PNG_SIGNATURE
        departing_sig = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials" and sig.user_id == self.departing
        )
        with self.assertRaisesRegex(UserError, "already signed"):
            departing_sig.with_user(self.departing).signature = PNG_SIGNATURE
        signature.with_user(self.witness).signature = PNG_SIGNATURE
        handover.with_user(self.supervisor).action_complete_materials()
        self.assertEqual(handover.state, "visits")
        with self.assertRaisesRegex(UserError, "is over: its signatures are frozen"):
            signature.with_user(self.witness).signature = False

    # ------------------------------------------------------------------
    # Visits and verification
    # ------------------------------------------------------------------
    def test_visits_pending(self):
        handover = self.advance(self.draft_handover(), "visits")
        first, second, *others = handover.line_ids
        self.do_visits(handover, handover.line_ids.browse([line.id for line in others]))
        self.record_visit(first, first.successor_id)
        first.with_user(first.successor_id).action_confirm_visit()
        self.line_reason(
            second, second.successor_id, "action_request_waiver", "Moved abroad"
        )
        self.assertEqual(
            (first.visit_state, second.visit_state), ("partial", "waiver_requested")
        )
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_visits",
            r"2 customer\(s\) are not visited yet",
        )
        first.with_user(self.departing).action_confirm_visit()
        second.with_user(self.supervisor).action_approve_waiver()
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_visits",
            "has not confirmed the customer visits",
        )
        self.witness_visits(handover)
        self.assertRefused(
            handover,
            self.supervisor,
            "action_complete_visits",
            r"Waiting for 4 signature\(s\)",
        )
        self.sign(handover, "visits")
        handover.with_user(self.supervisor).action_complete_visits()
        self.assertEqual(handover.state, "verification")

    def test_verification_incomplete(self):
        handover = self.advance(self.draft_handover(), "verification")
        sample = handover.line_ids.filtered("spot_check_selected")
        first, second = sample[0], sample[1]
        first.with_user(self.witness).with_context(
            check_result="unreachable"
        ).action_set_check_result()
        self.assertRefused(
            handover,
            self.witness,
            "action_complete_verification",
            rf"{len(sample)} sampled customer\(s\) have not confirmed",
        )
        (sample - first).with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        self.assertRefused(
            handover,
            self.witness,
            "action_complete_verification",
            rf"1 sampled customer\(s\) have not confirmed.*{first.partner_id.name}",
        )
        with self.assertRaisesRegex(
            UserError, r"is recorded \(Confirmed\): it can no longer change"
        ):
            second.with_user(self.witness).action_record_check()
        first.with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        self.assertRefused(
            handover,
            self.witness,
            "action_complete_verification",
            rf"Waiting for 1 signature\(s\) \({self.witness.name}\)",
        )
        self.sign(handover, "verification")
        handover.with_user(self.witness).action_complete_verification()
        self.assertEqual(handover.state, "summary")

    # ------------------------------------------------------------------
    # Summary
    # ------------------------------------------------------------------
    def test_summary_empty(self):
        handover = self.advance(self.draft_handover(), "summary")
        self.sign(handover, "summary")
        handover.with_user(self.departing).summary = "<p><br></p>"
        self.assertRefused(
            handover, self.departing, "action_submit_summary", "is empty"
        )

    def test_summary_signature_missing(self):
        """Summary signatures freeze on submission: they are required before it."""
        handover = self.advance(self.draft_handover(), "summary")
        handover.with_user(self.departing).summary = "<p>Done.</p>"
        self.sign(
            handover, "summary", users=self.departing | self.witness | self.successor_a
        )
        self.assertRefused(
            handover,
            self.departing,
            "action_submit_summary",
            rf"Waiting for 1 signature\(s\) \({self.successor_b.name}\)",
        )

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------
    def assertRefusedBack(self, handover, user, reason, back_to, activity):
        self.refuse(handover, user, reason)
        self.assertEqual(handover.state, back_to)
        self.assertEqual(handover.refuse_reason, reason)
        message = handover.message_ids.filtered(
            lambda msg: f"Refused by {user.name}: {reason}" in html2plaintext(msg.body)
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.departing.partner_id)
        self.assertActivityFor(handover, activity, self.departing)

    def test_refuse_plan_at_review(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        with self.assertRaises(AccessError):
            self.refuse(handover, self.departing, "I refuse my own plan")
        with self.assertRaisesRegex(UserError, "reason"):
            self.refuse(handover, self.supervisor, "   ")
        self.assertEqual(handover.state, "plan_review")
        self.assertRefusedBack(
            handover, self.supervisor, "Split Delta differently", "draft", "draft_plan"
        )
        self.assertActivityDone(handover, "review_plan")
        # Fixed and submitted again: the old reason goes away.
        handover.with_user(self.departing).action_submit_plan()
        self.assertFalse(handover.refuse_reason)
        self.assertActivityFor(handover, "review_plan", self.supervisor)

    def test_refuse_plan_at_approval(self):
        handover = self.advance(self.draft_handover(), "plan_approval")
        with self.assertRaises(AccessError):
            self.refuse(handover, self.witness, "Not mine to refuse")
        self.assertRefusedBack(
            handover, self.approver, "Keep Alpha in team North", "draft", "draft_plan"
        )
        self.assertActivityDone(handover, "approve_plan")
        self.assertEqual(handover.transfer_state, "pending")
        self.assertEqual(self.alpha.user_id, self.departing, "nothing moved")
        # Back in draft the plan can change again.
        handover.line_ids[0].with_user(self.departing).successor_id = self.successor_b

    def test_refuse_summary(self):
        handover = self.advance(self.draft_handover(), "summary_review")
        self.assertRefusedBack(
            handover,
            self.supervisor,
            "Say what Delta expects",
            "summary",
            "write_summary",
        )
        self.assertActivityDone(handover, "review_summary")
        self.advance(handover, "summary_approval")
        self.assertRefusedBack(
            handover, self.approver, "Add the visit results", "summary", "write_summary"
        )
        self.assertActivityDone(handover, "approve_summary")
        self.advance(handover, "done")


@tagged("post_install", "-at_install")
class TestGatesCountInTheDatabase(HandoverCase):
    """A gate counts the lines it refuses in the database and names the first
    five of the plan: it reads no other line, however many there are."""

    def test_gate_counts_and_names_the_first_five(self):
        handover = self.draft_handover()
        Partner = self.env["res.partner"]
        more = Partner.create(
            [{"name": f"Nu {n:02}", "is_company": True} for n in range(12)]
        )
        self.env["hr.client.handover.line"].create(
            [
                {"handover_id": handover.id, "partner_id": partner.id, "sequence": n}
                for n, partner in enumerate(more)
            ]
        )
        lines = handover.line_ids.sorted(lambda line: (line.sequence, line.id))
        without = lines.filtered(lambda line: not line.successor_id)
        self.assertEqual(len(without), 12)
        self.env.flush_all()
        self.env.invalidate_all()
        # The first five in the plan's order, then the count.
        with self.assertQueryCount(2):
            found = handover._gate_lines([("successor_id", "=", False)])
            self.assertEqual(len(found), 12)
            self.assertEqual(found.first.ids, without[:5].ids)
        # Fewer than five: no count.
        with self.assertQueryCount(1):
            found = handover._gate_lines([("partner_id", "=", more[0].id)])
            self.assertEqual(len(found), 1)
        self.assertFalse(handover._gate_lines([("id", "=", 0)]))
        with self.assertRaisesRegex(
            UserError,
            r"give a successor to 12 customer\(s\) \(Nu 00, Nu 01, Nu 02, "
            r"Nu 03, Nu 04\)",
        ):
            handover.with_user(self.departing).action_submit_plan()
