from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverVerification(HandoverCase):
    """Phone spot-check: the sample, and the problem → re-visit loop."""

    def sampled(self, handover):
        return handover.line_ids.filtered("spot_check_selected")

    def test_sample_size(self):
        """max(ceil(rate × n), minimum), never more than the n customers."""
        Template = self.env["hr.client.handover.template"]
        resignation = self.env.ref("hr_client_handover.handover_template_resignation")
        for rate, minimum, expected in ((50.0, 1, 3), (10.0, 10, 6), (40.0, 2, 3)):
            template = Template.create(
                {
                    "name": f"Sample {rate} / {minimum}",
                    "handover_type": "resignation",
                    "spot_check_rate": rate,
                    "spot_check_min": minimum,
                    "item_template_ids": [],
                }
            )
            handover = self.draft_handover(template_id=template.id)
            self.assertEqual(len(handover.line_ids), 6)
            self.advance(handover, "verification")
            self.assertEqual(len(self.sampled(handover)), expected, (rate, minimum))
            self.assertEqual(handover.spot_check_count, expected)
            self.assertEqual(
                set(self.sampled(handover).mapped("check_result")), {"pending"}
            )
            self.assertFalse(
                (handover.line_ids - self.sampled(handover)).filtered("check_result")
            )
            handover.with_user(self.supervisor).action_cancel()
            self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
                {
                    "handover_id": handover.id,
                    "reason": "Next sample",
                    "revert_transfer": True,
                }
            ).action_cancel_handover()
        # The default template: 20 % of 6 is 2, below the minimum of 3.
        self.assertEqual(
            (resignation.spot_check_rate, resignation.spot_check_min), (20.0, 3)
        )

    def test_witness_changes_the_sample(self):
        handover = self.advance(self.draft_handover(), "verification")
        sample = self.sampled(handover)
        self.assertEqual(len(sample), 3)
        outside = handover.line_ids - sample
        with self.assertRaises(AccessError):
            outside[0].with_user(self.supervisor).action_toggle_spot_check()
        outside[0].with_user(self.witness).action_toggle_spot_check()
        self.assertEqual(self.sampled(handover), sample | outside[0])
        with self.assertRaisesRegex(UserError, "not in the spot-check sample"):
            outside[1].with_user(self.witness).with_context(
                check_result="confirmed"
            ).action_set_check_result()
        # Dropping is allowed down to the minimum only, never a confirmed call.
        sample[0].with_user(self.witness).action_toggle_spot_check()
        self.assertFalse(sample[0].check_result)
        with self.assertRaisesRegex(UserError, "at least 3 customers"):
            sample[1].with_user(self.witness).action_toggle_spot_check()
        sample[1].with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        with self.assertRaisesRegex(UserError, "already confirmed"):
            sample[1].with_user(self.witness).action_toggle_spot_check()

    def test_problem_sends_the_customer_back_to_visits(self):
        handover = self.advance(self.draft_handover(), "verification")
        sample = self.sampled(handover)
        problem, *confirmed = sample
        for line in confirmed:
            line.with_user(self.witness).with_context(
                check_result="confirmed"
            ).action_set_check_result()
        problem.with_user(
            self.witness
        ).check_notes = "Nobody introduced the new manager"
        problem.with_user(self.witness).with_context(
            check_result="problem"
        ).action_set_check_result()

        # Back to visits for this customer only.
        self.assertEqual(handover.state, "visits")
        self.assertEqual(problem.visit_state, "pending")
        self.assertFalse(problem.visit_done_on)
        others = handover.line_ids - problem
        self.assertEqual(set(others.mapped("visit_state")), {"done"})
        self.assertActivityDone(handover, "spot_check")
        # Both visitors visit that customer again.
        self.assertActivityFor(
            handover, "visits", problem.successor_id | self.departing
        )
        bodies = [html2plaintext(msg.body) for msg in handover.message_ids]
        reported = f"{problem.partner_id.name} reported a problem"
        self.assertEqual(len([body for body in bodies if reported in body]), 1)
        with self.assertRaisesRegex(UserError, r"1 customer\(s\) are not visited yet"):
            handover.with_user(self.supervisor).action_complete_visits()
        # The visit of the other customers is not asked again.
        with self.assertRaisesRegex(UserError, "already confirmed the visit"):
            others[0].with_user(others[0].successor_id).action_confirm_visit()

        self.do_visits(handover, problem)
        self.witness_visits(handover)
        # The visit sheet changed: who signed it signs it again.
        with self.assertRaisesRegex(UserError, r"Waiting for 4 signature\(s\)"):
            handover.with_user(self.supervisor).action_complete_visits()
        self.sign(handover, "visits")
        handover.with_user(self.supervisor).action_complete_visits()

        # Verification again: same sample, only the problem customer to call.
        self.assertEqual(handover.state, "verification")
        self.assertEqual(self.sampled(handover), sample)
        self.assertEqual(problem.check_result, "pending")
        self.assertFalse(problem.checked_on)
        self.assertEqual(
            set(sample.browse([c.id for c in confirmed]).mapped("check_result")),
            {"confirmed"},
        )
        self.assertActivityFor(handover, "spot_check", self.witness)
        with self.assertRaisesRegex(UserError, r"1 sampled customer\(s\)"):
            handover.with_user(self.witness).action_complete_verification()
        problem.with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        self.sign(handover, "verification")
        handover.with_user(self.witness).action_complete_verification()
        self.assertEqual(handover.state, "summary")

    def test_call_results_are_recorded_once(self):
        handover = self.advance(self.draft_handover(), "verification")
        line = self.sampled(handover)[0]
        with self.assertRaisesRegex(UserError, "Choose the result"):
            line.with_user(self.witness).action_record_check()
        with self.assertRaises(AccessError):
            line.with_user(self.supervisor).with_context(
                check_result="confirmed"
            ).action_set_check_result()
        with self.assertRaises(AccessError):
            line.with_user(self.departing).check_result = "confirmed"
        line.with_user(self.witness).with_context(
            check_result="unreachable"
        ).action_set_check_result()
        self.assertEqual(
            (line.check_result, line.checked_by_id), ("unreachable", self.witness)
        )
        messages = len(handover.message_ids)
        with self.assertRaisesRegex(UserError, "already recorded"):
            line.with_user(self.witness).with_context(
                check_result="unreachable"
            ).action_set_check_result()
        self.assertEqual(len(handover.message_ids), messages)
        # Called back later: a new result is a new call.
        line.with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        self.assertEqual(line.check_result, "confirmed")
        # Each call is sealed; the chatter lists them in the stage's digest.
        self.assertEqual(len(handover.message_ids), messages)
        self.assertEqual(
            handover._stage_events()
            .filtered(lambda s: s.res_id == line.id)
            .mapped("kind"),
            ["check", "check"],
        )

    def test_supervisor_witnesses_without_witness(self):
        """Off key positions the witness is optional: the supervisor stands in."""
        handover = self.draft_handover()
        handover.with_user(self.supervisor).witness_id = False
        self.advance(handover, "materials")
        witness_signature = handover.signature_ids.filtered(
            lambda sig: sig.role == "witness"
        )
        self.assertEqual(witness_signature.user_id, self.supervisor)
        self.advance(handover, "verification")
        self.assertActivityFor(handover, "spot_check", self.supervisor)
        line = self.sampled(handover)[0]
        with self.assertRaises(AccessError):
            line.with_user(self.witness).with_context(
                check_result="confirmed"
            ).action_set_check_result()
        self.do_calls(handover)
        self.assertEqual(self.sampled(handover).checked_by_id, self.supervisor)
        # The supervisor who called signs the phone check.
        verified = handover.signature_ids.filtered(
            lambda sig: sig.stage == "verification"
        )
        self.assertEqual(verified.user_id, self.supervisor)
        self.sign(handover, "verification")
        handover.with_user(self.supervisor).action_complete_verification()
        self.assertEqual(handover.state, "summary")
