"""A handover of everything to one successor (Hand Everything To…,
wizard/hr_client_handover_everything.py) ends as soon as its transfer ran; the
administrator may give it all back, which cancels it and reverts the transfer
through the engine."""

from odoo import fields, models

from .hr_client_handover_stages import CANCEL


class HrClientHandoverEverythingMixin(models.AbstractModel):
    """Giving back what was handed to one successor (inherited by
    hr.client.handover)."""

    _name = "hr.client.handover.everything.mixin"
    _description = "Client Handover of Everything to One Successor"

    can_give_everything_back = fields.Boolean(compute="_compute_can_actions")

    def action_give_everything_back(self):
        self._policy_check_button(
            "give_everything_back", self.env._("Give everything back")
        )
        for handover in self:
            reason = self.env._(
                "Everything given back to %(user)s by %(admin)s.",
                user=handover.departing_user_id.name,
                admin=self.env.user.name,
            )
            handover._move_to(CANCEL, feedback=reason, cancel_reason=reason)
            handover.message_post(body=reason)
            # As superuser: the revert writes back the owners of records the
            # administrator may not write, and the ledger, which no user writes; the
            # policy checked the caller.
            handover.sudo()._revert_transfer()
        return True
