import io

import lxml.html
from pypdf import PdfReader

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval, time

from ..models.ir_actions_report import FOOTER_FONT, footer_font
from .common import HandoverCase, load_chinese
from .test_reports import HEADINGS, PLAN, SUMMARY, VISITS, pdf_text, squash

# A portfolio the size of the demo's: the customer table runs over pages.
EXTRA_CUSTOMERS = 21
COMPANY_STREET = "浦东新区世纪大道100号"


def page_texts(content):
    return [
        squash(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages
    ]


def fonts_of(content):
    """{font name: embedded?} of every font a page of the PDF uses."""
    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for reference in (font_dict.get_object() if font_dict else {}).values():
            font = reference.get_object()
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts[str(font.get("/BaseFont"))] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


@tagged("post_install", "-at_install")
class TestReportLayout(HandoverCase):
    """What a Chinese office signs: the company's letterhead, tables from the
    first page, totals with their rows, Simplified Chinese type, every font in
    the file, and one name per document."""

    def render(self, report, handover):
        """The PDF the supervisor prints now, and its text."""
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids=handover.ids)
        )
        self.assertEqual(report_type, "pdf")
        return content, pdf_text(content)

    def activate_chinese(self, user):
        load_chinese(self.env)
        user.lang = "zh_CN"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"name": "上海星辰贸易有限公司", "street": COMPANY_STREET, "city": "上海"}
        )
        cls.env["res.partner"].create(
            [
                {
                    "name": f"客户{index:02d}科技有限公司",
                    "is_company": True,
                    "user_id": cls.departing.id,
                    "phone": f"+86 21 5555 {index:04d}",
                    "street": f"长宁区某某路{index}号",
                    "city": "上海",
                }
                for index in range(EXTRA_CUSTOMERS)
            ]
        )

    def test_letterhead_heads_the_first_page(self):
        """The company's external layout heads page one, inside the page (no
        page header that wkhtmltopdf without patched Qt would drop), under a
        top margin that is a margin."""
        paper = self.env.ref(PLAN).paperformat_id
        self.assertLessEqual(paper.margin_top, 15, "no room kept for a page header")
        handover = self.draft_handover()
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        for report in HEADINGS:
            with self.subTest(report=report):
                action = Report._get_report(report)
                html, _type = Report._render_qweb_html(report, handover.ids)
                self.assertIn(b"o_report_layout_", html, "Odoo's external layout")
                bodies, _ids, header, footer, _args = action._prepare_html(
                    html, report_model=action.model
                )
                self.assertFalse(header or footer, "no page header nor footer")
                body = bodies[0]
                self.assertIn("o_handover_letterhead", body)
                self.assertLess(
                    body.index("o_handover_letterhead"),
                    body.index("o_handover_report"),
                    "the letterhead comes before the document",
                )
                content, _text = self.render(report, handover)
                first = page_texts(content)[0]
                self.assertIn(squash(COMPANY_STREET), first)
                self.assertIn(squash(action.name), first)

    def test_customer_table_starts_on_page_one(self):
        """Page one holds the head of the handover and the first customers,
        the table goes on over the next pages."""
        handover = self.draft_handover()
        self.assertGreater(len(handover.line_ids), 25)
        self.activate_chinese(self.supervisor)
        first_customers = handover.line_ids[:3].partner_id.mapped("display_name")
        # The summary opens with its figures; its customers follow them.
        for report in (PLAN, VISITS):
            with self.subTest(report=report):
                content, _text = self.render(report, handover)
                pages = page_texts(content)
                for name in first_customers:
                    self.assertIn(squash(name), pages[0], "the table starts on page 1")
                last = handover.line_ids[-1].partner_id.display_name
                self.assertIn(squash(last), "".join(pages))

    def test_totals_stay_with_their_rows(self):
        """A total is printed once, at the end of its table, on the page of its
        table's last row."""
        handover = self.draft_handover()
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        html, _type = Report._render_qweb_html(SUMMARY, handover.ids)
        totals = lxml.html.fromstring(html).xpath(
            "//table/tfoot/tr[contains(@class, 'o_handover_total')]"
        )
        self.assertEqual(len(totals), 1, "the total ends its table")
        for report, last_row in (
            (PLAN, "Delta tender"),
            (SUMMARY, "Bea Successor"),
        ):
            with self.subTest(report=report):
                content, _text = self.render(report, handover)
                totals = [page for page in page_texts(content) if "Total" in page]
                self.assertTrue(totals)
                self.assertIn(squash(last_row), totals[0])

    def test_chinese_print_in_simplified_chinese(self):
        """A Chinese user's print states its language (zh-CN) and is set in Noto
        Sans CJK SC, never the Japanese face."""
        handover = self.draft_handover()
        self.activate_chinese(self.supervisor)
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        action = Report._get_report(PLAN)
        html, _type = Report._render_qweb_html(PLAN, handover.ids)
        bodies = action._prepare_html(html, report_model=action.model)[0]
        self.assertIn('<html lang="zh-CN"', bodies[0])
        self.assertIn('lang="zh-CN"', bodies[0].split('class="article', 1)[1][:400])
        content, _text = self.render(PLAN, handover)
        fonts = " ".join(fonts_of(content))
        self.assertIn("NotoSansCJKsc", fonts)
        self.assertNotIn("NotoSansCJKjp", fonts)
        # An English print states English.
        html, _type = Report.with_user(self.departing)._render_qweb_html(
            PLAN, handover.ids
        )
        bodies = action._prepare_html(html, report_model=action.model)[0]
        self.assertIn('<html lang="en-US"', bodies[0])

    def test_every_font_is_embedded(self):
        """Every font of every page, the page stamp's included, is in the file:
        the documents read the same in any viewer."""
        self.assertEqual(footer_font(), FOOTER_FONT, "an installed TrueType font")
        handover = self.draft_handover()
        self.activate_chinese(self.supervisor)
        for report in HEADINGS:
            with self.subTest(report=report):
                content, _text = self.render(report, handover)
                fonts = fonts_of(content)
                self.assertTrue(fonts)
                self.assertEqual(
                    [name for name, embedded in fonts.items() if not embedded], []
                )
                self.assertIn("第", pdf_text(content), "the stamp is in Chinese")

    def test_one_name_per_document(self):
        """The print menu, the heading and the downloaded file name one document
        alike, in English and in Chinese."""
        handover = self.draft_handover()
        for lang in ("en_US", "zh_CN"):
            if lang == "zh_CN":
                self.activate_chinese(self.supervisor)
            for report in HEADINGS:
                with self.subTest(report=report, lang=lang):
                    action = self.env.ref(report).with_context(lang=lang)
                    _content, text = self.render(report, handover)
                    self.assertIn(squash(action.name), squash(text))
                    if lang == "en_US":
                        file_name = safe_eval(
                            action.print_report_name,
                            {"object": handover, "time": time},
                        )
                        self.assertEqual(file_name, f"{action.name} - {handover.name}")
