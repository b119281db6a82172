"""Filing (备案): the signed plan and checklist when the materials stage ends,
the visit and verification sheet when the verification ends, the summary at
approval; each filed once, immutable, printed again from the filed copy, and
listed for HR."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.hr_client_handover_document import UNSTYLED_MARKER
from .common import HandoverCase
from .test_reports import PLAN, VISITS, pdf_text


@tagged("post_install", "-at_install")
class TestFiling(HandoverCase):
    def test_documents_filed_when_their_stage_ends(self):
        handover = self.draft_handover(key_position=True).with_context(
            force_report_rendering=True
        )
        Document = self.env["hr.client.handover.document"]
        self.advance(handover, "materials")
        self.assertFalse(handover.plan_attachment_id, "nothing filed before its end")

        self.advance(handover, "visits")
        plan = handover.plan_attachment_id
        self.assertTrue(plan)
        self.assertIn("Handed over by", pdf_text(plan.raw))
        self.assertEqual(
            self.render_pdf(PLAN, handover, self.departing),
            plan.raw,
            "a later print returns the filed plan",
        )
        self.advance(handover, "summary")
        visits = handover.visits_attachment_id
        self.assertTrue(visits)
        self.assertEqual(self.render_pdf(VISITS, handover, self.supervisor), visits.raw)
        self.advance(handover, "done")
        documents = Document.search([("handover_id", "=", handover.id)])
        self.assertEqual(
            documents.mapped("kind"), ["summary", "visits", "plan"], "newest first"
        )
        self.assertEqual(
            documents.attachment_id,
            plan | visits | handover.summary_attachment_id,
        )
        self.assertTrue(all(documents.mapped("key_position")))
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )

        # HR finds them; a participant sees those of their handover; others none.
        for user, found in (
            (self.handover_admin, documents),
            (self.departing, documents),
            (self.other_salesman, Document),
        ):
            self.assertEqual(
                Document.with_user(user).search([("handover_id", "=", handover.id)]),
                found,
            )
        # Nobody rewrites or removes a filed document, administrators included.
        for user in (self.handover_admin, self.supervisor):
            with self.assertRaises(AccessError):
                plan.with_user(user).write({"raw": b"%PDF forged"})
            with self.assertRaises(AccessError):
                plan.with_user(user).unlink()
            with self.assertRaises(AccessError):
                documents[:1].with_user(user).unlink()
            with self.assertRaises(AccessError):
                documents[:1].with_user(user).write({"kind": "plan"})
            with self.assertRaises(AccessError):
                Document.with_user(user).create(
                    {
                        "handover_id": handover.id,
                        "kind": "plan",
                        "attachment_id": plan.id,
                        "filed_on": "2026-01-01 00:00:00",
                    }
                )

    def filing_triggers(self):
        cron = self.env.ref("hr_client_handover.ir_cron_handover_file_reports")
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])

    def test_stage_end_triggers_the_filing_in_its_own_transaction(self):
        """Ending a stage renders nothing in the request that ends it: it
        triggers the scheduled action, which files the document right after."""
        handover = self.draft_handover().with_context(force_report_rendering=True)
        self.advance(handover, "materials")
        self.do_materials(handover)
        self.filing_triggers().unlink()
        handover.with_user(self.supervisor).action_complete_materials()
        self.assertEqual(handover.state, "visits")
        self.assertFalse(handover.plan_attachment_id, "not rendered in the request")
        now = fields.Datetime.now()
        self.assertTrue(
            self.filing_triggers().filtered(lambda trigger: trigger.call_at <= now),
            "the scheduled action is triggered for right after the transaction",
        )
        self.assertTrue(self.run_triggered_filing(handover))
        self.assertTrue(handover.plan_attachment_id)
        self.assertEqual(
            self.env["hr.client.handover.document"]
            .search([("handover_id", "=", handover.id)])
            .mapped("kind"),
            ["plan"],
        )

    def test_render_without_styles_is_not_filed_and_tried_again(self):
        """wkhtmltopdf takes the reports' styles from the web server: when it
        cannot reach it, the copy is refused, nothing is sealed, and a later run
        files the styled copy."""
        handover = self.draft_handover().with_context(force_report_rendering=True)
        Document = self.env["hr.client.handover.document"]
        with self.reports_without_styles():
            self.advance(handover, "visits")
        self.assertFalse(handover.plan_attachment_id, "an unstyled copy is not filed")
        self.assertFalse(Document.search([("handover_id", "=", handover.id)]))
        self.assertFalse(
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", handover._name),
                    ("res_id", "=", handover.id),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
        )
        later = fields.Datetime.now() + timedelta(minutes=5)
        self.assertTrue(
            self.filing_triggers().filtered(lambda trigger: trigger.call_at > later),
            "tried again later",
        )

        # The server is reachable again: the next run files the styled copy.
        Document.with_context(**handover.env.context)._file_due(handover.sudo())
        handover.invalidate_recordset()
        plan = handover.plan_attachment_id
        self.assertTrue(plan)
        self.assertNotIn(UNSTYLED_MARKER, "".join(pdf_text(plan.raw).split()))
        self.assertIn("Handed over by", pdf_text(plan.raw))
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
