"""19.0.1.6.0: filing belongs to the filed-document model. The scheduled action
that files the documents due (a ``noupdate`` record) now runs on that model."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "hr_client_handover.ir_cron_handover_file_reports", raise_if_not_found=False
    )
    if cron:
        cron.model_id = env["ir.model"]._get("hr.client.handover.document")
