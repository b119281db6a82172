"""The chatter of a handover is part of its record.

What the system posts (approvals, refusals, confirmations, digests: every
message the workflow posts, and the tracking of its fields) is never edited
nor deleted, by anyone but the superuser; a person edits or deletes only
their own note, while the handover is open. The author of a message is the
user who posts it. Checked here, on the messages themselves, so that every
path (RPC write and unlink, ``_message_update_content`` and the chatter's
routes, which run as superuser once they checked the author: see
``hr.client.handover._check_can_update_message_content``) meets it.
"""

from functools import cache

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

from .ir_attachment import (
    FROZEN_STAGES,
    HANDOVER_MODELS,
    refuse_handover_changes,
    refused_on_handovers,
)

# What a note's author may still change on it while the handover is open
# (the chatter's edit); the rest (author, date, type, tracking...) is the
# record's.
NOTE_FIELDS = frozenset(
    ("body", "subject", "attachment_ids", "partner_ids", "starred_partner_ids")
)
# Marks the messages the threads of the handover create themselves
# (message_post, message_log, tracking): a Python object, which no RPC
# context can carry.
THREAD_CREATE = object()


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _check_access(self, operation):
        return refuse_handover_changes(
            self,
            operation,
            super()._check_access(operation),
            lambda messages: messages._handover_message_forbidden(),
        )

    def _handover_message_forbidden(self):
        """(messages of ``self`` on handovers that the current user may not
        edit nor delete, error factory)."""
        partner = self.env.user.partner_id

        @cache
        def sealed():
            # Searched once, when a message on a handover is met. The seals of
            # any handover: the user's reading of them does not decide whether
            # a message is sealed.
            return set(
                self.env["hr.client.handover.seal"]
                .sudo()
                .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
                .mapped("res_id")
            )

        def refusal(message, handover):
            if (
                message.id in sealed()
                or message.message_type != "comment"
                or message.tracking_value_ids
                or message.mail_activity_type_id
            ):
                return lambda: AccessError(
                    self.env._(
                        "This message records what happened on %(ref)s: nobody can "
                        "change or delete it. Nothing was changed.",
                        ref=handover.name,
                    )
                )
            if message.author_id != partner:
                return lambda: AccessError(
                    self.env._(
                        "This note on %(ref)s was written by %(author)s: only they "
                        "can change or delete it, while the handover is open. "
                        "Nothing was changed.",
                        ref=handover.name,
                        author=message.author_id.name or message.email_from,
                    )
                )
            if handover.state in FROZEN_STAGES:
                return lambda: UserError(
                    self.env._(
                        "%(ref)s is %(state)s: its chatter is part of its record "
                        "and can no longer change. Nothing was changed.",
                        ref=handover.name,
                        state=handover._stage_label(),
                    )
                )
            return None

        return refused_on_handovers(self, lambda msg: (msg.model, msg.res_id), refusal)

    def _handover_check_author(self, vals):
        """A message on a handover shows the user who posts it as its author."""
        partner = self.env.user.partner_id
        author = vals.get("author_id", self.env.context.get("default_author_id"))
        email_from = vals.get("email_from", self.env.context.get("default_email_from"))
        if (
            (author is not None and author != partner.id)
            or vals.get("author_guest_id")
            or (
                email_from
                and email_from != partner.email_formatted
                and email_normalize(email_from) != email_normalize(partner.email or "")
            )
        ):
            raise AccessError(
                self.env._(
                    "A message on a client handover is posted in your own name: "
                    "leave out its author and sender, they are yours. Nothing was "
                    "changed."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("model") not in HANDOVER_MODELS:
                    continue
                self._handover_check_author(vals)
                if self.env.context.get("handover_thread_create") is not THREAD_CREATE:
                    # Written directly (RPC): a note of its author, nothing more.
                    if vals.get("message_type", "comment") != "comment" or any(
                        vals.get(name)
                        for name in ("tracking_value_ids", "mail_activity_type_id")
                    ):
                        raise AccessError(
                            self.env._(
                                "Post on a client handover with its chatter: only the "
                                "handover records what happened. Nothing was changed."
                            )
                        )
                    if vals.get("attachment_ids"):
                        self.env["ir.attachment"]._handover_check_attach(
                            [(vals["model"], vals.get("res_id"))]
                        )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - NOTE_FIELDS:
            # As superuser: which document each message is on, whoever may read it.
            on_handover = self.sudo().filtered(lambda msg: msg.model in HANDOVER_MODELS)
            if on_handover:
                names = sorted(set(vals) - NOTE_FIELDS)
                raise AccessError(
                    self.env._(
                        "%(fields)s of a message on a client handover never change: "
                        "only the text of your own note does. Nothing was changed.",
                        fields=", ".join(names),
                    )
                )
        return super().write(vals)
