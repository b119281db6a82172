"""No customer left behind: the plan compared with what the departing user owns.

A customer the departing user still owns (through any partner rule of the
transfer: the customer itself, an open opportunity, a quotation…) and that is
not on the plan's lines is an *omission*. The plan's gate (submission and
approval) refuses omissions unless the direct supervisor justified each one
with a reason (``hr.client.handover.omission``), which the plan prints.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hr_client_handover_stages import UNTIL_APPROVAL

# How many customers a message names before it says how many more there are.
NAMED = 5


class HrClientHandoverOmission(models.Model):
    """A customer the direct supervisor decided to leave out of the plan."""

    _name = "hr.client.handover.omission"
    _description = "Client Handover Justified Omission"
    _inherit = ["hr.client.handover.policy"]
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="restrict"
    )
    reason = fields.Text(required=True)
    justified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    justified_on = fields.Datetime(readonly=True, copy=False)

    _unique_partner = models.Constraint(
        "UNIQUE(handover_id, partner_id)",
        "This customer is already justified on this handover.",
    )

    @api.constrains("reason")
    def _check_reason(self):
        for omission in self:
            if not (omission.reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Write why %(customer)s is not handed over: the plan "
                        "prints the reason.",
                        customer=omission.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        omissions = super().create(vals_list)
        omissions._policy_check_create(vals_list)
        # Who justified and when: the workflow's own fields.
        omissions.sudo().write(
            {"justified_by_id": self.env.uid, "justified_on": fields.Datetime.now()}
        )
        return omissions

    def write(self, vals):
        self._policy_check_write(set(vals))
        if not self.env.su and "reason" in vals:
            vals = dict(
                vals,
                justified_by_id=self.env.uid,
                justified_on=fields.Datetime.now(),
            )
            # As superuser: who justified and when are the workflow's own fields (the
            # policy checked the reason above).
            return super(HrClientHandoverOmission, self.sudo()).write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_policy(self):
        if not self.env.su:
            self._policy_check(
                "unlink", self.env._("Remove the justification of a customer")
            )


class HrClientHandoverOmissionMixin(models.AbstractModel):
    """The omissions of a handover's plan (inherited by hr.client.handover)."""

    _name = "hr.client.handover.omission.mixin"
    _description = "Client Handover Plan Omissions"

    omission_ids = fields.One2many(
        "hr.client.handover.omission",
        "handover_id",
        string="Customers Not Handed Over",
        copy=False,
    )
    omitted_partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_omitted_partner_ids",
        string="Customers Left Out",
        help="Customers the departing user still owns (themselves, or through an "
        "open opportunity, a quotation… that the transfer rules move) that are "
        "neither on the plan nor justified by the direct supervisor.",
    )
    unplanned_partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_omitted_partner_ids",
        string="Customers Not on the Plan",
        help="Every customer the departing user owns that is not on the plan, "
        "justified or not: those the direct supervisor may justify.",
    )

    @api.depends("line_ids.partner_id", "omission_ids.partner_id", "state")
    def _compute_omitted_partner_ids(self):
        for handover in self:
            # As on the form, lines being edited included; after the approval
            # nothing is compared.
            unplanned = handover._unplanned_customers()
            handover.unplanned_partner_ids = unplanned
            handover.omitted_partner_ids = unplanned - handover.omission_ids.partner_id

    def _unplanned_customers(self):
        """The customers the departing user owns that the plan leaves out, as
        the transfer rules define them (``_customers_of``); read as the system:
        the plan is compared with everything, whoever asks. Only while the plan
        is drawn and reviewed: later the transfer moved what the plan gave.

        A saved handover is compared in the database, in one query (no line
        read); one being edited in a form with the lines of the form."""
        self.ensure_one()
        user = self.departing_user_id
        if not user or self.state not in UNTIL_APPROVAL:
            return self.env["res.partner"]
        # As superuser: the plan is compared with everything the user owns, whoever
        # asks.
        Line = self.env["hr.client.handover.line"].sudo()
        # (The user as superuser too: nothing of them is read with the caller's
        # rights in that search.)
        if self.id:
            return Line._customers_of(user.sudo(), handover=self)
        return Line._customers_of(user.sudo()) - self.line_ids.partner_id

    def _omission_todo(self):
        """The plan's gate: the omissions not justified, as an instruction
        (empty when none)."""
        self.ensure_one()
        # The field the form shows, computed once per request (the names read
        # as the system: the plan is compared with everything).
        omitted = self.omitted_partner_ids.sudo()
        if not omitted:
            return []
        names = ", ".join(omitted[:NAMED].mapped("display_name"))
        if len(omitted) > NAMED:
            names = self.env._(
                "%(names)s and %(count)s more",
                names=names,
                count=len(omitted) - NAMED,
            )
        return [
            self.env._(
                "hand over the %(count)s customer(s) %(user)s still owns that the "
                "plan leaves out (%(names)s): add them with Generate Lines, or have "
                "the direct supervisor justify each of them in the tab 'Customers "
                "Not Handed Over'",
                count=len(omitted),
                user=self.departing_user_id.name,
                names=names,
            )
        ]

    def _justified_omissions(self):
        """The justified customers still not on the plan: what the plan
        prints under 'Customers not handed over'."""
        self.ensure_one()
        planned = self.line_ids.partner_id
        return self.omission_ids.filtered(lambda o: o.partner_id not in planned)
