from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    handover_allow_same_reviewer = fields.Boolean(
        string="Supervisor may also approve",
        help="Allow the direct supervisor to be the division manager of a handover.",
    )
    handover_async_threshold = fields.Integer(
        string="Background Transfer Threshold",
        default=2000,
        help="Above this number of records, the transfer runs in the background.",
    )
    handover_it_department_id = fields.Many2one(
        "hr.department",
        string="IT Department",
        help="Its manager countersigns the checklist items of IT (accounts, "
        "equipment), unless the template names a countersigner.",
    )
    handover_finance_department_id = fields.Many2one(
        "hr.department",
        string="Finance Department",
        help="Its manager countersigns the checklist items of finance (expenses, "
        "advances), unless the template names a countersigner.",
    )
    handover_administration_department_id = fields.Many2one(
        "hr.department",
        string="Administration Department",
        help="Its manager countersigns the checklist items of administration "
        "(badges, keys, assets), unless the template names a countersigner.",
    )
    handover_reminder_days = fields.Integer(
        string="Reminder (days before deadline)", default=3
    )
    handover_escalation_days = fields.Integer(
        string="Escalate Again Every (working days)",
        default=2,
        help="An overdue stage is escalated to the next person up the "
        "organisation chart, again every this many working days until someone "
        "acts.",
    )
