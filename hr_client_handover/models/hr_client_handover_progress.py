"""The figures of a handover's progress: its customers counted by what is
done of each stage's work, how far the procedure is, how far the transfer of
its records is, and whether it is past its last working day.

Stored counters: the line counters are recounted in one statement when a
line they count changes, the moved values are added by the engine as it
writes its ledger; a form, list or kanban reads them without counting
thousands of lines or a ledger of hundreds of thousands of rows.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .hr_client_handover_stages import CANCEL, OPEN, SELECTION, STAGE

# The stored line counters of a handover, and how each counts its lines (in
# this order; the migration that fills them uses the same expressions).
LINE_COUNTERS = (
    "line_count",
    "assigned_count",
    "successor_count",
    "materials_done_count",
    "visit_done_count",
    "spot_check_count",
    "check_done_count",
)
LINE_COUNTS_SQL = SQL(
    "COUNT(*), COUNT(successor_id), COUNT(DISTINCT successor_id),"
    " COUNT(materials_confirmed_on),"
    " COUNT(*) FILTER (WHERE visit_state IN ('done', 'waived')),"
    " COUNT(*) FILTER (WHERE spot_check_selected),"
    " COUNT(*) FILTER (WHERE spot_check_selected AND check_result = 'confirmed'"
    " AND checked_on IS NOT NULL)"
)


class HrClientHandoverProgressMixin(models.AbstractModel):
    """The progress figures of the handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.progress.mixin"
    _description = "Client Handover Progress"

    # Stored counters: the form, list and kanban read them instead of counting
    # the lines or the ledger. The engine adds what each batch moves
    # (_insert_ledger); the line counters are recounted in one statement
    # whenever a line they count changes (_compute_line_stats).
    transfer_done = fields.Integer(
        string="Moved Records",
        default=0,
        readonly=True,
        copy=False,
        help="Values the transfer moved, as its ledger records them (given back "
        "ones included).",
    )
    transfer_progress = fields.Float(compute="_compute_transfer_progress")
    line_count = fields.Integer(
        compute="_compute_line_stats", store=True, string="Customer Count"
    )
    assigned_count = fields.Integer(
        compute="_compute_line_stats",
        store=True,
        string="Customers with a Successor",
    )
    successor_count = fields.Integer(compute="_compute_line_stats", store=True)
    materials_done_count = fields.Integer(compute="_compute_line_stats", store=True)
    visit_done_count = fields.Integer(compute="_compute_line_stats", store=True)
    spot_check_count = fields.Integer(compute="_compute_line_stats", store=True)
    check_done_count = fields.Integer(
        compute="_compute_line_stats",
        store=True,
        help="Customers of the spot-check sample whose call confirmed the handover.",
    )
    progress = fields.Float(
        compute="_compute_progress",
        help="How far the procedure is: the stages completed before Done, plus "
        "the share of the current stage's customer work already done (customers "
        "with a successor in draft, materials confirmed, visits done or waived, "
        "calls confirmed). 100% once Done; 0 when cancelled.",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )

    @api.depends(
        "line_ids.successor_id",
        "line_ids.materials_confirmed_on",
        "line_ids.visit_state",
        "line_ids.spot_check_selected",
        "line_ids.check_result",
        "line_ids.checked_on",
    )
    def _compute_line_stats(self):
        """Counted in the database for saved handovers, in one statement (a
        line change recounts its handover: exact whoever changed what, and
        two transactions changing one handover's lines at once conflict on
        its row, the second retried); from the lines in the form's cache while
        it is being edited."""
        saved = self.filtered("id")
        counts = saved._line_counts() if saved else {}
        for handover in self:
            if handover in saved:
                values = counts.get(handover.id, {})
            else:
                lines = handover.line_ids
                values = {
                    "line_count": len(lines),
                    "assigned_count": len(lines.filtered("successor_id")),
                    "successor_count": len(lines.successor_id),
                    "materials_done_count": len(
                        lines.filtered("materials_confirmed_on")
                    ),
                    "visit_done_count": len(
                        lines.filtered(
                            lambda line: line.visit_state in ("done", "waived")
                        )
                    ),
                    "spot_check_count": len(lines.filtered("spot_check_selected")),
                    "check_done_count": len(
                        lines.filtered(
                            lambda line: line.spot_check_selected
                            and line.check_result == "confirmed"
                            and line.checked_on
                        )
                    ),
                }
            for name in LINE_COUNTERS:
                handover[name] = values.get(name, 0)

    @api.depends("state", *LINE_COUNTERS)
    def _compute_progress(self):
        steps = [key for key, _label in SELECTION if key != CANCEL]
        for handover in self:
            if handover.state == CANCEL:
                handover.progress = 0.0
                continue
            values = {name: handover[name] for name in LINE_COUNTERS}
            done = steps.index(handover.state) + handover._stage_done_share(values)
            handover.progress = 100.0 * min(done / (len(steps) - 1), 1.0)

    def _stage_done_share(self, counts):
        """The share (0 to 1) of the current stage's customer work done, from
        the line statistics ``counts``: customers with a successor in draft,
        materials confirmed, visits done or waived, calls confirmed; none in
        the stages of review, approval and summary (their work is one click)."""
        self.ensure_one()
        stage = STAGE.get(self.state)
        done, total = (stage and stage.progress) or (None, None)
        if not done or not counts.get(total):
            return 0.0
        return min(counts.get(done, 0) / counts[total], 1.0)

    def _line_counts(self):
        """{handover id: line counters}, in one statement over their lines."""
        self.env["hr.client.handover.line"].flush_model(
            [
                "handover_id",
                "successor_id",
                "materials_confirmed_on",
                "visit_state",
                "spot_check_selected",
                "check_result",
                "checked_on",
            ]
        )
        self.env.cr.execute(
            SQL(
                "SELECT handover_id, %s FROM hr_client_handover_line"
                " WHERE handover_id IN %s GROUP BY handover_id",
                LINE_COUNTS_SQL,
                tuple(self.ids),
            )
        )
        return {
            row[0]: dict(zip(LINE_COUNTERS, row[1:], strict=True))
            for row in self.env.cr.fetchall()
        }

    def _recount_counters(self):
        """Count the stored counters of these handovers again from their lines
        and their ledger, in SQL: after lines or ledger rows were written in
        SQL (a data import, the benchmark's build), and what the tests compare
        the counters with."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE hr_client_handover h SET (%(counters)s) = ("
                " SELECT %(counts)s FROM hr_client_handover_line l"
                " WHERE l.handover_id = h.id),"
                " transfer_done = (SELECT COUNT(*) FROM hr_client_handover_transfer t"
                " WHERE t.handover_id = h.id AND t.outcome = 'moved')"
                " WHERE h.id IN %(ids)s",
                counters=SQL(", ").join(SQL.identifier(n) for n in LINE_COUNTERS),
                counts=LINE_COUNTS_SQL,
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset([*LINE_COUNTERS, "transfer_done"])

    @api.depends("transfer_total", "transfer_state", "transfer_done")
    def _compute_transfer_progress(self):
        """Progress from what is left in the queue (transfer) or to give back
        (revert)."""
        # As superuser: the ledger counts for the whole handover, whoever reads it.
        Transfer = self.env["hr.client.handover.transfer"].sudo()
        running = self.filtered(lambda h: h.transfer_state == "running")
        left = dict(
            # As superuser: no user reads the queue.
            self.env["hr.client.handover.queue"]
            .sudo()
            ._read_group(
                [("handover_id", "in", running.ids)], ["handover_id"], ["__count"]
            )
            if running
            else []
        )
        reverting = self.filtered(lambda h: h.transfer_state == "reverting")
        settled = dict(
            Transfer._read_group(
                [
                    ("handover_id", "in", reverting.ids),
                    ("outcome", "=", "moved"),
                    "|",
                    ("reverted_on", "!=", False),
                    ("note", "!=", False),
                ],
                ["handover_id"],
                ["__count"],
            )
            if reverting
            else []
        )
        for handover in self:
            origin = handover._origin
            done = handover.transfer_done
            total = handover.transfer_total
            if handover.transfer_state == "running":
                ratio = (total - left.get(origin, 0)) / total if total else 0.0
            elif handover.transfer_state == "reverting":
                ratio = settled.get(origin, 0) / done if done else 0.0
            elif handover.transfer_state in ("done", "reverted"):
                ratio = 1.0
            else:
                ratio = 0.0
            handover.transfer_progress = 100.0 * ratio

    @api.depends("last_working_date", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for handover in self:
            handover.is_overdue = bool(
                handover.state in OPEN
                and handover.last_working_date
                and handover.last_working_date < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [
            ("state", "in", OPEN),
            ("last_working_date", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain] if len(domain) == 1 else ["!", "&", *domain]
