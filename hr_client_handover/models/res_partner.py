from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_list

from .hr_client_handover_stages import CLOSED


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

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self.filtered("active")._check_client_handover_partners("archive")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_client_handover(self):
        self._check_client_handover_partners("unlink")

    def _client_handover_references(self, open_only=False):
        """{partner: handovers whose record names it}: the customer or the
        contact met (a contact of the customer) of one of their lines; with
        ``open_only``, of handovers still running only; else also in any
        stage, an attendee of their sealed events or a record of their ledger
        (which a cancellation reads to give the customers back)."""
        # As superuser: every handover that refers to the contact, whoever asks.
        Line = (
            self.env["hr.client.handover.line"].sudo().with_context(active_test=False)
        )
        ids = self.ids
        domain = Domain("partner_id", "in", ids) | Domain("visit_contact_id", "in", ids)
        if open_only:
            domain &= Domain("handover_stage", "not in", CLOSED)
        references = {}
        for line in Line.search(domain):
            for partner in line.partner_id | line.visit_contact_id:
                references.setdefault(partner.id, set()).add(line.handover_id.id)
        if not open_only:
            # As superuser: every handover that refers to the contact, whoever asks.
            attendees = (
                self.env["calendar.attendee"]
                .sudo()
                .search(
                    [
                        ("partner_id", "in", ids),
                        ("event_id.handover_sealed_on", "!=", False),
                    ]
                )
            )
            for attendee in attendees:
                references.setdefault(attendee.partner_id.id, set()).add(
                    attendee.event_id.handover_id.id
                )
            # As superuser: every handover that refers to the contact, whoever asks.
            rows = (
                self.env["hr.client.handover.transfer"]
                .sudo()
                ._read_group(
                    [("res_model", "=", "res.partner"), ("res_id", "in", ids)],
                    ["res_id", "handover_id"],
                )
            )
            for res_id, handover in rows:
                references.setdefault(res_id, set()).add(handover.id)
        # As superuser: every handover that refers to the contact, whoever asks.
        Handover = self.env["hr.client.handover"].sudo()
        return {
            partner: Handover.browse(sorted(references[partner.id]))
            for partner in self
            if partner.id in references
        }

    def _check_client_handover_partners(self, operation):
        """A customer of a handover (or its contact met) stays what the handover
        recorded: never deleted or merged away while a handover's record names
        it (whatever its stage: a done handover prints it and its ledger points
        at it); not archived while a handover that names it still runs. Once
        that handover is done or cancelled, archiving changes nothing in its
        record and is allowed."""
        if not self:
            return
        references = self._client_handover_references(open_only=operation == "archive")
        if not references:
            return
        partner, handovers = next(iter(references.items()))
        refs = format_list(self.env, handovers.mapped("name"))
        if operation == "archive":
            message = self.env._(
                "%(partner)s is a customer (or the contact met) of the running client "
                "handover %(refs)s: archive it once the handover is done or "
                "cancelled. Nothing was changed.",
                partner=partner.display_name,
                refs=refs,
            )
        elif operation == "merge":
            message = self.env._(
                "%(partner)s is named in the record of the client handover %(refs)s "
                "(customer, contact met, attendee or transfer ledger): merging it "
                "would change that record. Merge other contacts, or archive this one "
                "once the handover is over. Nothing was changed.",
                partner=partner.display_name,
                refs=refs,
            )
        else:
            message = self.env._(
                "%(partner)s is named in the record of the client handover %(refs)s "
                "(customer, contact met, attendee or transfer ledger): it cannot be "
                "deleted. Archive it once the handover is over. Nothing was changed.",
                partner=partner.display_name,
                refs=refs,
            )
        raise UserError(message)

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
