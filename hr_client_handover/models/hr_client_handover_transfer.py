from odoo import api, fields, models


class HrClientHandoverTransfer(models.Model):
    """Ledger: one row per value the handover moved (and maybe gave back)."""

    _name = "hr.client.handover.transfer"
    _description = "Client Handover Transfer Ledger"
    _order = "id desc"
    _rec_name = "res_name"

    # No single-column indexes on handover_id and res_model: the composite
    # indexes below lead with them, and every index is one more write per moved
    # value (and per value given back: reverted_on is in the unique index).
    handover_id = fields.Many2one(
        "hr.client.handover",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    line_id = fields.Many2one(
        "hr.client.handover.line", ondelete="set null", index=True, readonly=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    rule_id = fields.Many2one(
        "hr.client.handover.rule", ondelete="set null", readonly=True
    )
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Integer(string="Record ID", required=True, readonly=True)
    res_name = fields.Char(compute="_compute_res_name", string="Record")
    field_name = fields.Char(string="Field", required=True, readonly=True)
    old_user_id = fields.Many2one("res.users", string="From", readonly=True)
    new_user_id = fields.Many2one("res.users", string="To", readonly=True)
    old_team_id = fields.Many2one("crm.team", string="Former Team", readonly=True)
    new_team_id = fields.Many2one("crm.team", readonly=True)
    transferred_on = fields.Datetime(
        string="Transferred At", required=True, readonly=True
    )
    reverted_on = fields.Datetime(string="Reverted At", readonly=True)
    note = fields.Char(readonly=True)
    outcome = fields.Selection(
        [("moved", "Moved"), ("kept", "Not moved")],
        default="moved",
        required=True,
        readonly=True,
        help="Not moved: someone changed the owner between the selection and the "
        "batch; their edit stands.",
    )
    follower_added = fields.Boolean(
        readonly=True, help="The handover subscribed the new owner to the record."
    )
    follower_removed = fields.Boolean(
        readonly=True, help="The handover unsubscribed the former owner."
    )

    _handover_record_field_unique = models.UniqueIndex(
        "(handover_id, res_model, res_id, field_name) WHERE reverted_on IS NULL",
        lambda env, diag: env._("This value was already moved by this handover."),
    )
    _model_res_idx = models.Index("(res_model, res_id)")
    _handover_id_idx = models.Index("(handover_id, id)")

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        by_model = {}
        for row in self:
            by_model.setdefault(row.res_model, set()).add(row.res_id)
        names = {}
        for model, ids in by_model.items():
            if model not in self.env:
                continue
            # As superuser: the names of what the ledger moved, whoever reads the
            # ledger.
            records = self.env[model].sudo().browse(ids).exists()
            names.update({(model, rec.id): rec.display_name for rec in records})
        for row in self:
            row.res_name = (
                names.get((row.res_model, row.res_id))
                or f"{row.res_model},{row.res_id}"
            )

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }


class HrClientHandoverQueue(models.Model):
    """What a running transfer still has to move: filled once at approval, one
    row per record, removed with the batch that settles it."""

    _name = "hr.client.handover.queue"
    _description = "Client Handover Transfer Queue"
    _log_access = False

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=False
    )
    rule_id = fields.Many2one(
        "hr.client.handover.rule", required=True, ondelete="cascade"
    )
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Integer(string="Record ID", required=True)
    line_id = fields.Many2one(
        "hr.client.handover.line", required=True, ondelete="cascade"
    )

    _handover_id_idx = models.Index("(handover_id, id)")
    _handover_record_idx = models.Index("(handover_id, res_model, res_id)")
