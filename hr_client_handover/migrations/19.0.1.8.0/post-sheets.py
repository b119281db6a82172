"""19.0.1.8.0: the visit sheet and the phone check are signed.

The signatures of a stage are requested when it starts: the handovers already
in the visits or the phone verification stage get theirs now, so that their
gate asks for them as it does for the handovers that enter these stages."""

from odoo import SUPERUSER_ID, api

from odoo.addons.hr_client_handover.models.hr_client_handover_stages import (
    VERIFICATION,
    VISITS,
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    handovers = env["hr.client.handover"].search(
        [("state", "in", (VISITS, VERIFICATION))]
    )
    for handover in handovers:
        handover._create_signature_requests(handover.state)
