from odoo import fields, models

FILED_KINDS = [
    ("plan", "Signed plan and checklist"),
    ("visits", "Visit and verification sheet"),
    ("summary", "Summary report"),
]


class HrClientHandoverDocument(models.Model):
    """A document filed with HR (备案): the PDF the system printed when a
    stage ended, immutable like the attachment it points to. The list HR
    works from; created by the workflow only."""

    _name = "hr.client.handover.document"
    _description = "Client Handover Filed Document"
    _order = "filed_on desc, id desc"
    _rec_name = "attachment_name"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="restrict", index=True
    )
    kind = fields.Selection(FILED_KINDS, required=True)
    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="restrict")
    attachment_name = fields.Char(related="attachment_id.name", string="File")
    filed_on = fields.Datetime(required=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    employee_id = fields.Many2one(related="handover_id.employee_id", store=True)
    department_id = fields.Many2one(related="handover_id.department_id", store=True)
    key_position = fields.Boolean(related="handover_id.key_position", store=True)

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
