from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_handover_line_ids = fields.One2many(
        "hr.client.handover.line", "partner_id", string="Handover History"
    )
    client_handover_count = fields.Integer(
        compute="_compute_client_handover_count", string="Handovers"
    )

    def _compute_client_handover_count(self):
        Line = self.env["hr.client.handover.line"]
        if not Line.has_access("read"):
            self.client_handover_count = 0
            return
        counts = dict(
            Line._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.client_handover_count = counts.get(partner.commercial_partner_id, 0)

    def _children_sync(self, values):
        """The transfer engine writes only owner fields: when none of them is a
        commercial or address field, core has nothing to sync to the contacts,
        yet walks and writes every contact of every customer, one by one (most
        of a large transfer's time). Skip that empty walk during a transfer."""
        if self.env.context.get("handover_transfer") and not (
            set(values) & {*self._commercial_fields(), *self._address_fields()}
        ):
            return None
        return super()._children_sync(values)

    def action_open_client_handovers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_client_handover.hr_client_handover_action"
        )
        action["domain"] = [("line_ids.partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
