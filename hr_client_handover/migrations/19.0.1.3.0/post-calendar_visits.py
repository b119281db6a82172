"""19.0.1.3.0: planned visits are events of Odoo Calendar.

The visits planned before this version, of handovers still under way and not
yet visited or waived, get their event (quietly, as new ones do)."""

from odoo import SUPERUSER_ID, api

from odoo.addons.hr_client_handover.models.hr_client_handover_stages import CLOSED


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    lines = env["hr.client.handover.line"].search(
        [
            ("planned_visit_date", "!=", False),
            ("visit_event_id", "=", False),
            ("handover_stage", "not in", CLOSED),
            ("visit_state", "not in", ("done", "waived")),
        ]
    )
    lines._sync_visit_event()
