import io
import logging
from collections import namedtuple
from datetime import timedelta

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .hr_client_handover_stages import CANCEL, ORDER, STAGES, filed_after

Filed = namedtuple("Filed", ["kind", "label", "report", "field"])

# The documents filed with HR (备案), each when the stage whose ``files`` name it
# ends (hr_client_handover_stages.py): its kind, its label (the report's own
# name, so that a document has one name in the menu, the PDF and the filed
# list), the report printed (by its report name) and the handover's link to
# the filed copy.
FILED = {
    filed.kind: filed
    for filed in (
        Filed(
            "plan",
            "Handover Plan and Checklist",
            "hr_client_handover.report_handover_plan",
            "plan_attachment_id",
        ),
        Filed(
            "visits",
            "Visit and Verification Sheet",
            "hr_client_handover.report_handover_visits",
            "visits_attachment_id",
        ),
        Filed(
            "summary",
            "Handover Summary Report",
            "hr_client_handover.report_handover_summary",
            "summary_attachment_id",
        ),
    )
}
# Report name -> the kind it is filed as.
FILED_BY_REPORT = {filed.report: filed for filed in FILED.values()}

# A render being filed carries this text in an element the reports' styles hide
# (report_handover.scss): found in the PDF, wkhtmltopdf could not load the
# styles from the web server, and the copy is not filed.
UNSTYLED_MARKER = "HANDOVER-REPORT-WITHOUT-STYLES"
# An unstyled render is tried again after this long (the hourly action too).
RETRY_DELAY = timedelta(minutes=10)

_logger = logging.getLogger(__name__)


class RenderedWithoutStyles(Exception):
    """A part of a document printed in parts, being filed, was rendered without
    the reports' styles: the copy is not filed."""


def rendered_without_styles(pdf):
    """Whether the PDF ``pdf`` was rendered without the reports' styles: the
    marker they hide shows in the text of its first page, where every render
    (each part of a document printed in parts) puts it, or the PDF cannot be
    read at all."""
    try:
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or ""
    except (PyPdfError, ValueError, IndexError):
        return True
    return UNSTYLED_MARKER in "".join(text.split())


class HrClientHandoverDocument(models.Model):
    """A document filed with HR (备案): the PDF the system printed when a
    stage ended, immutable like the attachment it points to. The list HR
    works from; created by the workflow only (``_file_report``)."""

    _name = "hr.client.handover.document"
    _description = "Client Handover Filed Document"
    _order = "filed_on desc, id desc"
    _rec_name = "attachment_name"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="restrict", index=True
    )
    kind = fields.Selection(
        [(filed.kind, filed.label) for filed in FILED.values()], required=True
    )
    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="restrict")
    attachment_name = fields.Char(related="attachment_id.name", string="File")
    filed_on = fields.Datetime(required=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    employee_id = fields.Many2one(related="handover_id.employee_id", store=True)
    department_id = fields.Many2one(related="handover_id.department_id", store=True)
    key_position = fields.Boolean(related="handover_id.key_position", store=True)

    def action_open(self):
        """The filed PDF, opened in the browser."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}",
            "target": "new",
        }

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------
    @api.model
    def _file_soon(self):
        """A stage ended: the scheduled action files its documents right after
        this transaction, in its own, while the web server serves the reports'
        styles (a render inside the request that ends the stage may find no
        worker free to serve them)."""
        # As superuser: triggering a scheduled action needs the settings' rights, which
        # the user pressing the button need not hold.
        self.env.ref(
            "hr_client_handover.ir_cron_handover_file_reports"
        ).sudo()._trigger()

    @api.model
    def _file_report(self, handover, kind):
        """File the document ``kind`` of ``handover`` (备案): rendered and stored
        by the system once its stage ended, sealed, listed for HR, and returned
        by every later print. A render without the reports' styles is not
        filed: the scheduled action tries again. Returns whether it is filed."""
        handover.ensure_one()
        filed = FILED[kind]
        if handover[filed.field]:
            return True
        if not self.env.registry.ready:
            # Installing (demo data): no web server serves the report's styles yet;
            # the scheduled action files the PDF once the server runs
            # (``_cron_file_due_reports``).
            self._file_soon()
            return False
        # Not filed yet: the print is a live render (a filed handover would
        # return its filed copy, whatever the context).
        # Filed in the language and time zone of the company's people (its
        # departing employee's), whoever or whatever ended the stage.
        people = handover.departing_user_id
        try:
            # As superuser: the filed copy prints the whole handover, whoever or
            # whatever ended the stage.
            pdf, report_type = (
                self.env["ir.actions.report"]
                .sudo()
                .with_context(
                    handover_filing=UNSTYLED_MARKER,
                    handover_filing_lang=handover._people_lang(),
                    tz=people.tz or self.env.context.get("tz") or self.env.user.tz,
                )
                ._render_qweb_pdf(filed.report, res_ids=handover.ids)
            )
        except RenderedWithoutStyles:
            pdf, report_type = None, "pdf"
        if report_type != "pdf":
            return False  # tests render HTML unless they ask for the PDF
        if pdf is None or rendered_without_styles(pdf):
            _logger.warning(
                "%s: the %s was rendered without the reports' styles (is the "
                "report URL reachable by wkhtmltopdf?); not filed, tried again later",
                handover.name,
                kind,
            )
            # As superuser: triggering a scheduled action needs the settings' rights.
            self.env.ref(
                "hr_client_handover.ir_cron_handover_file_reports"
            ).sudo()._trigger(fields.Datetime.now() + RETRY_DELAY)
            return False
        # As superuser: the filed document is the workflow's; nobody may create or
        # change it by hand.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "{}_{}.pdf".format(handover.name.replace("/", "_"), kind),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": handover._name,
                    "res_id": handover.id,
                }
            )
        )
        # As superuser: the filed document fields are the workflow's own, which no user
        # writes.
        handover.sudo()[filed.field] = attachment
        # (sudo: the list of filed documents is written by the workflow only.)
        self.sudo().create(
            {
                "handover_id": handover.id,
                "kind": kind,
                "attachment_id": attachment.id,
                "filed_on": fields.Datetime.now(),
            }
        )
        handover._seal("filed", attachment, ("raw", "name", "res_model", "res_id"))
        handover._seal("filed", handover, (filed.field,))
        return True

    @api.model
    def _files_due(self, handover):
        """The documents ``handover`` should have filed by now: those of the
        stages it has left."""
        if handover.state == CANCEL:
            return []
        left = STAGES[: ORDER.index(handover.state)]
        return [kind for stage in left for kind in stage.files or ()]

    @api.model
    def _cron_file_due_reports(self):
        """File, as the system, the documents of handovers past their stage
        that have none filed: triggered when a stage ends, and every hour for
        what could not be filed then (the demo handovers, installed while no
        web server served the reports' styles; a render without the styles)."""
        domain = Domain.OR(
            [
                (filed.field, "=", False),
                ("state", "in", ORDER[ORDER.index(filed_after(filed.kind)) + 1 :]),
            ]
            for filed in FILED.values()
        )
        # As superuser: the filing job finds every handover due, whatever its user may
        # read.
        handovers = (
            self.env["hr.client.handover"]
            .sudo()
            .search(domain & Domain("state", "!=", CANCEL))
        )
        Cron = self.env["ir.cron"]
        for done, handover in enumerate(handovers, start=1):
            try:
                with self.env.cr.savepoint():
                    self._file_due(handover)
            except UserError as error:
                # wkhtmltopdf failed: the others are filed, this one next time.
                _logger.warning("%s: not filed (%s)", handover.name, error)
            Cron._commit_progress(1, remaining=len(handovers) - done)
        return True

    @api.model
    def _file_due(self, handover):
        """File the documents of the stages ``handover`` has left that are not
        filed yet; a summary waits for a running transfer, which files it with
        its figures when it completes."""
        for kind in self._files_due(handover):
            if kind == "summary" and handover.transfer_state == "running":
                continue
            self._file_report(handover, kind)
