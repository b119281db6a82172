"""Printing is reading, filing is the system's, dialogs leak nothing.

A handover's report (filed or not) is printed only by who may read the
handover, over HTTP as over the ORM; a filed handover always prints its filed
copy, whatever the request asks; a print files nothing, the system files what
is due (its scheduled action); a dialog opens only on a handover or customer
its user may act on, and reading it back names nothing its user may not read.
"""

import io
import json
from urllib.parse import quote

from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import HandoverCase, load_chinese
from .test_reports import PLAN, VISITS

FORCE_PDF = {"force_report_rendering": True}  # tests render HTML unless asked
PLAN_NAME = "hr_client_handover.report_handover_plan"


@tagged("post_install", "-at_install")
class TestTrustReports(HandoverCase, HttpCase):
    # -- helpers ---------------------------------------------------------------
    def filed_handover(self):
        """A handover past the materials stage, its plan filed by the system."""
        handover = self.draft_handover().with_context(**FORCE_PDF)
        self.advance(handover, "visits")
        self.assertTrue(handover.plan_attachment_id, "the plan is filed")
        return handover

    def unfiled_handover(self):
        """A handover past the materials stage whose plan was not filed (as the
        demo's, installed while no web server served the reports' styles)."""
        handover = self.draft_handover()
        self.advance(handover, "visits")  # tests file nothing without a PDF
        self.assertFalse(handover.plan_attachment_id)
        return handover

    def run_filing_job(self, cron, handover):
        """What the job does for ``handover``, as its user, asking for a PDF
        (tests render HTML unless asked). Here, in the test's transaction: a
        job's own cursor would hold the lock the test's web server needs to
        serve wkhtmltopdf the reports' styles, and an unstyled copy is never
        filed."""
        self.env["hr.client.handover.document"].with_user(cron.user_id).with_context(
            **FORCE_PDF
        )._file_due(handover.sudo())

    def print_over_http(self, user, handover, converter="pdf", context=None):
        self.authenticate(user.login, user.login)
        url = f"/report/{converter}/{PLAN_NAME}/{handover.id}"
        context = {**FORCE_PDF, **(context or {})}
        return self.url_open(f"{url}?context={quote(json.dumps(context))}")

    def documents(self, handover):
        return self.env["hr.client.handover.document"].search(
            [("handover_id", "=", handover.id)]
        )

    def names_of(self, handover):
        """What an outsider must not learn: the reference and the customers."""
        return [handover.name, *handover.line_ids.partner_id.mapped("name")]

    # -- printing is reading ---------------------------------------------------
    def test_outsiders_do_not_download_the_filed_plan(self):
        handover = self.filed_handover()
        filed = handover.plan_attachment_id.raw
        for user in (self.other_salesman, self.foreign_user, self.portal_user):
            for converter in ("pdf", "html"):
                with self.subTest(user=user.login, converter=converter):
                    response = self.print_over_http(user, handover, converter)
                    self.assertNotEqual(response.status_code, 200)
                    self.assertNotIn(b"%PDF", response.content)
                    self.assertNotIn(filed, response.content)
                    for name in self.names_of(handover):
                        self.assertNotIn(name, response.text)
            with self.subTest(user=user.login, path="download"):
                self.authenticate(user.login, user.login)
                url = f"/report/pdf/{PLAN_NAME}/{handover.id}"
                response = self.url_open(
                    "/report/download",
                    data={
                        "data": json.dumps([url, "qweb-pdf"]),
                        "context": json.dumps(FORCE_PDF),
                        "csrf_token": self.csrf_token(),
                    },
                )
                self.assertNotIn(b"%PDF", response.content)
                for name in self.names_of(handover):
                    self.assertNotIn(name, response.text)
        # Nor through the ORM, for whoever calls it (filed or live).
        Report = self.env["ir.actions.report"].with_context(**FORCE_PDF)
        for user in (self.other_salesman, self.foreign_user):
            for report in (PLAN, VISITS):
                with self.subTest(user=user.login, report=report):
                    with self.assertRaises(AccessError):
                        Report.with_user(user)._render_qweb_pdf(report, handover.ids)
                    with self.assertRaises(AccessError):
                        Report.with_user(user)._render_qweb_html(report, handover.ids)
        self.assertEqual(handover.plan_attachment_id.raw, filed)

    def csrf_token(self):
        response = self.url_open("/web/login")
        return response.text.split('name="csrf_token" value="', 1)[1].split('"')[0]

    def test_participant_gets_the_filed_copy_whatever_the_request(self):
        handover = self.filed_handover()
        filed = handover.plan_attachment_id.raw
        self.env["res.lang"]._activate_lang("zh_CN")
        for context in (
            {},
            {"report_pdf_no_attachment": True},
            {"report_pdf_no_attachment": True, "lang": "zh_CN"},
        ):
            with self.subTest(context=context):
                response = self.print_over_http(
                    self.departing, handover, context=context
                )
                self.assertEqual(response.status_code, 200, response.text[-2000:])
                self.assertEqual(response.content, filed, "byte for byte")
        # The same handover twice in the ids does not render it anew either.
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            .with_context(report_pdf_no_attachment=True, **FORCE_PDF)
            ._render_qweb_pdf(PLAN, [handover.id, handover.id])
        )
        self.assertEqual(content, filed)

    # -- filing is the system's ------------------------------------------------
    def test_print_files_nothing_the_scheduled_action_files(self):
        handover = self.unfiled_handover()
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search(
            [("res_model", "=", handover._name), ("res_id", "=", handover.id)]
        )
        response = self.print_over_http(self.supervisor, handover)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"), "a live render")
        handover.invalidate_recordset()
        self.assertFalse(handover.plan_attachment_id, "a print files nothing")
        self.assertFalse(self.documents(handover))
        self.assertEqual(
            Attachment.search(
                [("res_model", "=", handover._name), ("res_id", "=", handover.id)]
            ),
            attachments,
        )

        cron = self.env.ref("hr_client_handover.ir_cron_handover_file_reports")
        self.assertTrue(cron.active)
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        self.assertEqual(cron.code, "model._cron_file_due_reports()")
        self.run_filing_job(cron, handover)
        handover.invalidate_recordset()
        filed = handover.plan_attachment_id
        self.assertTrue(filed, "the scheduled action filed the plan")
        self.assertTrue(filed.raw.startswith(b"%PDF"))
        self.assertEqual(self.documents(handover).mapped("kind"), ["plan"])
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        # Then every print returns it.
        response = self.print_over_http(self.departing, handover)
        self.assertEqual(response.content, filed.raw)

    def test_scheduled_filing_is_in_the_language_of_the_people(self):
        """The scheduled action runs as the system (in English): the document it
        files is in the departing employee's language, as a stage's end files it."""
        load_chinese(self.env)
        self.departing.lang = "zh_CN"
        handover = self.unfiled_handover()
        cron = self.env.ref("hr_client_handover.ir_cron_handover_file_reports")
        self.assertEqual(cron.user_id.lang, "en_US")
        self.run_filing_job(cron, handover)
        handover.invalidate_recordset()
        text = "".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(handover.plan_attachment_id.raw)).pages
        )
        self.assertIn("客户及资料", text)
        self.assertNotIn("Customers and Materials", text)

    # -- dialogs ---------------------------------------------------------------
    def refused_dialogs(self, users, cases):
        """Each of ``users`` opens each dialog of ``cases`` ((model, values)):
        refused at the creation and at its defaults, nothing created."""
        for user in users:
            for model, values in cases:
                with self.subTest(user=user.login, model=model, values=values):
                    Dialog = self.env[model].with_user(user)
                    before = self.env[model].sudo().search_count([])
                    with self.assertRaises(AccessError):
                        Dialog.create(values)
                    defaults = {
                        f"default_{key}": value
                        for key, value in values.items()
                        if key in ("handover_id", "line_id", "action")
                    }
                    with self.assertRaises(AccessError):
                        Dialog.with_context(**defaults).default_get(
                            list(Dialog._fields)
                        )
                    self.assertEqual(self.env[model].sudo().search_count([]), before)

    def test_dialogs_refuse_others_records(self):
        outsiders = (self.other_salesman, self.foreign_user)
        handover = self.draft_handover()
        self.refused_dialogs(
            (*outsiders, self.successor_a, self.witness),
            [
                (
                    "hr.client.handover.assign",
                    {
                        "handover_id": handover.id,
                        "mode": "single",
                        "successor_id": self.successor_a.id,
                    },
                )
            ],
        )
        self.advance(handover, "plan_review")
        self.refused_dialogs(
            (*outsiders, self.departing, self.approver),
            [
                (model, {"handover_id": handover.id, "reason": "No"})
                for model in ("hr.client.handover.refuse", "hr.client.handover.cancel")
            ],
        )
        self.advance(handover, "visits")
        line = handover.line_ids.filtered(
            lambda ln: ln.successor_id == self.successor_a
        )[:1]
        reason = "hr.client.handover.line.reason"
        self.refused_dialogs(
            outsiders,
            [
                (reason, {"line_id": line.id, "action": action, "reason": "No"})
                for action in ("request_waiver", "refuse_waiver", "send_back_visit")
            ],
        )
        # A participant without the right: the successor sends no visit back,
        # the successor of other customers asks no waiver of this one.
        self.refused_dialogs(
            (self.successor_a,),
            [
                (
                    reason,
                    {"line_id": line.id, "action": "send_back_visit", "reason": "No"},
                )
            ],
        )
        self.refused_dialogs(
            (self.successor_b,),
            [
                (
                    reason,
                    {"line_id": line.id, "action": "request_waiver", "reason": "No"},
                )
            ],
        )
        # Whoever may, opens it.
        self.env[reason].with_user(self.successor_a).create(
            {"line_id": line.id, "action": "request_waiver", "reason": "Far away"}
        ).action_confirm()
        self.assertEqual(line.visit_state, "waiver_requested")
        # The departure of another company's employee is not registered.
        foreign = self.env["hr.employee"].create(
            {"name": "Far Employee", "company_id": self.other_company.id}
        )
        with self.assertRaises(AccessError):
            self.env["hr.departure.wizard"].with_user(self.hr_manager).create(
                {"employee_ids": [Command.set(foreign.ids)]}
            )

    def test_dialog_read_back_names_nothing(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        Refuse = self.env["hr.client.handover.refuse"]
        # The supervisor's own dialog reads back.
        own = Refuse.with_user(self.supervisor).create(
            {"handover_id": handover.id, "reason": "Split the accounts"}
        )
        self.assertEqual(
            own.with_user(self.supervisor).read(["handover_id"])[0]["handover_id"],
            (handover.id, handover.name),
        )
        # Dialogs of a handover their user cannot read (slipped in as theirs)
        # show nothing of it: its reference nor its customers.
        line = handover.line_ids[:1]
        dialogs = [
            Refuse.sudo().create({"handover_id": handover.id, "reason": "x"}),
            self.env["hr.client.handover.cancel"]
            .sudo()
            .create({"handover_id": handover.id, "reason": "x"}),
            self.env["hr.client.handover.assign"]
            .sudo()
            .create({"handover_id": handover.id, "line_ids": [Command.set(line.ids)]}),
            self.env["hr.client.handover.line.reason"]
            .sudo()
            .create({"line_id": line.id, "action": "request_waiver", "reason": "x"}),
        ]
        for dialog in dialogs:
            self.env.cr.execute(
                f"UPDATE {dialog._table} SET create_uid = %s WHERE id = %s",  # noqa: S608
                [self.other_salesman.id, dialog.id],
            )
            dialog.invalidate_recordset()
            theirs = dialog.with_user(self.other_salesman)
            names = [
                name
                for name in ("handover_id", "line_id", "partner_id", "line_ids")
                if name in dialog._fields
            ]
            with self.subTest(model=dialog._name):
                with self.assertRaises(AccessError):
                    theirs.read(names)
                with self.assertRaises(AccessError):
                    theirs.web_read(
                        {name: {"fields": {"display_name": {}}} for name in names}
                    )
                with self.assertRaises(AccessError):
                    theirs.write(
                        {"reason": "Hijacked"}
                        if "reason" in dialog._fields
                        else {"mode": "split"}
                    )
