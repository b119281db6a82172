"""The activities of a handover: who acts in each stage, the activities a
stage gives them with their deadline, and the scheduled actions that remind
them before the last working day, escalate an overdue stage (again until
someone acts), and give a leave's records back on the day of return.
"""

from odoo import api, fields, models

from .hr_client_handover_stages import (
    CANCEL,
    MATERIALS,
    OPEN,
    STAGE,
    STAGES,
    STEP,
    STEPS,
)
from .hr_client_handover_visits import REVIEW_WORKING_DAYS

# stage key -> (activity type xml id, role of the users who must act)
STAGE_ACTIVITIES = {
    stage.key: (stage.activity, stage.activity_role)
    for stage in STAGES
    if stage.activity
}
# The activities each of them is given, those of STAGE_ACTIVITIES and the
# ones of their own steps: they follow the person who replaces them.
ROLE_ACTIVITIES = {
    field: tuple(
        xmlid for xmlid, role in STAGE_ACTIVITIES.values() if f"{role}_id" == field
    )
    + tuple(step.activity for step in STEPS if f"{step.role}_id" == field)
    for field in ("supervisor_id", "approver_id", "witness_id")
}
# Activities of a stage besides its own, removed when it is left: waivers left
# undecided where visits are optional are nothing to do.
STAGE_SIDE_ACTIVITIES = [step.activity for step in STEPS if step.stage]


class HrClientHandoverActivityMixin(models.AbstractModel):
    """The activities of the handover's stages (inherited by hr.client.handover)."""

    _name = "hr.client.handover.activity.mixin"
    _description = "Client Handover Activities"

    def _users_for_role(self, role):
        self.ensure_one()
        if role == "successor":
            return self.line_ids.successor_id
        if role == "departing":
            user = self.departing_user_id
            return user if user and user.active else self.supervisor_id
        return {
            "supervisor": self.supervisor_id,
            "approver": self.approver_id,
            # Without a witness (not required off key positions), the supervisor.
            "witness": self.witness_id or self.supervisor_id,
        }[role]

    def _activity_deadline(self, key):
        """The deadline of the activities of the stage ``key`` (its ``deadline``)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if STAGE[key].deadline == "review":
            return self._add_working_days(today, REVIEW_WORKING_DAYS)
        deadline = self.last_working_date or today
        return max(deadline, today)

    def _schedule_stage_activities(self):
        for handover in self:
            stage = STAGE[handover.state]
            xmlid, role = stage.activity, stage.activity_role
            if not xmlid:
                continue
            deadline = handover._activity_deadline(handover.state)
            note = "_visit_activity_note" if role == "visitor" else None
            for user in handover._users_to_act(role):
                handover._schedule_activity(xmlid, user, deadline, note=note)

    def _schedule_activity(self, xmlid, user, deadline, note=None):
        """Schedule an activity in its assignee's language: the activity keeps
        the summary and note of its type as read when it is created (``note``:
        the name of a method writing the note for the assignee instead)."""
        self.ensure_one()
        # The workflow schedules it once the caller passed the policy: following
        # the assignee in as a follower needs no right of the caller's.
        in_lang = self.sudo().with_context(lang=user.lang or self.env.lang)
        values = {"note": getattr(in_lang, note)(user)} if note else {}
        in_lang.activity_schedule(
            xmlid, date_deadline=deadline, user_id=user.id, **values
        )

    def _users_to_act(self, role):
        """Users who must act in the current stage: successors only when one of
        their lines still waits for them (a re-visit concerns one customer)."""
        self.ensure_one()
        if role == "visitor":
            return self._visitors_to_act()
        if role != "successor":
            return self._users_for_role(role)
        if self.state == MATERIALS:
            waiting = [("materials_confirmed_on", "=", False)]
        else:
            waiting = [("visit_state", "not in", ("done", "waived"))]
        # Grouped in SQL: a handover of 100,000 customers is not loaded line by
        # line to find its few successors. As superuser: every successor still
        # to act, whichever lines the caller may read.
        groups = (
            self.env["hr.client.handover.line"]
            .sudo()
            ._read_group(
                [("handover_id", "=", self.id), ("successor_id", "!=", False)]
                + waiting,
                ["successor_id"],
            )
        )
        return self.env["res.users"].browse([user.id for (user,) in groups])

    def _close_stage_activities(self, key, feedback=None):
        # As superuser: the button that leaves the stage checked its caller;
        # the activities it closes are others' (mail.activity allows only
        # their assignee, models/mail_activity.py). "Done" still names the
        # user who pressed it.
        handovers = self.sudo()
        xmlid = STAGE[key].activity
        if xmlid:
            handovers.activity_feedback([xmlid], feedback=feedback)
        handovers.activity_unlink(STAGE_SIDE_ACTIVITIES)

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------
    @api.model
    def _cron_remind_and_escalate(self):
        """Once the days left fall to the company's setting or below, remind the
        people who must act in the current stage (once per stage, so a missed
        daily run still reminds); once the stage is overdue, escalate it up the
        organisation chart, again every few working days until someone acts
        (``_escalate_if_overdue``, models/hr_client_handover_timeline.py)."""
        today = fields.Date.context_today(self)
        for handover in self.search([("state", "in", OPEN)]):
            # Written on the handover in its people's language, as a person
            # of the company would.
            handover = handover.with_context(lang=handover._people_lang())
            handover._escalate_if_overdue(today)
            if not handover.last_working_date:
                continue
            days_left = (handover.last_working_date - today).days
            if (
                0 <= days_left <= handover.company_id.handover_reminder_days
                and handover.reminded_stage != handover.state
            ):
                role = STAGE[handover.state].activity_role
                for user in handover._users_to_act(role):
                    handover._schedule_activity(
                        STEP["reminder"].activity,
                        user,
                        handover.last_working_date,
                    )
                handover.reminded_stage = handover.state

    @api.model
    def _cron_return_from_leave(self):
        today = fields.Date.context_today(self)
        handovers = self.search(
            [
                ("handover_type", "=", "leave"),
                ("transfer_state", "=", "done"),
                ("return_date", "<=", today),
                ("returned_on", "=", False),
                ("state", "!=", CANCEL),
            ]
        )
        for handover in handovers:
            handover.with_context(lang=handover._people_lang())._return_from_leave()
            self.env["ir.cron"]._commit_progress(1)
