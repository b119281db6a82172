"""19.0.1.2.0: filed documents get their own list (hr.client.handover.document).

The summaries filed before this version are listed there too, as filed."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Handover = env["hr.client.handover"].with_context(active_test=False)
    Document = env["hr.client.handover.document"]
    listed = set(Document.search([]).attachment_id.ids)
    Document.create(
        [
            {
                "handover_id": handover.id,
                "kind": "summary",
                "attachment_id": handover.summary_attachment_id.id,
                "filed_on": handover.summary_attachment_id.create_date,
            }
            for handover in Handover.search([("summary_attachment_id", "!=", False)])
            if handover.summary_attachment_id.id not in listed
        ]
    )
