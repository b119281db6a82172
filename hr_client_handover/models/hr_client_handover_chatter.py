"""The chatter of a handover: what the workflow posts is sealed, the author
of a message is its poster, files come from participants of an open handover.

The rules on the messages themselves (who edits or deletes which) live on
``mail.message`` (models/mail_message.py), those on files on
``ir.attachment`` (models/ir_attachment.py).
"""

from odoo import SUPERUSER_ID, models

from .hr_client_handover_stages import DRAFT
from .mail_message import THREAD_CREATE

# What a decision message seals: what it says, who said it and when, where.
MESSAGE_SEALED = ("body", "author_id", "date", "model", "res_id")


class HrClientHandoverChatterMixin(models.AbstractModel):
    """The thread of a handover: mail.thread with the rules above (inherited
    by hr.client.handover in place of mail.thread)."""

    _name = "hr.client.handover.chatter.mixin"
    _description = "Client Handover Chatter"
    _inherit = ["mail.thread"]

    def _message_create(self, values_list):
        # The messages the thread writes (posts, logs, tracking) are told
        # apart from a mail.message created over RPC (models/mail_message.py).
        return super(
            HrClientHandoverChatterMixin,
            self.with_context(handover_thread_create=THREAD_CREATE),
        )._message_create(values_list)

    def _message_post_after_hook(self, message, msg_values):
        # What the system posts (approvals, refusals, confirmations, digests:
        # not a person's note, nor the "done" of an activity) is printed on
        # the filed PDFs: sealed by value, so that Verify Integrity names a
        # change made to it behind the application. A draft that was never
        # submitted has no record yet (and a seal would forbid deleting it).
        if (
            message.message_type != "comment"
            and not message.mail_activity_type_id
            and (self.state != DRAFT or self._has_seals())
        ):
            self._seal("message", message, MESSAGE_SEALED)
        return super()._message_post_after_hook(message, msg_values)

    def _has_seals(self):
        self.ensure_one()
        return bool(
            # As superuser: every seal of the handover counts, whichever the
            # poster may read.
            self.env["hr.client.handover.seal"]
            .sudo()
            .search_count([("handover_id", "=", self.id)], limit=1)
        )

    def _check_can_update_message_content(self, messages):
        """The chatter's edit and delete (``_message_update_content``, which its
        route runs on messages read as superuser) follow the rules of the
        messages for the user who asks."""
        if not (self.env.su and self.env.uid == SUPERUSER_ID):
            forbidden, error = messages.with_env(
                self.env(su=False)
            )._handover_message_forbidden()
            if forbidden:
                raise error()
        return super()._check_can_update_message_content(messages)

    def _process_attachments_for_post(
        self, attachments, attachment_ids, message_values
    ):
        """Files posted in the chatter (new ones, or the user's own uploads that
        core moves onto the handover as superuser) are added to the handover:
        by its participants, while it is open."""
        if attachments or attachment_ids:
            model = message_values.get("model") or self._name
            res_id = message_values.get("res_id") or self.id
            # Even as superuser (the chatter's routes post so): who posts is
            # the user; only the system itself (SUPERUSER_ID) is not checked.
            self.env["ir.attachment"]._handover_check_attach([(model, res_id)])
        return super()._process_attachments_for_post(
            attachments, attachment_ids, message_values
        )
