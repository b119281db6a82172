"""19.0.1.7.0: whoever a signature is asked of takes part in the handover.

The stored participants (``participant_ids``, which the record rules read)
now count the signers too. Odoo computes a stored field when it adds its
column, not when the field's dependencies grow: the handovers with a signer
not yet among their participants (a witness replaced after their signature was
asked) get theirs recomputed."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    cr.execute(
        """
        SELECT DISTINCT sig.handover_id
          FROM hr_client_handover_signature sig
         WHERE NOT EXISTS (
                   SELECT 1
                     FROM hr_client_handover_participant_rel rel
                    WHERE rel.handover_id = sig.handover_id
                      AND rel.user_id = sig.user_id
               )
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    if not ids:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    handovers = env["hr.client.handover"].browse(ids)
    env.add_to_compute(handovers._fields["participant_ids"], handovers)
    handovers.flush_recordset(["participant_ids"])
