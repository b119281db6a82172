from odoo.tests import tagged

from ..models.hr_client_handover_stages import (
    DONE,
    PLAN_REVIEW,
    STAGE,
    VISITS,
    next_stage,
)
from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestBannerTurns(HandoverCase):
    """The banner tells a reader it is their turn exactly when the policy lets
    them press the button (its ``can_*`` field), for every role in every
    stage; the administrator, who may press every button, is never told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.readers = (
            cls.departing,
            cls.successor_a,
            cls.successor_b,
            cls.supervisor,
            cls.witness,
            cls.approver,
            cls.handover_admin,
        )

    def assertTurnsAgree(self, handover, action, button):
        """For each reader: "Your turn: <button>" iff the policy lets them
        press the button of ``action`` now, the administrator aside."""
        turn = f"Your turn: {button}"
        for user in self.readers:
            # As the form reads it, in a request of its own.
            self.env.invalidate_all()
            record = handover.with_user(user)
            allowed = record[f"can_{action}"] and user != self.handover_admin
            with self.subTest(stage=handover.state, action=action, user=user.login):
                self.assertEqual(turn in record.banner_text, allowed)

    def test_your_turn_is_the_policys_answer(self):
        handover = self.draft_handover()
        while handover.state != DONE:
            stage = STAGE[handover.state]
            if stage.key == VISITS:
                # Every customer visited, the sheet signed: the witness's turn.
                self.do_visits(handover)
                self.sign(handover, VISITS)
                self.assertTurnsAgree(handover, "witness_visits", "Witness Visits")
            work = getattr(self, f"work_{stage.key}", None)
            if work:
                work(handover)
            self.assertTrue(handover.can_complete_stage, stage.key)
            self.assertTurnsAgree(handover, stage.action, stage.button)
            # The demo presses the button as the first person the policy lets.
            presser = self.env["hr.client.handover.demo"]._presser(
                handover, stage.action
            )
            self.assertTrue(handover.with_user(presser)[f"can_{stage.action}"])
            self.assertNotEqual(presser, self.handover_admin)
            getattr(handover.with_user(presser), f"action_{stage.action}")()
            self.run_triggered_filing(handover)
            self.assertEqual(handover.state, next_stage(stage.key))

    def test_the_submitter_does_not_review(self):
        """The supervisor who submitted the plan does not review it: the
        policy refuses them, so the banner does not give them the turn."""
        handover = self.draft_handover()
        handover.with_user(self.supervisor).action_submit_plan()
        self.assertEqual(handover.state, PLAN_REVIEW)
        self.assertFalse(handover.with_user(self.supervisor).can_review_plan)
        self.assertTurnsAgree(handover, "review_plan", "Review OK")
        self.assertNotIn("Your turn", handover.with_user(self.supervisor).banner_text)
