from odoo import api, fields, models


class HrClientHandoverCancel(models.TransientModel):
    _name = "hr.client.handover.cancel"
    _inherit = ["hr.client.handover.dialog"]
    _description = "Cancel a Client Handover"
    _dialog_target_fields = ("handover_id",)

    handover_id = fields.Many2one("hr.client.handover", required=True, readonly=True)
    reason = fields.Text(required=True)
    transfer_done = fields.Boolean(compute="_compute_transfer_done")
    revert_transfer = fields.Boolean(
        string="Give the customers back",
        default=True,
        help="Restore the former owner wherever the value is still the one the "
        "handover set.",
    )

    @api.depends("handover_id.transfer_state")
    def _compute_transfer_done(self):
        for wizard in self:
            wizard.transfer_done = wizard.handover_id.transfer_state == "done"

    def _dialog_check_targets(self, targets, values):
        targets["handover_id"]._check_can("cancel")

    def action_cancel_handover(self):
        self.ensure_one()
        self.handover_id._do_cancel(
            self.reason, revert=self.transfer_done and self.revert_transfer
        )
        return {"type": "ir.actions.act_window_close"}
