"""Filing (备案): the signed plan and checklist when the materials stage ends,
the visit and verification sheet when the verification ends, the summary at
approval; each filed once, immutable, printed again from the filed copy, and
listed for HR."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HandoverCase
from .test_reports import PLAN, VISITS, pdf_text


@tagged("post_install", "-at_install")
class TestFiling(HandoverCase):
    def render(self, report, handover, user):
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids=handover.ids)
        )
        return content

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
            self.render(PLAN, handover, self.departing),
            plan.raw,
            "a later print returns the filed plan",
        )
        self.advance(handover, "summary")
        visits = handover.visits_attachment_id
        self.assertTrue(visits)
        self.assertEqual(self.render(VISITS, handover, self.supervisor), visits.raw)
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
