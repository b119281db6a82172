import io
import re
import subprocess
from datetime import timedelta

from pypdf import PdfReader

from odoo import Command
from odoo.tests import tagged

from ..report import pdf_text_layer
from .common import HandoverCase, load_chinese

PLAN = "hr_client_handover.action_report_handover_plan"
VISITS = "hr_client_handover.action_report_handover_visits"
SUMMARY = "hr_client_handover.action_report_handover_summary"
# English heading of each report and the Chinese the translation gives it.
HEADINGS = {
    PLAN: ("Handover Plan and Checklist", "交接计划表及交接清单"),
    VISITS: ("Visit and Verification Sheet", "拜访客户交接计划表"),
    SUMMARY: ("Handover Summary Report", "客户交接总结报告"),
}
SECTIONS = {
    PLAN: [("Handover Checklist", "交接清单"), ("Sign-off", "签字确认")],
    VISITS: [("Customer Visits", "拜访客户"), ("Phone Verification", "电话抽查")],
    SUMMARY: [
        ("Key Figures", "交接数据"),
        ("Customers Handed Over", "交接客户明细"),
        ("Approval Record", "审批记录"),
    ],
}
CHINESE_CUSTOMER = "北京华信科技有限公司"
# Common characters whose glyph Noto Sans CJK shares with a radical (人 and ⼈
# U+2F08, 门 and ⻔ U+2ED4...): each must come out of the PDF as itself.
SHARED_GLYPHS = "人工日方网用长车石户门"
CHINESE_CUSTOMERS = (
    "北京门户网络科技有限公司",
    "长城汽车用品有限公司",
    "人民石油工程有限公司",
    "日方网络工作室",
)
# The departing employee and both successors, renamed for the Chinese prints.
CHINESE_PEOPLE = ("方日工", "石长人", "门户车")
# Printed headings and labels made of such characters.
CHINESE_LABELS = ("最后工作日", "移交人", "接交人", "监交人")
LARGE_HANDOVER_LINES = 1000
# wkhtmltopdf without patched Qt redraws the whole document on every page.
PDF_HANDOVER_LINES = 300


def pdf_text(content):
    """The text of a PDF, words separated by single spaces whatever the layout."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pdftotext(content):
    """The text poppler's pdftotext finds in a PDF."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def squash(text):
    """Text without white space: wkhtmltopdf wraps a long Chinese name inside its
    table cell, and the extracted text then has a line break in the middle."""
    return "".join(text.split())


@tagged("post_install", "-at_install")
class TestReports(HandoverCase):
    """The three PDF reports, rendered for real by wkhtmltopdf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chinese_customer = cls.env["res.partner"].create(
            {"name": CHINESE_CUSTOMER, "is_company": True, "user_id": cls.departing.id}
        )

    def render(self, report, handover, user=None):
        """The PDF `user` prints (the supervisor by default) and its text: the
        filed copy once filed, else rendered now (and filed by nobody)."""
        Report = self.env["ir.actions.report"].with_user(user or self.supervisor)
        content, report_type = Report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(report, res_ids=handover.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"), "a real PDF is rendered")
        return content, pdf_text(content)

    def activate_chinese(self, user):
        """Give `user` Simplified Chinese, whose translation of the reports ships
        with the module."""
        load_chinese(self.env)
        user.lang = "zh_CN"
        view = self.env.ref("hr_client_handover.report_handover_plan_document")
        self.assertNotEqual(
            view.with_context(lang="zh_CN").arch_db,
            view.arch_db,
            "the reports' Simplified Chinese translation must load",
        )

    def test_reports_in_english(self):
        handover = self.draft_handover()
        self.assertIn(self.chinese_customer, handover.line_ids.partner_id)
        for report, (heading, _chinese) in HEADINGS.items():
            with self.subTest(report=report):
                self.assertEqual(self.env.ref(report).name, heading, "print menu")
                _content, text = self.render(report, handover)
                self.assertIn(heading, text)
                self.assertIn(squash(CHINESE_CUSTOMER), squash(text))
                self.assertIn(self.employee.name, text)
                # Company and print date head the body: no page header is printed.
                self.assertIn(self.company.name, text)
                self.assertIn("Printed On", text)
                for section, _chinese_section in SECTIONS[report]:
                    self.assertIn(section, text)

    def test_reports_in_printing_users_language(self):
        """Rendered in the language of the user who prints: Chinese headings for
        a Chinese user, English ones for an English one."""
        handover = self.draft_handover()
        self.activate_chinese(self.supervisor)

        def notice_date_in(code):
            date_format = self.env["res.lang"]._get_data(code=code).date_format
            return handover.notice_date.strftime(date_format)

        self.assertNotEqual(notice_date_in("zh_CN"), notice_date_in("en_US"))
        for report, (heading, chinese) in HEADINGS.items():
            with self.subTest(report=report):
                _content, text = self.render(report, handover)
                self.assertIn(squash(CHINESE_CUSTOMER), squash(text))
                self.assertIn(notice_date_in("zh_CN"), text)
                self.assertIn(squash(chinese), squash(text))
                self.assertNotIn(heading, text)
                for _section, chinese_section in SECTIONS[report]:
                    self.assertIn(squash(chinese_section), squash(text))
        # The departing employee prints in their own language, English.
        _content, text = self.render(PLAN, handover, user=self.departing)
        self.assertIn(HEADINGS[PLAN][0], text)
        self.assertIn(notice_date_in("en_US"), text)

    def test_chinese_text_is_searchable(self):
        """Every Chinese character printed is found by text search, in each
        report printed in Chinese: names with characters whose glyph the CJK font
        shares with a radical, and the headings."""
        for person, name in zip(
            (self.departing, self.successor_a, self.successor_b),
            CHINESE_PEOPLE,
            strict=True,
        ):
            person.name = name
        self.employee.name = CHINESE_PEOPLE[0]
        self.env["res.partner"].create(
            [
                {"name": name, "is_company": True, "user_id": self.departing.id}
                for name in CHINESE_CUSTOMERS
            ]
        )
        handover = self.draft_handover()
        self.assertEqual(
            set(SHARED_GLYPHS),
            set(SHARED_GLYPHS) & set("".join(CHINESE_CUSTOMERS + CHINESE_PEOPLE)),
        )
        self.activate_chinese(self.supervisor)
        expected = CHINESE_CUSTOMERS + CHINESE_PEOPLE + CHINESE_LABELS
        for report, (_heading, chinese) in HEADINGS.items():
            content, _text = self.render(report, handover)
            for extract in (pdf_text, pdftotext):
                with self.subTest(report=report, extract=extract.__name__):
                    text = squash(extract(content))
                    radicals = sorted(
                        {char for char in text if 0x2E80 <= ord(char) <= 0x2FDF}
                    )
                    self.assertEqual(radicals, [], "no radical stands for a character")
                    for needle in (chinese, *expected):
                        self.assertIn(squash(needle), text)
                    for _section, chinese_section in SECTIONS[report]:
                        self.assertIn(squash(chinese_section), text)

    def test_text_layer_ranges_and_fallback(self):
        """A ToUnicode CMap in both forms Qt writes (a range and an array) is read
        whole; radicals map to ideographs by the font, or by Unicode when the
        font cannot be found."""
        cmap = (
            b"begincmap\n2 beginbfrange\n<0001> <0003> <2F08>\n"
            b"<0004> <0005> [<4EBA> <D840DC00>]\nendbfrange\n"
            b"1 beginbfchar\n<0006> <2ED4>\nendbfchar\nendcmap"
        )
        mapping, width = pdf_text_layer.parse_to_unicode(cmap)
        self.assertEqual(width, 2)
        self.assertEqual(
            mapping,
            {1: "⼈", 2: "⼉", 3: "⼊", 4: "人", 5: "\U00020000", 6: "⻔"},
        )
        self.assertEqual(
            pdf_text_layer.parse_to_unicode(
                pdf_text_layer.write_to_unicode(mapping, width)
            ),
            (mapping, width),
        )
        fallback = pdf_text_layer.ideograph_map("NoSuchFont-Regular")
        self.assertEqual(chr(fallback[0x2F08]), "人")
        self.assertEqual(chr(fallback[0x2F47]), "日")
        installed = pdf_text_layer.ideograph_map("NotoSansCJKsc-Regular")
        for radical, ideograph in (
            ("⻔", "门"),
            ("⻓", "长"),
            ("⼾", "户"),
            ("㬵", "胶"),
        ):
            self.assertEqual(chr(installed[ord(radical)]), ideograph)

    def test_one_paper_format(self):
        """The three reports print on one A4 paper format, their pages too."""
        formats = {self.env.ref(report).paperformat_id for report in HEADINGS}
        self.assertEqual(len(formats), 1)
        self.assertEqual(formats.pop().format, "A4")
        handover = self.draft_handover()
        for report in HEADINGS:
            with self.subTest(report=report):
                content, _text = self.render(report, handover)
                for page in PdfReader(io.BytesIO(content)).pages:
                    size = sorted(
                        (
                            round(float(page.mediabox.width)),
                            round(float(page.mediabox.height)),
                        )
                    )
                    self.assertEqual(size, [595, 842], "A4 in points")

    def plan_values(self, handover):
        return (
            self.env["report.hr_client_handover.report_handover_plan"]
            .with_user(self.supervisor)
            ._get_report_values(handover.ids)
        )

    def test_plan_contents(self):
        """The plan states the departure reason, each customer's contact details
        and the open opportunities (项目名称 / 项目进度) that move with them."""
        self.alpha.write(
            {
                "street": "12 Harbour Road",
                "city": "Ningbo",
                "phone": "+86 574 5555 0101",
                "email": "office@alpha.example",
            }
        )
        self.alpha_buyer.function = "Purchasing Manager"
        handover = self.draft_handover(reason="Moves to another city")
        stage = self.env["crm.stage"].create({"name": "Negotiation Round"})
        self.lead_alpha.stage_id = stage
        values = self.plan_values(handover)
        planned = dict(values["opportunities"][handover.id])
        self.assertEqual(self.env["crm.lead"].union(*planned.values()), self.open_leads)
        self.assertEqual(
            planned[handover.line_ids.filtered(lambda ln: ln.partner_id == self.alpha)],
            self.lead_alpha | self.lead_alpha_buyer,
            "a contact's deal is listed with its company",
        )
        _content, text = self.render(PLAN, handover)
        for expected in (
            "Reason for Departure",
            "Moves to another city",
            "Contact Details",
            "12 Harbour Road",
            "Ningbo",
            "+86 574 5555 0101",
            "office@alpha.example",
            "Alice Buyer, Purchasing Manager",
            "alice@alpha.example",
            "Open Opportunities",
            "Opportunity Name",
            "Opportunity Stage",
            "Negotiation Round",
            "10,000.00",
            "26,000.00",
            *self.open_leads.mapped("name"),
        ):
            self.assertIn(squash(expected), squash(text))
        for lead in (
            self.lead_alpha_won,
            self.lead_alpha_lost,
            self.lead_alpha_other,
            self.lead_other,
        ):
            self.assertNotIn(lead.name, text, "won, lost and others' deals stay out")

        # Once the ownership moved, the plan lists what the transfer moved.
        self.advance(handover, "materials")
        self.assertNotEqual(handover.transfer_state, "pending")
        self.assertNotIn(self.departing, self.open_leads.user_id)
        moved = dict(self.plan_values(handover)["opportunities"][handover.id])
        self.assertEqual(self.env["crm.lead"].union(*moved.values()), self.open_leads)
        _content, text = self.render(PLAN, handover)
        for lead in self.open_leads:
            self.assertIn(lead.name, text)

        self.activate_chinese(self.supervisor)
        _content, text = self.render(PLAN, handover)
        for label in ("离职原因", "联系方式", "项目名称", "项目进度", "未结商机"):
            self.assertIn(label, squash(text))

    def test_approval_blocks(self):
        """Every report has the approval block: who reviewed and approved each
        step and when (the plan: the supervisor's review and the division
        manager's approval; the visits: the closed visits and verification).
        Rendered live: advanced without rendering PDFs, the handover has no
        filed document (the prints of a filed one are test_filing's)."""
        handover = self.draft_handover()
        self.advance(handover, "summary_approval")
        closures = self.env[
            "report.hr_client_handover.report_handover_visits"
        ]._get_report_values(handover.ids)["stage_closures"][handover.id]
        self.assertEqual(closures["visits"][0], self.supervisor)
        self.assertEqual(closures["verification"][0], self.witness)
        self.assertTrue(closures["visits"][1] and closures["verification"][1])
        rows = {
            PLAN: ("Plan review", "Plan approval"),
            VISITS: ("Customer visits approved", "Phone verification closed"),
            SUMMARY: (
                "Plan review",
                "Plan approval",
                "Customer visits approved",
                "Phone verification closed",
                "Summary review",
            ),
        }
        for report, steps in rows.items():
            with self.subTest(report=report):
                _content, text = self.render(report, handover)
                self.assertIn("Approval Record", text)
                for step in steps:
                    self.assertIn(step, text)
        _content, text = self.render(PLAN, handover)
        reviewed = handover.plan_reviewed_on
        self.assertIn(
            f"Plan review {self.supervisor.name} {self.supervisor.name}", text
        )
        self.assertIn(f"Plan approval {self.approver.name} {self.approver.name}", text)
        self.assertTrue(reviewed and handover.plan_approved_on)
        _content, text = self.render(VISITS, handover)
        self.assertIn(
            f"Customer visits approved {self.supervisor.name} {self.supervisor.name}",
            text,
        )
        self.assertIn(
            f"Phone verification closed {self.witness.name} {self.witness.name}", text
        )
        self.activate_chinese(self.supervisor)
        _content, text = self.render(VISITS, handover)
        for label in (
            "审批记录",
            "拜访客户审核",
            "电话抽查完成",
            "计划审核",
            "计划批准",
        ):
            self.assertIn(label, squash(text))

    def test_plan_shows_materials_signatures(self):
        handover = self.draft_handover()
        self.advance(handover, "visits")
        _content, text = self.render(PLAN, handover)
        for user in (self.departing, self.successor_a, self.successor_b, self.witness):
            self.assertIn(user.name, text)
        signed = handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == "materials"
        )
        self.assertEqual(len(signed), 4, "departing, both successors and the witness")
        self.assertTrue(all(signed.mapped("signature")))
        values = self.env[
            "report.hr_client_handover.report_handover_plan"
        ]._get_report_values(handover.ids)
        boxes = [
            box for row in values["signature_rows"][handover.id] for box in row if box
        ]
        self.assertEqual({box["signature"] for box in boxes}, set(signed))

    def test_summary_filed_on_approval_and_reprinted(self):
        handover = self.draft_handover().with_context(force_report_rendering=True)
        self.advance(handover, "summary_approval")
        Attachment = self.env["ir.attachment"]
        filed = [
            ("res_model", "=", handover._name),
            ("res_id", "=", handover.id),
            ("name", "=like", "%_summary.pdf"),
        ]
        self.render(SUMMARY, handover)
        self.assertFalse(
            Attachment.search(filed), "a summary printed before approval is not filed"
        )

        self.advance(handover, "done")
        attachment = handover.summary_attachment_id
        self.assertTrue(attachment, "the approved summary is filed on the handover")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(Attachment.search(filed), attachment)
        text = pdf_text(attachment.raw)
        self.assertIn(HEADINGS[SUMMARY][0], text)
        self.assertIn(squash(CHINESE_CUSTOMER), squash(text))

        content, _text = self.render(SUMMARY, handover, user=self.departing)
        self.assertEqual(
            content, attachment.raw, "a second print returns the filed PDF"
        )
        self.assertEqual(Attachment.search(filed), attachment, "and files nothing new")

    def test_large_handover_renders(self):
        """A thousand customers render in a bounded number of queries; the PDF of
        a large handover paginates (its length is wkhtmltopdf's time, not ours)."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Customer {index:04d} 客户", "is_company": True}
                for index in range(LARGE_HANDOVER_LINES)
            ]
        )
        handover = self.create_handover(
            line_ids=[
                Command.create(
                    {
                        "partner_id": partner.id,
                        "successor_id": (self.successor_a, self.successor_b)[
                            index % 2
                        ].id,
                        "planned_visit_date": self.today + timedelta(days=index % 10),
                        "materials_paper": "Contract and price list",
                        "materials_location": "Cabinet A",
                    }
                )
                for index, partner in enumerate(partners)
            ]
        )
        last_customer = f"Customer {LARGE_HANDOVER_LINES - 1:04d}"
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        for report in HEADINGS:
            with self.subTest(report=report):
                self.env.invalidate_all()
                queries = self.env.cr.sql_log_count
                html, _type = Report._render_qweb_html(report, handover.ids)
                queries = self.env.cr.sql_log_count - queries
                self.assertIn(last_customer, html.decode())
                self.assertLess(queries, 150, "queries do not grow with the customers")

        handover.line_ids[PDF_HANDOVER_LINES:].unlink()
        content, text = self.render(PLAN, handover)
        pages = PdfReader(io.BytesIO(content)).pages
        self.assertGreater(len(pages), 8)
        for number, page in enumerate(pages, start=1):
            self.assertIn(
                f"{handover.name} · Page {number} of {len(pages)}",
                page.extract_text(),
                "every page names the handover and its place in the document",
            )
        self.assertIn("Customer 0000", text)
        self.assertIn(f"Customer {PDF_HANDOVER_LINES - 1:04d}", text)
        # Every page of the customer table repeats its header and cuts no row:
        # each customer found on a page has its materials on that page too.
        customer_pages = 0
        for number, page in enumerate(pages, start=1):
            page_text = " ".join(page.extract_text().split())
            customers = len(re.findall(r"Customer\s+\d{4}", page_text))
            if not customers:
                continue
            customer_pages += 1
            with self.subTest(page=number):
                for label in (
                    "Contact Details",
                    "Planned Handover",
                    "Storage Location",
                ):
                    self.assertIn(label, page_text)
                self.assertEqual(page_text.count("Contract and price list"), customers)
        self.assertGreater(customer_pages, 8)
