from odoo import api, fields, models

HANDOVER_TYPES = [
    ("resignation", "Resignation"),
    ("transfer", "Internal transfer"),
    ("promotion", "Promotion"),
    ("leave", "Leave (temporary)"),
    # Hand Everything To… (wizard/hr_client_handover_everything.py)
    ("everything", "Everything to one successor"),
]

ITEM_CATEGORIES = [
    ("documents", "Documents and files"),
    ("progress", "Work in progress and next steps"),
    ("accounts", "System accounts and permissions"),
    ("equipment", "Equipment and keys"),
    ("other", "Other"),
]

COUNTERSIGN_DEPARTMENTS = [
    ("it", "IT"),
    ("finance", "Finance"),
    ("administration", "Administration"),
]

DUE_RULES = [
    ("last_day", "By the last working day"),
    ("after_last_day", "One working day after the last working day"),
]


class HrClientHandoverTemplate(models.Model):
    _name = "hr.client.handover.template"
    _description = "Client Handover Template"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the template between companies.",
    )
    handover_type = fields.Selection(
        HANDOVER_TYPES,
        help="The handover type this template is proposed for.",
    )
    item_template_ids = fields.One2many(
        "hr.client.handover.template.item",
        "template_id",
        string="Checklist Items",
        copy=True,
    )
    summary_template = fields.Html(
        translate=True,
        help="Starting text of the handover summary. Placeholders: "
        "{employee}, {reference}, {customer_count}, {last_working_day}.",
    )
    require_meeting = fields.Boolean(
        string="Handover Meeting",
        help="A handover meeting chaired by the direct supervisor (交接会议), with "
        "its minutes, must be held before the materials stage can end.",
    )
    require_training = fields.Boolean(
        string="Training Session",
        help="At least one training session of the successors, with its minutes, "
        "must be held before the summary is submitted.",
    )
    require_visits = fields.Boolean(
        default=True,
        help="Every customer must be visited by the successor and the departing "
        "employee together, or the visit waived by the supervisor.",
    )
    spot_check_rate = fields.Float(
        string="Spot-check Rate (%)",
        default=20.0,
        help="Share of customers the witness phones to verify the handover.",
    )
    spot_check_min = fields.Integer(
        string="Spot-check Minimum",
        default=3,
        help="Minimum number of customers phoned (capped by the number of lines).",
    )
    transfer_moment = fields.Selection(
        [
            ("plan", "On plan approval"),
            ("summary", "On summary approval"),
        ],
        default="plan",
        required=True,
        help="When the salesperson ownership moves to the successors.",
    )
    deadline_days = fields.Integer(
        string="Default Deadline (days)",
        default=30,
        help="Default last working day, counted in days from the notice date.",
    )
    notify_customers = fields.Boolean(
        help="E-mail each customer's main contact to introduce the new account "
        "manager when the ownership moves.",
    )
    unsubscribe_departing = fields.Boolean(
        string="Unfollow Moved Records",
        default=True,
        help="Remove the departing user from the followers of every moved record.",
    )
    transfer_confirmed_orders = fields.Boolean(
        help="Also move the salesperson of confirmed sales orders.",
    )

    _spot_check_rate_range = models.Constraint(
        "CHECK (spot_check_rate >= 0 AND spot_check_rate <= 100)",
        lambda env, diag: env._("The spot-check rate must be between 0 and 100 %."),
    )
    _spot_check_min_positive = models.Constraint(
        "CHECK (spot_check_min >= 0)",
        lambda env, diag: env._("The spot-check minimum cannot be negative."),
    )
    _deadline_days_positive = models.Constraint(
        "CHECK (deadline_days >= 0)",
        lambda env, diag: env._("The default deadline cannot be negative."),
    )

    @api.model
    def _get_default_for_type(self, handover_type, company):
        return self.search(
            [
                ("handover_type", "=", handover_type),
                ("company_id", "in", [False, company.id]),
            ],
            order="company_id, sequence, id",
            limit=1,
        )


class HrClientHandoverTemplateItem(models.Model):
    _name = "hr.client.handover.template.item"
    _description = "Client Handover Template Checklist Item"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "hr.client.handover.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True, translate=True)
    category = fields.Selection(ITEM_CATEGORIES, required=True, default="documents")
    location = fields.Char(translate=True)
    due_rule = fields.Selection(
        DUE_RULES,
        string="Due",
        default="last_day",
        required=True,
    )
    responsible = fields.Selection(
        [
            ("departing", "Departing employee"),
            ("supervisor", "Supervisor"),
            ("countersigner", "Countersigner"),
        ],
        default="departing",
        required=True,
        help="Countersigner: the countersigning department acts on the item (for "
        "example IT revokes the accounts after the departure); the supervisor "
        "ticks it done, then the department countersigns it. Nobody countersigns "
        "an item they answer for or ticked themselves.",
    )
    needs_receipt = fields.Boolean(
        string="Receiver Confirms",
        help="A successor or the supervising witness confirms receiving the item "
        "before the materials stage can end.",
    )
    countersign_department = fields.Selection(COUNTERSIGN_DEPARTMENTS)
    countersigner_id = fields.Many2one(
        "res.users",
        help="Who countersigns this item. Empty: the manager of the department "
        "set for it in the settings (IT, finance, administration).",
    )
