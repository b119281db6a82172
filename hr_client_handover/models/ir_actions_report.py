from odoo import models

SUMMARY_REPORT = "hr_client_handover.report_handover_summary"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def retrieve_attachment(self, record):
        """The filed summary is the document the handover links to, never a
        file found by its name (anyone may attach a file to a handover)."""
        if self.report_name == SUMMARY_REPORT:
            return record.sudo().summary_attachment_id or None
        return super().retrieve_attachment(record)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        report = self._get_report(report_ref)
        if (
            report.report_name == SUMMARY_REPORT
            and res_ids
            and not self.env.context.get("report_pdf_no_attachment")
        ):
            # A done handover not filed yet (its demo data, say) is filed now.
            unfiled = (
                self.env["hr.client.handover"]
                .sudo()
                .browse(res_ids)
                .filtered(
                    lambda ho: ho.state == "done" and not ho.summary_attachment_id
                )
            )
            for handover in unfiled:
                handover._attach_summary_report()
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
