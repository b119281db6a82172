"""The incident register of a handover (违规处理): a handover not finished in
time, an omission the phone check found, office equipment damaged or lost,
with the person accountable and how it was handled."""

from odoo import api, fields, models
from odoo.exceptions import UserError

INCIDENT_KINDS = [
    ("late", "Late handover"),
    ("omission", "Omission found at the phone check"),
    ("damage", "Equipment damaged or lost"),
    ("other", "Other"),
]


class HrClientHandoverIncident(models.Model):
    _name = "hr.client.handover.incident"
    _description = "Client Handover Incident"
    _inherit = ["hr.client.handover.policy"]
    _order = "date desc, id desc"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    kind = fields.Selection(INCIDENT_KINDS, required=True, default="other")
    description = fields.Text(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    accountable_user_id = fields.Many2one(
        "res.users",
        string="Accountable",
        index="btree_not_null",
        help="The person who answers for the incident.",
    )
    accountable_employee_id = fields.Many2one(
        "hr.employee",
        compute="_compute_accountable_employee",
        store=True,
        readonly=False,
        precompute=True,
    )
    # Kept as it was when the incident was recorded: a later move of the
    # employee does not move their incidents to another department.
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    recorded_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    resolution = fields.Text(
        string="Handling",
        help="How the incident was handled (按规定处理): the decision and who took it.",
    )
    line_id = fields.Many2one("hr.client.handover.line", readonly=True)
    item_id = fields.Many2one("hr.client.handover.item", readonly=True)
    # Whether the current user may change the incident's record and handling
    # now: the policy's answer, for the readonly of its row.
    can_edit = fields.Boolean(compute="_compute_can_edit")

    @api.depends("accountable_user_id", "handover_id")
    def _compute_accountable_employee(self):
        for incident in self:
            user = incident.accountable_user_id
            handover = incident.handover_id
            if user and user == handover.departing_user_id:
                incident.accountable_employee_id = handover.employee_id
                continue
            # As superuser: the accountable user's employee record, which only HR reads.
            employees = user.sudo().employee_ids
            incident.accountable_employee_id = (
                employees.filtered(
                    lambda emp, h=handover: emp.company_id == h.company_id
                )[:1]
                or employees[:1]
            )

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(
        "handover_id.state", "handover_id.company_id", "handover_id.supervisor_id"
    )
    def _compute_can_edit(self):
        saved = self.filtered(lambda incident: incident._origin)
        allowed = saved._policy_can_write("record")
        for incident in self:
            # A new row stays open while it is drawn up (saving asks the
            # policy, who may record it and whether they are accountable).
            incident.can_edit = allowed[incident] if incident in saved else True

    @api.depends("accountable_employee_id")
    def _compute_department(self):
        for incident in self:
            # As superuser: the employee's department, which only HR reads
            # (hr.employee).
            employee = incident.accountable_employee_id.sudo()
            incident.department_id = employee.department_id

    # ------------------------------------------------------------------
    # Access policy (models/hr_client_handover_policy.py)
    # ------------------------------------------------------------------
    def _policy_independent(self):
        """Nobody records or handles an incident they are accountable for."""
        return self.accountable_user_id != self.env.user

    def _policy_frozen_message(self, condition):
        return self.env._(
            "You are accountable for this incident of %(ref)s: someone else records "
            "how it is handled. Nothing was changed.",
            ref=self.handover_id.name,
        )

    @api.model_create_multi
    def create(self, vals_list):
        incidents = super().create(vals_list)
        incidents._policy_check_create(vals_list)
        incidents._post_on_handover()
        return incidents

    def write(self, vals):
        self._policy_check_write(set(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "An incident stays on record. Write how it was handled instead. "
                    "Nothing was deleted."
                )
            )

    def _post_on_handover(self):
        for incident in self:
            # Said on the handover by whoever recorded the incident (who reads
            # it: posting asks read access), or by the workflow.
            incident.handover_id.message_post(
                body=self.env._(
                    "Incident recorded (%(kind)s), accountable: %(user)s. %(text)s",
                    kind=incident._kind_label(),
                    user=incident.accountable_user_id.name
                    or incident.accountable_employee_id.name
                    or "-",
                    text=incident.description,
                )
            )

    def _kind_label(self):
        self.ensure_one()
        return dict(self._fields["kind"]._description_selection(self.env))[self.kind]


class HrClientHandoverLine(models.Model):
    _inherit = "hr.client.handover.line"

    def _send_back_to_visit(self):
        """A customer told the witness the handover did not take place: an
        omission, recorded against the departing employee, before the customer
        is visited again."""
        for line in self:
            line.handover_id._record_incident(
                "omission",
                self.env._(
                    "Phone check of %(customer)s by %(witness)s: the customer "
                    "reported a problem with the handover. Call notes: %(notes)s",
                    customer=line.partner_id.display_name,
                    witness=line.checked_by_id.name or self.env.user.name,
                    notes=line.check_notes or "-",
                ),
                line_id=line.id,
            )
        return super()._send_back_to_visit()
