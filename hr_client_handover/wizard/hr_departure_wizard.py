from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.hr_client_handover_stages import CLOSED, DRAFT


class HrDepartureWizard(models.TransientModel):
    _inherit = "hr.departure.wizard"

    start_client_handover = fields.Boolean(
        compute="_compute_start_client_handover",
        store=True,
        readonly=False,
        help="Create a draft client handover with the customers the employee owns.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A departure is registered for employees the user may read: the
        dialog would otherwise tell whether others own customers."""
        wizards = super().create(vals_list)
        if not self.env.su:
            # The ids as given, then checked as the user.
            employees = wizards.sudo().employee_ids.with_env(self.env)
            if len(employees.exists()) != len(employees) or not employees.has_access(
                "read"
            ):
                raise AccessError(
                    self.env._(
                        "You may not register the departure of an employee you "
                        "cannot see. Nothing was changed."
                    )
                )
        return wizards

    @api.depends("employee_ids")
    def _compute_start_client_handover(self):
        # Whoever registers the departure need not read the rules nor the
        # employees' records: only whether there are any comes back.
        Rule = self.env["hr.client.handover.rule"].sudo()
        for wizard in self:
            users = wizard.employee_ids.user_id
            wizard.start_client_handover = bool(
                users and Rule._owned_by(users, "partner")
            )

    def action_register_departure(self):
        """Register the departure, then open the handovers it started (after
        core's notice of the archived users, when it gives one)."""
        handovers = (
            self._create_client_handovers()
            if self.start_client_handover
            else self.env["hr.client.handover"]
        )
        action = super().action_register_departure()
        if not handovers:
            return action
        opening = self._open_client_handovers_action(handovers)
        if action.get("type") == "ir.actions.client" and "next" in action.get(
            "params", {}
        ):
            action["params"]["next"] = opening
            return action
        return opening

    def _open_client_handovers_action(self, handovers):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_client_handover.hr_client_handover_action"
        )
        action["domain"] = [("id", "in", handovers.ids)]
        action["context"] = {}
        if len(handovers) == 1:
            action.update(
                res_id=handovers.id, view_mode="form", views=[(False, "form")]
            )
        return action

    def _create_client_handovers(self):
        Handover = self.env["hr.client.handover"]
        if not Handover._policy_grants(
            "start_on_departure", Handover._policy_group_roles(), DRAFT
        ):
            raise AccessError(
                self.env._(
                    "Only HR can start the client handover of an employee who "
                    "leaves. Nothing was changed."
                )
            )
        # The policy lets HR start the handover of any employee who leaves, who
        # need not be a report of theirs: create (the starter's path) would
        # refuse them.
        Handover = Handover.sudo()
        started = Handover.browse()
        for employee in self.employee_ids.filtered("user_id"):
            if Handover.search_count(
                [
                    ("employee_id", "=", employee.id),
                    ("state", "not in", CLOSED),
                ],
                limit=1,
            ):
                continue
            handover = Handover.create(
                {
                    "employee_id": employee.id,
                    "reason": self.departure_reason_id.name,
                    "notice_date": min(
                        fields.Date.context_today(self), self.departure_date
                    ),
                    "last_working_date": self.departure_date,
                }
            )
            # Who registers the departure may fill the handover with the customers.
            handover._generate_lines()
            started |= handover
        return started.with_env(self.env)
