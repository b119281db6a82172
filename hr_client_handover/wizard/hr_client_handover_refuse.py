from odoo import fields, models


class HrClientHandoverRefuse(models.TransientModel):
    _name = "hr.client.handover.refuse"
    _description = "Refuse a Client Handover Plan or Summary"

    handover_id = fields.Many2one("hr.client.handover", required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_refuse(self):
        self.ensure_one()
        self.handover_id._do_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
