from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError, UserError

from .hr_client_handover_policy import HANDOVER_MODELS
from .hr_client_handover_stages import CLOSED

# A handover in these stages is recorded: its files, chatter and activities
# no longer change.
FROZEN_STAGES = CLOSED
# What a file is: changing any of these replaces or moves it.
FILE_FIELDS = frozenset(
    ("name", "description", "raw", "datas", "db_datas", "store_fname", "url")
    + ("type", "res_model", "res_id", "res_field", "checksum", "mimetype")
)


def handovers_of(env, pairs):
    """{(model, res_id): handover (sudo)} of ``pairs`` of records of a
    handover's models; records that no longer exist are left out."""
    result = {}
    by_model = {}
    for model, res_id in pairs:
        if model in HANDOVER_MODELS and res_id:
            by_model.setdefault(model, set()).add(res_id)
    for model, ids in by_model.items():
        # The handover a file or activity is on decides, read or not.
        records = env[model].sudo().browse(sorted(ids)).exists()
        for record in records:
            handover = record if model == "hr.client.handover" else record.handover_id
            if handover:
                result[model, record.id] = handover
    return result


def handover_participant(handover, user):
    """Whether ``user`` holds a role of the policy on ``handover`` (or on one
    of its parts: a checklist item, a countersignature, a signature)."""
    # The roles are asked of every part, which ``user`` need not all read.
    handover = handover.sudo()
    return bool(handover._get_user_roles(user) | handover._policy_part_roles(user))


def refused_on_handovers(records, target, refusal):
    """(records of ``records`` on handovers that the current user may not
    change, error factory of the first): ``target(record)`` is the (model,
    res_id) a record is on, ``refusal(record, handover)`` None when the user
    may change it, else a function returning the error."""
    # What the records are on, whatever the user reads of it.
    on_handovers = records.sudo().filtered(
        lambda record: target(record)[0] in HANDOVER_MODELS and target(record)[1]
    )
    if not on_handovers:
        return records.browse(), None
    handovers = handovers_of(records.env, [target(rec) for rec in on_handovers])
    forbidden = []
    first_error = None
    for record in on_handovers:
        handover = handovers.get(target(record))
        error = handover and refusal(record, handover)
        if error:
            forbidden.append(record.id)
            first_error = first_error or error
    return records.browse(forbidden), first_error


def refuse_handover_changes(records, operation, result, forbidden_of):
    """``_check_access(operation)`` of ``records`` (messages, activities) with
    the handover's refusals added to core's answer ``result``: on a write or
    an unlink, ``forbidden_of(rest)`` returns (the records of handovers the
    user may not change, error factory) among those core let through. Core's
    error is kept when core refused first."""
    if records.env.su or operation not in ("write", "unlink") or not records._ids:
        return result
    rest = records - result[0] if result else records
    forbidden, error = forbidden_of(rest)
    if not forbidden:
        return result
    if result:
        return result[0] + forbidden, result[1]
    return forbidden, error


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_access(self, operation):
        """The files of a handover's fields and its filed documents (备案) are
        the system's: nobody changes or deletes them, administrators included.
        Another file of a handover or of its parts is deleted only by whoever
        added it, while the handover is open (and rewritten likewise: see
        ``write``, which knows what is rewritten)."""
        if not self.env.su and operation != "read" and any(self._ids):
            # What a file is attached to, before asking whether the user may.
            sealed = self.sudo()._handover_sealed()
            if sealed:
                return self.browse(sealed.ids), self._handover_sealed_error
            if operation == "unlink":
                forbidden, error = self._handover_file_forbidden()
                if forbidden:
                    return forbidden, error
        return super()._check_access(operation)

    def _handover_sealed(self):
        """The attachments of ``self`` that belong to a handover's record."""
        # Filed documents and summaries, of any handover: the user's reading
        # of them does not decide whether a file is sealed.
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

    def _handover_file_forbidden(self):
        """(attachments of ``self`` the current user may not change or delete,
        error factory): a file of a handover is changed or deleted by whoever
        added it, while the handover is open."""
        # (Who added a file is read as the system: see refused_on_handovers.)
        return refused_on_handovers(
            self, lambda att: (att.res_model, att.res_id), self._handover_file_refusal
        )

    def _handover_file_refusal(self, att, handover):
        if att.create_uid.id != self.env.uid:
            return lambda: AccessError(
                self.env._(
                    "The file %(file)s of %(ref)s was added by %(user)s: only "
                    "they can change or delete it, while the handover is open. "
                    "Nothing was changed.",
                    file=att.name,
                    ref=handover.name,
                    user=att.create_uid.name,
                )
            )
        if handover.state in FROZEN_STAGES:
            return lambda: UserError(
                self.env._(
                    "%(ref)s is %(state)s: its files are part of its record and can "
                    "no longer change. Nothing was changed.",
                    ref=handover.name,
                    state=handover._stage_label(),
                )
            )
        return None

    @api.model
    def _handover_check_attach(self, pairs):
        """The current user may add files to the records ``pairs`` ((model,
        res_id)) of handovers: they hold a role on the handover, and it is
        open. The superuser (the system) may always."""
        if self.env.su and self.env.uid == SUPERUSER_ID:
            return
        user = self.env.user
        for handover in dict.fromkeys(handovers_of(self.env, pairs).values()):
            if not handover_participant(handover, user):
                raise AccessError(
                    self.env._(
                        "Only the people taking part in %(ref)s can add files to "
                        "it. Nothing was changed.",
                        ref=handover.name,
                    )
                )
            if handover.state in FROZEN_STAGES:
                raise UserError(
                    self.env._(
                        "%(ref)s is %(state)s: its record is closed and takes no "
                        "more files. Nothing was changed.",
                        ref=handover.name,
                        state=handover._stage_label(),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any(
                vals.get("res_model") in HANDOVER_MODELS and vals.get("res_field")
                for vals in vals_list
            ):
                raise self._handover_sealed_error()
            self._handover_check_attach(
                [(vals.get("res_model"), vals.get("res_id")) for vals in vals_list]
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            # (self.sudo() below: where the files are now, whatever the user
            # reads of them, decides what they may become.)
            if vals.get("res_field") and (
                vals.get("res_model") in HANDOVER_MODELS
                or any(att.res_model in HANDOVER_MODELS for att in self.sudo())
            ):
                raise self._handover_sealed_error()
            if FILE_FIELDS & set(vals):
                # (sudo: as above.)
                if self.sudo()._handover_sealed():
                    raise self._handover_sealed_error()
                forbidden, error = self._handover_file_forbidden()
                if forbidden:
                    raise error()
            if vals.get("res_model") in HANDOVER_MODELS or (
                vals.get("res_id")
                # As superuser: where the files are attached, whoever may read them.
                and any(att.res_model in HANDOVER_MODELS for att in self.sudo())
            ):
                # Moved onto a handover's record: added to it.
                self._handover_check_attach(
                    [
                        (vals.get("res_model", att.res_model), vals["res_id"])
                        if vals.get("res_id")
                        else (vals["res_model"], att.res_id)
                        for att in self.sudo()
                    ]
                )
        return super().write(vals)

    def _post_add_create(self, **kwargs):
        """A file uploaded in the chatter (created as superuser by the upload
        route, after it checked the user may post there): a handover takes it
        only from its participants while it is open. The refused file is
        removed again, then the route answers that it was not allowed."""
        # The route created the files as superuser: removed likewise.
        files = self.sudo().filtered(lambda att: att.res_model in HANDOVER_MODELS)
        if files:
            try:
                self.with_env(self.env(su=False))._handover_check_attach(
                    [(att.res_model, att.res_id) for att in files]
                )
            except (AccessError, UserError) as error:
                # (sudo: the route's files, removed as they were created, see above.)
                self.sudo().unlink()
                raise AccessError(str(error)) from error
        return super()._post_add_create(**kwargs)

    def _delete_and_notify(self, message=None):
        """The chatter's delete buttons call this as superuser once the route
        found the user owns the file: a handover's file still goes only with
        its author, while the handover is open."""
        if self.env.uid != SUPERUSER_ID:
            as_user = self.with_env(self.env(su=False))
            # Whether sealed, whatever the user reads of the handover.
            sealed = as_user.sudo()._handover_sealed()
            if sealed:
                raise as_user._handover_sealed_error()
            forbidden, error = as_user._handover_file_forbidden()
            if forbidden:
                raise error()
        return super()._delete_and_notify(message=message)
