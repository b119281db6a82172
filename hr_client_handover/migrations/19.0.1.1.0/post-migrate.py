"""19.0.1.1.0: signature images move from ir.attachment into their own column,
where only the signature's record (and its policy) reaches them."""

import psycopg2

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    attachments = (
        env["ir.attachment"]
        .with_context(skip_res_field_check=True)
        .search(
            [
                ("res_model", "=", "hr.client.handover.signature"),
                ("res_field", "=", "signature"),
            ]
        )
    )
    for attachment in attachments:
        cr.execute(
            "UPDATE hr_client_handover_signature SET signature = %s WHERE id = %s",
            [psycopg2.Binary(attachment.datas), attachment.res_id],
        )
    attachments.unlink()
