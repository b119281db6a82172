"""Hand Everything To…: what a user owns goes to one successor, through a
handover of its own and the same transfer engine (its ledger, its revert)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.hr_client_handover_stages import CLOSED, DONE, DRAFT


class HrClientHandoverEverything(models.TransientModel):
    _name = "hr.client.handover.everything"
    _description = "Hand Everything to One Successor"

    user_id = fields.Many2one(
        "res.users",
        string="From",
        required=True,
        domain="[('share', '=', False)]",
        help="The user whose customers, open deals, quotations and activities " "move.",
    )
    successor_id = fields.Many2one(
        "res.users",
        string="To",
        required=True,
        domain="[('share', '=', False), ('id', '!=', user_id)]",
        help="The one successor who receives everything.",
    )
    reason = fields.Text(required=True)
    work_left = fields.Char(
        string="Owned Now", compute="_compute_work_left", readonly=True
    )

    @api.depends("user_id")
    def _compute_work_left(self):
        Users = self.env["res.users"]
        for wizard in self:
            wizard.work_left = (
                Users._handover_work_left(wizard.user_id) if wizard.user_id else ""
            )

    @api.model
    def _may_hand_everything(self):
        """Whether the current user may (the policy's ``hand_everything``)."""
        Handover = self.env["hr.client.handover"]
        return Handover._policy_grants(
            "hand_everything", Handover._policy_group_roles(), DRAFT
        )

    @api.model
    def _open_action(self, user):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Everything To…"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"default_user_id": user.id},
        }

    def action_hand_everything(self):
        """Create a handover of type 'Everything to one successor' with a line
        for every customer the user owns, run the transfer (ledger included),
        and close it; 'Give Everything Back' reverts it later."""
        self.ensure_one()
        if not self._may_hand_everything():
            raise AccessError(
                self.env._(
                    "Only a client handover administrator can hand everything to "
                    "one successor. Nothing was changed."
                )
            )
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason. Nothing was changed."))
        user, successor = self.user_id, self.successor_id
        if successor == user:
            raise UserError(
                self.env._(
                    "Choose a successor other than %(user)s. Nothing was changed.",
                    user=user.name,
                )
            )
        # The policy lets the administrator do it all, as the system.
        Handover = self.env["hr.client.handover"].sudo()
        # (sudo: the user's employee record, which only HR reads.)
        employee = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("user_id", "=", user.id),
                    ("company_id", "in", self.env.companies.ids),
                ],
                limit=1,
            )
        )
        if not employee:
            raise UserError(
                self.env._(
                    "%(user)s has no employee in your companies: a handover is "
                    "made for an employee. Create their employee (linked to the "
                    "user) first, or reassign their records by hand. Nothing was "
                    "changed.",
                    user=user.name,
                )
            )
        open_handover = Handover.search(
            [("departing_user_id", "=", user.id), ("state", "not in", CLOSED)],
            limit=1,
        )
        if open_handover:
            raise UserError(
                self.env._(
                    "%(user)s already has the handover %(ref)s in progress: finish "
                    "or cancel it first. Nothing was changed.",
                    user=user.name,
                    ref=open_handover.name,
                )
            )
        handover = Handover.create(
            {
                "employee_id": employee.id,
                "handover_type": "everything",
                "reason": self.reason,
                "last_working_date": fields.Date.context_today(self),
                "default_successor_id": successor.id,
            }
        )
        absent = Handover._policy_absent_successors(successor, handover)
        if absent:
            raise UserError(
                self.env._(
                    "%(reasons)s: choose another successor. Nothing was changed.",
                    reasons="; ".join(absent.values()),
                )
            )
        handover._generate_lines()
        handover.line_ids.write({"successor_id": successor.id})
        handover._start_transfer()
        handover._move_to(DONE, done_date=fields.Date.context_today(self))
        handover.message_post(
            body=self.env._(
                "%(admin)s handed everything %(user)s owned to %(successor)s: "
                "%(reason)s. 'Give Everything Back' reverts it.",
                admin=self.env.user.name,
                user=user.name,
                successor=successor.name,
                reason=self.reason,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "hr.client.handover",
            "res_id": handover.id,
            "views": [[False, "form"]],
            "target": "current",
        }
