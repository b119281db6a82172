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
    handover_reminder_days = fields.Integer(
        string="Reminder (days before deadline)", default=3
    )
