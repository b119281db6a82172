"""19.0.1.4.0: the ledger drops two single-column indexes that its composite
indexes cover (Odoo keeps an index a field no longer asks for)."""


def migrate(cr, version):
    cr.execute(
        "DROP INDEX IF EXISTS hr_client_handover_transfer__handover_id_index,"
        " hr_client_handover_transfer__res_model_index"
    )
