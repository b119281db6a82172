from odoo import fields, models
from odoo.exceptions import UserError

REASON_ACTIONS = [
    ("request_waiver", "Request a visit waiver"),
    ("refuse_waiver", "Refuse the visit waiver"),
    ("send_back_visit", "Send the visit back"),
    ("send_back_materials", "Send the materials back"),
]


class HrClientHandoverLineReason(models.TransientModel):
    """The reason of a decision on one customer's visit or materials: a waiver
    request, its refusal, or a visit or materials sent back by the direct
    supervisor."""

    _name = "hr.client.handover.line.reason"
    _inherit = ["hr.client.handover.dialog"]
    _description = "Reason of a Visit Decision"
    _dialog_target_fields = ("line_id",)
    _dialog_value_fields = ("action",)

    line_id = fields.Many2one("hr.client.handover.line", required=True, readonly=True)
    partner_id = fields.Many2one(related="line_id.partner_id")
    action = fields.Selection(REASON_ACTIONS, required=True, readonly=True)
    reason = fields.Text(required=True)

    def _dialog_check_targets(self, targets, values):
        """The policy of the action the dialog confirms, as its button asks it."""
        action = values.get("action")
        if action not in dict(REASON_ACTIONS):
            if not action and "action" not in values:
                return  # defaults only: checked again with its action at creation
            raise UserError(
                self.env._(
                    "Choose what the reason is for: a waiver request, its refusal, "
                    "a visit or materials sent back. Nothing was changed."
                )
            )
        line = targets["line_id"]
        line._policy_check(action, line._reason_action_label(action))

    def action_confirm(self):
        self.ensure_one()
        getattr(self.line_id, f"_do_{self.action}")(self.reason)
        return {"type": "ir.actions.act_window_close"}
