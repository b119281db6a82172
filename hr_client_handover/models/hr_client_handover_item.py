from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .hr_client_handover_template import (
    COUNTERSIGN_DEPARTMENTS,
    DUE_RULES,
    ITEM_CATEGORIES,
)


class HrClientHandoverItem(models.Model):
    _name = "hr.client.handover.item"
    _description = "Client Handover Checklist Item"
    _order = "handover_id, category, sequence, id"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True)
    category = fields.Selection(ITEM_CATEGORIES, required=True, default="documents")
    location = fields.Char()
    responsible_id = fields.Many2one("res.users")
    due_date = fields.Date()
    due_rule = fields.Selection(
        DUE_RULES,
        help="The due date follows the last working day of the handover, until it "
        "is set by hand.",
    )
    countersign_department = fields.Selection(
        COUNTERSIGN_DEPARTMENTS, string="Countersigned by"
    )
    done = fields.Boolean(readonly=True, copy=False)
    done_by = fields.Many2one("res.users", readonly=True, copy=False)
    done_on = fields.Datetime(readonly=True, copy=False)
    confirmed_by = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_on = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue")

    @api.depends("due_date", "done")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for item in self:
            item.is_overdue = bool(
                not item.done and item.due_date and item.due_date < today
            )

    def write(self, vals):
        if "due_date" in vals and "due_rule" not in vals:
            # A date set by hand no longer follows the last working day.
            vals = dict(vals, due_rule=False)
        return super().write(vals)

    def _check_item_action(self, roles):
        for item in self:
            handover = item.handover_id
            if handover.state not in (
                "draft",
                "plan_review",
                "plan_approval",
                "materials",
            ):
                raise UserError(
                    self.env._(
                        "The checklist of %(ref)s is closed (the materials stage is "
                        "over). Nothing was changed.",
                        ref=handover.name,
                    )
                )
            user_roles = handover._get_user_roles()
            if item.responsible_id == self.env.user:
                user_roles.add("responsible")
            if not user_roles & set(roles):
                raise AccessError(
                    self.env._(
                        "You are not allowed to do this on the checklist item "
                        "'%(item)s'.",
                        item=item.name,
                    )
                )

    def action_mark_done(self):
        self._check_item_action({"responsible", "departing", "supervisor", "admin"})
        already = self.filtered("done")
        if already:
            raise UserError(
                self.env._(
                    "'%(item)s' is already done. Nothing was changed.",
                    item=already[0].name,
                )
            )
        self.sudo().write(
            {"done": True, "done_by": self.env.uid, "done_on": fields.Datetime.now()}
        )
        return True

    def action_confirm(self):
        """The successor or the witness confirms receiving the item."""
        self._check_item_action({"successor", "witness"})
        pending = self.filtered(lambda item: not item.done)
        if pending:
            raise UserError(
                self.env._(
                    "'%(item)s' is not marked done yet: it cannot be confirmed.",
                    item=pending[0].name,
                )
            )
        self.sudo().write(
            {"confirmed_by": self.env.uid, "confirmed_on": fields.Datetime.now()}
        )
        return True

    def action_reset(self):
        self._check_item_action({"responsible", "departing", "supervisor", "admin"})
        self.sudo().write(
            {
                "done": False,
                "done_by": False,
                "done_on": False,
                "confirmed_by": False,
                "confirmed_on": False,
            }
        )
        return True
