"""19.0.1.6.0: fields renamed so that a user field ends in ``_id`` and a date
in ``_on``. The columns, the field records (hence the chatter's tracking
values, which point at them) and their XML ids keep their rows under the new
names; seals keep what they sealed, under the names of the day
(``hr.client.handover.seal`` reads them through ``RENAMED_FIELDS``); the
renames of this release are its part of ``RENAMED_BY_RELEASE``."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column

from odoo.addons.hr_client_handover.models.hr_client_handover_seal import (
    RENAMED_BY_RELEASE,
)


def migrate(cr, version):
    for model, names in RENAMED_BY_RELEASE["19.0.1.6.0"].items():
        table = model.replace(".", "_")
        for old, new in names.items():
            if column_exists(cr, table, old):
                rename_column(cr, table, old, new)
            cr.execute(
                SQL(
                    "ALTER INDEX IF EXISTS %s RENAME TO %s",
                    SQL.identifier(f"{table}__{old}_index"),
                    SQL.identifier(f"{table}__{new}_index"),
                )
            )
            cr.execute(
                "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s",
                [new, model, old],
            )
            cr.execute(
                """
                UPDATE ir_model_data SET name = %s
                 WHERE module = 'hr_client_handover' AND model = 'ir.model.fields'
                   AND name = %s
                """,
                [f"field_{table}__{new}", f"field_{table}__{old}"],
            )
