from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .hr_client_handover_stages import CLOSED, DRAFT


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    # HR-only like every field of hr.employee that hr.employee.public lacks.
    client_handover_ids = fields.One2many(
        "hr.client.handover",
        "employee_id",
        string="Client Handovers",
        groups="hr.group_hr_user",
    )
    client_handover_count = fields.Integer(
        compute="_compute_client_handover_count", groups="hr.group_hr_user"
    )
    can_start_client_handover = fields.Boolean(
        compute="_compute_can_start_client_handover",
        groups="hr.group_hr_user",
        help="The current user may start a client handover of this employee: they "
        "are the employee, one of their managers or a handover officer, the employee "
        "has a user and no handover in progress.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "active" in vals:
            # The officers' record rules read the departments a user manages
            # (res.users.client_handover_department_ids); Odoo caches them.
            self.env["hr.department"]._client_handover_officer_scope_changed()
        return result

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
        starters = self._origin._client_handover_starters()
        busy = self._active_client_handovers()
        for employee in self:
            employee.can_start_client_handover = bool(
                employee.user_id
                and employee._origin.id not in busy
                and employee._origin in starters
            )

    def _client_handover_starters(self):
        """The employees of ``self`` whose handover the current user may start:
        the policy's ``create`` row, for the roles the user holds on each of
        them (their own handover: the departing employee draws up the plan; the
        people they manage, directly or further down the organisation chart;
        for an officer every employee of the departments they manage and of
        their sub-departments; every employee for an administrator)."""
        Handover = self.env["hr.client.handover"]
        roles = Handover._policy_start_roles(self)
        return self.filtered(
            lambda employee: Handover._policy_grants(
                "create", roles[employee.id], DRAFT
            )
        )

    def _active_client_handovers(self):
        """{employee id: reference of their handover in progress}."""
        # A handover in progress blocks a second one, seen by the user or not.
        handovers = (
            self.env["hr.client.handover"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.ids),
                    ("state", "not in", CLOSED),
                ]
            )
        )
        return {handover.employee_id.id: handover.name for handover in handovers}

    def _check_can_start_client_handover(self):
        """Refuse to start a handover for someone the user does not manage, or
        a second one while the employee's handover is in progress."""
        starters = self._client_handover_starters()
        busy = self._active_client_handovers()
        for employee in self:
            if employee not in starters:
                raise AccessError(
                    self.env._(
                        "Only %(employee)s, one of their managers, an officer of "
                        "their department or a handover administrator can start "
                        "their client handover.",
                        employee=employee.name,
                    )
                )
            if employee.id in busy:
                raise UserError(
                    self.env._(
                        "%(employee)s already has a client handover in progress "
                        "(%(ref)s). Finish or cancel it before starting another one.",
                        employee=employee.name,
                        ref=busy[employee.id],
                    )
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
        # The handover checks who starts it, and that none is in progress.
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
