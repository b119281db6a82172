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
"""

from odoo import models
from odoo.exceptions import AccessError

from .ir_attachment import HANDOVER_MODELS, handovers_of


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or operation not in ("write", "unlink") or not self._ids:
            return result
        activities = self - result[0] if result else self
        forbidden, error = activities._handover_activity_forbidden()
        if not forbidden:
            return result
        if result:
            return result[0] + forbidden, result[1]
        return forbidden, error

    def _handover_activity_forbidden(self):
        """(activities of ``self`` on handovers the current user may not change,
        error factory)."""
        # Which record each activity is on, whatever the user reads of it.
        activities = self.sudo().filtered(
            lambda act: act.res_model in HANDOVER_MODELS and act.res_id
        )
        if not activities:
            return self.browse(), None
        user = self.env.user
        handovers = handovers_of(
            self.env, [(act.res_model, act.res_id) for act in activities]
        )
        admin = {}
        forbidden = self.browse()
        for activity in activities:
            if activity.user_id == user or (
                activity.create_uid == user and not activity.automated
            ):
                continue
            handover = handovers.get((activity.res_model, activity.res_id))
            if not handover:
                continue
            if handover not in admin:
                admin[handover] = "admin" in handover._get_user_roles(user)
            if not admin[handover]:
                forbidden |= self.browse(activity.id)
        if not forbidden:
            return forbidden, None
        # Named in the refusal: the user tried to change it, by its id.
        first = forbidden[:1].sudo()
        handover = handovers[first.res_model, first.res_id]

        def error():
            return AccessError(
                self.env._(
                    "The activity %(activity)s of %(ref)s is assigned to %(user)s: "
                    "only they, whoever scheduled it or a handover administrator "
                    "can change, reschedule, mark done or cancel it. Nothing was "
                    "changed.",
                    activity=first.summary or first.activity_type_id.name,
                    ref=handover.name,
                    user=first.user_id.name or "-",
                )
            )

        return forbidden, error

    def _action_done(self, feedback=False, attachment_ids=None):
        # Checked before the "done" message is posted, not at the archiving
        # that follows it.
        self.check_access("write")
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
