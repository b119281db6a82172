from odoo import api, models
from odoo.exceptions import AccessError

# Models whose attachments are part of the handover record.
HANDOVER_MODELS = (
    "hr.client.handover",
    "hr.client.handover.line",
    "hr.client.handover.item",
    "hr.client.handover.signature",
    "hr.client.handover.transfer",
    "hr.client.handover.seal",
)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_access(self, operation):
        """The files of a handover's fields and its filed documents (备案) are
        the system's: nobody changes or deletes them, administrators included."""
        if not self.env.su and operation != "read" and any(self._ids):
            sealed = self.sudo()._handover_sealed()
            if sealed:
                return self.browse(sealed.ids), self._handover_sealed_error
        return super()._check_access(operation)

    def _handover_sealed(self):
        """The attachments of ``self`` that belong to a handover's record."""
        filed = (
            self.env["hr.client.handover.document"]
            .sudo()
            .search([("attachment_id", "in", self.ids)])
            .attachment_id
        ) | (
            self.env["hr.client.handover"]
            .sudo()
            .search([("summary_attachment_id", "in", self.ids)])
            .summary_attachment_id
        )
        return self.filtered(
            lambda att: att in filed
            or (att.res_model in HANDOVER_MODELS and att.res_field)
        )

    def _handover_sealed_error(self):
        return AccessError(
            self.env._(
                "This file is part of the sealed record of a client handover: "
                "nobody can change or delete it. Nothing was changed."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("res_model") in HANDOVER_MODELS and vals.get("res_field")
            for vals in vals_list
        ):
            raise self._handover_sealed_error()
        return super().create(vals_list)

    def write(self, vals):
        if (
            not self.env.su
            and vals.get("res_field")
            and (
                vals.get("res_model") in HANDOVER_MODELS
                or any(att.res_model in HANDOVER_MODELS for att in self.sudo())
            )
        ):
            raise self._handover_sealed_error()
        return super().write(vals)
