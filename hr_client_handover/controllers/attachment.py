import base64

from odoo import http
from odoo.http import request
from odoo.tools.misc import file_open

from odoo.addons.mail.controllers.attachment import AttachmentController
from odoo.addons.mail.tools.discuss import Store, add_guest_to_context

from ..models.ir_attachment import handovers_of


class HandoverAttachmentController(AttachmentController):
    @http.route()
    @add_guest_to_context
    def mail_attachement_update_thumbnail(
        self, attachment_id, thumbnail=None, access_token=None
    ):
        """The chatter stores the preview it draws of a PDF's first page. A
        file of a handover that the user may read but not change (a filed
        document, any file of a recorded handover) gets it too: only its
        thumbnail is stored, once; the file itself stays as it is. Anything
        else is core's to decide."""
        attachment = request.env["ir.attachment"].browse(int(attachment_id)).exists()
        if (
            not attachment
            or attachment.has_access("write")
            or not attachment.has_access("read")
            or not self._handover_file(attachment)
            # (sudo, as core's route reads it: the user's read right was checked above.)
            or attachment.sudo().mimetype != "application/pdf"
        ):
            return super().mail_attachement_update_thumbnail(
                attachment_id, thumbnail=thumbnail, access_token=access_token
            )
        # sudo: ir.attachment - the user may read this file (checked above) but not
        # write it, and only its thumbnail is stored below.
        attachment_sudo = attachment.sudo()
        if attachment_sudo.thumbnail:
            return None  # a reader does not replace the preview already stored
        if not thumbnail:
            with file_open("web/static/img/mimetypes/unknown.svg") as unknown_svg:
                thumbnail = base64.b64encode(unknown_svg.read().encode())
        # sudo: ir.attachment - the user may read this file but nobody may change
        # it; its preview is no part of the file nor of any seal.
        attachment_sudo.thumbnail = thumbnail
        Store(bus_channel=attachment_sudo).add(
            attachment_sudo, ["has_thumbnail"]
        ).bus_send()
        return None

    @staticmethod
    def _handover_file(attachment):
        """Whether ``attachment`` is a filed document or a file of a handover
        (or of one of its parts)."""
        # As superuser: where the file is attached and whether a seal holds it, whatever
        # the user may read of the handover it belongs to.
        attachment = attachment.sudo()
        return bool(
            attachment._handover_sealed()
            or handovers_of(attachment.env, [(attachment.res_model, attachment.res_id)])
        )
