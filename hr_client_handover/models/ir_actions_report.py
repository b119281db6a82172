import functools
import io
import logging
import os
import re
import subprocess
import tempfile
from collections import deque
from contextlib import ExitStack
from urllib.parse import urlparse

import lxml.html
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageAttributes as PG
from pypdf.constants import Resources as RES
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.http import request, root
from odoo.service import security

from odoo.addons.base.models.ir_actions_report import _split_table, _wkhtml

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
# How many parts of one document wkhtmltopdf converts at once, each in a
# process of its own, while the next part is rendered; a system parameter of
# this name changes it (1: one at a time). Each takes the memory of one part.
PART_PROCESSES_PARAM = "hr_client_handover.report_part_processes"
PART_PROCESSES = 2
# Core's splitting of the long tables of an HTML body before wkhtmltopdf
# (``_run_wkhtmltopdf``): above this size, in tables of that many rows.
WKHTMLTOPDF_SPLIT_SIZE = 4 * 1024 * 1024
WKHTMLTOPDF_SPLIT_ROWS = 500


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


def _stamps(boxes, footer):
    """A PDF of one page per (width, height) of ``boxes``, each with nothing
    but ``footer(page, total)`` at its bottom right: drawn on one canvas, so
    that every page shares one embedded subset of the stamp's font."""
    overlay = io.BytesIO()
    # The stamp's font is the canvas's first, so no other font (Helvetica, not
    # embedded) is named in the pages.
    sheet = canvas.Canvas(overlay, initialFontName=footer_font(), initialFontSize=8)
    total = len(boxes)
    for number, (width, height) in enumerate(boxes, start=1):
        sheet.setPageSize((width, height))
        sheet.drawRightString(width - 24, 14, footer(number, total))
        sheet.showPage()
    sheet.save()
    overlay.seek(0)
    return PdfReader(overlay)


def _content_stream(writer, data):
    """An indirect reference to a new compressed content stream of ``data`` in
    ``writer``."""
    stream = StreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode())


def _raw_contents(page):
    """[references to the content streams of ``page``], read as they are (not
    decoded)."""
    contents = page.raw_get(PG.CONTENTS) if PG.CONTENTS in page else None
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    if isinstance(contents, IndirectObject):
        return [contents]
    return [page.indirect_reference.pdf._add_object(resolved)]


def _stamp_page(writer, page, stamp, push, pop):
    """Draw the page ``stamp`` (of ``_stamps``) over ``page`` of ``writer``:
    its content appended to the page's content streams, which are kept as
    they are (neither decoded nor rewritten), the page's own drawing enclosed
    in ``push`` and ``pop`` (save and restore the graphics state) so that the
    stamp is drawn as on a blank page; its font added to the page's fonts."""
    rename = {}
    fonts = stamp[PG.RESOURCES].get_object().get(RES.FONT)
    if fonts:
        if PG.RESOURCES not in page:
            page[NameObject(PG.RESOURCES)] = DictionaryObject()
        resources = page[PG.RESOURCES].get_object()
        if RES.FONT not in resources:
            resources[NameObject(RES.FONT)] = DictionaryObject()
        page_fonts = resources[RES.FONT].get_object()
        for name, font in fonts.get_object().items():
            rename[name] = NameObject(f"/{FOOTER_FONT}{name[1:]}")
            # Cloned once into the writer, shared by every page.
            page_fonts[rename[name]] = font.clone(writer)
    operations = ContentStream(stamp.get_contents(), stamp.pdf).operations
    for operands, operator in operations:
        if operator == b"Tf" and operands and operands[0] in rename:
            operands[0] = rename[operands[0]]
    drawing = ContentStream(None, writer)
    drawing.operations = [([], b"q"), *operations, ([], b"Q")]
    page[NameObject(PG.CONTENTS)] = ArrayObject(
        [push, *_raw_contents(page), pop, _content_stream(writer, drawing.get_data())]
    )


def stamp_pages(streams, footer):
    """The PDF of ``streams`` (the parts of one document), joined, with
    ``footer(page, total)`` at the bottom right of each page (wkhtmltopdf
    without patched Qt draws no header or footer), and a text layer in which
    every Chinese character can be found (see ``report/pdf_text_layer.py``)."""
    writer = PdfWriter(clone_from=PdfReader(streams[0]))
    for stream in streams[1:]:
        writer.append(PdfReader(stream))
    pages = writer.pages
    stamps = _stamps(
        [(float(page.mediabox.width), float(page.mediabox.height)) for page in pages],
        footer,
    )
    push = _content_stream(writer, b"q\n")
    pop = _content_stream(writer, b"\nQ\n")
    for page, stamp in zip(pages, stamps.pages, strict=True):
        _stamp_page(writer, page, stamp, push, pop)
    fix_text_layer(pages)
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


class _WkhtmltopdfRun:
    """wkhtmltopdf converting the HTML ``bodies`` of one part of a document, in
    a process of its own, while the next part is rendered; its files are
    removed once closed."""

    def __init__(self, bodies, paperformat_args):
        self.bodies = bodies
        self.paperformat_args = paperformat_args
        self.stack = ExitStack()
        self.files = []
        self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def add_file(self, content, suffix, option=None):
        """A temporary file of ``content`` (str or bytes), removed on close,
        for wkhtmltopdf (after ``option``, if given)."""
        fd, path = tempfile.mkstemp(suffix=suffix, prefix="report.handover.tmp.")
        self.stack.callback(_remove, path)
        with os.fdopen(fd, "wb") as file:
            file.write(content.encode() if isinstance(content, str) else content)
        self.files += [option, path] if option else []
        return path

    def start(self, args):
        paths = []
        for body in self.bodies:
            if len(body) >= WKHTMLTOPDF_SPLIT_SIZE:
                # As core does: wkhtmltopdf takes exponential time on long
                # tables.
                tree = lxml.html.fromstring(body)
                _split_table(tree, WKHTMLTOPDF_SPLIT_ROWS)
                body = lxml.html.tostring(tree)
            paths.append(self.add_file(body, ".html"))
        self.output = self.add_file(b"", ".pdf")
        self.errors = self.stack.enter_context(tempfile.TemporaryFile())
        self.process = self.stack.enter_context(
            subprocess.Popen(  # noqa: S603 - core's binary and arguments
                [_wkhtml().bin, *args, *self.files, *paths, self.output],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.errors,
            )
        )

    def wait(self):
        """The PDF, once wkhtmltopdf is done; None if it failed."""
        code = self.process.wait()
        if code == 1:
            self.errors.seek(0)
            _logger.warning(
                "wkhtmltopdf: %s", self.errors.read().decode("utf-8", "replace")
            )
        with open(self.output, "rb") as output:
            pdf = output.read()
        return pdf if code in (0, 1) and pdf else None

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
        self.stack.close()


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        _logger.error("Error when trying to remove file %s", path)


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
        # As superuser: system parameters are read by the settings' administrators only;
        # this one applies to whoever prints.
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

    def _render_handover_parts(self, report_ref, data, res_id, parts):
        """[the PDF of each of ``parts`` of the handover ``res_id``], each
        through wkhtmltopdf on its own, in processes that convert parts while
        the next one is rendered to HTML here (the ORM's work stays in this
        thread), up to ``_handover_part_processes`` at once; a copy being
        filed stops at the first part rendered without the reports' styles."""
        report = self._get_report(report_ref)
        if self.get_wkhtmltopdf_state() == "install":
            # Core says that it cannot print (``_render_qweb_pdf_prepare_streams``).
            return [
                self._render_handover_part(report_ref, data, res_id, part)
                for part in parts
            ]
        processes = self._handover_part_processes()
        filing = self.env.context.get("handover_filing")
        streams = []
        running = deque()
        try:
            for part in parts:
                bodies, paperformat_args = self._handover_part_html(
                    report, report_ref, data, res_id, part
                )
                # A copy being filed: the first part is checked before any
                # other starts (every part has the same styles).
                while running and (len(running) >= processes or filing and not streams):
                    streams.append(
                        self._handover_part_done(running.popleft(), report_ref)
                    )
                running.append(
                    self._handover_part_start(report, bodies, paperformat_args)
                )
                del bodies
            while running:
                streams.append(self._handover_part_done(running.popleft(), report_ref))
        finally:
            for run in running:
                run.close()
        return streams

    def _handover_part_processes(self):
        """How many parts wkhtmltopdf may convert at once (each in a process
        of its own, while the next part is rendered)."""
        try:
            # As superuser: system parameters are read by the settings' administrators
            # only; this one applies to whoever prints.
            processes = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(PART_PROCESSES_PARAM, PART_PROCESSES)
            )
        except ValueError:
            processes = PART_PROCESSES
        return max(processes, 1)

    def _render_handover_part(self, report_ref, data, res_id, part):
        """The PDF of ``part`` of the handover ``res_id`` through core's
        rendering alone (``_render_qweb_pdf_prepare_streams``)."""
        render = super()._render_qweb_pdf_prepare_streams
        return render(
            report_ref, dict(data or {}, handover_part=part), res_ids=[res_id]
        )[res_id]["stream"]

    def _handover_part_html(self, report, report_ref, data, res_id, part):
        """(the HTML bodies of ``part``, its paper format's arguments), as
        core prepares them for wkhtmltopdf."""
        data = dict(data or {}, handover_part=part, debug=False)
        data.setdefault("report_type", "pdf")
        html = self.with_context(debug=False)._render_qweb_html(
            report_ref, [res_id], data=data
        )[0]
        bodies, _ids, _header, _footer, paperformat_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=report.model)
        # What a part read is not needed by the next: memory stays flat.
        self.env.invalidate_all()
        return bodies, paperformat_args

    def _handover_part_start(self, report, bodies, paperformat_args):
        """wkhtmltopdf started on ``bodies`` (our reports have no separate
        header or footer), as core runs it (``_run_wkhtmltopdf``), in a
        process left running: a ``_WkhtmltopdfRun``."""
        run = _WkhtmltopdfRun(bodies, paperformat_args)
        try:
            args = self._build_wkhtmltopdf_args(
                report.get_paperformat(),
                self.env.context.get("landscape"),
                specific_paperformat_args=paperformat_args,
                set_viewport_size=self.env.context.get("set_viewport_size"),
            )
            if request and request.db:
                # The print's session, for wkhtmltopdf to fetch what the
                # report links to, as core passes it.
                session = root.session_store.new()
                session.update({**request.session, "debug": "", "_trace_disable": True})
                if session.uid:
                    session.session_token = security.compute_session_token(
                        session, self.env
                    )
                root.session_store.save(session)
                run.stack.callback(root.session_store.delete, session)
                domain = urlparse(self._get_report_url()).hostname
                run.add_file(
                    f"session_id={session.sid}; HttpOnly; domain={domain}; path=/;",
                    ".txt",
                    option="--cookie-jar",
                )
            run.start(args)
        except BaseException:
            run.close()
            raise
        return run

    def _handover_part_done(self, run, report_ref):
        """The PDF of the part ``run`` (``_handover_part_start``) converts, once
        done; a failed conversion is run again by core, which says why."""
        with run:
            pdf = run.wait()
            if pdf is None:
                pdf = self._run_wkhtmltopdf(
                    run.bodies,
                    report_ref=report_ref,
                    landscape=self.env.context.get("landscape"),
                    specific_paperformat_args=run.paperformat_args,
                    set_viewport_size=self.env.context.get("set_viewport_size"),
                )
        stream = io.BytesIO(pdf)
        if self.env.context.get("handover_filing") and rendered_without_styles(pdf):
            raise RenderedWithoutStyles
        return stream

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
            for res_id, parts in parted.items():
                streams[res_id] = {
                    "stream": None,
                    "parts": report._render_handover_parts(
                        report_ref, data, res_id, parts
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
