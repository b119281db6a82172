"""The departing employee who leaves before their handover ends: HR allows it
(``action_allow_departure``), and once their user is archived their direct
supervisor confirms and signs in their place (代签), told what is left.

A successor who starts leaving too: the handovers whose plan counts on them are
told (a message and an activity) and their lines show it, so that their
customers go to someone who stays. Who may succeed is the policy's answer
(``_policy_absent_successors``)."""

from odoo import api, fields, models

from .hr_client_handover_policy import UNTIL_SUMMARY, UNTIL_VISITS
from .hr_client_handover_stages import CLOSED


class HrClientHandoverDepartureMixin(models.AbstractModel):
    """An early departure during a handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.departure.mixin"
    _description = "Client Handover Early Departure"

    unavailable_successor_ids = fields.Many2many(
        "res.users",
        compute="_compute_unavailable_successor_ids",
        string="Successors Not Available",
        help="Users who cannot receive this handover's customers: archived, "
        "leaving themselves, or on leave until its last working day. The "
        "successor fields do not offer them.",
    )

    @api.depends("company_id", "last_working_date", "employee_id")
    def _compute_unavailable_successor_ids(self):
        # As superuser: every user of the company is a candidate, whom the reader may
        # not read.
        Users = self.env["res.users"].sudo()
        for handover in self:
            candidates = Users.search(
                [("share", "=", False), ("company_ids", "in", handover.company_id.ids)]
            )
            handover.unavailable_successor_ids = Users.browse(
                list(handover._policy_absent_successors(candidates, handover))
            )

    def _warn_plans_counting_on_departing(self):
        """These handovers just started: the other open handovers whose lines
        give customers to their departing user are told, with an activity to
        their direct supervisor (else their departing user) to reassign them."""
        # As superuser: the other handovers, which the starter of this one may not read,
        # are told.
        Line = self.env["hr.client.handover.line"].sudo()
        for handover in self:
            user = handover.departing_user_id
            if not user:
                continue
            lines = Line.search(
                [
                    ("successor_id", "=", user.id),
                    ("handover_id", "!=", handover.id),
                    ("handover_id.state", "not in", CLOSED),
                ]
            )
            for other, its_lines in lines.grouped("handover_id").items():
                # As superuser: the other handover is told (a message, an activity),
                # whoever started this one.
                other = other.sudo()
                customers = ", ".join(its_lines[:5].partner_id.mapped("display_name"))
                if len(its_lines) > 5:
                    customers += ", …"
                other.message_post(
                    body=self.env._(
                        "%(user)s, successor of %(count)s customer(s) of this "
                        "handover (%(customers)s), is leaving too: their handover "
                        "%(ref)s has started. Reassign these customers to someone "
                        "who stays.",
                        user=user.name,
                        count=len(its_lines),
                        customers=customers,
                        ref=handover.name,
                    ),
                    partner_ids=(
                        other.departing_user_id | other.supervisor_id
                    ).partner_id.ids,
                )
                assignee = other.supervisor_id or other.departing_user_id
                if not assignee:
                    continue
                in_lang = other.with_context(lang=assignee.lang or self.env.lang)
                in_lang.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=assignee.id,
                    summary=in_lang.env._(
                        "Reassign the customers of %(user)s, who is leaving",
                        user=user.name,
                    ),
                    note=in_lang.env._(
                        "%(count)s customer(s) of this handover go to %(user)s, "
                        "whose own handover %(ref)s has started: %(customers)s.",
                        count=len(its_lines),
                        user=user.name,
                        ref=handover.name,
                        customers=customers,
                    ),
                )

    def action_allow_departure(self):
        """Let HR archive the departing user while the handover still needs them:
        from then on the direct supervisor confirms and signs in their place."""
        label = self._action_label("allow_departure")
        self._policy_check_button("allow_departure", label)
        for handover in self:
            handover._stamp(
                "departure",
                "departure_allowed_by_id",
                "departure_allowed_on",
                sealed=("supervisor_id",),
            )
            handover.message_post(
                body=self.env._(
                    "%(admin)s allowed %(user)s to leave before the handover ends. "
                    "Once %(user)s is archived, %(supervisor)s confirms and signs "
                    "in their place (on behalf). Still to do by %(user)s: "
                    "%(left)s.",
                    admin=self.env.user.name,
                    user=handover.departing_user_id.name,
                    supervisor=handover.supervisor_id.name,
                    left=handover._departing_duties_left() or self.env._("nothing"),
                )
            )
        return True

    def _on_departing_user_archived(self):
        """The departing user has left: their supervisor takes over what is
        left, with an activity that says so."""
        for handover in self:
            handover._hand_activities_to_supervisor(handover.departing_user_id)
            left = handover._departing_duties_left()
            supervisor = handover.supervisor_id
            handover.message_post(
                body=self.env._(
                    "%(user)s has left. %(supervisor)s now confirms and signs in "
                    "their place (on behalf): %(left)s.",
                    user=handover.departing_user_id.name,
                    supervisor=supervisor.name,
                    left=left or self.env._("nothing"),
                )
            )
            if left and supervisor:
                # In the supervisor's language, as the workflow's activities are;
                # as superuser, as they are (``_schedule_activity``): the
                # workflow schedules it, whoever registered the departure.
                in_lang = handover.sudo().with_context(
                    lang=supervisor.lang or self.env.lang
                )
                in_lang.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=supervisor.id,
                    summary=in_lang.env._(
                        "Act on behalf of %(user)s",
                        user=handover.departing_user_id.name,
                    ),
                    note=in_lang._departing_duties_left(),
                )

    def _departing_duties_left(self):
        """What the departing user still has to do on this handover, in words
        (empty when nothing)."""
        self.ensure_one()
        if self.state in CLOSED:
            return ""
        duties = []
        unsigned = self.signature_ids.filtered(
            lambda sig: sig.user_id == self.departing_user_id and not sig.signed_on
        )
        if unsigned:
            duties.append(
                self.env._("%(count)s signatures", count=len(unsigned))
                if len(unsigned) > 1
                else self.env._("a signature")
            )
        if self.state in UNTIL_VISITS:
            visits = self.line_ids.filtered(
                lambda line: not line.visit_waived
                and not line.visit_departing_confirmed_on
            )
            if visits:
                duties.append(
                    self.env._("%(count)s customer visits", count=len(visits))
                )
        if self.state in UNTIL_SUMMARY:
            duties.append(self.env._("the summary and its signature"))
        return ", ".join(duties)
