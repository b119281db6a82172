"""A handover's PDF shows its preview to whoever may read it.

The chatter draws the first page of a PDF and asks the server to store it as
the file's thumbnail. A filed document (sealed) and the files of a recorded
handover change for nobody, yet whoever may read them still gets the preview:
only the thumbnail is stored, nothing else of the file opens, the seals stay
intact, and whoever may not read the file gets core's refusal.
"""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import PNG_SIGNATURE, HandoverCase
from .test_trust_reports import FORCE_PDF

ROUTE = "/mail/attachment/update_thumbnail"
# A 1x1 PNG, as small as a preview gets.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestThumbnail(HandoverCase, HttpCase):
    def store_thumbnail(self, user, attachment, thumbnail=PNG):
        self.authenticate(user.login, user.login)
        result = self.make_jsonrpc_request(
            ROUTE, {"attachment_id": attachment.id, "thumbnail": thumbnail}
        )
        attachment.invalidate_recordset()
        return result

    def assertSealsIntact(self, handover):
        seal, why = self.env["hr.client.handover.seal"]._verify_integrity(handover)
        self.assertFalse(seal, f"the seals stay intact ({why})")

    def test_filed_document_gets_its_preview_and_nothing_else(self):
        handover = self.draft_handover().with_context(**FORCE_PDF)
        self.advance(handover, "visits")
        plan = handover.plan_attachment_id
        self.assertTrue(plan, "the plan is filed")
        self.assertEqual(plan.mimetype, "application/pdf")
        self.assertFalse(plan.has_thumbnail)
        raw, name = plan.raw, plan.name

        # Whoever may not read the handover gets core's refusal, and no preview.
        self.assertFalse(plan.with_user(self.other_salesman).has_access("read"))
        with self.assertRaises(JsonRpcException) as refusal:
            self.store_thumbnail(self.other_salesman, plan)
        self.assertIn("NotFound", str(refusal.exception))
        self.assertFalse(plan.has_thumbnail)

        # A participant opening the handover gets the preview, without an error.
        self.store_thumbnail(self.successor_a, plan)
        self.assertTrue(plan.has_thumbnail)
        self.assertEqual(plan.thumbnail, PNG.encode())
        self.assertEqual((plan.raw, plan.name), (raw, name))
        self.assertSealsIntact(handover)

        # Another reader does not replace the preview already stored.
        self.store_thumbnail(self.supervisor, plan, thumbnail=PNG_SIGNATURE)
        self.assertEqual(plan.thumbnail, PNG.encode())

        # The filed file itself stays closed to the participant.
        for values in (
            {"raw": b"%PDF-1.4 forged"},
            {"public": True},
            {"name": "forged.pdf"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                plan.with_user(self.successor_a).write(values)
        self.assertFalse(plan.public)
        self.assertEqual(plan.name, name)
        self.assertSealsIntact(handover)

    def test_file_of_a_done_handover_gets_its_preview(self):
        handover = self.draft_handover()
        self.advance(handover, "visits")
        posted = (
            self.env["ir.attachment"]
            .with_user(self.departing)
            .create(
                {
                    "name": "visit_photos.pdf",
                    "raw": b"%PDF-1.4 visit photos",
                    "mimetype": "application/pdf",
                    "res_model": handover._name,
                    "res_id": handover.id,
                }
            )
        )
        self.advance(handover, "done")
        # Recorded: the other participants read it and may not change it.
        reader = posted.with_user(self.successor_a)
        self.assertTrue(reader.has_access("read"))
        self.assertFalse(reader.has_access("write"))

        # Whoever may not read it still gets core's refusal.
        with self.assertRaises(JsonRpcException):
            self.store_thumbnail(self.other_salesman, posted)
        self.assertFalse(posted.has_thumbnail)

        self.store_thumbnail(self.successor_a, posted)
        self.assertTrue(posted.has_thumbnail)
        with self.assertRaises(AccessError):
            reader.write({"name": "renamed.pdf"})
        self.assertEqual(posted.name, "visit_photos.pdf")
        self.assertSealsIntact(handover)
