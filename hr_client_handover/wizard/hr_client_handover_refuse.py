from odoo import fields, models


class HrClientHandoverRefuse(models.TransientModel):
    _name = "hr.client.handover.refuse"
    _inherit = ["hr.client.handover.dialog"]
    _description = "Refuse a Client Handover Plan or Summary"
    _dialog_target_fields = ("handover_id",)

    handover_id = fields.Many2one("hr.client.handover", required=True, readonly=True)
    reason = fields.Text(required=True)

    def _dialog_check_targets(self, targets, values):
        handover = targets["handover_id"]
        handover._check_can(handover._refuse_action())

    def action_refuse(self):
        self.ensure_one()
        self.handover_id._do_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
