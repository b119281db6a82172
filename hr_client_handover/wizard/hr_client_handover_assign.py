from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class HrClientHandoverAssign(models.TransientModel):
    _name = "hr.client.handover.assign"
    _inherit = ["hr.client.handover.dialog"]
    _description = "Assign Successors to Handover Customers"
    _dialog_target_fields = ("handover_id", "line_ids")

    handover_id = fields.Many2one("hr.client.handover", required=True, readonly=True)
    line_ids = fields.Many2many(
        "hr.client.handover.line",
        string="Customers",
        domain="[('handover_id', '=', handover_id)]",
    )
    mode = fields.Selection(
        [
            ("single", "One successor for all"),
            ("split", "Split across several successors"),
        ],
        default="single",
        required=True,
    )
    # Who is not there to receive customers is not offered (nor accepted).
    unavailable_successor_ids = fields.Many2many(
        related="handover_id.unavailable_successor_ids"
    )
    successor_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False), ('id', 'not in', unavailable_successor_ids)]",
    )
    successor_ids = fields.Many2many(
        "res.users",
        string="Successors",
        domain="[('share', '=', False), ('id', 'not in', unavailable_successor_ids)]",
    )
    preview_ids = fields.One2many(
        "hr.client.handover.assign.preview", "wizard_id", compute="_compute_preview"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        handover = self.env["hr.client.handover"].browse(values.get("handover_id"))
        if "line_ids" in fields_list and handover and not values.get("line_ids"):
            active_ids = self.env.context.get("active_ids") or []
            from_lines = (
                self.env.context.get("active_model") == "hr.client.handover.line"
            )
            if from_lines and active_ids:
                lines = handover.line_ids.filtered(lambda line: line.id in active_ids)
            else:
                lines = handover.line_ids
            values["line_ids"] = [fields.Command.set(lines.ids)]
        return values

    def _dialog_check_targets(self, targets, values):
        """Assigning successors is planning the handover (its button's right);
        the customers are the handover's own."""
        handover = targets.get("handover_id")
        lines = targets.get("line_ids")
        if not handover:
            if lines:
                raise UserError(
                    self.env._(
                        "Open this dialog from the handover whose customers you "
                        "assign. Nothing was changed."
                    )
                )
            return
        handover._check_can("generate_lines")
        if lines and lines - handover.line_ids:
            raise UserError(
                self.env._(
                    "Only customers of %(ref)s can be assigned from it. Nothing "
                    "was changed.",
                    ref=handover.name,
                )
            )

    def _plan(self):
        """{line: successor}: the chosen split.

        Largest customers first, each to the successor whose portfolio is the
        lightest, weighing its share of the expected revenue and its share of
        the customers equally (revenue alone would give every customer without
        open deals to the same successor).
        """
        self.ensure_one()
        if self.mode == "single":
            return {line: self.successor_id for line in self.line_ids}
        successors = self.successor_ids.sorted("id")
        if not successors:
            return {}
        lines = self.line_ids.sorted(lambda line: (-line.expected_revenue, line.id))
        total_revenue = sum(lines.mapped("expected_revenue")) or 1.0
        load = {user: [0.0, 0] for user in successors}
        plan = {}
        for line in lines:
            user = min(
                successors,
                key=lambda u: (
                    load[u][0] / total_revenue + load[u][1] / len(lines),
                    u.id,
                ),
            )
            plan[line] = user
            load[user][0] += line.expected_revenue
            load[user][1] += 1
        return plan

    @api.depends("mode", "successor_id", "successor_ids", "line_ids")
    def _compute_preview(self):
        for wizard in self:
            totals = defaultdict(lambda: [0, 0.0, 0, 0])
            for line, user in wizard._plan().items():
                if not user:
                    continue
                total = totals[user]
                total[0] += 1
                total[1] += line.expected_revenue
                total[2] += line.opportunity_count
                total[3] += line.quotation_count
            wizard.preview_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "user_id": user.id,
                        "customer_count": count,
                        "expected_revenue": revenue,
                        "opportunity_count": opportunities,
                        "quotation_count": quotations,
                    }
                )
                for user, (count, revenue, opportunities, quotations) in totals.items()
            ]

    def action_assign(self):
        self.ensure_one()
        self.handover_id._check_can("generate_lines")
        if not self.line_ids:
            raise UserError(self.env._("Select at least one customer to assign."))
        if self.mode == "single" and not self.successor_id:
            raise UserError(self.env._("Choose the successor."))
        if self.mode == "split" and len(self.successor_ids) < 2:
            raise UserError(
                self.env._("Choose at least two successors to split the customers.")
            )
        chosen = self.successor_id if self.mode == "single" else self.successor_ids
        absent = self.handover_id._policy_absent_successors(chosen, self.handover_id)
        if absent:
            raise UserError(
                self.env._(
                    "Choose successors who stay to receive the customers: "
                    "%(reasons)s. Nothing was changed.",
                    reasons="; ".join(absent.values()),
                )
            )
        by_user = defaultdict(list)
        for line, user in self._plan().items():
            by_user[user].append(line.id)
        Line = self.env["hr.client.handover.line"]
        for user, line_ids in by_user.items():
            Line.browse(line_ids).write({"successor_id": user.id})
        return {"type": "ir.actions.act_window_close"}


class HrClientHandoverAssignPreview(models.TransientModel):
    _name = "hr.client.handover.assign.preview"
    _inherit = ["hr.client.handover.dialog"]
    _description = "Successor Portfolio Preview"
    _dialog_target_fields = ("wizard_id",)

    wizard_id = fields.Many2one("hr.client.handover.assign", ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Successor")
    customer_count = fields.Integer(string="Customers")
    expected_revenue = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    opportunity_count = fields.Integer(string="Opportunities")
    quotation_count = fields.Integer(string="Quotations")
