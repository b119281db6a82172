from odoo import api, fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    client_handover_ids = fields.One2many(
        "hr.client.handover", "employee_id", string="Client Handovers"
    )
    client_handover_count = fields.Integer(
        compute="_compute_client_handover_count", groups="base.group_user"
    )
    can_start_client_handover = fields.Boolean(
        compute="_compute_can_start_client_handover",
        groups="hr.group_hr_user",
        help="The current user may start a client handover of this employee: they "
        "are a handover officer or the employee's manager, the employee has a user "
        "and no handover in progress.",
    )

    def _compute_client_handover_count(self):
        counts = dict(
            self.env["hr.client.handover"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]
            )
        )
        for employee in self:
            employee.client_handover_count = counts.get(employee._origin, 0)

    @api.depends_context("uid")
    @api.depends("user_id", "parent_id", "client_handover_ids.state")
    def _compute_can_start_client_handover(self):
        user = self.env.user
        is_officer = user.has_group("hr_client_handover.group_handover_officer")
        own = user.employee_ids
        reports = set(
            self.env["hr.employee.public"].search([("id", "child_of", own.ids)]).ids
        ) - set(own.ids)
        for employee in self:
            busy = employee.client_handover_ids.filtered(
                lambda handover: handover.state not in ("done", "cancel")
            )
            employee.can_start_client_handover = bool(
                employee.user_id
                and not busy
                and (is_officer or employee._origin.id in reports)
            )

    def action_open_client_handovers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_client_handover.hr_client_handover_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        if self.client_handover_count == 1:
            action.update(
                res_id=self.client_handover_ids.id,
                view_mode="form",
                views=[(False, "form")],
            )
        return action

    def action_start_client_handover(self):
        """Create the draft handover of this employee (with its customer lines)."""
        self.ensure_one()
        handover = self.env["hr.client.handover"].create({"employee_id": self.id})
        if handover.departing_user_id:
            # Who may start the handover may fill it with the employee's customers.
            handover.sudo()._generate_lines()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hr.client.handover",
            "res_id": handover.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
