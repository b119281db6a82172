"""The figures of a handover's progress: its customers counted by what is
done of each stage's work, how far the procedure is, how far the transfer of
its records is, and whether it is past its last working day.

Counted in the database for saved handovers (``_read_group``): a form, list or
kanban stays fast with thousands of customer lines.
"""

from collections import defaultdict

from odoo import api, fields, models

from .hr_client_handover_stages import CANCEL, OPEN, SELECTION, STAGE


class HrClientHandoverProgressMixin(models.AbstractModel):
    """The progress figures of the handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.progress.mixin"
    _description = "Client Handover Progress"

    transfer_done = fields.Integer(
        compute="_compute_transfer_progress", string="Moved Records"
    )
    transfer_progress = fields.Float(compute="_compute_transfer_progress")
    line_count = fields.Integer(compute="_compute_line_stats", string="Customer Count")
    successor_count = fields.Integer(compute="_compute_line_stats")
    materials_done_count = fields.Integer(compute="_compute_line_stats")
    visit_done_count = fields.Integer(compute="_compute_line_stats")
    spot_check_count = fields.Integer(compute="_compute_line_stats")
    check_done_count = fields.Integer(
        compute="_compute_line_stats",
        help="Customers of the spot-check sample whose call confirmed the handover.",
    )
    progress = fields.Float(
        compute="_compute_line_stats",
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
        "line_ids.line_progress",
        "line_ids.materials_confirmed_on",
        "line_ids.visit_state",
        "line_ids.spot_check_selected",
        "line_ids.check_result",
        "line_ids.checked_on",
        "state",
    )
    def _compute_line_stats(self):
        """Counted in the database for saved handovers (a form, list or kanban
        stays fast with thousands of lines); from the lines in the form's
        cache while it is being edited."""
        saved = self.filtered("id")
        counts = saved._line_counts() if saved else {}
        steps = [key for key, _label in SELECTION if key != CANCEL]
        for handover in self:
            if handover in saved:
                values = counts.get(handover.id, {})
            else:
                lines = handover.line_ids
                values = {
                    "line_count": len(lines),
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
                    "assigned_count": len(lines.filtered("successor_id")),
                }
            for name in (
                "line_count",
                "successor_count",
                "materials_done_count",
                "visit_done_count",
                "spot_check_count",
                "check_done_count",
            ):
                handover[name] = values.get(name, 0)
            if handover.state == CANCEL:
                handover.progress = 0.0
            else:
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
        """{handover id: line statistics}, in three grouped queries."""
        # Counted as the system: the progress of the whole handover, whoever reads it.
        Line = self.env["hr.client.handover.line"].sudo()
        base = [("handover_id", "in", self.ids)]
        counts = defaultdict(dict)
        for handover, total, successors, materials, assigned in Line._read_group(
            base,
            ["handover_id"],
            [
                "__count",
                "successor_id:count_distinct",
                "materials_confirmed_on:count",
                "successor_id:count",
            ],
        ):
            counts[handover.id].update(
                line_count=total,
                successor_count=successors,
                materials_done_count=materials,
                assigned_count=assigned,
            )
        for handover, count in Line._read_group(
            base + [("visit_state", "in", ("done", "waived"))],
            ["handover_id"],
            ["__count"],
        ):
            counts[handover.id]["visit_done_count"] = count
        # The sample, and its calls recorded as confirmed.
        for handover, result, count, checked in Line._read_group(
            base + [("spot_check_selected", "=", True)],
            ["handover_id", "check_result"],
            ["__count", "checked_on:count"],
        ):
            values = counts[handover.id]
            values["spot_check_count"] = values.get("spot_check_count", 0) + count
            if result == "confirmed":
                values["check_done_count"] = checked
        return counts

    @api.depends("transfer_total", "transfer_state")
    def _compute_transfer_progress(self):
        """Moved values from the ledger; progress from what is left in the queue
        (transfer) or to give back (revert)."""
        # As superuser: the ledger and the queue count for the whole handover; no user
        # reads the queue.
        Transfer = self.env["hr.client.handover.transfer"].sudo()
        moved = dict(
            Transfer._read_group(
                [("handover_id", "in", self.ids), ("outcome", "=", "moved")],
                ["handover_id"],
                ["__count"],
            )
        )
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
            done = moved.get(origin, 0)
            handover.transfer_done = done
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

    @api.depends("last_working_day", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for handover in self:
            handover.is_overdue = bool(
                handover.state in OPEN
                and handover.last_working_day
                and handover.last_working_day < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [
            ("state", "in", OPEN),
            ("last_working_day", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain] if len(domain) == 1 else ["!", "&", *domain]
