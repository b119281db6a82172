from odoo import api, fields, models
from odoo.exceptions import ValidationError
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
