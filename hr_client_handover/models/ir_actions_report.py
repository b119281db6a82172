import io

from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from odoo import models

from ..report.pdf_text_layer import fix_text_layer
from .hr_client_handover import FILED_REPORTS

# Each report and the kind it is filed as (备案) once its stage ended.
FILED_KINDS = {
    "hr_client_handover.report_handover_plan": "plan",
    "hr_client_handover.report_handover_visits": "visits",
    "hr_client_handover.report_handover_summary": "summary",
}
HANDOVER_REPORTS = tuple(FILED_KINDS)
# A font every PDF reader has for Latin and Chinese text (no file to embed).
FOOTER_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FOOTER_FONT))


def stamp_pages(stream, footer):
    """The PDF of ``stream`` with ``footer(page, total)`` at the bottom right of
    each page (wkhtmltopdf without patched Qt draws no header or footer), and a
    text layer in which every Chinese character can be found (see
    ``report/pdf_text_layer.py``)."""
    reader = PdfReader(stream)
    writer = PdfWriter()
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        sheet = canvas.Canvas(overlay, pagesize=(width, height))
        sheet.setFont(FOOTER_FONT, 8)
        sheet.drawRightString(width - 24, 14, footer(number, total))
        sheet.save()
        page.merge_page(PdfReader(overlay).pages[0])
        writer.add_page(page)
    fix_text_layer(writer.pages)
    stamped = io.BytesIO()
    writer.write(stamped)
    stamped.seek(0)
    return stamped


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """A filed document is the one the handover links to, never a file
        found by its name (anyone may attach a file to a handover)."""
        kind = FILED_KINDS.get(self.report_name)
        if kind:
            field_name = FILED_REPORTS[kind][1]
            return record.sudo()[field_name] or None
        return super().retrieve_attachment(record)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        report = self._get_report(report_ref)
        kind = FILED_KINDS.get(report.report_name)
        if kind and res_ids and not self.env.context.get("report_pdf_no_attachment"):
            # A handover past the stage whose document was not filed (its demo
            # data, say) files it now.
            for handover in self.env["hr.client.handover"].sudo().browse(res_ids):
                if kind in handover._files_due():
                    handover._file_report(kind)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Each handover's pages carry its reference and "page X of Y"; a filed
        document is returned as it was filed."""
        streams = super()._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
        if self._get_report(report_ref).report_name not in HANDOVER_REPORTS:
            return streams
        lang = self.env.user.lang or self.env.lang
        handovers = self.env["hr.client.handover"].with_context(lang=lang)
        for res_id, entry in streams.items():
            if not res_id or entry["attachment"] or not entry["stream"]:
                continue
            reference = handovers.browse(res_id).name
            rendered = entry["stream"]
            entry["stream"] = stamp_pages(
                rendered,
                lambda page, total, reference=reference: handovers.env._(
                    "%(reference)s · Page %(page)s of %(total)s",
                    reference=reference,
                    page=page,
                    total=total,
                ),
            )
            rendered.close()
        return streams
