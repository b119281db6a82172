"""19.0.1.9.0: a handover's counters are stored.

Its line counters (customers, with a successor, successors, materials
confirmed, visits done or waived, the spot-check sample and its confirmed
calls) and its moved values (the ledger's rows that moved a value) are now
columns the form reads instead of counting. They are counted here in SQL for
every existing handover, with the expressions the handover recounts them with;
running it twice counts the same."""

from odoo.tools import SQL

from odoo.addons.hr_client_handover.models.hr_client_handover_progress import (
    LINE_COUNTERS,
    LINE_COUNTS_SQL,
)


def migrate(cr, version):
    counters = SQL(", ").join(SQL.identifier(name) for name in LINE_COUNTERS)
    cr.execute(
        SQL(
            "UPDATE hr_client_handover h SET (%(counters)s) = ("
            " SELECT %(counts)s FROM hr_client_handover_line l"
            " WHERE l.handover_id = h.id)",
            counters=counters,
            counts=LINE_COUNTS_SQL,
        )
    )
    cr.execute(
        "UPDATE hr_client_handover h SET transfer_done = ("
        " SELECT COUNT(*) FROM hr_client_handover_transfer t"
        " WHERE t.handover_id = h.id AND t.outcome = 'moved')"
    )
