from collections import Counter

from odoo import api, models

SIGNATURE_BOXES_PER_ROW = 4


class HrClientHandoverReport(models.AbstractModel):
    """What the three handover reports share: the printing user's language and
    the three-party sign-off boxes (移交人 / 接交人 / 监交人)."""

    _name = "hr.client.handover.report"
    _description = "Client Handover Report Helpers"

    # Stage whose signatures fill the sign-off boxes; none: boxes to sign by hand.
    _signature_stage = None

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = (
            self.env["hr.client.handover"]
            .browse(docids)
            .with_context(lang=self.env.user.lang or self.env.lang)
        )
        return {
            "doc_ids": docids,
            "doc_model": "hr.client.handover",
            "docs": docs,
            "signature_rows": {doc.id: self._signature_rows(doc) for doc in docs},
        }

    def _signature_rows(self, handover):
        """Sign-off boxes, in rows: the departing employee, every successor, the
        witness, each with their signature of the report's stage when captured."""
        Signature = handover.env["hr.client.handover.signature"]
        role_labels = dict(
            Signature._fields["role"]._description_selection(handover.env)
        )
        signed = {
            (sig.role, sig.user_id): sig
            for sig in handover.signature_ids
            if self._signature_stage and sig.stage == self._signature_stage
        }
        expected = [
            ("departing", handover.departing_user_id, handover.employee_id.name)
        ]
        expected += [
            ("successor", user, user.name)
            for user in handover.line_ids.successor_id.sorted("name")
        ]
        expected.append(("witness", handover.witness_id, handover.witness_id.name))
        boxes = [
            {
                "role": role_labels[role],
                "name": name or "",
                "signature": signed.pop((role, user), Signature),
            }
            for role, user, name in expected
        ]
        # Someone who signed and no longer holds the role (e.g. a replaced witness).
        boxes += [
            {"role": role_labels[sig.role], "name": sig.user_id.name, "signature": sig}
            for sig in sorted(signed.values(), key=lambda sig: sig.id)
        ]
        rows = [
            boxes[start : start + SIGNATURE_BOXES_PER_ROW]
            for start in range(0, len(boxes), SIGNATURE_BOXES_PER_ROW)
        ]
        # Pad the last row so that every box keeps the same width.
        rows[-1] += [None] * (SIGNATURE_BOXES_PER_ROW - len(rows[-1]))
        return rows


class ReportHrClientHandoverReportHandoverPlan(models.AbstractModel):
    _name = "report.hr_client_handover.report_handover_plan"
    _inherit = ["hr.client.handover.report"]
    _description = "Client Handover Plan and Checklist Report"

    _signature_stage = "materials"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["checklists"] = {doc.id: self._checklist(doc) for doc in values["docs"]}
        return values

    def _checklist(self, handover):
        """[(category label, items)] in the order of the categories."""
        Item = handover.env["hr.client.handover.item"]
        groups = handover.item_ids.grouped("category")
        return [
            (label, groups[category].sorted(lambda item: (item.sequence, item.id)))
            for category, label in Item._fields["category"]._description_selection(
                handover.env
            )
            if category in groups
        ]


class ReportHrClientHandoverReportHandoverVisits(models.AbstractModel):
    _name = "report.hr_client_handover.report_handover_visits"
    _inherit = ["hr.client.handover.report"]
    _description = "Client Handover Visit and Verification Report"


class ReportHrClientHandoverReportHandoverSummary(models.AbstractModel):
    _name = "report.hr_client_handover.report_handover_summary"
    _inherit = ["hr.client.handover.report"]
    _description = "Client Handover Summary Report"

    _signature_stage = "summary"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["figures"] = {doc.id: self._figures(doc) for doc in values["docs"]}
        return values

    def _figures(self, handover):
        """What was handed over, per successor and in total, and how the visits
        and the phone spot-check went."""
        lines = handover.line_ids
        by_successor = sorted(
            lines.grouped("successor_id").items(),
            key=lambda item: item[0].name or "",
        )
        sample = lines.filtered("spot_check_selected")
        visits = Counter(lines.mapped("visit_state"))
        checks = Counter(sample.mapped("check_result"))
        return {
            "successors": [
                self._portfolio(lines, user) for user, lines in by_successor
            ],
            "total": self._portfolio(lines, handover.env["res.users"]),
            "visits_done": visits["done"],
            "visits_waived": visits["waived"],
            "visits_open": len(lines) - visits["done"] - visits["waived"],
            "sample_size": len(sample),
            "checks_confirmed": checks["confirmed"],
            "checks_problem": checks["problem"],
            "problems_found": sum(lines.mapped("problem_count")),
            "problems_resolved": len(
                lines.filtered(
                    lambda line: line.problem_count and line.check_result == "confirmed"
                )
            ),
            "checks_unreachable": checks["unreachable"],
            "checks_open": len(sample)
            - checks["confirmed"]
            - checks["problem"]
            - checks["unreachable"],
        }

    def _portfolio(self, lines, successor):
        """Figures of `lines`: moved (ledger) once transferred, else still to move."""
        return {
            "successor": successor,
            "customers": len(lines),
            "opportunities": sum(lines.mapped("opportunity_count")),
            "expected_revenue": sum(lines.mapped("expected_revenue")),
            "quotations": sum(lines.mapped("quotation_count")),
            "activities": sum(lines.mapped("activity_count")),
        }
