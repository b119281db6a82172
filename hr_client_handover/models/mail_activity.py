"""Activities on a handover and its parts: changed, rescheduled, marked done,
cancelled or deleted only by their assignee, by whoever scheduled them by
hand, or by a handover administrator.

Core lets anyone who may post on the record (``_mail_post_access``: read on a
handover) change any of its activities. The activities the workflow schedules
(``automated``) were created by whoever moved the handover on, not by a
person who planned them: those are their assignee's or an administrator's.
The workflow closes and removes the activities of others as superuser, once
its button checked the caller (hr_client_handover.py); no gate of the
workflow relies on an activity.

A step's activity (the activities of the stage table and of the steps inside a
stage: waivers, the witness's confirmation, the checklist's later part; the
confirmation of the departure, a done handover's too) is done
by doing the step: *Mark Done* on it, from the chatter or the activity popover,
is refused with the button that does the step, and the activity stays. The
workflow closes it (as superuser) once the step is really done. Reminders, the
follow-up and whatever a person scheduled by hand are marked done as usual.
"""

from odoo import models
from odoo.exceptions import AccessError, UserError

from .hr_client_handover_stages import (
    CLOSED,
    CONFIRM_DEPARTURE_ACTIVITY,
    STAGE,
    STAGES,
    STEPS,
)
from .ir_attachment import (
    HANDOVER_MODELS,
    refuse_handover_changes,
    refused_on_handovers,
)

# {activity type xml id: how its step is done}: the stages' and the other
# steps' of the stage table, those done by doing the step.
STEP_INSTRUCTIONS = {
    **{stage.activity: stage.instructions for stage in STAGES if stage.activity},
    **{step.activity: step.instructions for step in STEPS if step.instructions},
}
# The activity types of steps inside a stage, besides the stages' own.
INNER_STEP_ACTIVITIES = tuple(
    step.activity
    for step in STEPS
    if step.instructions and step.activity != CONFIRM_DEPARTURE_ACTIVITY
)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def unlink(self):
        # A departure never deletes activities: core deletes those of a user
        # being archived (mail's res.users.action_archive); they were
        # transferred by the handover, or they stay on their records, with
        # their user (models/res_users.py). The steps of a handover itself go
        # as before: the direct supervisor acts in the departed user's place.
        leaving = self.env.context.get("handover_archived_user_ids")
        if leaving:
            # As superuser, as core's archive deletes them: whose activity each is and
            # on which model, whatever the archiving user may read.
            kept = self.sudo().filtered(
                lambda act: act.user_id.id in leaving
                and act.res_model not in HANDOVER_MODELS
            )
            return super(MailActivity, self - kept).unlink()
        return super().unlink()

    def _check_access(self, operation):
        return refuse_handover_changes(
            self,
            operation,
            super()._check_access(operation),
            lambda activities: activities._handover_activity_forbidden(),
        )

    def _handover_activity_forbidden(self):
        """(activities of ``self`` on handovers the current user may not change,
        error factory)."""
        user = self.env.user
        admin = {}

        def refusal(activity, handover):
            if activity.user_id == user or (
                activity.create_uid == user and not activity.automated
            ):
                return None
            if handover not in admin:
                admin[handover] = "admin" in handover._get_user_roles(user)
            if admin[handover]:
                return None
            # Named in the refusal: the user tried to change it, by its id.
            return lambda: AccessError(
                self.env._(
                    "The activity %(activity)s of %(ref)s is assigned to %(user)s: "
                    "only they, whoever scheduled it or a handover administrator "
                    "can change, reschedule, mark done or cancel it. Nothing was "
                    "changed.",
                    activity=activity.summary or activity.activity_type_id.name,
                    ref=handover.name,
                    user=activity.user_id.name or "-",
                )
            )

        return refused_on_handovers(
            self, lambda act: (act.res_model, act.res_id), refusal
        )

    def _action_done(self, feedback=False, attachment_ids=None):
        # Checked before the "done" message is posted, not at the archiving
        # that follows it.
        self.check_access("write")
        if not self.env.su:
            self._check_handover_step_undone()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _handover_step_instructions(self):
        """{activity type xml id: how the step is done, for whoever marks its
        activity done}: the stage table's."""
        return {
            xmlid: self.env._(instructions)
            for xmlid, instructions in STEP_INSTRUCTIONS.items()
        }

    def _check_handover_step_undone(self):
        """Refuse to mark done the activity of a step of an open handover: the
        step's button does it, and closes the activity."""
        step_types = {}
        for xmlid in STEP_INSTRUCTIONS:
            kind = self.env.ref(xmlid, raise_if_not_found=False)
            if kind:
                step_types[kind.id] = xmlid
        # As superuser: the kind of every activity, whoever may read it.
        for activity in self.sudo():
            xmlid = step_types.get(activity.activity_type_id.id)
            if (
                not xmlid
                or not activity.automated
                or activity.res_model != "hr.client.handover"
                or not activity.res_id
            ):
                continue
            # As superuser: the handover of the activity, whoever marks it done.
            handover = self.env["hr.client.handover"].sudo().browse(activity.res_id)
            if not handover.exists():
                continue
            if xmlid == CONFIRM_DEPARTURE_ACTIVITY:
                # Confirmed in any stage, a done handover's too, until it is.
                if not handover._departure_confirmation_open():
                    continue
            elif handover.state in CLOSED:
                continue
            elif xmlid not in INNER_STEP_ACTIVITIES and (
                xmlid != STAGE[handover.state].activity
            ):
                # The activity of a stage left already: nothing waits on it.
                continue
            raise UserError(
                self.env._(
                    "%(activity)s (%(ref)s) is done by doing it, not by marking "
                    "the activity done. %(how)s The activity stays open; nothing "
                    "was changed.",
                    activity=activity.summary or activity.activity_type_id.name,
                    ref=handover.name,
                    how=self._handover_step_instructions()[xmlid],
                )
            )
