from odoo import fields, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    # Read by the officers' record rules, which Odoo caches per user: hr.department
    # and hr.employee clear that cache when a manager, a parent department or an
    # employee's user changes.
    client_handover_department_ids = fields.Many2many(
        "hr.department",
        compute="_compute_client_handover_department_ids",
        string="Departments Managed (Client Handovers)",
        help="The departments this user manages, with all their sub-departments: "
        "a handover officer sees the client handovers of their employees.",
    )

    def _compute_client_handover_department_ids(self):
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        for user in self:
            managed = Department.search([("manager_id.user_id", "=", user.id)])
            user.client_handover_department_ids = (
                Department.search([("id", "child_of", managed.ids)])
                if managed
                else Department
            )

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
