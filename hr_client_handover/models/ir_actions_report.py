import functools
import io
import logging
import re

import lxml.html
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo import api, models
from odoo.exceptions import AccessError

from ..report.pdf_text_layer import fix_text_layer, installed_font
from .hr_client_handover_document import (
    FILED_BY_REPORT,
    RenderedWithoutStyles,
    rendered_without_styles,
)

_logger = logging.getLogger(__name__)

# The page stamp is written in an installed TrueType font with Chinese glyphs,
# embedded (as the subset it uses) in the PDF: a reader without that font shows
# the stamp all the same. Best first; Debian's fonts-wqy-microhei is the first.
FOOTER_FONT_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
FOOTER_FONT = "HandoverFooter"
# No such font installed: a font of the PDF standard, which readers supply (not
# embedded, so a reader without Chinese fonts draws no Chinese).
FALLBACK_FOOTER_FONT = "STSong-Light"
# A handover of more customers than this prints in parts of this many rows of
# its long tables (customers, opportunities, spot-check sample, end to end),
# each rendered through wkhtmltopdf on its own and joined into one PDF: one
# render of 100,000 customers is more HTML than the layout step and wkhtmltopdf
# take. A system parameter of this name changes it (0: never in parts).
PART_ROWS_PARAM = "hr_client_handover.report_part_rows"
PART_ROWS = 2000


@functools.cache
def footer_font():
    """The name of the font the page stamp is written in, registered with
    ReportLab: an installed TrueType font, embedded, when there is one."""
    for family in FOOTER_FONT_FAMILIES:
        location = installed_font(f":family={family}:fontformat=TrueType")
        if not location:
            continue
        try:
            pdfmetrics.registerFont(
                TTFont(FOOTER_FONT, location[0], subfontIndex=location[1])
            )
        except Exception:  # noqa: BLE001 - any unreadable font: try the next
            _logger.warning("Cannot use font %s for the page stamp", location[0])
            continue
        return FOOTER_FONT
    _logger.warning(
        "No TrueType font with Chinese glyphs is installed (install "
        "fonts-wqy-microhei): the page stamp of the handover documents uses a "
        "font that is not embedded in the PDF."
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FOOTER_FONT))
    return FALLBACK_FOOTER_FONT


def stamp_pages(streams, footer):
    """The PDF of ``streams`` (the parts of one document), joined, with
    ``footer(page, total)`` at the bottom right of each page (wkhtmltopdf
    without patched Qt draws no header or footer), and a text layer in which
    every Chinese character can be found (see ``report/pdf_text_layer.py``)."""
    # The pages are stamped once attached to the writer: pypdf 7 no longer
    # rewrites the contents of a page that belongs to no writer.
    writer = PdfWriter(clone_from=PdfReader(streams[0]))
    for stream in streams[1:]:
        writer.append(PdfReader(stream))
    font = footer_font()
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        # The stamp's font is the canvas's first, so no other font (Helvetica,
        # not embedded) is named in the page.
        sheet = canvas.Canvas(
            overlay,
            pagesize=(width, height),
            initialFontName=font,
            initialFontSize=8,
        )
        sheet.drawRightString(width - 24, 14, footer(number, total))
        sheet.save()
        page.merge_page(PdfReader(overlay).pages[0])
    fix_text_layer(writer.pages)
    stamped = io.BytesIO()
    writer.write(stamped)
    stamped.seek(0)
    return stamped


# The opening tag of a document's root element.
_HTML_TAG = re.compile(r"<html\b")
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"


def _has_class(node, name):
    return name in (node.get("class") or "").split()


def _letterhead_in_page(html):
    """(``html`` with each document's layout header moved to the top of its
    article, as a letterhead rather than a page header, and each article
    marked with the language its page is printed in; those languages)."""
    root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
    for header in root.xpath(f"//div[{_CLASS.format('header')}]"):
        article = header.getnext()
        while article is not None and not _has_class(article, "article"):
            article = article.getnext()
        if article is None:
            continue
        if article.xpath(".//div[@data-handover-continued]"):
            # A later part of a document printed in parts: the letterhead
            # heads the first part only.
            header.getparent().remove(header)
            continue
        classes = header.get("class").split()
        header.set(
            "class",
            " ".join(["o_handover_letterhead"] + [c for c in classes if c != "header"]),
        )
        article.insert(0, header)
    languages = []
    for article in root.xpath(f"//div[{_CLASS.format('article')}]"):
        page = article.xpath(f".//div[{_CLASS.format('o_handover_report')}][@lang]")
        language = page[0].get("lang") if page else None
        if language:
            article.set("lang", language)
        languages.append(language)
    return (
        lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>"),
        languages,
    )


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # -- printing is reading -------------------------------------------------
    def _handover_report_records(self, report_ref, res_ids):
        """The records a report of this addon prints for ``res_ids`` (empty for
        any other report)."""
        report = self._get_report(report_ref)
        if (
            not (
                report.report_name.startswith("hr_client_handover.")
                or (report.model or "").startswith("hr.client.handover")
            )
            or report.model not in self.env
        ):
            return None
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        return self.env[report.model].browse(res_ids or [])

    def _check_handover_print(self, report_ref, res_ids):
        """Printing a handover is reading it: who may not read every record to
        print (record rules included) gets no page of any, filed or not."""
        records = self._handover_report_records(report_ref, res_ids)
        if not records or self.env.su:
            return
        if len(records.exists()) != len(records) or not records.has_access("read"):
            raise AccessError(
                self.env._(
                    "You cannot print this document: it belongs to a client "
                    "handover you may not read. Ask its direct supervisor or a "
                    "handover administrator to share it. Nothing was printed."
                )
            )

    def _handover_print_args(self, report_ref, res_ids):
        """(self, res_ids) for printing a filed report of the addon: each
        handover once, with the context keys that would choose another copy
        than the system's removed (a filed handover always prints its filed
        copy, an unfiled one a live render that files nothing)."""
        if self._get_report(report_ref).report_name not in FILED_BY_REPORT:
            return self, res_ids
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        if res_ids:
            res_ids = list(dict.fromkeys(res_ids))
        return self.with_context(report_pdf_no_attachment=False), res_ids

    @api.private
    def retrieve_attachment(self, record):
        """A filed document is the one the handover links to, never a file
        found by its name (anyone may attach a file to a handover), and only
        for whoever may read the handover; a print's helper, not a remote call
        (it takes a record)."""
        filed = FILED_BY_REPORT.get(self.report_name)
        if filed:
            record.check_access("read")
            # The filed document, read as superuser once the reader's access to the
            # handover is checked.
            return record.sudo()[filed.field] or None
        return super().retrieve_attachment(record)

    def _get_rendering_context(self, report, docids, data):
        self._check_handover_print(report, docids)
        return super()._get_rendering_context(report, docids, data)

    def _prepare_html(self, html, report_model=False):
        """A handover document opens with the company's letterhead, the header
        of its external layout, at the top of its first page, in the page: a
        page header would be dropped by wkhtmltopdf without patched Qt (and
        squeeze the page with it); the reference and page number are stamped
        on every page afterwards (``stamp_pages``). Each document also states
        its language (``lang``), for the fonts of its script."""
        if self.report_name not in FILED_BY_REPORT:
            return super()._prepare_html(html, report_model=report_model)
        html, languages = _letterhead_in_page(html)
        prepared = super()._prepare_html(html, report_model=report_model)
        if not prepared:
            return prepared
        bodies, res_ids, _header, _footer, paperformat_args = prepared
        if len(languages) == len(bodies):
            bodies = [
                Markup(_HTML_TAG.sub(f'<html lang="{language}"', body, count=1))
                if language
                else body
                for body, language in zip(bodies, languages, strict=True)
            ]
        return bodies, res_ids, None, None, paperformat_args

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Filing is the system's, when a stage ends (or its scheduled action
        files what is due): a print never files."""
        self._check_handover_print(report_ref, res_ids)
        report, res_ids = self._handover_print_args(report_ref, res_ids)
        return super(IrActionsReport, report)._render_qweb_pdf(
            report_ref, res_ids=res_ids, data=data
        )

    def _prepare_pdf_report_attachment_vals_list(self, report, streams):
        if report.report_name in FILED_BY_REPORT:
            return []  # filed by the system only (``_file_report``)
        return super()._prepare_pdf_report_attachment_vals_list(report, streams)

    def _handover_parts(self, report_ref, res_id):
        """The parts (``ReportPart``) the report prints the handover ``res_id``
        in: None for a handover of up to ``PART_ROWS`` customers, or filed
        (printed whole, or returned as filed)."""
        report = self._get_report(report_ref)
        size = int(
            self.env["ir.config_parameter"].sudo().get_param(PART_ROWS_PARAM, PART_ROWS)
            or 0
        )
        if size <= 0:
            return None
        lines = self.env["hr.client.handover.line"].search_count(
            [("handover_id", "=", res_id)], limit=size + 1
        )
        if lines <= size:
            return None
        if report.retrieve_attachment(self.env[report.model].browse(res_id)):
            return None
        renderer = self.env[f"report.{report.report_name}"]
        return renderer._whole_part(renderer._report_docs([res_id])).split(size)

    def _render_handover_parts(self, render, report_ref, data, res_id, parts):
        """[the PDF of each of ``parts`` of the handover ``res_id``], each
        through wkhtmltopdf on its own (``render``: core's rendering of
        streams); a copy being filed stops at the first part rendered without
        the reports' styles."""
        streams = []
        for part in parts:
            rendered = render(
                report_ref, dict(data or {}, handover_part=part), res_ids=[res_id]
            )[res_id]["stream"]
            streams.append(rendered)
            if self.env.context.get("handover_filing") and rendered_without_styles(
                rendered.getvalue()
            ):
                raise RenderedWithoutStyles
            # What a part read is not needed by the next: memory stays flat.
            self.env.invalidate_all()
        return streams

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Each handover's pages carry its reference and "page X of Y"; a filed
        document is returned as it was filed; a large one is printed in parts,
        joined into one PDF (``_handover_parts``)."""
        self._check_handover_print(report_ref, res_ids)
        report, res_ids = self._handover_print_args(report_ref, res_ids)
        if self._get_report(report_ref).report_name not in FILED_BY_REPORT:
            return super(IrActionsReport, report)._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        parted = {}
        for res_id in res_ids or ():
            parts = report._handover_parts(report_ref, res_id)
            if parts:
                parted[res_id] = parts
        whole = [res_id for res_id in res_ids or () if res_id not in parted]
        streams = {}
        if whole or not res_ids:
            streams = super(IrActionsReport, report)._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=whole or res_ids
            )
        if parted:
            render = super(IrActionsReport, report)._render_qweb_pdf_prepare_streams
            for res_id, parts in parted.items():
                streams[res_id] = {
                    "stream": None,
                    "parts": report._render_handover_parts(
                        render, report_ref, data, res_id, parts
                    ),
                    "attachment": None,
                }
            streams = {
                **{res_id: streams[res_id] for res_id in res_ids if res_id in streams},
                **streams,
            }
        lang = self.env["hr.client.handover"]._report_lang()
        handovers = self.env["hr.client.handover"].with_context(lang=lang)
        for res_id, entry in streams.items():
            rendered = entry.pop("parts", None) or [entry["stream"]]
            if not res_id or entry["attachment"] or not rendered[0]:
                continue
            reference = handovers.browse(res_id).name
            entry["stream"] = stamp_pages(
                rendered,
                lambda page, total, reference=reference: handovers.env._(
                    "%(reference)s · Page %(page)s of %(total)s",
                    reference=reference,
                    page=page,
                    total=total,
                ),
            )
            for stream in rendered:
                stream.close()
        return streams
