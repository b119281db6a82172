import base64
import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

SEAL_KINDS = [
    ("stage", "Stage change"),
    ("signature", "Signature"),
    ("materials", "Materials confirmation"),
    ("visit", "Visit confirmation"),
    ("waiver", "Visit waiver"),
    ("witness", "Witness confirmation of the visits"),
    ("check", "Phone check"),
    ("item", "Checklist item"),
    ("filed", "Filed document"),
    ("reset", "Reopened for a new round"),
    ("departure", "Departure allowed before the end"),
    ("confirmation", "Departure confirmed"),
    ("revocation", "Accounts revoked after the last working day"),
    ("meeting", "Meeting minutes"),
    ("message", "Message of the system"),
]

# Fields renamed since seals were first written, by the release that renamed
# them, {release: {model: {old: new}}}: in 19.0.1.6.0 a user field came to end
# in ``_id`` and a date in ``_on``; in 19.0.1.9.0 a field naming a stage came to
# say "stage". A seal keeps the values it hashed under the names of its day;
# reading it for the record of today maps them (the migration of each release
# reads its part).
RENAMED_BY_RELEASE = {
    "19.0.1.6.0": {
        "hr.client.handover": {
            "plan_reviewed_by": "plan_reviewed_by_id",
            "plan_approved_by": "plan_approved_by_id",
            "summary_reviewed_by": "summary_reviewed_by_id",
            "summary_approved_by": "summary_approved_by_id",
            "visits_witnessed_by": "visits_witnessed_by_id",
            "departure_allowed_by": "departure_allowed_by_id",
        },
        "hr.client.handover.item": {
            "done_by": "done_by_id",
            "confirmed_by": "confirmed_by_id",
        },
        "hr.client.handover.line": {
            "materials_confirmed_by": "materials_confirmed_by_id",
            "visit_successor_confirmed_by": "visit_successor_confirmed_by_id",
            "visit_departing_confirmed_by": "visit_departing_confirmed_by_id",
            "visit_confirmed_on_behalf_by": "visit_confirmed_on_behalf_by_id",
            "waiver_requested_by": "waiver_requested_by_id",
            "waiver_approved_by": "waiver_approved_by_id",
            "checked_by": "checked_by_id",
            "visit_confirmed_by_successor": "visit_successor_confirmed_on",
            "visit_confirmed_by_departing": "visit_departing_confirmed_on",
        },
        "hr.client.handover.transfer": {
            "transferred_at": "transferred_on",
            "reverted_at": "reverted_on",
        },
    },
    "19.0.1.9.0": {
        "hr.client.handover": {
            "reminded_state": "reminded_stage",
            "escalated_state": "escalated_stage",
        },
        "hr.client.handover.line": {"handover_state": "handover_stage"},
    },
    "19.0.1.11.0": {"hr.client.handover": {"last_working_day": "last_working_date"}},
}
# Every rename, {model: {old: new}}.
RENAMED_FIELDS = {
    model: {
        old: new
        for renames in RENAMED_BY_RELEASE.values()
        for old, new in renames.get(model, {}).items()
    }
    for model in sorted(
        {model for renames in RENAMED_BY_RELEASE.values() for model in renames}
    )
}


class HrClientHandoverSeal(models.Model):
    """Append-only record of what a handover recorded, each row sealed with a
    SHA-256 hash chained to the previous row of the same handover (in the
    spirit of the inalterability hash of Odoo's accounting).

    A row keeps the values it sealed; the latest row sealing a field must
    still match the record, so a change made behind the application (SQL,
    a restored backup) shows as a broken seal. ``None`` releases a field that
    the workflow reopened (a customer visited again, a new phone call).
    """

    _name = "hr.client.handover.seal"
    _description = "Client Handover Seal"
    _order = "handover_id, sequence"
    _rec_name = "sequence"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    sequence = fields.Integer(required=True)
    kind = fields.Selection(SEAL_KINDS, required=True)
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Integer(string="Record ID", required=True)
    user_id = fields.Many2one("res.users", string="By", required=True)
    sealed_on = fields.Datetime(required=True)
    sealed_values = fields.Text(required=True)
    previous_hash = fields.Char()
    hash = fields.Char(required=True)

    _handover_sequence_unique = models.UniqueIndex("(handover_id, sequence)")

    # ------------------------------------------------------------------
    @api.model
    def _chain_hash(self, vals):
        """SHA-256 of a seal's values chained to the previous seal's hash."""
        payload = json.dumps(
            {
                "handover": vals["handover_id"],
                "sequence": vals["sequence"],
                "kind": vals["kind"],
                "model": vals["res_model"],
                "id": vals["res_id"],
                "user": vals["user_id"],
                "on": fields.Datetime.to_string(vals["sealed_on"]),
                "values": json.loads(vals["sealed_values"]),
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        data = f"{vals['previous_hash'] or ''}|{payload}"
        return hashlib.sha256(data.encode()).hexdigest()

    def _stored_hash_input(self):
        self.ensure_one()
        return {
            "handover_id": self.handover_id.id,
            "sequence": self.sequence,
            "kind": self.kind,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "user_id": self.user_id.id,
            "sealed_on": self.sealed_on,
            "sealed_values": self.sealed_values,
            "previous_hash": self.previous_hash,
        }

    def _record_values(self):
        """The values this seal sealed, under the record's field names of
        today (a seal written before a field was renamed keeps the old name
        in its hashed values)."""
        self.ensure_one()
        renamed = RENAMED_FIELDS.get(self.res_model, {})
        return {
            renamed.get(name, name): value
            for name, value in json.loads(self.sealed_values).items()
        }

    @api.model
    def _serialize(self, record, name):
        """The sealed form of a field value: ids for relations, strings for
        dates, the SHA-256 of the content for files and images."""
        field = record._fields[name]
        value = record[name]
        if field.type in ("many2one", "many2many", "one2many"):
            return sorted(value.ids) if field.type != "many2one" else value.id
        if field.type in ("date", "datetime"):
            return field.to_string(value) if value else False
        if field.type in ("binary", "image"):
            if not value:
                return False
            raw = value if isinstance(value, bytes) else value.encode()
            if name != "raw":  # ir.attachment.raw is the content itself
                raw = base64.b64decode(raw)
            return hashlib.sha256(raw).hexdigest()
        return value

    @api.model
    def _seal(self, kind, handover, records, names, released=()):
        """Seal ``names`` of ``records`` on ``handover``, one row per record;
        ``released`` fields are opened again by the workflow."""
        handover.ensure_one()
        names = tuple(names)
        if not records:
            return self.browse()
        # One chain per handover: its row lock orders concurrent seals, and a
        # seal that waited for another runs again on what that one committed
        # (whatever path seals: a button that locked already, or one that did
        # not, such as two countersigns at the same moment).
        handover._lock()
        # As superuser: the chain's last row, whichever seals the caller may read.
        last = self.sudo().search(
            [("handover_id", "=", handover.id)], limit=1, order="sequence desc"
        )
        sequence, previous = last.sequence, last.hash or False
        now = fields.Datetime.now()
        vals_list = []
        # As superuser: the values sealed are read whole, whoever's action seals them.
        for record in records.sudo().with_context(bin_size=False):
            values = {name: self._serialize(record, name) for name in names}
            values.update(dict.fromkeys(released))
            sequence += 1
            vals = {
                "handover_id": handover.id,
                "sequence": sequence,
                "kind": kind,
                "res_model": record._name,
                "res_id": record.id,
                "user_id": self.env.uid,
                "sealed_on": now,
                "sealed_values": json.dumps(values, sort_keys=True, ensure_ascii=False),
                "previous_hash": previous,
            }
            vals["hash"] = previous = self._chain_hash(vals)
            vals_list.append(vals)
        # As superuser: seals are created by the workflow only, never by a user.
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Verifying a handover's chain
    # ------------------------------------------------------------------
    @api.model
    def _verify_integrity(self, handover):
        """The first broken seal of ``handover``, and why; an empty seal when
        the chain is intact and every sealed value is still the record's."""
        handover.ensure_one()
        # Read what the database holds, not what this transaction cached.
        # As superuser: every seal of the handover, whichever the caller may read.
        Seal = self.sudo()
        Seal.invalidate_model()
        seals = Seal.search([("handover_id", "=", handover.id)], order="sequence")
        previous = False
        latest = {}
        for index, seal in enumerate(seals, start=1):
            if (
                seal.sequence != index
                or (seal.previous_hash or False) != previous
                or Seal._chain_hash(seal._stored_hash_input()) != seal.hash
            ):
                return seal, self.env._("the seal itself was altered or removed")
            previous = seal.hash
            for name, value in seal._record_values().items():
                latest[seal.res_model, seal.res_id, name] = (seal, value)
        sealed_fields = {}
        for model, _res_id, name in latest:
            sealed_fields.setdefault(model, set()).add(name)
        for model, names in sealed_fields.items():
            self.env[model].invalidate_model(sorted(names))
        broken = Seal.browse()
        for (model, res_id, name), (seal, value) in latest.items():
            if value is None:
                continue
            # As superuser: the sealed record is compared whole, whoever asks for the
            # check.
            record = (
                self.env[model]
                .sudo()
                .with_context(active_test=False, bin_size=False)
                .browse(res_id)
            )
            if not record.exists() or Seal._serialize(record, name) != value:
                broken |= seal
        if broken:
            first = broken.sorted("sequence")[:1]
            return first, self.env._("the sealed record was changed since")
        return Seal, ""

    @api.model
    def _integrity_message(self, handover):
        """(intact, message) of the check of ``handover``'s chain."""
        seal, why = self._verify_integrity(handover)
        if not seal:
            # As superuser: every seal of the handover counts, whichever the
            # caller may read.
            count = self.sudo().search_count([("handover_id", "=", handover.id)])
            return True, self.env._(
                "Integrity verified: the %(count)s seals of %(ref)s are intact.",
                count=count,
                ref=handover.name,
            )
        # As superuser: the name of the record whose seal broke, whoever asks for the
        # check.
        record = self.env[seal.res_model].sudo().browse(seal.res_id).exists()
        return False, self.env._(
            "Integrity broken: seal #%(sequence)s of %(ref)s (%(kind)s of "
            "%(record)s, by %(user)s on %(date)s): %(why)s.",
            sequence=seal.sequence,
            ref=handover.name,
            kind=dict(seal._fields["kind"]._description_selection(self.env))[seal.kind],
            record=record.display_name or f"{seal.res_model},{seal.res_id}",
            user=seal.user_id.name,
            date=seal.sealed_on,
            why=why,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Seals are written by the handover itself, never by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Seals are never changed. Nothing was changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Seals are never deleted. Nothing was changed."))
