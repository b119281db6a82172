"""The departing employee who leaves before their handover ends: HR allows it
(``action_allow_departure``), and once their user is archived their direct
supervisor confirms and signs in their place (代签), told what is left."""

from odoo import fields, models

from .hr_client_handover_policy import UNTIL_SUMMARY, UNTIL_VISITS
from .hr_client_handover_stages import CLOSED


class HrClientHandoverDepartureMixin(models.AbstractModel):
    """An early departure during a handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.departure.mixin"
    _description = "Client Handover Early Departure"

    def action_allow_departure(self):
        """Let HR archive the departing user while the handover still needs them:
        from then on the direct supervisor confirms and signs in their place."""
        label = self._action_label("allow_departure")
        self._policy_check_button("allow_departure", label)
        for handover in self:
            handover.sudo().write(
                {
                    "departure_allowed_by_id": self.env.uid,
                    "departure_allowed_on": fields.Datetime.now(),
                }
            )
            handover._seal(
                "departure",
                handover,
                ("departure_allowed_by_id", "departure_allowed_on", "supervisor_id"),
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
                # In the supervisor's language, as the workflow's activities are.
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
