from odoo import fields, models

REASON_ACTIONS = [
    ("request_waiver", "Request a visit waiver"),
    ("refuse_waiver", "Refuse the visit waiver"),
    ("send_back_visit", "Send the visit back"),
]


class HrClientHandoverLineReason(models.TransientModel):
    """The reason of a decision on one customer's visit: a waiver request, its
    refusal, or a visit sent back by the direct supervisor."""

    _name = "hr.client.handover.line.reason"
    _description = "Reason of a Visit Decision"

    line_id = fields.Many2one("hr.client.handover.line", required=True, readonly=True)
    partner_id = fields.Many2one(related="line_id.partner_id")
    action = fields.Selection(REASON_ACTIONS, required=True, readonly=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        getattr(self.line_id, f"_do_{self.action}")(self.reason)
        return {"type": "ir.actions.act_window_close"}
