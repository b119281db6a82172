"""A step's activity is done by doing the step: marking it done is refused
with the button to press, the stage and the activity stay; the step's button
closes it. Other activities are marked done as usual."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestActivityDone(HandoverCase):
    def test_marking_the_approval_done_does_not_approve_the_plan(self):
        handover = self.advance(self.draft_handover(), "plan_approval")
        activity = self.open_activities(handover, "approve_plan")
        self.assertEqual(activity.user_id, self.approver)
        as_approver = activity.with_user(self.approver)
        for call in (
            lambda act: act.action_feedback(feedback="Plan is fine, approved."),
            lambda act: act.action_done(),
            lambda act: act.action_feedback_schedule_next(feedback="OK"),
        ):
            with self.assertRaisesRegex(UserError, "press Approve Plan"):
                call(as_approver)
        self.assertEqual(handover.state, "plan_approval")
        self.assertTrue(activity.exists() and activity.active)
        self.assertFalse(
            handover.sudo().message_ids.filtered(
                lambda msg: msg.mail_activity_type_id == activity.activity_type_id
            ),
            "no 'done' message reads as if the plan were approved",
        )
        # Doing the step closes it.
        handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        self.assertActivityDone(handover, "approve_plan")

    def test_marking_the_draft_done_names_submit_plan(self):
        handover = self.draft_handover()
        activity = self.open_activities(handover, "draft_plan")
        self.assertEqual(activity.user_id, self.departing)
        with self.assertRaisesRegex(UserError, "press Submit Plan"):
            activity.with_user(self.departing).action_feedback(feedback="Done")
        self.assertEqual(handover.state, "draft")
        self.assertTrue(activity.active)
        handover.with_user(self.departing).action_submit_plan()
        self.assertActivityDone(handover, "draft_plan")

    def test_a_successors_materials_activity_is_closed_by_confirming(self):
        handover = self.advance(self.draft_handover(), "materials")
        activity = self.open_activities(handover, "materials").filtered(
            lambda act: act.user_id == self.successor_a
        )
        self.assertTrue(activity)
        with self.assertRaisesRegex(UserError, "Confirm Received"):
            activity.with_user(self.successor_a).action_feedback()
        self.assertTrue(activity.active)
        for line in handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        ):
            line.with_user(self.successor_a).action_confirm_materials()
        self.assertFalse(activity.active)

    def test_refusal_names_the_handover(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        activity = self.open_activities(handover, "review_plan")
        self.env["res.lang"]._activate_lang("fr_FR")
        # Whatever the language, the refusal names the handover and the step.
        with self.assertRaisesRegex(UserError, handover.name):
            activity.with_user(self.supervisor).with_context(
                lang="fr_FR"
            ).action_feedback()

    def test_reminders_and_hand_scheduled_activities_are_marked_done(self):
        handover = self.draft_handover()
        todo = handover.with_user(self.supervisor).activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Call the customer first",
            user_id=self.departing.id,
        )
        todo.sudo().automated = False
        todo.with_user(self.departing).action_feedback(feedback="Called")
        self.assertFalse(todo.active)
        handover._schedule_activity(
            "hr_client_handover.mail_act_handover_reminder",
            self.departing,
            self.today,
        )
        reminder = self.open_activities(handover, "reminder")
        reminder.with_user(self.departing).action_feedback(feedback="On it")
        self.assertFalse(reminder.active)
        self.assertEqual(handover.state, "draft")

    def test_the_activity_of_a_stage_left_is_marked_done(self):
        """Nothing waits on the activity of a stage the handover has left
        (the workflow closes it; one left over is nobody's work)."""
        handover = self.advance(self.draft_handover(), "plan_review")
        handover._schedule_activity(
            "hr_client_handover.mail_act_handover_draft_plan",
            self.departing,
            self.today,
        )
        stale = self.open_activities(handover, "draft_plan")
        stale.with_user(self.departing).action_feedback()
        self.assertFalse(stale.active)

    def departure_to_confirm(self, handover):
        """The day after the last working day asked the direct supervisor to
        confirm the departure: their activity."""
        handover._schedule_departure_confirmation()
        activity = self.open_activities(handover, "confirm_departure")
        self.assertEqual(activity.user_id, self.supervisor)
        return activity

    def test_marking_the_departure_confirmed_on_a_done_handover_is_refused(self):
        """Done, the handover still waits for the departure to be confirmed:
        only Confirm Departure does it and closes the activity."""
        handover = self.advance(self.draft_handover(), "done")
        self.assertEqual(handover.handover_type, "resignation")
        activity = self.departure_to_confirm(handover)
        with self.assertRaisesRegex(UserError, "press Confirm Departure"):
            activity.with_user(self.supervisor).action_feedback(feedback="Left")
        self.assertTrue(activity.active)
        self.assertFalse(handover.departure_confirmed_on)
        with freeze_time(self.working_days_after(handover.last_working_date, 1)):
            handover.with_user(self.supervisor).action_confirm_departure()
        self.assertActivityDone(handover, "confirm_departure")

    def test_a_cancelled_handover_leaves_no_departure_to_confirm(self):
        """Cancelled, the departure cannot be confirmed any more: its activity
        is gone with the stages' own."""
        handover = self.advance(self.draft_handover(), "materials")
        activity = self.departure_to_confirm(handover)
        self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
            {"handover_id": handover.id, "reason": "Stays", "revert_transfer": False}
        ).action_cancel_handover()
        self.assertFalse(activity.exists())
