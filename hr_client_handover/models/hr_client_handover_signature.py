import base64
import binascii
import io

from PIL import Image, ImageChops, UnidentifiedImageError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .hr_client_handover_policy import POLICY
from .hr_client_handover_stages import STAGE, STAGES, VERIFICATION, VISITS

SIGNATURE_ROLES = [
    ("departing", "Handed over by"),
    ("successor", "Received by"),
    ("witness", "Witnessed by"),
    # the supervising witness who phoned the sampled customers (抽查属实后签字)
    ("verifier", "Verified by phone by"),
]
SIGNATURE_STAGES = [(stage.key, stage.label) for stage in STAGES if stage.signatures]
# A drawn signature has at least this much ink (dark, opaque pixels) spread
# over at least this width: a blank, transparent or dotted image has not.
MIN_INK_PIXELS = 150
MIN_INK_WIDTH = 40


class HrClientHandoverSignature(models.Model):
    _name = "hr.client.handover.signature"
    _description = "Client Handover Signature"
    _inherit = ["hr.client.handover.policy"]
    _order = "handover_id, stage, role, id"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    stage = fields.Selection(SIGNATURE_STAGES, required=True)
    role = fields.Selection(SIGNATURE_ROLES, required=True)
    user_id = fields.Many2one("res.users", string="Signer", required=True)
    # In its own column, not an ir.attachment: nobody reaches it but through
    # this record, whose policy freezes it once signed.
    signature = fields.Image(
        max_width=1024, max_height=512, copy=False, attachment=False
    )
    signed_on = fields.Datetime(readonly=True, copy=False)
    signed_by_id = fields.Many2one(
        "res.users",
        string="Signed on Behalf By",
        readonly=True,
        copy=False,
        help="The direct supervisor who signed in place of the departing user, "
        "who has left (代签).",
    )
    is_mine = fields.Boolean(compute="_compute_is_mine")
    can_sign = fields.Boolean(compute="_compute_is_mine")

    _stage_role_user_unique = models.UniqueIndex(
        "(handover_id, stage, role, user_id)",
        lambda env, diag: env._("This person already has a signature for this role."),
    )

    @api.depends_context("uid")
    @api.depends("user_id", "signed_on", "handover_id.state")
    def _compute_is_mine(self):
        roles = {}  # the user's roles, once per handover
        for sig in self:
            sig.is_mine = sig.user_id == self.env.user
            handover = sig._origin.handover_id
            if sig._origin.id and handover not in roles:
                roles[handover] = handover._get_user_roles()
            sig.can_sign = bool(
                sig._origin.id
                and sig._origin._policy_allows("write:sign", roles[handover])
            )

    def _stage_is_open(self):
        self.ensure_one()
        return self.handover_id.state == self.stage

    # ------------------------------------------------------------------
    # Access policy (models/hr_client_handover_policy.py)
    # ------------------------------------------------------------------
    def _policy_record_roles(self):
        return {"signer"} if self.user_id == self.env.user else set()

    def _policy_signing_open(self):
        return self._stage_is_open() and not self.signed_on

    def _policy_departing_signing_open(self):
        return (
            self._policy_signing_open()
            and self.user_id == self.handover_id.departing_user_id
        )

    def _policy_frozen_message(self, condition):
        if self.signed_on and self._stage_is_open():
            return self.env._("You have already signed here. Nothing was changed.")
        return self.env._(
            "The %(stage)s stage of %(ref)s is over: its signatures are frozen.",
            stage=dict(self._fields["stage"]._description_selection(self.env))[
                self.stage
            ],
            ref=self.handover_id.name,
        )

    @api.model_create_multi
    def create(self, vals_list):
        # No row of the policy gives anyone a signature to create: the
        # handover requests them, as the system, when a signing stage starts.
        if not self.env.su and not POLICY[self._name].get("create"):
            raise AccessError(
                self.env._(
                    "Signature requests are created by the handover itself when a "
                    "signing stage starts."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        self._policy_check_write(set(vals))
        self._check_sheet_complete()
        if not self._is_drawn(vals.get("signature")):
            raise UserError(
                self.env._(
                    "The signature is blank: draw it in the box with the mouse or a "
                    "finger, then save. Nothing was changed."
                )
            )
        now = fields.Datetime.now()
        own = self.filtered(lambda sig: sig.user_id == self.env.user)
        super(HrClientHandoverSignature, own).write(dict(vals, signed_on=now))
        # The policy let the supervisor sign the others in the departing
        # user's place: the record says so.
        super(HrClientHandoverSignature, self - own).write(
            dict(vals, signed_on=now, signed_by_id=self.env.uid)
        )
        # Sealed; the chatter lists the signatures in the stage's digest.
        for sig in self:
            sig.handover_id._seal(
                "signature",
                sig,
                ("signature", "signed_on", "user_id", "signed_by_id", "role", "stage"),
            )
        return True

    @api.model
    def _awaited_from_user(self, handover):
        """The signature of ``handover``'s current stage the current user may
        give next: their own first, then one they give on someone's behalf."""
        if not handover.id:
            return self.browse()
        waiting = handover.signature_ids.filtered(
            lambda sig: sig.stage == handover.state
            and not sig.signed_on
            and sig.can_sign
        )
        return (waiting.filtered("is_mine") or waiting)[:1]

    def action_sign(self):
        """Open the signature pad of this signature: a large dialog with the
        signer's name written in, to adopt or to draw over; Adopt & Sign saves
        it (``write``, where the policy decides)."""
        if not self:
            raise UserError(
                self.env._(
                    "Nothing awaits your signature at this stage. Nothing was changed."
                )
            )
        self.ensure_one()
        self._policy_check_write({"signature"})
        self._check_sheet_complete()
        return {
            "type": "ir.actions.client",
            "tag": "hr_client_handover_sign",
            "params": {
                "signature_id": self.id,
                "name": self.user_id.name,
            },
        }

    def _check_sheet_complete(self):
        """The visit sheet is signed once every customer is visited or its
        visit waived, the phone check once the sampled customers confirmed
        (属实后签字): nobody signs a sheet still to be filled in."""
        for sig in self:
            handover = sig.handover_id
            if sig.stage == VISITS and not handover._visits_recorded():
                raise UserError(
                    self.env._(
                        "The visit sheet of %(ref)s is signed once every customer "
                        "is visited or its visit waived. Nothing was changed.",
                        ref=handover.name,
                    )
                )
            if sig.stage == VERIFICATION and handover._calls_problems():
                raise UserError(
                    self.env._(
                        "The phone check of %(ref)s is signed once every sampled "
                        "customer confirmed the handover on the phone. Nothing was "
                        "changed.",
                        ref=handover.name,
                    )
                )

    @api.model
    def _is_drawn(self, value):
        """Whether a base64 image carries a hand-drawn (or typed) signature."""
        if not value:
            return False
        try:
            image = Image.open(io.BytesIO(base64.b64decode(value))).convert("RGBA")
        except (binascii.Error, ValueError, UnidentifiedImageError):
            return False
        opaque = image.getchannel("A").point(lambda v: 255 if v > 64 else 0)
        dark = image.convert("L").point(lambda v: 255 if v < 160 else 0)
        ink = ImageChops.multiply(opaque, dark)
        box = ink.getbbox()
        return bool(
            box
            and ink.histogram()[255] >= MIN_INK_PIXELS
            and box[2] - box[0] >= MIN_INK_WIDTH
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        # No row of the policy deletes a signature: they are the record.
        if not self.env.su and not POLICY[self._name].get("unlink"):
            raise UserError(
                self.env._(
                    "Signatures are part of the handover record: they cannot be "
                    "deleted."
                )
            )

    @api.model
    def _create_requests(self, handover, stage):
        """The signatures ``handover`` asks for when ``stage`` starts, once
        each: those of the roles of its row in the stage table (the departing
        employee, each successor, the witness; the witness who phoned). A
        handover whose template needs no visits has no visit sheet to sign."""
        handover.ensure_one()
        if (
            stage == VISITS
            and handover.template_id
            and not handover.template_id.require_visits
        ):
            return self.browse()
        existing = {
            (sig.role, sig.user_id.id)
            for sig in handover.signature_ids
            if sig.stage == stage
        }
        roles = STAGE[stage].signatures
        witness = handover._users_for_role("witness")
        wanted = []
        if "departing" in roles and handover.departing_user_id:
            wanted.append(("departing", handover.departing_user_id))
        if "successor" in roles:
            wanted += [("successor", user) for user in handover.line_ids.successor_id]
        wanted += [(role, witness) for role in ("witness", "verifier") if role in roles]
        # As superuser: the signature requests are created by the workflow only.
        return self.sudo().create(
            [
                {
                    "handover_id": handover.id,
                    "stage": stage,
                    "role": role,
                    "user_id": user.id,
                }
                for role, user in wanted
                if user and (role, user.id) not in existing
            ]
        )

    @api.model
    def _reset_signed(self, handover, stage):
        """What was signed in ``stage`` changed (the stage is done again, a
        visit is sent back): its signers sign again; the seals keep the
        signatures cleared."""
        signed = handover.signature_ids.filtered(
            lambda sig: sig.stage == stage and sig.signed_on
        )
        if signed:
            # As superuser: the signatures are cleared by the workflow, never by a user.
            signed.sudo().write({"signature": False, "signed_on": False})
            handover._seal("reset", signed, ("signature", "signed_on"))
        return signed
