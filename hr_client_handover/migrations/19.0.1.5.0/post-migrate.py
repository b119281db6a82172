"""19.0.1.5.0: the visit sheet prints the contact met by value. Visits
confirmed before the update get the contact's name as it is now (the seals
made then never covered it, so none of them changes).

The columns are named as of 19.0.1.6.0: Odoo runs the pre-migrations of every
version before any post-migration, so the renaming of 19.0.1.6.0 has run by
the time this one runs."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE hr_client_handover_line line
           SET visit_contact_name = COALESCE(
                   (SELECT name FROM res_partner WHERE id = line.visit_contact_id),
                   NULLIF(TRIM(line.visit_contact), '')
               )
         WHERE line.visit_contact_name IS NULL
           AND (line.visit_successor_confirmed_on IS NOT NULL
                OR line.visit_departing_confirmed_on IS NOT NULL)
        """
    )
