from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    handover_allow_same_reviewer = fields.Boolean(
        related="company_id.handover_allow_same_reviewer", readonly=False
    )
    handover_async_threshold = fields.Integer(
        related="company_id.handover_async_threshold", readonly=False
    )
    handover_it_department_id = fields.Many2one(
        related="company_id.handover_it_department_id", readonly=False
    )
    handover_finance_department_id = fields.Many2one(
        related="company_id.handover_finance_department_id", readonly=False
    )
    handover_administration_department_id = fields.Many2one(
        related="company_id.handover_administration_department_id", readonly=False
    )
    handover_hr_department_id = fields.Many2one(
        related="company_id.handover_hr_department_id", readonly=False
    )
    handover_reminder_days = fields.Integer(
        related="company_id.handover_reminder_days", readonly=False
    )
    handover_escalation_days = fields.Integer(
        related="company_id.handover_escalation_days", readonly=False
    )
    handover_retention_days = fields.Integer(
        string="Retention Window",
        config_parameter="hr_client_handover.retention_days",
        default=90,
        help="Customer Retention compares what each customer bought and won in "
        "this many days before and after its transfer; a customer with no order, "
        "activity or meeting since is at risk once this many days have passed.",
    )
