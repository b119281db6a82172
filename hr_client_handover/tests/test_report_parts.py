"""A large handover's documents printed in parts: above a number of customers
(a system parameter), each report is rendered in parts of that many rows, each
through wkhtmltopdf, and joined into one PDF, numbered as one and filed and
sealed as one."""

import io
from unittest.mock import Mock, patch

import lxml.html
from pypdf import PdfReader

from odoo.tests import tagged

from ..models.hr_client_handover_document import UNSTYLED_MARKER
from ..models.ir_actions_report import (
    PART_PROCESSES_PARAM,
    PART_ROWS_PARAM,
    _WkhtmltopdfRun,
)
from .common import HandoverCase
from .test_reports import HEADINGS, PLAN, SUMMARY, VISITS, pdf_text, squash

CUSTOMERS = 240
PART_ROWS = 100
DEAL_EVERY = 4  # one customer in four has an open opportunity


def table_rows(html, column):
    """[[cell text]] of the body rows of the tables headed by ``column``, in
    the order of the HTML."""
    return [
        [" ".join(cell.text_content().split()) for cell in row]
        for table in lxml.html.fromstring(html).xpath("//table[thead]")
        if column in table.find("thead").text_content()
        for row in table.xpath("./tbody/tr")
    ]


@tagged("post_install", "-at_install")
class TestReportParts(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(PART_ROWS_PARAM, PART_ROWS)
        customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Parted Customer {index:03d}",
                    "is_company": True,
                    "user_id": cls.departing.id,
                }
                for index in range(CUSTOMERS)
            ]
        )
        cls.env["crm.lead"].create(
            [
                {
                    "name": f"Parted Deal {index:03d}",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "user_id": cls.departing.id,
                    "team_id": cls.team_a.id,
                    "expected_revenue": 100,
                }
                for index, customer in enumerate(customers)
                if not index % DEAL_EVERY
            ]
        )

    def setUp(self):
        super().setUp()
        self.handover = self.draft_handover()
        # Every run of wkhtmltopdf: core's (a whole document), or one part's,
        # converted while the next part is rendered.
        self.wkhtmltopdf = Mock()
        Report = type(self.env["ir.actions.report"])
        for owner, name in (
            (Report, "_run_wkhtmltopdf"),
            (_WkhtmltopdfRun, "start"),
        ):
            original = getattr(owner, name)

            def counted(*args, original=original, **kwargs):
                self.wkhtmltopdf()
                return original(*args, **kwargs)

            spy = patch.object(owner, name, autospec=True, side_effect=counted)
            spy.start()
            self.addCleanup(spy.stop)

    def parts(self, report):
        return (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._handover_parts(report, self.handover.id)
        )

    def render(self, report, handover=None, user=None):
        return self.render_pdf(
            report, handover or self.handover, user or self.supervisor
        )

    def assertWholeDocument(self, content, names):
        """``content`` holds every customer of ``names``, and its pages are
        numbered as one document."""
        pages = PdfReader(io.BytesIO(content)).pages
        text = squash(pdf_text(content))
        missing = [name for name in names if squash(name) not in text]
        self.assertFalse(missing, "every customer is printed")
        for number, page in enumerate(pages, start=1):
            self.assertIn(
                squash(f"{self.handover.name} · Page {number} of {len(pages)}"),
                squash(page.extract_text()),
                "the pages are numbered on across the parts",
            )
        return pages, text

    def test_rows_numbered_on_across_the_parts(self):
        """Each part prints its window of the long tables, numbered on from
        the parts before it; the head once, in the first part; what follows a
        table after its last row; totals, approvals and signatures once, in
        the last part."""
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        customers = self.handover.line_ids.partner_id.mapped("display_name")
        for report, column in (
            (PLAN, "Planned Handover"),
            (VISITS, "Visited on, at"),
            (SUMMARY, "Phone Check"),
        ):
            with self.subTest(report=report):
                parts = self.parts(report)
                self.assertGreater(len(parts), 2, "printed in parts")
                htmls = [
                    Report._render_qweb_html(
                        report, self.handover.ids, data={"handover_part": part}
                    )[0].decode()
                    for part in parts
                ]
                rows = [row for html in htmls for row in table_rows(html, column)]
                self.assertEqual(
                    [row[0] for row in rows],
                    [str(number) for number in range(1, len(customers) + 1)],
                    "numbered on across the parts",
                )
                self.assertEqual(
                    [
                        row[1][: len(name)]
                        for row, name in zip(rows, customers, strict=True)
                    ],
                    customers,
                    "each customer once, in order",
                )
                if report == PLAN:
                    deals = [
                        row
                        for html in htmls
                        for row in table_rows(html, "Opportunity Name")
                    ]
                    self.assertEqual(
                        [row[0] for row in deals],
                        [str(number) for number in range(1, len(deals) + 1)],
                        "numbered on across the parts",
                    )
                    parted = [row[2] for row in deals if "Parted Deal" in row[2]]
                    self.assertEqual(
                        sorted(parted),
                        [
                            f"Parted Deal {index:03d}"
                            for index in range(0, CUSTOMERS, DEAL_EVERY)
                        ],
                        "each opportunity once",
                    )
                heads = ["o_handover_header" in html for html in htmls]
                self.assertEqual(heads, [True] + [False] * (len(htmls) - 1))
                titles = [
                    HEADINGS[report][0]
                    in lxml.html.fromstring(html).xpath("string(//main)")
                    for html in htmls
                ]
                self.assertEqual(titles, [True] + [False] * (len(htmls) - 1))
                ends = ["Approval Record" in html for html in htmls]
                self.assertEqual(ends, [False] * (len(htmls) - 1) + [True])
                totals = sum(html.count("o_handover_total") for html in htmls)
                self.assertEqual(totals, 1 if report != VISITS else 0)

    def test_large_document_printed_in_parts_and_joined(self):
        """Above the threshold each report is rendered in parts, each through
        wkhtmltopdf (several parts converted at once, or one at a time), joined
        in their order into one PDF with every customer, numbered on, with the
        letterhead and head once and the sign-off once at its end."""
        customers = self.handover.line_ids.partner_id.mapped("display_name")
        parted = [squash(name) for name in customers if "Parted Customer" in name]
        Params = self.env["ir.config_parameter"].sudo()
        for report, processes in (*((report, 3) for report in HEADINGS), (PLAN, 1)):
            heading = HEADINGS[report]
            Params.set_param(PART_PROCESSES_PARAM, processes)
            with self.subTest(report=report, processes=processes):
                parts = self.parts(report)
                self.wkhtmltopdf.reset_mock()
                content = self.render(report)
                self.assertEqual(
                    self.wkhtmltopdf.call_count, len(parts), "one render per part"
                )
                pages, text = self.assertWholeDocument(content, customers)
                positions = [text.index(name) for name in parted]
                self.assertEqual(positions, sorted(positions), "the parts in order")
                self.assertEqual(text.count(squash(heading[0])), 1, "letterhead once")
                self.assertEqual(text.count(squash("Last Working Day")), 1)
                self.assertEqual(text.count(squash("Approval Record")), 1)
                self.assertIn(squash("Sign-off"), squash(pages[-1].extract_text()))

        # Below the threshold: one render, as ever.
        self.env["ir.config_parameter"].sudo().set_param(PART_ROWS_PARAM, CUSTOMERS * 2)
        self.wkhtmltopdf.reset_mock()
        self.render(VISITS)
        self.assertEqual(self.wkhtmltopdf.call_count, 1)

    def test_large_document_filed_once_and_sealed_once(self):
        """The plan of a handover printed in parts is filed as one PDF, with
        every customer, sealed once, and printed again as filed."""
        handover = self.handover.with_context(force_report_rendering=True)
        self.advance(handover, "visits")
        plan = handover.plan_attachment_id
        self.assertTrue(plan, "filed")
        self.assertGreater(self.wkhtmltopdf.call_count, 2, "rendered in parts")
        self.assertWholeDocument(
            plan.raw, handover.line_ids.partner_id.mapped("display_name")
        )
        self.assertNotIn(UNSTYLED_MARKER, squash(pdf_text(plan.raw)))
        seals = self.env["hr.client.handover.seal"].search(
            [
                ("handover_id", "=", handover.id),
                ("res_model", "=", "ir.attachment"),
                ("res_id", "=", plan.id),
            ]
        )
        self.assertEqual(len(seals), 1, "sealed once")
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        self.wkhtmltopdf.reset_mock()
        self.assertEqual(self.render(PLAN, handover, self.departing), plan.raw)
        self.assertFalse(self.wkhtmltopdf.called, "the filed copy, not a new render")

    def test_part_without_styles_is_not_filed(self):
        """A part rendered without the reports' styles stops the filing: no
        copy with unstyled pages is filed, and it is tried again later."""
        handover = self.handover.with_context(force_report_rendering=True)
        with self.reports_without_styles():
            self.advance(handover, "visits")
        self.assertEqual(self.wkhtmltopdf.call_count, 1, "stopped at the first part")
        self.assertFalse(handover.plan_attachment_id)
