import json
import math
from collections import Counter, defaultdict

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..models.hr_client_handover_stages import (
    DRAFT,
    MATERIALS,
    STAGE,
    SUMMARY,
    THREE_PARTIES,
    VERIFICATION,
    VISIT_SHEET_STAGES,
    VISITS,
    next_stage,
)

SIGNATURE_BOXES_PER_ROW = 4
CONTACTS_PER_CUSTOMER = 3
# CSS pixels per millimetre of the printable area in wkhtmltopdf's print layout
# at the reports' 90 dpi (with Odoo's zoom of 96/90), as measured with Debian's
# build: a page of the A4 landscape format with our margins is 1,393 pixels wide
# and breaks every 738 pixels exactly.
PRINT_PX_PER_MM = 125 / 25.4


class HrClientHandoverReport(models.AbstractModel):
    """What the three handover reports share: the printing user's language and
    the three-party sign-off boxes (移交人 / 接交人 / 监交人)."""

    _name = "hr.client.handover.report"
    _description = "Client Handover Report Helpers"

    # Stages whose signatures fill the sign-off boxes; none: boxes to sign by hand.
    _signature_stages = ()

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
            "stage_closures": {doc.id: self._stage_closures(doc) for doc in docs},
            "one_line_address": self._one_line_address,
            "print_box": self._print_box(),
        }

    def _print_box(self):
        """(width, height) in CSS pixels of a printed page's body, for the script
        that repeats the table headers on every page; None where wkhtmltopdf
        repeats them itself (patched Qt) or the paper format is not the one
        measured."""
        report = self.env["ir.actions.report"]._get_report(
            self._name.removeprefix("report.")
        )
        paper = report.get_paperformat()
        if _wkhtml().is_patched_qt or not paper or paper.dpi != 90:
            return None
        width = paper.print_page_width - paper.margin_left - paper.margin_right
        height = paper.print_page_height - paper.margin_top - paper.margin_bottom
        # WebKit cuts pages every floor(layout width × height / width) pixels.
        layout_width = math.ceil(width * PRINT_PX_PER_MM)
        return layout_width, math.floor(layout_width * height / width)

    def _stage_closures(self, handover):
        """{stage: (user, when)} of the last time each stage was closed, from the
        handover's sealed stage changes: who approved the visits (visits to
        verification) and the phone verification (verification to summary)."""
        seals = (
            handover.env["hr.client.handover.seal"]
            .sudo()
            .search(
                [("handover_id", "=", handover.id), ("kind", "=", "stage")],
                order="sequence",
            )
        )
        closures = {}
        stage = DRAFT
        for seal in seals:
            new_stage = json.loads(seal.sealed_values).get("state")
            if not new_stage:
                continue
            closures[stage, new_stage] = (seal.user_id, seal.sealed_on)
            stage = new_stage
        empty = (handover.env["res.users"], False)
        return {
            key: closures.get((key, next_stage(key)), empty)
            for key in VISIT_SHEET_STAGES
        }

    @api.model
    def _one_line_address(self, partner):
        """The postal address of `partner` on one line, without its name."""
        lines = partner._display_address(without_company=True).splitlines()
        return ", ".join(line.strip() for line in lines if line.strip())

    def _signature_rows(self, handover):
        """Sign-off boxes, in rows: the signers of the report's stages as the
        stage table names them (the departing employee, every successor, the
        witness; the witness who phoned), each with their signature when
        captured; without stages, the three parties' boxes to sign by hand."""
        Signature = handover.env["hr.client.handover.signature"]
        role_labels = dict(
            Signature._fields["role"]._description_selection(handover.env)
        )
        stages = self._signature_stages
        signed = {
            (sig.role, sig.user_id): sig
            for sig in handover.signature_ids
            if sig.stage in stages
        }
        people = {
            "departing": [(handover.departing_user_id, handover.employee_id.name)],
            "successor": [
                (user, user.name)
                for user in handover.line_ids.successor_id.sorted("name")
            ],
            "witness": [(handover.witness_id, handover.witness_id.name)],
        }
        people["verifier"] = people["witness"]
        roles = [
            role for stage in stages for role in STAGE[stage].signatures or ()
        ] or THREE_PARTIES
        expected = [(role, user, name) for role in roles for user, name in people[role]]
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

    _signature_stages = (MATERIALS,)

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        docs = values["docs"]
        values["checklists"] = {doc.id: self._checklist(doc) for doc in docs}
        values["opportunities"] = {doc.id: self._opportunities(doc) for doc in docs}
        values["contacts"] = {doc.id: self._contacts(doc) for doc in docs}
        return values

    def _opportunities(self, handover):
        """[(line, opportunities)] of the open opportunities (项目) that move
        with each customer: the departing user's open deals with the customer
        or its contacts, or, once the transfer ran, the deals it moved."""
        lines = handover.line_ids
        Lead = handover.env["crm.lead"].sudo().with_context(active_test=False)
        by_line = defaultdict(list)
        if handover.transfer_state != "pending":
            moved = (
                handover.env["hr.client.handover.transfer"]
                .sudo()
                .search_fetch(
                    [
                        ("line_id", "in", lines.ids),
                        ("res_model", "=", "crm.lead"),
                        ("outcome", "=", "moved"),
                    ],
                    ["line_id", "res_id"],
                )
            )
            existing = set(Lead.browse(moved.mapped("res_id")).exists().ids)
            for row in moved:
                if row.res_id in existing:
                    by_line[row.line_id.id].append(row.res_id)
        elif handover.departing_user_id and lines:
            line_of = {line.partner_id.id: line.id for line in lines}
            for lead in Lead.search_fetch(
                [
                    ("user_id", "=", handover.departing_user_id.id),
                    ("partner_id", "child_of", list(line_of)),
                    ("type", "=", "opportunity"),
                    ("won_status", "=", "pending"),
                ],
                ["partner_id"],
            ):
                line = line_of.get(lead.partner_id.commercial_partner_id.id)
                line = line or line_of.get(lead.partner_id.id)
                if line:
                    by_line[line].append(lead.id)
        # What the report prints of every deal, read at once for all of them
        # (one query, not one per customer).
        every = [lead_id for ids in by_line.values() for lead_id in ids]
        Lead.browse(every).fetch(
            ["name", "stage_id", "expected_revenue", "date_deadline"]
        )
        return [
            (
                line,
                Lead.browse(by_line[line.id])
                .with_prefetch(every)
                .sorted(lambda lead: lead.name or ""),
            )
            for line in lines
            if by_line[line.id]
        ]

    def _contacts(self, handover):
        """{customer id: its first contact persons}, in one query."""
        customers = handover.line_ids.partner_id.filtered("is_company")
        contacts = defaultdict(handover.env["res.partner"].browse)
        if customers:
            for person in (
                handover.env["res.partner"]
                .sudo()
                .search_fetch(
                    [
                        ("parent_id", "in", customers.ids),
                        ("type", "=", "contact"),
                        ("is_company", "=", False),
                    ],
                    ["parent_id", "name", "function", "phone", "email"],
                    order="name, id",
                )
            ):
                if len(contacts[person.parent_id.id]) < CONTACTS_PER_CUSTOMER:
                    contacts[person.parent_id.id] |= person
        return contacts

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

    # The visit sheet: signed by who visited and the witness, then by the
    # witness who phoned (抽查属实后签字).
    _signature_stages = (VISITS, VERIFICATION)


class ReportHrClientHandoverReportHandoverSummary(models.AbstractModel):
    _name = "report.hr_client_handover.report_handover_summary"
    _inherit = ["hr.client.handover.report"]
    _description = "Client Handover Summary Report"

    _signature_stages = (SUMMARY,)

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
