import json
import math
from collections import Counter, defaultdict

from odoo import api, models
from odoo.models import BaseModel

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


class ReportPart:
    """What one render of a handover report prints: the whole document, or one
    part of a document printed in parts (``ir_actions_report``): a window
    ``[start, stop)`` over the rows of its long tables, laid end to end in the
    order they are printed. The head of the document comes with the first
    part, what follows a table with the part that holds its last row, the end
    of the document (totals, approvals, signatures) with the last part. The
    parts of one document share ``memo``, what is computed once for all."""

    def __init__(self, handover_id, tables, start=0, stop=None, memo=None):
        self.handover_id = handover_id
        self.tables = dict(tables)  # {name: every row, a recordset}
        self.bounds = {}
        position = 0
        for name, rows in tables:
            self.bounds[name] = (position, position + len(rows))
            position += len(rows)
        self.total = position
        self.start = start
        self.stop = position if stop is None else stop
        self.memo = {} if memo is None else memo

    def split(self, size):
        """The parts of ``size`` rows this document prints in."""
        return [
            ReportPart(
                self.handover_id,
                self.tables.items(),
                start,
                min(start + size, self.total),
                self.memo,
            )
            for start in range(0, self.total, size)
        ]

    @property
    def first(self):
        return self.start == 0

    @property
    def last(self):
        return self.stop >= self.total

    def _holds(self, position):
        return self.start <= position < self.stop or (
            position >= self.total and self.last
        )

    def starts(self, name):
        """Whether the table ``name`` (its title) starts in this part."""
        return self._holds(self.bounds[name][0])

    def ends(self, name):
        """Whether the table ``name`` ends in this part (with what follows it)."""
        begin, end = self.bounds[name]
        return self._holds(max(begin, end - 1))

    def shows(self, name):
        """Whether this part prints the table ``name`` (an empty one: where it
        starts)."""
        begin, end = self.bounds[name]
        if begin == end:
            return self._holds(begin)
        return self.start < end and begin < self.stop

    def offset(self, name):
        """How many rows of the table ``name`` earlier parts print."""
        begin, end = self.bounds[name]
        return min(max(self.start - begin, 0), end - begin)

    def count(self, name):
        """The rows of the table ``name`` in the whole document."""
        return len(self.tables[name])

    def rows(self, name):
        """The rows of the table ``name`` this part prints."""
        begin, end = self.bounds[name]
        rows = self.tables[name]
        low = self.offset(name)
        high = min(max(self.stop - begin, 0), end - begin)
        if (low, high) == (0, len(rows)):
            return rows
        return rows.browse(rows._ids[low:high])


class CellText:
    """What the cells of a document's long tables print, as ``t-field`` (or
    ``t-out`` with a widget) prints it, through the same converters in the same
    context (the document's language), formatted once per distinct value:
    thousands of rows share a few successors, dates, stages and amounts. The
    template prints it with ``t-out``, without the per-cell ``t-field`` and
    its wrapping ``<span>`` (a lighter page for wkhtmltopdf to lay out)."""

    def __init__(self, env):
        self.env = env
        self.memo = {}

    def _converter(self, kind):
        model = f"ir.qweb.field.{kind}"
        return self.env[model] if model in self.env else self.env["ir.qweb.field"]

    @staticmethod
    def _key(value):
        return (value._name, value.id) if isinstance(value, BaseModel) else value

    def field(self, record, name, widget=None):
        """The content of ``<span t-field="record.name"/>`` (with ``t-options``
        ``{'widget': widget}``)."""
        key = ("field", record._name, name, widget, self._key(record[name]))
        if key not in self.memo:
            kind = widget or record._fields[name].type
            options = {
                **({"widget": widget} if widget else {}),
                "tagName": "span",
                "expression": name,
                "type": kind,
                "inherit_branding": False,
                "translate": False,
            }
            html = self._converter(kind).record_to_html(record, name, options)
            self.memo[key] = html or ""
        return self.memo[key]

    def value(self, value, widget, **options):
        """The content of ``<span t-out="value"/>`` with ``t-options``
        ``{'widget': widget, **options}``."""
        key = (
            "value",
            widget,
            self._key(value),
            tuple(sorted((name, self._key(item)) for name, item in options.items())),
        )
        if key not in self.memo:
            options = {
                **options,
                "widget": widget,
                "type": widget,
                "tagName": "span",
                "expression": "value",
                "inherit_branding": False,
            }
            self.memo[key] = self._converter(widget).value_to_html(value, options)
        return self.memo[key]


class HrClientHandoverReport(models.AbstractModel):
    """What the three handover reports share: the printing user's language and
    the three-party sign-off boxes (移交人 / 接交人 / 监交人)."""

    _name = "hr.client.handover.report"
    _description = "Client Handover Report Helpers"

    # Stages whose signatures fill the sign-off boxes; none: boxes to sign by hand.
    _signature_stages = ()

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self._report_docs(docids)
        given = (data or {}).get("handover_part")
        parts = {
            doc.id: given
            if isinstance(given, ReportPart) and given.handover_id == doc.id
            else self._whole_part(doc)
            for doc in docs
        }
        last = docs.filtered(lambda doc: parts[doc.id].last)
        return {
            "doc_ids": docids,
            "doc_model": "hr.client.handover",
            "docs": docs,
            "parts": parts,
            "signature_rows": {doc.id: self._signature_rows(doc) for doc in last},
            "stage_closures": {doc.id: self._stage_closures(doc) for doc in last},
            "one_line_address": self._one_line_address,
            "cells": {doc.id: self._cell_text(doc) for doc in docs},
            "print_box": self._print_box(),
        }

    def _cell_text(self, handover):
        """The ``CellText`` of the document on ``handover``: in the context its
        template is rendered in (the document's language, ``t-lang``)."""
        context = dict(self.env.context, inherit_branding=False)
        lang = handover._report_lang()
        if lang:
            context["lang"] = lang
        return CellText(self.env(context=context))

    @api.model
    def _report_docs(self, docids):
        """The handovers ``docids``, read in the printing user's language."""
        return (
            self.env["hr.client.handover"]
            .browse(docids)
            .with_context(lang=self.env.user.lang or self.env.lang)
        )

    def _report_tables(self, handover, memo):
        """[(name, rows)] of the long tables of the report on ``handover``, in
        the order printed; what computing them found that the parts share goes
        in ``memo``."""
        return [("customers", handover.line_ids)]

    def _whole_part(self, handover):
        """The whole document on ``handover``, as one part."""
        memo = {}
        return ReportPart(handover.id, self._report_tables(handover, memo), memo=memo)

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
        # As superuser: the sealed stage changes of the whole handover, whichever seals
        # the printing user may read (the filed copy prints the same).
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
        docs, parts = values["docs"], values["parts"]
        values["checklists"] = {
            doc.id: self._checklist(doc) for doc in docs if parts[doc.id].last
        }
        opportunities = {doc.id: self._opportunities(parts[doc.id]) for doc in docs}
        values["opportunities"] = {
            doc_id: rows for doc_id, (rows, _before, _total) in opportunities.items()
        }
        values["opportunities_before"] = {
            doc_id: before for doc_id, (_rows, before, _total) in opportunities.items()
        }
        values["opportunity_totals"] = {
            doc_id: total for doc_id, (_rows, _before, total) in opportunities.items()
        }
        values["contacts"] = {
            doc.id: self._contacts(parts[doc.id].rows("customers").partner_id)
            for doc in docs
        }
        return values

    def _report_tables(self, handover, memo):
        lines = handover.line_ids
        deals = memo["deals"] = self._deals(handover)
        return [
            *super()._report_tables(handover, memo),
            ("opportunities", lines.filtered(lambda line: line.id in deals)),
        ]

    def _deals(self, handover):
        """{line id: ids of its open opportunities (项目)}, the deals that move
        with each customer: before the transfer, the deals of the customer or
        of its contacts that the transfer rules on ``crm.lead`` give the
        transfer to move (``_selection_domain`` of the handover, as the engine
        selects them); once the transfer ran, the deals it moved."""
        lines = handover.line_ids
        # As superuser: the departing user's deals, which the printing user (HR, a
        # successor) may not read.
        Lead = handover.env["crm.lead"].sudo().with_context(active_test=False)
        by_line = defaultdict(list)
        if handover.transfer_state != "pending":
            # (sudo: the whole ledger of the handover, whatever the printing user may
            # read of it.)
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
            customers = lines.partner_id.ids
            # (sudo: the rules as the engine, which moves the deals, reads them.)
            rules = (
                handover.env["hr.client.handover.rule"]
                .sudo()
                ._for_scope("partner")
                .filtered(lambda rule: rule.model == "crm.lead")
            )
            # {deal id: its partner}, each deal once even when two rules select
            # it: one query per rule.
            deals = {}
            for rule in rules:
                partner_field = rule.partner_field
                # The deals of a customer or of its contacts (whose commercial
                # entity it is): not ``child_of``, one pattern per customer.
                for lead in Lead.search_fetch(
                    rule._selection_domain(handover.departing_user_id, handover)
                    + [
                        "|",
                        (partner_field, "in", customers),
                        (f"{partner_field}.commercial_partner_id", "in", customers),
                    ],
                    [partner_field],
                ):
                    deals.setdefault(lead.id, lead[partner_field])
            # A deal goes with its partner's line, else with its commercial
            # entity's, as the engine gives it (``_line_of_partner``).
            line_of = {line.partner_id.id: line.id for line in lines}
            partners = Lead.env["res.partner"].union(*deals.values())
            partners.fetch(["commercial_partner_id"])
            for lead_id, partner in deals.items():
                line = line_of.get(partner.id) or line_of.get(
                    partner.commercial_partner_id.id
                )
                by_line[line].append(lead_id)
        return dict(by_line)

    def _opportunities(self, part):
        """([(line, opportunities)] of the customers ``part`` prints in the
        table of open opportunities, the opportunities earlier parts print,
        the expected revenue of all of them)."""
        deals = part.memo["deals"]
        lines = part.rows("opportunities")
        # As superuser: the departing user's deals, which the printing user may not read
        # (see ``_deals``).
        Lead = lines.env["crm.lead"].sudo().with_context(active_test=False)
        if "total" not in part.memo:
            every = [lead_id for ids in deals.values() for lead_id in ids]
            total = 0.0
            if every:
                [[total]] = Lead._read_group(
                    [("id", "in", every)], aggregates=["expected_revenue:sum"]
                )
            part.memo["total"] = total
        earlier = part.tables["opportunities"]._ids[: part.offset("opportunities")]
        before = sum(len(deals[line_id]) for line_id in earlier)
        # What the report prints of every deal, read at once for all of them
        # (one query, not one per customer).
        shown = [lead_id for line in lines for lead_id in deals[line.id]]
        Lead.browse(shown).fetch(
            ["name", "stage_id", "expected_revenue", "date_deadline"]
        )
        rows = [
            (
                line,
                Lead.browse(deals[line.id])
                .with_prefetch(shown)
                .sorted(lambda lead: lead.name or ""),
            )
            for line in lines
        ]
        return rows, before, part.memo["total"]

    def _contacts(self, partners):
        """{customer id: its first contact persons} of the customers among
        ``partners``, in one query."""
        customers = partners.filtered("is_company")
        contacts = defaultdict(partners.env["res.partner"].browse)
        if customers:
            # As superuser: the customers' contact persons, whichever contacts the
            # printing user may read.
            for person in (
                partners.env["res.partner"]
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

    def _report_tables(self, handover, memo):
        return [
            *super()._report_tables(handover, memo),
            ("sample", handover.line_ids.filtered("spot_check_selected")),
        ]


class ReportHrClientHandoverReportHandoverSummary(models.AbstractModel):
    _name = "report.hr_client_handover.report_handover_summary"
    _inherit = ["hr.client.handover.report"]
    _description = "Client Handover Summary Report"

    _signature_stages = (SUMMARY,)

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        parts = values["parts"]
        values["figures"] = {
            doc.id: self._figures(doc) for doc in values["docs"] if parts[doc.id].first
        }
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
