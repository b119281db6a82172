from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval


class HrClientHandoverRule(models.Model):
    """What the ownership transfer moves: one rule per model and user field."""

    _name = "hr.client.handover.rule"
    _description = "Client Handover Transfer Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade")
    model = fields.Char(related="model_id.model", store=True, string="Model Name")
    user_field = fields.Char(
        required=True,
        default="user_id",
        help="Many2one field to res.users holding the owner (e.g. user_id).",
    )
    scope = fields.Selection(
        [
            ("partner", "Records of the customer"),
            ("moved_records", "Activities on the customer and on moved records"),
        ],
        required=True,
        default="partner",
        help="Records of the customer are found through the customer field; "
        "activities follow the customers and the records the handover moved.",
    )
    partner_field = fields.Char(
        default="partner_id",
        help="Many2one field to res.partner holding the customer (e.g. partner_id).",
    )
    domain = fields.Char(
        string="Extra Domain",
        default="[]",
        help="Only records matching this domain move, e.g. open opportunities.",
    )
    team_field = fields.Char(
        help="Optional sales team field set to a team the successor belongs to.",
    )
    include_unassigned = fields.Boolean(
        help="Also move records of the customer that have no owner yet.",
    )
    log_in_chatter = fields.Boolean(
        default=True,
        help="Log 'Salesperson: A → B' in the chatter of each moved record.",
    )

    @api.constrains("model_id", "user_field", "partner_field", "team_field", "domain")
    def _check_fields(self):
        for rule in self:
            model = self.env.get(rule.model_id.model)
            if model is None:
                raise ValidationError(
                    self.env._(
                        "The model of rule '%(rule)s' is not installed.", rule=rule.name
                    )
                )
            if rule.scope == "partner" and not rule.partner_field:
                raise ValidationError(
                    self.env._(
                        "Rule '%(rule)s' needs the customer field of its model.",
                        rule=rule.name,
                    )
                )
            checks = [
                (rule.user_field, "res.users"),
                (
                    rule.partner_field if rule.scope == "partner" else False,
                    "res.partner",
                ),
                (rule.team_field, "crm.team"),
            ]
            for field_name, comodel in checks:
                if not field_name:
                    continue
                field = model._fields.get(field_name)
                if (
                    not field
                    or field.type != "many2one"
                    or field.comodel_name != comodel
                    or not field.store
                ):
                    raise ValidationError(
                        self.env._(
                            "Rule '%(rule)s': %(model)s has no stored field "
                            "'%(field)s' pointing to %(comodel)s. Pick an existing "
                            "many2one field.",
                            rule=rule.name,
                            model=rule.model_id.model,
                            field=field_name,
                            comodel=comodel,
                        )
                    )
            try:
                model.search_count(rule._get_domain(), limit=1)
            except Exception as exc:
                raise ValidationError(
                    self.env._(
                        "Rule '%(rule)s': the extra domain is not valid (%(error)s). "
                        "Write a domain such as [('active', '=', True)].",
                        rule=rule.name,
                        error=exc,
                    )
                ) from exc

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")

    @api.model
    def _for_scope(self, scope):
        """The active rules of a scope: 'partner' (records found through their
        customer field) or 'moved_records' (activities)."""
        return self.search([("scope", "=", scope)])

    @api.model
    def _owned_by(self, users, scope=None):
        """Whether `users` own a record an active rule (of `scope`) selects."""
        rules = self._for_scope(scope) if scope else self.search([])
        return any(
            self.env[rule.model].search_count(rule._selection_domain(users), limit=1)
            for rule in rules
        )

    @api.model
    def _customer_records_sql(self, customer, models=None):
        """SQL: ``model, id`` of the records the active customer rules give
        ``customer`` (SQL: a commercial partner's id) through their customer
        field, the customer's contacts included, each record once; whoever
        owns them and whatever the extra domain: what belongs to the customer,
        not what a transfer moves. ``models``: only those models' records.

        The reading of the rules in SQL, for figures a query per record or per
        customer would make too slow (the retention analysis)."""
        pairs = dict.fromkeys(
            (rule.model, rule.partner_field)
            for rule in self._for_scope("partner")
            if models is None or rule.model in models
        )
        branches = [
            SQL(
                "SELECT %(model)s::varchar AS model, rec.id FROM %(table)s rec"
                " JOIN res_partner contact ON contact.id = %(field)s"
                " WHERE contact.commercial_partner_id = %(customer)s",
                model=model,
                table=SQL.identifier(self.env[model]._table),
                field=SQL.identifier("rec", partner_field),
                customer=customer,
            )
            for model, partner_field in pairs
        ]
        return SQL(" UNION ").join(
            branches or [SQL("SELECT NULL::varchar AS model, NULL::int AS id LIMIT 0")]
        )

    def _selection_domain(self, users, handover=None):
        """The records of this rule that belong to `users`: those they own that
        match the extra domain. Given a handover, what its transfer moves: also
        the records without an owner when the rule says so, only those of the
        handover's company, and confirmed orders too when its template moves
        them.

        The one reading of a rule: line generation, the figures of the customer
        lines and the archive check ask for a user's records, the transfer
        engine for a handover's (of its departing user)."""
        self.ensure_one()
        owners = users.ids + ([False] if handover and self.include_unassigned else [])
        domain = [(self.user_field, "in", owners)]
        extra = self._get_domain()
        if not handover:
            return domain + extra
        if (
            self.model == "sale.order"
            and handover.template_id.transfer_confirmed_orders
        ):
            extra = [
                d
                for d in extra
                if not (isinstance(d, tuple | list) and d[0] == "state")
            ]
        Model = self.env[self.model]
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            # Another company's records are not this handover's to move.
            domain += [("company_id", "in", [handover.company_id.id, False])]
        return domain + extra
