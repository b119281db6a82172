"""19.0.1.8.0: the duties of a departure in the shipped templates.

The templates are data loaded once (noupdate): the new checklist items of the
resignation template (exit interview, care talk, team review, personal data,
social media, equipment check) are created by the update, being new records,
but the changed values of the existing templates are not. The resignation
template now requires the handover meeting and the successors' training (交接
会议, 交接培训不可少), and each shipped template gets the minimum notice the
policy asks for, where none is set. Running handovers keep what their
template required when it was chosen."""

from odoo import SUPERUSER_ID, api

NOTICE_DAYS = {
    "hr_client_handover.handover_template_resignation": 30,
    "hr_client_handover.handover_template_transfer": 14,
    "hr_client_handover.handover_template_promotion": 14,
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    resignation = env.ref(
        "hr_client_handover.handover_template_resignation", raise_if_not_found=False
    )
    if resignation:
        resignation.write({"require_meeting": True, "require_training": True})
    for xmlid, days in NOTICE_DAYS.items():
        template = env.ref(xmlid, raise_if_not_found=False)
        if template and not template.notice_days:
            template.notice_days = days
