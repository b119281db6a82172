from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merge Contacts rewrites every reference to the merged contacts and
        deletes them: refused, before anything is rewritten, when a client
        handover's record names one of them (see res.partner)."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        (partners | (dst_partner or partners.browse()))._check_client_handover_partners(
            "merge"
        )
        return super()._merge(partner_ids, dst_partner, extra_checks=extra_checks)
