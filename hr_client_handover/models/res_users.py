from odoo import models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_archive(self):
        # Before other modules archive what belongs to the user (sales teams...).
        self._check_handover_before_archive()
        return super().action_archive()

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self._check_handover_before_archive()
        return super().write(vals)

    def _check_handover_before_archive(self):
        """Odoo deletes an archived user's activities and leaves their customers
        orphaned: refuse while an active handover has not moved them yet."""
        Handover = self.env["hr.client.handover"].sudo()
        pending = Handover.search(
            [
                ("departing_user_id", "in", self.ids),
                ("state", "not in", ("done", "cancel")),
                ("transfer_state", "!=", "done"),
            ]
        )
        for handover in pending:
            user = handover.departing_user_id
            customers = (
                self.env["res.partner"]
                .sudo()
                .search_count([("user_id", "=", user.id)], limit=1)
            )
            activities = (
                self.env["mail.activity"]
                .sudo()
                .search_count([("user_id", "=", user.id)], limit=1)
            )
            if customers or activities:
                raise UserError(
                    self.env._(
                        "%(user)s still owns customers or open activities that the "
                        "handover %(ref)s has not transferred yet. Finish that "
                        "handover (its plan must be approved) before archiving the "
                        "user.",
                        user=user.name,
                        ref=handover.name,
                    )
                )
