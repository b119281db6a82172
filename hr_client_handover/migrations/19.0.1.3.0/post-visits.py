"""19.0.1.3.0: visit evidence records who confirmed and who asked a waiver.

Confirmations recorded before this version name the line's successor and the
departing user (or the supervisor who confirmed on their behalf); a waiver
reason typed before is a request by whoever last wrote the line. Handovers in
the visits stage get the activities of the stage's people (the departing
employee's, a waiver to decide, the witness's confirmation).

The columns are named as of 19.0.1.6.0: Odoo runs the pre-migrations of every
version before any post-migration, so the renaming of 19.0.1.6.0 has run by
the time this one runs."""

from odoo import SUPERUSER_ID, api

from odoo.addons.hr_client_handover.models.hr_client_handover_stages import VISITS


def migrate(cr, version):
    cr.execute(
        """
        UPDATE hr_client_handover_line line
           SET visit_successor_confirmed_by_id = line.successor_id
         WHERE line.visit_successor_confirmed_on IS NOT NULL
           AND line.visit_successor_confirmed_by_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE hr_client_handover_line line
           SET visit_departing_confirmed_by_id = COALESCE(
                   line.visit_confirmed_on_behalf_by_id, handover.departing_user_id
               )
          FROM hr_client_handover handover
         WHERE handover.id = line.handover_id
           AND line.visit_departing_confirmed_on IS NOT NULL
           AND line.visit_departing_confirmed_by_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE hr_client_handover_line
           SET waiver_requested_on = write_date, waiver_requested_by_id = write_uid
         WHERE COALESCE(visit_waiver_reason, '') != ''
           AND waiver_requested_on IS NULL
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["hr.client.handover"].search(
        [("state", "=", VISITS)]
    )._update_visit_activities()
