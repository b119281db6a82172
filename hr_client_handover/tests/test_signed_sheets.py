"""The signed sheets of the procedure: the visit sheet
(拜访客户交接计划表) signed by who visited together and the witness before the
visits stage ends, the phone check signed by the witness who called once the
customers confirmed (抽查属实后签字) before the verification ends; both printed
on the visit sheet and filed with it. A visit records when and where it took
place and the contact met."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PNG_SIGNATURE, HandoverCase
from .test_reports import VISITS


@tagged("post_install", "-at_install")
class TestSignedSheets(HandoverCase):
    def signatures(self, handover, stage):
        return handover.sudo().signature_ids.filtered(lambda sig: sig.stage == stage)

    def visit_all(self, handover):
        self.do_visits(handover)
        self.witness_visits(handover)

    def test_visit_sheet_signed_by_visitors_and_witness_before_visits_end(self):
        handover = self.advance(self.draft_handover(), "visits")
        sheet = self.signatures(handover, "visits")
        self.assertEqual(
            {(sig.role, sig.user_id) for sig in sheet},
            {
                ("departing", self.departing),
                ("successor", self.successor_a),
                ("successor", self.successor_b),
                ("witness", self.witness),
            },
        )
        # Nobody signs a sheet still to be filled in.
        mine = sheet.filtered(lambda sig: sig.user_id == self.successor_a)
        with self.assertRaisesRegex(UserError, "once every customer is visited"):
            mine.with_user(self.successor_a).action_sign()
        with self.assertRaisesRegex(UserError, "once every customer is visited"):
            mine.with_user(self.successor_a).write({"signature": PNG_SIGNATURE})
        self.visit_all(handover)
        with self.assertRaisesRegex(UserError, r"Waiting for 4 signature\(s\)"):
            handover.with_user(self.supervisor).action_complete_visits()
        self.assertIn(
            "Your signature is awaited",
            handover.with_user(self.successor_a).banner_text,
        )
        self.sign(handover, "visits", users=self.successor_a | self.departing)
        with self.assertRaisesRegex(UserError, r"Waiting for 2 signature\(s\)"):
            handover.with_user(self.supervisor).action_complete_visits()
        self.sign(handover, "visits")
        handover.with_user(self.supervisor).action_complete_visits()
        self.assertEqual(handover.state, "verification")
        # Signed in its stage only.
        with self.assertRaisesRegex(UserError, "already signed|is over"):
            mine.with_user(self.successor_a).write({"signature": PNG_SIGNATURE})

    def test_visit_sent_back_is_signed_again(self):
        handover = self.advance(self.draft_handover(), "visits")
        self.visit_all(handover)
        self.sign(handover, "visits")
        line = handover.line_ids[0]
        self.line_reason(
            line, self.supervisor, "action_send_back_visit", "Met the wrong person"
        )
        self.assertFalse(any(self.signatures(handover, "visits").mapped("signed_on")))
        self.do_visits(handover, line)
        self.witness_visits(handover)
        with self.assertRaisesRegex(UserError, "signature"):
            handover.with_user(self.supervisor).action_complete_visits()

    def test_phone_check_signed_by_the_witness_who_called(self):
        handover = self.advance(self.draft_handover(), "verification")
        check = self.signatures(handover, "verification")
        self.assertEqual(
            [(sig.role, sig.user_id) for sig in check], [("verifier", self.witness)]
        )
        for user in (self.departing, self.successor_a, self.supervisor):
            with self.assertRaises(AccessError):
                check.with_user(user).write({"signature": PNG_SIGNATURE})
        # Signed once the customers confirmed (属实后签字).
        with self.assertRaisesRegex(UserError, "once every sampled customer"):
            check.with_user(self.witness).write({"signature": PNG_SIGNATURE})
        self.do_calls(handover)
        with self.assertRaisesRegex(UserError, r"Waiting for 1 signature\(s\)"):
            handover.with_user(self.witness).action_complete_verification()
        check.with_user(self.witness).write({"signature": PNG_SIGNATURE})
        self.assertTrue(check.signed_on)
        handover.with_user(self.witness).action_complete_verification()
        self.assertEqual(handover.state, "summary")

    def test_no_visit_sheet_to_sign_without_visits(self):
        template = self.env.ref("hr_client_handover.handover_template_promotion")
        handover = self.draft_handover(
            handover_type="promotion", template_id=template.id
        )
        self.assertFalse(template.require_visits)
        self.advance(handover, "visits")
        self.assertFalse(self.signatures(handover, "visits"))
        handover.with_user(self.supervisor).action_complete_visits()
        self.assertEqual(handover.state, "verification")

    def test_visit_sheet_prints_the_signatures_and_is_filed_after_the_check(self):
        handover = self.advance(self.draft_handover(), "visits")
        line = handover.line_ids.filtered(lambda ln: ln.partner_id == self.alpha)
        line.with_user(line.successor_id).write(
            {
                "visit_date": self.today,
                "visit_place": "Alpha HQ, Room 501",
                "visit_contact_id": self.alpha_buyer.id,
            }
        )
        self.advance(handover, "verification")
        Document = self.env["hr.client.handover.document"]
        # The sheet waits for the phone check signed: one document, filed once.
        self.assertNotIn("visits", Document._files_due(handover))
        self.advance(handover, "summary")
        self.assertIn("visits", Document._files_due(handover))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(VISITS, handover.ids)[0]
            .decode()
        )
        for text in ("Alpha HQ, Room 501", "Alice Buyer", "Verified by phone by"):
            self.assertIn(text, html)
        # Every box of both sign-offs carries its signature image.
        signed = self.signatures(handover, "visits") | self.signatures(
            handover, "verification"
        )
        self.assertEqual(len(signed), 5)
        self.assertTrue(all(signed.mapped("signed_on")))
        self.assertEqual(html.count('alt="Signature"'), 5)


@tagged("post_install", "-at_install")
class TestMaterialsSheet(HandoverCase):
    """Materials: paper, electronic and location are given
    (or declared none) before the successor confirms; the supervisor sends a
    confirmed materials line back with a reason."""

    def setUp(self):
        super().setUp()
        self.handover = self.create_handover()
        self.handover.with_user(self.departing).action_generate_lines()
        self.assign(self.handover, self.successor_a)
        self.advance(self.handover, "materials")
        self.line = self.handover.line_ids[0]

    def confirm(self, line=None):
        line = line or self.line
        return line.with_user(line.successor_id).action_confirm_materials()

    def test_materials_required_or_declared_none(self):
        line = self.line.with_user(self.successor_a)
        with self.assertRaisesRegex(UserError, "paper materials.*electronic.*where"):
            self.confirm()
        line.materials_paper = "Contract"
        with self.assertRaisesRegex(UserError, "electronic materials"):
            self.confirm()
        line.materials_no_electronic = True
        with self.assertRaisesRegex(UserError, "Storage Location"):
            self.confirm()
        line.materials_no_paper = True
        with self.assertRaisesRegex(UserError, "Clear one of them"):
            self.confirm()
        self.assertFalse(self.line.materials_confirmed_on)
        # Nothing to hand over, said explicitly: no location either.
        line.materials_paper = False
        self.confirm()
        self.assertEqual(self.line.materials_confirmed_by_id, self.successor_a)
        other = self.handover.line_ids[1].with_user(self.successor_a)
        other.write(
            {
                "materials_no_paper": True,
                "materials_electronic": "CRM record",
                "materials_location": "Shared drive /customers",
            }
        )
        self.confirm(other)
        self.assertTrue(other.materials_confirmed_on)

    def test_supervisor_sends_confirmed_materials_back(self):
        self.describe_materials(self.line, self.successor_a)
        with self.assertRaisesRegex(UserError, "nothing to send back"):
            self.line.with_user(self.supervisor).action_send_back_materials()
        self.confirm()
        self.do_materials(self.handover)
        self.assertTrue(all(self.handover.signature_ids.mapped("signed_on")))
        self.assertTrue(self.line.with_user(self.supervisor).can_send_back_materials)
        for user in (self.successor_a, self.departing, self.witness):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.line_reason(self.line, user, "action_send_back_materials", "No")
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.line.with_user(self.supervisor)._do_send_back_materials(" ")
        self.line_reason(
            self.line,
            self.supervisor,
            "action_send_back_materials",
            "The contract annex is missing",
        )
        self.assertFalse(self.line.materials_confirmed_on)
        self.assertEqual(self.line.materials_return_count, 1)
        self.assertEqual(
            self.line.materials_return_reason, "The contract annex is missing"
        )
        self.assertIn(
            "The contract annex is missing",
            " ".join(self.handover.message_ids.mapped("body")),
        )
        # The successor completes and confirms again, with a new activity;
        # the materials sign-off is signed again.
        activity = self.handover.activity_ids.filtered(
            lambda act: act.user_id == self.successor_a
            and act.activity_type_id
            == self.env.ref("hr_client_handover.mail_act_handover_materials")
        )
        self.assertEqual(len(activity), 1)
        self.assertFalse(any(self.handover.signature_ids.mapped("signed_on")))
        with self.assertRaisesRegex(UserError, "not confirmed by their successor"):
            self.handover.with_user(self.supervisor).action_complete_materials()
        self.line.with_user(self.successor_a).materials_paper = "Contract and annex"
        self.confirm()
        self.sign(self.handover, "materials")
        self.handover.with_user(self.supervisor).action_complete_materials()
        self.assertEqual(self.handover.state, "visits")
        with self.assertRaisesRegex(UserError, "is in the stage"):
            self.line.with_user(self.supervisor).action_send_back_materials()
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(self.handover)[0]
        )
