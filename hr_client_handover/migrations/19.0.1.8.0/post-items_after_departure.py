"""19.0.1.8.0: the checklist items due after the last working day are ticked
after the departure.

Since 19.0.1.1.0 an item is due after the departure (``post_departure``) when
its template item's due rule says so (``after_last_day``: the accounts revoked
within one working day after leaving), set when the checklist is made. The
items made before that release kept no value: they were treated as due by the
last working day, could be ticked before the departure and were not the item
the system records the revocation on. They are set from their due rule now;
what was ticked stays ticked."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE hr_client_handover_item
           SET post_departure = TRUE
         WHERE post_departure IS NULL
           AND due_rule = 'after_last_day'
        """
    )
