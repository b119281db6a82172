"""The departure timeline as the policy writes it.

- Everything the departing person must do is due by the last working day
  (离职前完成); the reviews within three working days (the stage table's
  ``deadline``). An overdue stage is escalated to the next person up the
  organisation chart, again every few working days (the company's setting),
  at most once a day, until someone acts.
- The day after the last working day the accounts are revoked (离职后一个工作日内
  注销全部系统账号): the system archives the departing user, the IT item of the
  checklist records it, and whatever still needs the departing person passes
  to the direct supervisor, who acts in their place (代签). A handover not
  finished by then is late (``_on_late_departure``).
- The direct supervisor confirms the departure (确认离职事实) within three
  working days after the last working day: recorded and sealed.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError

from .hr_client_handover_stages import (
    CANCEL,
    CLOSED,
    CONFIRM_DEPARTURE_ACTIVITY,
    SELECTION,
    STAGE,
)
from .hr_client_handover_visits import REVIEW_WORKING_DAYS

_logger = logging.getLogger(__name__)

# The handover types after which the departing employee leaves the company:
# their accounts are revoked and their departure confirmed.
LEAVING_TYPES = ("resignation",)
CONFIRM_ACTIVITY = CONFIRM_DEPARTURE_ACTIVITY
OVERDUE_ACTIVITY = "hr_client_handover.mail_act_handover_overdue"
# How far up the organisation chart an escalation looks.
ESCALATION_DEPTH = 10


class HrClientHandoverTimelineMixin(models.AbstractModel):
    """The last working day and what follows it (inherited by
    hr.client.handover)."""

    _name = "hr.client.handover.timeline.mixin"
    _description = "Client Handover Departure Timeline"

    departure_confirmed_by_id = fields.Many2one(
        "res.users",
        string="Departure Confirmed by",
        readonly=True,
        copy=False,
        help="The direct supervisor who confirmed the departure (确认离职事实), "
        "within three working days after the last working day.",
    )
    departure_confirmed_on = fields.Datetime(
        string="Departure Confirmed on", readonly=True, copy=False
    )
    departure_confirm_due_date = fields.Date(
        compute="_compute_departure_confirm_due_date",
        string="Confirm Departure by",
        help="Three working days after the last working day.",
    )
    accounts_revoked_on = fields.Datetime(
        string="Accounts Revoked on",
        readonly=True,
        copy=False,
        help="When the system archived the departing user, the day after the "
        "last working day.",
    )
    # The day the day-after job revoked the accounts (or found them revoked).
    departure_processed_on = fields.Date(readonly=True, copy=False)
    # The day the archive was first refused (told once; escalation goes on).
    revocation_refused_on = fields.Date(readonly=True, copy=False)
    late_departure_on = fields.Date(
        string="Late Since",
        readonly=True,
        copy=False,
        help="The handover was not finished by the last working day.",
    )
    escalated_stage = fields.Selection(SELECTION, readonly=True, copy=False)
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        help="How many times the overdue stage was escalated.",
    )
    can_confirm_departure = fields.Boolean(compute="_compute_can_actions")

    @api.depends("last_working_date", "company_id")
    def _compute_departure_confirm_due_date(self):
        for handover in self:
            day = handover.last_working_date
            handover.departure_confirm_due_date = day and handover._add_working_days(
                day, REVIEW_WORKING_DAYS
            )

    # ------------------------------------------------------------------
    # The policy's conditions (models/hr_client_handover_policy.py)
    # ------------------------------------------------------------------
    def _departure_happened(self):
        """The departing employee has left: their last working day has passed,
        or their user is archived."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        # As superuser: the policy asks this for any caller, who may not read the user
        # (a portal user, another company's user).
        user = self.departing_user_id.sudo()
        return bool(
            (self.last_working_date and self.last_working_date < today)
            or (user and not user.active)
        )

    def _policy_departed(self):
        return self._departure_happened()

    def _policy_leaves_company(self):
        return self.handover_type in LEAVING_TYPES

    def _policy_departure_unconfirmed(self):
        return not self.departure_confirmed_on

    def _departure_confirmation_open(self):
        """The departure can still be confirmed (its activity waits on it):
        a resignation not cancelled whose departure nobody confirmed yet."""
        self.ensure_one()
        return (
            self.state != CANCEL
            and self._policy_leaves_company()
            and self._policy_departure_unconfirmed()
        )

    def _policy_frozen_message(self, condition):
        if condition == "departed":
            return self.env._(
                "%(user)s has not left yet: the departure is confirmed once their "
                "last working day (%(day)s) has passed. Nothing was changed.",
                user=self.employee_id.name,
                day=self.last_working_date or "-",
            )
        if condition == "leaves_company":
            return self.env._(
                "%(ref)s is not a resignation: %(user)s stays in the company and "
                "there is no departure to confirm. Nothing was changed.",
                ref=self.name,
                user=self.employee_id.name,
            )
        if condition == "departure_unconfirmed":
            return self.env._(
                "%(by)s already confirmed the departure of %(user)s on %(date)s. "
                "Nothing was changed.",
                by=self.departure_confirmed_by_id.name,
                user=self.employee_id.name,
                date=self.departure_confirmed_on,
            )
        return super()._policy_frozen_message(condition)

    # ------------------------------------------------------------------
    # Confirm Departure (确认离职事实)
    # ------------------------------------------------------------------
    def action_confirm_departure(self):
        """The direct supervisor confirms that the employee has left."""
        self._policy_check_button(
            "confirm_departure", self._action_label("confirm_departure")
        )
        for handover in self:
            handover._stamp(
                "confirmation", "departure_confirmed_by_id", "departure_confirmed_on"
            )
            # As superuser: the activity may be another's (an administrator's
            # role change left it with the former supervisor).
            handover.sudo().activity_feedback([CONFIRM_ACTIVITY])
            handover.message_post(
                body=self.env._(
                    "%(supervisor)s confirmed the departure of %(user)s (last "
                    "working day: %(day)s).",
                    supervisor=self.env.user.name,
                    user=handover.employee_id.name,
                    day=handover.last_working_date or "-",
                )
            )
        return True

    def _schedule_departure_confirmation(self):
        """The direct supervisor confirms the departure within three working
        days after the last working day: their activity, once."""
        self.ensure_one()
        supervisor = self.supervisor_id
        if (
            not supervisor
            or self.departure_confirmed_on
            or self.handover_type not in LEAVING_TYPES
            or self.activity_ids.filtered(
                lambda act: act.activity_type_id
                == self.env.ref(CONFIRM_ACTIVITY, raise_if_not_found=False)
            )
        ):
            return
        self._schedule_activity(
            CONFIRM_ACTIVITY, supervisor, self.departure_confirm_due_date
        )

    # ------------------------------------------------------------------
    # The day after the last working day
    # ------------------------------------------------------------------
    @api.model
    def _cron_revoke_departed_accounts(self):
        """The day after the last working day: the late handovers are
        recorded, the direct supervisor is asked to confirm the departure, and
        the departing user is archived (their accounts revoked), unless the
        addon's archive guard refuses it (the customers have not moved yet):
        then it is said on the handover, tried again the next day, and the
        escalation goes on."""
        today = fields.Date.context_today(self)
        handovers = self.search(
            [
                ("handover_type", "in", LEAVING_TYPES),
                ("state", "!=", CANCEL),
                ("last_working_date", "<", today),
                ("departure_processed_on", "=", False),
            ]
        )
        for handover in handovers:
            # Written on the handover in its people's language (see
            # ``_cron_remind_and_escalate``).
            handover = handover.with_context(lang=handover._people_lang())
            if handover.state not in CLOSED and not handover.late_departure_on:
                # As superuser: the workflow's own field, which no user writes (the job
                # may be run by hand).
                handover.sudo().late_departure_on = today
                handover._on_late_departure()
            handover._schedule_departure_confirmation()
            try:
                with self.env.cr.savepoint():
                    handover._revoke_departing_accounts()
            except (UserError, RedirectWarning) as exc:
                self.env.invalidate_all()
                handover._on_revocation_refused(exc)
            if self.env.context.get("cron_id"):
                # In the scheduled action: each handover done is kept (outside
                # it, _commit_progress would commit the caller's transaction).
                self.env["ir.cron"]._commit_progress(1)

    def _on_late_departure(self):
        """The handover was not finished by the last working day (a breach of
        the policy, 违规): recorded in the incident register, the person who
        had to act in the current stage accountable (the departing employee
        when nobody else had)."""
        self.ensure_one()
        description = self.env._(
            "The handover was not finished by the last working day (%(day)s): "
            "it is still in the stage '%(stage)s'. Still to do by %(user)s: "
            "%(left)s.",
            day=self.last_working_date,
            stage=self._stage_label(),
            user=self.employee_id.name,
            left=self._departing_duties_left() or self.env._("nothing"),
        )
        # Said on the handover by the register.
        role = STAGE[self.state].activity_role
        late = self._users_to_act(role)[:1] if role else None
        self._record_incident("late", description, user=late or None)

    def _on_revocation_refused(self, exc):
        """The archive was refused: logged every day, said on the handover
        once."""
        self.ensure_one()
        reason = exc.args[0] if exc.args else str(exc)
        _logger.info(
            "Accounts of %s (%s) not revoked: %s",
            self.departing_user_id.login,
            self.name,
            reason,
        )
        if self.revocation_refused_on:
            return
        # As superuser: the workflow's own field, which no user writes.
        self.sudo().revocation_refused_on = fields.Date.context_today(self)
        self.message_post(
            body=self.env._(
                "The accounts of %(user)s could not be revoked the day after the "
                "last working day: %(reason)s The system tries again every day; "
                "the handover is escalated until then.",
                user=self.departing_user_id.name,
                reason=reason,
            )
        )

    def _revoke_departing_accounts(self):
        """Archive the departing user (as the system), hand what still needs
        them to the direct supervisor (代签), and record the revocation on the
        checklist's accounts item."""
        self.ensure_one()
        now = fields.Datetime.now()
        system = self.env.ref("base.user_root")
        # As superuser: the system archives the user, which the caller (the
        # day-after job, HR) may not do by their own rights.
        user = self.departing_user_id.sudo()
        if self.state not in CLOSED and not self.departure_allowed_on:
            # Whatever still needs the departing person passes to the direct
            # supervisor, as after an early departure.
            # Allowed by the system, sealed as an allowed departure is.
            self.with_user(system)._stamp(
                "departure",
                "departure_allowed_by_id",
                "departure_allowed_on",
                sealed=("supervisor_id",),
            )
        revoked = bool(user and user.active)
        if revoked:
            # Archived by write, not action_archive: core deletes the
            # activities of an archived user, which the handover still needs.
            # (The archive hands their activities to the supervisor:
            # _on_departing_user_archived.)
            user.write({"active": False})
        # As superuser: the revocation's dates are the workflow's own fields, which no
        # user writes.
        self.sudo().write(
            {
                "accounts_revoked_on": now if revoked else False,
                "departure_processed_on": fields.Date.context_today(self),
            }
        )
        if revoked:
            self._seal("revocation", self, ("accounts_revoked_on",))
        self._record_revocation_on_checklist(revoked)

    def _hand_activities_to_supervisor(self, user):
        """The activities of the archived ``user`` on this handover go to the
        direct supervisor, each marked as done on their behalf (代签)."""
        supervisor = self.supervisor_id
        if not supervisor:
            return
        # As superuser: the archived user's activities, which the caller (HR,
        # the day-after job) may not read.
        for activity in self.sudo().activity_ids.filtered(
            lambda act: act.user_id == user
        ):
            label = activity.summary or activity.activity_type_id.name or ""
            activity.write(
                {
                    "user_id": supervisor.id,
                    "summary": self.env._(
                        "On behalf of %(user)s: %(summary)s",
                        user=user.name,
                        summary=label,
                    ),
                }
            )

    def _record_revocation_on_checklist(self, revoked):
        """The checklist's accounts item (IT's countersign) is done by the
        system, with a note saying how; IT countersigns it as usual."""
        self.ensure_one()
        items = self.item_ids.filtered(
            lambda item: item.category == "accounts"
            and item.post_departure
            and not item.done
        )
        if not items:
            return
        user = self.departing_user_id
        note = (
            self.env._(
                "Accounts revoked by the system: %(user)s archived on %(date)s, the "
                "day after the last working day.",
                user=user.name,
                date=fields.Date.context_today(self),
            )
            if revoked
            else self.env._(
                "Accounts found revoked by the system: %(user)s was already "
                "archived.",
                user=user.name,
            )
        )
        # As superuser: the system ticks the item (done by OdooBot), which no user may
        # tick for it.
        items.sudo().write(
            {
                "done": True,
                "done_by_id": self.env.ref("base.user_root").id,
                "done_on": fields.Datetime.now(),
                "done_note": note,
            }
        )
        items._seal_items(("done", "done_by_id", "done_on", "done_note"))
        self.env["hr.client.handover.item"]._close_activities(self)

    # ------------------------------------------------------------------
    # Escalation, repeated until someone acts
    # ------------------------------------------------------------------
    def _is_stage_overdue(self, today):
        """Whether the current stage is late: its activities are past their
        deadline, or the last working day has passed."""
        self.ensure_one()
        if self.state in CLOSED:
            return False
        if self.last_working_date and self.last_working_date < today:
            return True
        xmlid = STAGE[self.state].activity
        kind = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        return any(
            act.activity_type_id == kind and act.date_deadline < today
            # As superuser: every activity of the stage counts, whoever may read it.
            for act in self.sudo().activity_ids
        )

    def _escalation_chain(self):
        """Who an overdue stage goes to, in order: the division manager, then
        the managers above them in the organisation chart; never the people
        who must act in the stage (their supervisor first, when they are the
        division manager)."""
        self.ensure_one()
        stage = STAGE[self.state]
        actors = (
            self._users_to_act(stage.activity_role)
            if stage.activity_role
            else self.env["res.users"]
        )
        start = self.approver_id or self.supervisor_id
        chain = [start] if start else []
        # As superuser: the organisation chart above the approver, from their employee
        # record, which only HR reads.
        employee = start.sudo().employee_ids.filtered(
            lambda emp: emp.company_id == self.company_id
        )[:1]
        seen = set(employee.ids)
        for _depth in range(ESCALATION_DEPTH):
            employee = employee.parent_id
            if not employee or employee.id in seen:
                break
            seen.add(employee.id)
            manager = employee.user_id
            if manager and manager.active and manager not in chain:
                chain.append(manager)
        people = [user for user in chain if user not in actors]
        return people or chain

    def _escalate_if_overdue(self, today):
        """Escalate the overdue stage to the next person up: at once, then
        every ``handover_escalation_days`` working days while it stays
        overdue, at most once a day."""
        self.ensure_one()
        if self.escalated_on == today or not self._is_stage_overdue(today):
            return False
        same_stage = self.escalated_stage == self.state
        level = self.escalation_level if same_stage else 0
        if same_stage and self.escalated_on:
            every = max(self.company_id.handover_escalation_days, 1)
            if self._add_working_days(self.escalated_on, every) > today:
                return False
        chain = self._escalation_chain()
        if not chain:
            return False
        user = chain[min(level, len(chain) - 1)]
        self._schedule_activity(OVERDUE_ACTIVITY, user, today)
        # As superuser: when and to whom the stage was escalated are the workflow's own
        # fields, which the policy lets no user write.
        self.sudo().write(
            {
                "escalated_on": today,
                "escalated_stage": self.state,
                "escalation_level": level + 1,
            }
        )
        self.message_post(
            body=self.env._(
                "The stage '%(stage)s' is overdue: escalated to %(user)s.",
                stage=self._stage_label(),
                user=user.name,
            )
        )
        return True
