from odoo import models


class Base(models.AbstractModel):
    _inherit = "base"

    def _check_company(self, fnames=None):
        """During a handover transfer, check the company of each written value once
        per company of the records instead of once per record.

        The engine writes one value per field to a whole batch, so the outcome
        of core's check depends only on each record's own company: checking one
        record per company is the same check, without 2 domain evaluations per
        moved record (a third of a large transfer's time otherwise)."""
        if (
            not self.env.context.get("handover_transfer")
            or len(self) < 2
            or not fnames
            or {"company_id", "company_ids"} & set(fnames)
            or "company_id" not in self._fields
        ):
            return super()._check_company(fnames)
        for records in self.grouped("company_id").values():
            super(Base, records[:1])._check_company(fnames)
        return None
