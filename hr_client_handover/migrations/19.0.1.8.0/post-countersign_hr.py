"""19.0.1.8.0: HR countersigns (会签) out of the box.

Each company gets its department named like HR as its HR department (what the
installation does); the resignation template's social insurance and housing
fund item, data Odoo does not update, is countersigned by HR, ticked by the
direct supervisor once done. Open checklists keep their countersigners."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._handover_find_hr_department()
    item = env.ref(
        "hr_client_handover.handover_template_resignation_item_9",
        raise_if_not_found=False,
    )
    if item and not item.countersign_department:
        item.write({"countersign_department": "hr", "responsible": "countersigner"})
