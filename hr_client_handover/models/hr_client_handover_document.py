from collections import namedtuple

from odoo import api, fields, models
from odoo.fields import Domain

from .hr_client_handover_stages import CANCEL, ORDER, STAGES, filed_after

Filed = namedtuple("Filed", ["kind", "label", "report", "field"])

# The documents filed with HR (备案), each when the stage whose ``files`` name it
# ends (hr_client_handover_stages.py): its kind, the report printed (by its
# report name) and the handover's link to the filed copy.
FILED = {
    filed.kind: filed
    for filed in (
        Filed(
            "plan",
            "Signed plan and checklist",
            "hr_client_handover.report_handover_plan",
            "plan_attachment_id",
        ),
        Filed(
            "visits",
            "Visit and verification sheet",
            "hr_client_handover.report_handover_visits",
            "visits_attachment_id",
        ),
        Filed(
            "summary",
            "Summary report",
            "hr_client_handover.report_handover_summary",
            "summary_attachment_id",
        ),
    )
}
# Report name -> the kind it is filed as.
FILED_BY_REPORT = {filed.report: filed for filed in FILED.values()}


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
    def _file_report(self, handover, kind):
        """File the document ``kind`` of ``handover`` (备案): rendered and stored
        by the system when its stage ends, sealed, listed for HR, and returned
        by every later print."""
        handover.ensure_one()
        filed = FILED[kind]
        if not self.env.registry.ready or handover[filed.field]:
            # Installing (demo data): no web server serves the report's styles yet;
            # the scheduled action files the PDF once the server runs
            # (``_cron_file_due_reports``).
            return
        # Not filed yet: the print is a live render (a filed handover would
        # return its filed copy, whatever the context).
        # Filed in the language and time zone of the company's people (its
        # departing employee's), whoever or whatever ended the stage.
        people = handover.departing_user_id
        pdf, report_type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(
                handover_filing_lang=people.lang
                or handover.company_id.partner_id.lang
                or handover._report_lang(),
                tz=people.tz or self.env.context.get("tz") or self.env.user.tz,
            )
            ._render_qweb_pdf(filed.report, res_ids=handover.ids)
        )
        if report_type != "pdf":
            return  # tests render HTML unless they ask for the PDF
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
        handover.sudo()[filed.field] = attachment
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
        that have none filed (the demo handovers, installed while no web server
        served the reports' styles). A summary waits for a running transfer,
        which files it with its figures when it completes."""
        domain = Domain.OR(
            [
                (filed.field, "=", False),
                ("state", "in", ORDER[ORDER.index(filed_after(filed.kind)) + 1 :]),
            ]
            for filed in FILED.values()
        )
        handovers = (
            self.env["hr.client.handover"]
            .sudo()
            .search(domain & Domain("state", "!=", CANCEL))
        )
        Cron = self.env["ir.cron"]
        for done, handover in enumerate(handovers, start=1):
            for kind in self._files_due(handover):
                if kind == "summary" and handover.transfer_state == "running":
                    continue
                self._file_report(handover, kind)
            Cron._commit_progress(1, remaining=len(handovers) - done)
        return True
