from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, Query

from .hr_client_handover_activities import STAGE_ACTIVITIES
from .hr_client_handover_policy import FIELD_GROUPS
from .hr_client_handover_stages import CLOSED, MATERIALS, VISITS

CHECK_RESULTS = [
    ("pending", "To call"),
    ("confirmed", "Confirmed"),
    ("problem", "Problem"),
    ("unreachable", "Unreachable"),
]
VISIT_STATES = [
    ("pending", "To visit"),
    ("partial", "Half confirmed"),
    ("done", "Visited"),
    ("waiver_requested", "Waiver requested"),
    ("waived", "Waived"),
]
# What a line records at each step, sealed when recorded.
MATERIALS_SEALED = (
    "materials_confirmed_by_id",
    "materials_confirmed_on",
    # what the successor confirms: the policy's materials fields
    *FIELD_GROUPS["hr.client.handover.line"]["materials"],
)
VISIT_CONFIRMATIONS = (
    "visit_successor_confirmed_on",
    "visit_successor_confirmed_by_id",
    "visit_departing_confirmed_on",
    "visit_departing_confirmed_by_id",
    "visit_confirmed_on_behalf_by_id",
    "visit_done_on",
)
# What the visitors met and wrote, frozen by the first confirmation.
VISIT_NOTES = (
    "visit_date",
    "visit_place",
    "visit_contact_id",
    "visit_contact",
    "visit_contact_name",
    "visit_notes",
)
WAIVER_REQUEST = (
    "waiver_requested_by_id",
    "waiver_requested_on",
    "visit_waiver_reason",
)
WAIVER_SEALED = (*WAIVER_REQUEST, "visit_waived", "waiver_approved_by_id")
# The sent-back count and reason stay: they are the line's history.
VISIT_RESET = (*VISIT_CONFIRMATIONS, *WAIVER_SEALED)
CHECK_SEALED = ("check_result", "checked_by_id", "checked_on", "check_notes")
# The models whose records moving with a customer are a figure of their own on
# its line; the records of any other rule are named with their count, by rule.
MOVING_COUNTS = {
    "crm.lead": "opportunity_count",
    "sale.order": "quotation_count",
    "mail.activity": "activity_count",
}


class HrClientHandoverLine(models.Model):
    _name = "hr.client.handover.line"
    _description = "Client Handover Customer Line"
    _order = "handover_id, sequence, id"
    _inherit = ["hr.client.handover.policy", "hr.client.handover.line.calendar.mixin"]
    _rec_name = "partner_id"
    _check_company_auto = True

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    handover_stage = fields.Selection(
        related="handover_id.state", store=True, string="Handover Stage"
    )
    departing_user_id = fields.Many2one(related="handover_id.departing_user_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True), ('parent_id', '=', False)]",
    )
    successor_id = fields.Many2one(
        "res.users",
        index=True,
        domain="[('share', '=', False)]",
    )
    planned_date = fields.Date(string="Planned Handover Date")
    planned_visit_date = fields.Date()
    customer_notes = fields.Text(
        help="Needs, open issues, terms agreed with the customer."
    )
    materials_paper = fields.Text(string="Paper Materials")
    materials_electronic = fields.Text(string="Electronic Materials")
    materials_location = fields.Char(string="Storage Location")
    materials_no_paper = fields.Boolean(
        string="No Paper Materials",
        help="This customer has no paper file to hand over.",
    )
    materials_no_electronic = fields.Boolean(
        string="No Electronic Materials",
        help="This customer has no electronic file to hand over.",
    )
    materials_confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    materials_confirmed_on = fields.Datetime(readonly=True, copy=False)
    materials_return_count = fields.Integer(
        string="Materials Sent Back",
        readonly=True,
        copy=False,
        help="How many times the direct supervisor sent these materials back.",
    )
    materials_return_reason = fields.Text(
        string="Last Materials Sent-back Reason", readonly=True, copy=False
    )

    visit_state = fields.Selection(
        VISIT_STATES,
        compute="_compute_visit_state",
        store=True,
        string="Visit",
    )
    visit_date = fields.Date(
        copy=False,
        help="The day the successor and the departing employee visited the "
        "customer together (一同拜访).",
    )
    visit_place = fields.Char(
        copy=False,
        help="Where the customer was met: their office, a site, a fair...",
    )
    visit_contact_id = fields.Many2one(
        "res.partner",
        string="Contact Met",
        compute="_compute_visit_contact_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="The customer's contact met at the visit (its first contact by "
        "default); else write their name.",
    )
    visit_contact = fields.Char(
        string="Contact Met (Name)",
        help="Name of the person met when they are not among the customer's "
        "contacts.",
    )
    visit_contact_name = fields.Char(
        string="Contact Met (as Recorded)",
        readonly=True,
        copy=False,
        help="The name of the contact met as it was when the visit was confirmed: "
        "the visit sheet prints it, whatever the contact is called later.",
    )
    visit_notes = fields.Text()
    visit_successor_confirmed_on = fields.Datetime(
        string="Confirmed by Successor On", readonly=True, copy=False
    )
    visit_successor_confirmed_by_id = fields.Many2one(
        "res.users", string="Confirmed by Successor", readonly=True, copy=False
    )
    visit_departing_confirmed_on = fields.Datetime(
        string="Confirmed by Departing Employee On", readonly=True, copy=False
    )
    visit_departing_confirmed_by_id = fields.Many2one(
        "res.users",
        string="Confirmed for the Departing Employee by",
        readonly=True,
        copy=False,
        help="The departing employee, or the direct supervisor on their behalf.",
    )
    visit_confirmed_on_behalf_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="The direct supervisor who confirmed the visit in place of the "
        "departing user, who has left (代签).",
    )
    visit_done_on = fields.Datetime(readonly=True, copy=False)
    visit_waived = fields.Boolean(readonly=True, copy=False)
    visit_waiver_reason = fields.Text(readonly=True, copy=False)
    waiver_requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    waiver_requested_on = fields.Datetime(readonly=True, copy=False)
    waiver_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    visit_return_count = fields.Integer(
        string="Times Sent Back",
        readonly=True,
        copy=False,
        help="How many times the direct supervisor sent this visit back.",
    )
    visit_return_reason = fields.Text(
        string="Last Sent-back Reason", readonly=True, copy=False
    )

    spot_check_selected = fields.Boolean(string="Spot-check", copy=False)
    check_result = fields.Selection(CHECK_RESULTS, copy=False)
    check_notes = fields.Text(string="Call Notes")
    checked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    checked_on = fields.Datetime(readonly=True, copy=False)
    check_contact_id = fields.Many2one(
        "res.partner",
        string="Contact to Call",
        compute="_compute_check_contact",
        help="Whom the phone check calls: the contact met at the visit, else the "
        "customer's first contact person with a phone number.",
    )
    check_phone = fields.Char(
        string="Phone to Call",
        compute="_compute_check_contact",
        help="The phone number of the contact to call, else the customer's.",
    )
    problem_count = fields.Integer(
        string="Problems Reported",
        readonly=True,
        copy=False,
        help="How many phone checks of this customer reported a problem.",
    )

    successor_absent = fields.Boolean(
        string="Successor Not Available",
        compute="_compute_successor_absent",
        help="The successor cannot receive this customer: archived, leaving "
        "themselves, or on leave until the last working day. Choose another.",
    )
    successor_absent_reason = fields.Char(
        string="Why the Successor Is Not Available",
        compute="_compute_successor_absent",
    )
    is_mine = fields.Boolean(
        string="Yours",
        compute="_compute_is_mine",
        search="_search_is_mine",
        help="You are this customer's successor.",
    )
    writable_groups = fields.Char(
        compute="_compute_writable_groups",
        help="Field groups of the line the current user may change now.",
    )
    # What the current user may do on the line now: the policy's answer, for
    # the buttons of its row (each button asks the policy again when pressed).
    can_confirm_materials = fields.Boolean(compute="_compute_can_actions")
    can_confirm_visit = fields.Boolean(compute="_compute_can_actions")
    can_request_waiver = fields.Boolean(compute="_compute_can_actions")
    can_approve_waiver = fields.Boolean(compute="_compute_can_actions")
    can_refuse_waiver = fields.Boolean(compute="_compute_can_actions")
    can_send_back_visit = fields.Boolean(compute="_compute_can_actions")
    can_send_back_materials = fields.Boolean(compute="_compute_can_actions")
    can_record_check = fields.Boolean(compute="_compute_can_actions")
    can_record_unreachable = fields.Boolean(compute="_compute_can_actions")
    can_change_sample = fields.Boolean(compute="_compute_can_actions")
    line_progress = fields.Float(compute="_compute_line_progress", string="Progress")
    opportunity_count = fields.Integer(compute="_compute_moving_counts")
    expected_revenue = fields.Monetary(
        compute="_compute_moving_counts", currency_field="currency_id"
    )
    quotation_count = fields.Integer(compute="_compute_moving_counts")
    activity_count = fields.Integer(compute="_compute_moving_counts")
    other_records = fields.Char(
        compute="_compute_moving_counts",
        help="What the other transfer rules move (or moved) with the customer, "
        "per rule.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # The transfer engine finds the line of each record's customer by this pair,
    # once per selected record: without it a large handover's selection scans
    # the handover's lines for every record (minutes at 10,000 customers).
    _handover_partner_idx = models.Index("(handover_id, partner_id)")
    # The plan's order within a handover: the form's first 400 lines and the
    # first lines a gate names are read from it instead of sorting every line
    # of the handover (100,000 at company scale).
    _handover_sequence_idx = models.Index("(handover_id, sequence, id)")
    # The stage tabs' order (each successor's customers together): the form's
    # window reads one successor's first lines at a time from it
    # (hr_client_handover_window.py).
    _handover_successor_idx = models.Index("(handover_id, successor_id, sequence, id)")
    _partner_active_unique = models.UniqueIndex(
        f"(partner_id) WHERE handover_stage NOT IN {CLOSED!r}",
        lambda env, diag: env._(
            "This customer is already in another active handover. Finish or cancel "
            "that handover first, or remove the customer from this one."
        ),
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "visit_successor_confirmed_on",
        "visit_departing_confirmed_on",
        "visit_waived",
        "waiver_requested_on",
    )
    def _compute_visit_state(self):
        for line in self:
            if line.visit_waived:
                line.visit_state = "waived"
            elif (
                line.visit_successor_confirmed_on and line.visit_departing_confirmed_on
            ):
                line.visit_state = "done"
            elif line.visit_successor_confirmed_on or line.visit_departing_confirmed_on:
                line.visit_state = "partial"
            elif line.waiver_requested_on:
                line.visit_state = "waiver_requested"
            else:
                line.visit_state = "pending"

    @api.depends("partner_id")
    def _compute_visit_contact_id(self):
        """The customer's first contact person, until someone chooses another."""
        for line in self:
            contact = line.visit_contact_id
            if not contact or contact.commercial_partner_id != line.partner_id:
                first = line._visit_contact_partner() if line.partner_id else contact
                line.visit_contact_id = first if first != line.partner_id else False

    @api.depends(
        "materials_confirmed_on", "visit_state", "check_result", "spot_check_selected"
    )
    def _compute_line_progress(self):
        for line in self:
            steps = [bool(line.successor_id), bool(line.materials_confirmed_on)]
            steps.append(line.visit_state in ("done", "waived"))
            if line.spot_check_selected:
                steps.append(line.check_result == "confirmed")
            line.line_progress = 100.0 * sum(steps) / len(steps)

    @api.depends_context("uid")
    @api.depends(
        "handover_stage",
        "successor_id",
        "materials_confirmed_on",
        "visit_state",
        "checked_on",
        "check_result",
    )
    def _compute_writable_groups(self):
        saved = self.filtered(lambda record: record._origin.id)
        writable = saved._origin._policy_writable_groups()
        for line in self:
            line.writable_groups = (
                ",".join(writable[line._origin])
                if line in saved
                else "plan,materials,visit"
            )

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(
        "handover_stage",
        "successor_id",
        "materials_confirmed_on",
        "visit_state",
        "visit_waived",
        "waiver_requested_on",
        "visit_successor_confirmed_on",
        "visit_departing_confirmed_on",
        "spot_check_selected",
        "checked_on",
        "check_result",
        "handover_id.supervisor_id",
        "handover_id.witness_id",
        "handover_id.departing_user_id",
        "handover_id.signs_on_behalf",
    )
    def _compute_can_actions(self):
        self._policy_can_actions()

    @api.depends(
        "successor_id",
        "successor_id.active",
        "handover_id.state",
        "handover_id.last_working_date",
    )
    def _compute_successor_absent(self):
        """The policy's answer on the lines' successors, per handover."""
        for handover, lines in self.grouped("handover_id").items():
            reasons = (
                {}
                if not handover or handover.state in CLOSED
                else self._policy_absent_successors(lines.successor_id, handover)
            )
            for line in lines:
                reason = reasons.get(line.successor_id.id)
                line.successor_absent = bool(reason)
                line.successor_absent_reason = reason or False

    @api.depends(
        "visit_contact_id.phone",
        "partner_id.phone",
        "partner_id.child_ids.phone",
        "partner_id.child_ids.type",
    )
    def _compute_check_contact(self):
        for line in self:
            contacts = line.partner_id.child_ids.filtered(
                lambda contact: contact.type == "contact" and contact.active
            )
            contact = line.visit_contact_id or next(
                (contact for contact in contacts if contact.phone), contacts[:1]
            )
            line.check_contact_id = contact
            line.check_phone = contact.phone or line.partner_id.phone

    @api.depends_context("uid")
    @api.depends("successor_id")
    def _compute_is_mine(self):
        for line in self:
            line.is_mine = line.successor_id == self.env.user

    def _search_is_mine(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = set(value) if operator == "in" else {True, False} - set(value)
        if wanted == {True}:
            return [("successor_id", "=", self.env.uid)]
        if wanted == {False}:
            return [("successor_id", "!=", self.env.uid)]
        return Domain.TRUE if wanted else Domain.FALSE

    def _field_to_sql(self, alias, field_expr, query=None):
        # Sortable, so that the stage tabs list the user's own customers first.
        if field_expr == "is_mine":
            successor = self._field_to_sql(alias, "successor_id", query)
            return SQL("(%s IS NOT DISTINCT FROM %s)", successor, self.env.uid)
        return super()._field_to_sql(alias, field_expr, query)

    def _compute_moving_counts(self):
        """What moves (or moved) with each customer, one grouped read per model:
        opportunities, quotations and activities in figures of their own, the
        records of any other rule by the rule's name (the customer and its
        contacts are the line itself)."""
        stats = self.env["hr.client.handover.engine"]._line_stats(self)
        own = {*MOVING_COUNTS, "res.partner", "expected_revenue"}
        labels = {}
        for line in self:
            values = stats.get(line._origin.id or line.id, {})
            for model, field_name in MOVING_COUNTS.items():
                line[field_name] = values.get(model, 0)
            line.expected_revenue = values.get("expected_revenue", 0.0)
            others = sorted(key for key in values if key not in own)
            for model in others:
                if model not in labels:
                    labels[model] = self._moving_label(model)
            line.other_records = ", ".join(
                f"{labels[model]}: {int(values[model])}" for model in others
            )

    @api.model
    def _moving_label(self, model):
        """The name of the rules that move records of ``model``, else the
        model's (a rule removed since its records moved)."""
        # The rules and models are configuration, named to whoever reads a line.
        rules = (
            self.env["hr.client.handover.rule"]
            .sudo()
            .search([("model", "=", model), ("scope", "=", "partner")])
        )
        # (sudo: the model's name, configuration like the rules above.)
        return ", ".join(rules.mapped("name")) or (
            self.env["ir.model"].sudo()._get(model).name
        )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("successor_id", "partner_id", "handover_id")
    def _check_successor(self):
        # A successor holds no other role of the handover.
        self.handover_id._check_segregation_of_duties()
        for line in self:
            successor = line.successor_id
            if not successor:
                continue
            handover = line.handover_id
            name = successor.name
            if successor == handover.departing_user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the departing employee: they cannot succeed "
                        "themselves for %(customer)s. Choose another successor.",
                        user=name,
                        customer=line.partner_id.display_name,
                    )
                )
            if not successor.active:
                raise ValidationError(
                    self.env._(
                        "%(user)s is archived and cannot receive customers. Choose an "
                        "active user as successor of %(customer)s.",
                        user=name,
                        customer=line.partner_id.display_name,
                    )
                )
            if successor.share:
                raise ValidationError(
                    self.env._(
                        "%(user)s is a portal or public user. Choose an internal user "
                        "as successor of %(customer)s.",
                        user=name,
                        customer=line.partner_id.display_name,
                    )
                )
            companies = handover.company_id | line.partner_id.company_id
            if companies - successor.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s has no access to %(company)s, the company of "
                        "%(customer)s. Give them access to it or choose another "
                        "successor.",
                        user=name,
                        company=", ".join(
                            (companies - successor.company_ids).mapped("name")
                        ),
                        customer=line.partner_id.display_name,
                    )
                )

    @api.constrains("partner_id", "handover_id")
    def _check_partner(self):
        active = self.filtered(lambda line: line.handover_stage not in CLOSED)
        busy = active._other_active_handovers()
        for line in self:
            other = busy.get(line.partner_id.id) if line in active else None
            if other:
                raise ValidationError(
                    self.env._(
                        "%(customer)s is already in the active handover %(ref)s. "
                        "Finish or cancel that handover first, or remove the customer "
                        "from this one.",
                        customer=line.partner_id.display_name,
                        ref=other,
                    )
                )
            if line.partner_id != line.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(company)s: add the company "
                        "%(company)s instead; its contacts follow it.",
                        contact=line.partner_id.display_name,
                        company=line.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("visit_contact_id", "partner_id")
    def _check_visit_contact(self):
        for line in self:
            contact = line.visit_contact_id
            if contact and contact.commercial_partner_id != line.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s. Choose one of "
                        "its contacts, or write the name of the person met.",
                        contact=contact.display_name,
                        customer=line.partner_id.display_name,
                    )
                )

    def _other_active_handovers(self):
        """{partner id: reference of another active handover holding it}.

        Read without flushing these lines: the flush would hit the unique index
        first, whose message cannot name the other handover.
        """
        if not self:
            return {}
        self.env["hr.client.handover"].flush_model(["name", "state"])
        self.env.cr.execute(
            SQL(
                "SELECT line.partner_id, handover.name"
                " FROM hr_client_handover_line line"
                " JOIN hr_client_handover handover ON handover.id = line.handover_id"
                " WHERE line.partner_id IN %s AND line.id NOT IN %s"
                " AND handover.state NOT IN %s",
                tuple(self.partner_id.ids),
                tuple(self.ids),
                CLOSED,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    @api.model
    def _customers_of(self, user, handover=None):
        """The customers of `user`: the commercial partners of the records the
        transfer rules give them (their customers and contacts, open deals,
        quotations…), never an internal user's or a company's own partner; by
        name, as contacts are listed. Given a saved ``handover``, only those
        not on its lines.

        One query, whatever the number of records (``_customers_of_sql``)."""
        Partner = self.env["res.partner"]
        ids = [
            row[0]
            for row in self.env.execute_query(self._customers_of_sql(user, handover))
        ]
        return Partner.browse(ids)

    @api.model
    def _customers_of_sql(self, user, handover=None):
        """SQL: the ids of ``_customers_of``, ordered. Each rule's records are
        searched with this environment's rights (its record rules), as a search
        of them would; the customers themselves are read as the system."""
        Partner = self.env["res.partner"]
        branches = []
        for rule in self.env["hr.client.handover.rule"]._for_scope("partner"):
            Model = self.env[rule.model].with_context(active_test=True)
            records = Model._search(
                rule._selection_domain(user) + [(rule.partner_field, "!=", False)]
            )
            branches.append(
                records.subselect(
                    Model._field_to_sql(records.table, rule.partner_field, records)
                )
            )
        if not branches:
            return SQL("SELECT NULL::int LIMIT 0")
        users = self.env["res.users"]._search([("share", "=", False)])
        companies = self.env["res.company"]._search([])
        # The partners' fields read below: written first if pending.
        Partner.flush_model(["active", "commercial_partner_id", "complete_name"])
        query = Query(self.env, Partner._table, Partner._table_sql)
        query.add_where(
            SQL(
                "%(customer)s.id IN (SELECT contact.commercial_partner_id"
                " FROM res_partner contact WHERE contact.id IN (%(owned)s))"
                " AND %(customer)s.active"
                " AND %(customer)s.id NOT IN %(users)s"
                " AND %(customer)s.id NOT IN %(companies)s",
                customer=SQL.identifier(query.table),
                owned=SQL(" UNION ALL ").join(
                    SQL("SELECT * FROM %s AS owned", branch) for branch in branches
                ),
                users=users.subselect(SQL.identifier(users.table, "partner_id")),
                companies=companies.subselect(
                    SQL.identifier(companies.table, "partner_id")
                ),
            )
        )
        if handover and handover.id:
            self.flush_model(["handover_id", "partner_id"])
            query.add_where(
                SQL(
                    "NOT EXISTS (SELECT 1 FROM hr_client_handover_line line"
                    " WHERE line.handover_id = %s AND line.partner_id = %s)",
                    handover.id,
                    SQL.identifier(query.table, "id"),
                )
            )
        query.order = Partner._order_to_sql(Partner._order, query)
        return query.select()

    @api.model
    def _create_for_handover(self, handover):
        """A line for each customer of the departing user not yet on the
        handover nor in another active one; the latter are named in its chatter.
        Returns the customers added."""
        handover.ensure_one()
        if not handover.departing_user_id:
            raise UserError(
                self.env._(
                    "%(employee)s has no user account, so they own no customers in "
                    "Odoo. Link the employee to their user first.",
                    employee=handover.employee_id.name,
                )
            )
        # Those on the handover already left out in the query (a saved one).
        partners = self._customers_of(handover.departing_user_id, handover=handover)
        if not handover.id:
            partners -= handover.line_ids.partner_id
        busy = self.search(
            [
                ("partner_id", "in", partners.ids),
                ("handover_stage", "not in", CLOSED),
                ("handover_id", "!=", handover.id),
            ]
        )
        partners -= busy.partner_id
        self.create(
            [
                {
                    "handover_id": handover.id,
                    "partner_id": partner.id,
                    "successor_id": handover.default_successor_id.id or False,
                    "planned_date": handover.last_working_date,
                }
                for partner in partners.sorted("display_name")
            ]
        )
        if busy:
            handover.message_post(
                body=self.env._(
                    "%(count)s customer(s) were left out because they are already in "
                    "another active handover: %(names)s",
                    count=len(busy),
                    names=", ".join(
                        f"{line.partner_id.display_name} ({line.handover_id.name})"
                        for line in busy[:20]
                    ),
                )
            )
        return partners

    # ------------------------------------------------------------------
    # Access policy (models/hr_client_handover_policy.py)
    # ------------------------------------------------------------------
    def _policy_record_roles(self):
        return {"line_successor"} if self.successor_id == self.env.user else set()

    def _policy_materials_open(self):
        return not self.materials_confirmed_on

    def _policy_materials_confirmed(self):
        return bool(self.materials_confirmed_on)

    def _policy_materials_to_confirm(self):
        return self._policy_materials_open()

    def _policy_visit_pending(self):
        """Nobody confirmed a visit nor asked for a waiver yet."""
        return self.visit_state == "pending"

    def _policy_visit_recorded(self):
        """A confirmation or a waiver is recorded: something to send back."""
        return self.visit_state in ("partial", "done", "waived")

    def _policy_waiver_requested(self):
        return bool(self.waiver_requested_on)

    def _policy_waiver_undecided(self):
        return self.visit_state == "waiver_requested"

    def _policy_not_waived(self):
        return not self.visit_waived

    def _policy_visit_open(self):
        # The first confirmation freezes what the visitors met and wrote. A
        # visit half confirmed before the contact met was recorded (before
        # 19.0.1.3.0) stays open until someone records it, or it could never
        # be confirmed by the second visitor.
        # Likewise one half confirmed before its date and place were recorded
        # (before 19.0.1.8.0).
        return self.visit_state in ("pending", "waiver_requested") or (
            self.visit_state == "partial"
            and (
                not self.visit_contact_id
                and not (self.visit_contact or "").strip()
                or not self.visit_date
                or not (self.visit_place or "").strip()
            )
        )

    def _policy_visit_not_waived(self):
        return not self.visit_waived

    def _policy_no_waiver_asked(self):
        """No waiver of the visit waits for the direct supervisor's decision."""
        return not self.waiver_requested_on

    def _policy_successor_side_open(self):
        return not self.visit_successor_confirmed_on

    def _policy_departing_side_open(self):
        return not self.visit_departing_confirmed_on

    def _policy_call_open(self):
        return not self.checked_on or self.check_result == "unreachable"

    def _policy_not_recorded_unreachable(self):
        return not (self.checked_on and self.check_result == "unreachable")

    def _policy_in_sample(self):
        return self.spot_check_selected

    def _policy_call_unconfirmed(self):
        return self.check_result != "confirmed"

    def _policy_frozen_message(self, condition):
        customer = self.partner_id.display_name
        if condition in ("successor_side_open", "departing_side_open"):
            # Either side of the visit: the one the reader confirms.
            return self.env._(
                "You already confirmed the visit of %(customer)s. Nothing was "
                "changed.",
                customer=customer,
            )
        return {
            "materials_open": lambda: self.env._(
                "The materials of %(customer)s were confirmed by its successor: "
                "they can no longer change. Nothing was changed.",
                customer=customer,
            ),
            "visit_open": lambda: self.env._(
                "The visit of %(customer)s is confirmed or waived: it can no longer "
                "change. Nothing was changed. The direct supervisor can send the "
                "visit back if it must be done again.",
                customer=customer,
            ),
            "materials_confirmed": lambda: self.env._(
                "The materials of %(customer)s are not confirmed yet: there is "
                "nothing to send back.",
                customer=customer,
            ),
            "not_recorded_unreachable": self._call_recorded_message,
            "call_open": lambda: self.env._(
                "The call to %(customer)s is recorded (%(result)s): it can no "
                "longer change. Nothing was changed.",
                customer=customer,
                result=self._check_result_label() if self.check_result else "-",
            ),
            "materials_to_confirm": lambda: self.env._(
                "The materials of %(customer)s were already confirmed on "
                "%(date)s. Nothing was changed.",
                customer=customer,
                date=self.materials_confirmed_on,
            ),
            "visit_not_waived": lambda: self.env._(
                "The visit of %(customer)s was waived. Nothing was changed.",
                customer=customer,
            ),
            "no_waiver_asked": lambda: self.env._(
                "A waiver of the visit of %(customer)s waits for the direct "
                "supervisor's decision: the visit can be confirmed once it is "
                "refused. Nothing was changed.",
                customer=customer,
            ),
            "in_sample": lambda: self.env._(
                "%(customer)s is not in the spot-check sample. Add it to the "
                "sample first.",
                customer=customer,
            ),
            "call_unconfirmed": lambda: self.env._(
                "%(customer)s has already confirmed: it stays in the sample.",
                customer=customer,
            ),
            "visit_pending": lambda: self.env._(
                "The visit of %(customer)s is %(state)s: a waiver can only be "
                "requested for a customer nobody confirmed a visit of yet. "
                "Nothing was changed.",
                customer=customer,
                state=self._visit_state_label(),
            ),
            "waiver_undecided": lambda: self.env._(
                "No waiver of the visit of %(customer)s waits for a decision "
                "(visit: %(state)s). Nothing was changed.",
                customer=customer,
                state=self._visit_state_label(),
            ),
            "not_waived": lambda: self.env._(
                "The visit waiver of %(customer)s is already approved. Nothing "
                "was changed.",
                customer=customer,
            ),
            "waiver_requested": lambda: self.env._(
                "Nobody requested a waiver of the visit of %(customer)s: the "
                "successor or the departing employee requests it with its "
                "reason first.",
                customer=customer,
            ),
            "visit_recorded": lambda: self.env._(
                "Nothing is recorded yet for the visit of %(customer)s "
                "(visit: %(state)s): there is nothing to send back.",
                customer=customer,
                state=self._visit_state_label(),
            ),
        }[condition]()

    # ------------------------------------------------------------------
    # CRUD guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._policy_check_create(vals_list)
        return lines

    def write(self, vals):
        if not self.env.su:
            self._policy_check_write(set(vals))
            if {"check_result", "check_notes"} & set(vals):
                # A new result after an unreachable call is a new call.
                self.filtered("checked_on")._reopen_calls()
        return super().write(vals)

    def _reopen_calls(self):
        """Open the recorded calls of these lines for a new call."""
        for handover, lines in self.grouped("handover_id").items():
            # As superuser: who recorded the call and when are the workflow's own
            # fields.
            lines.sudo().write({"checked_by_id": False, "checked_on": False})
            handover._seal(
                "reset",
                lines,
                ("checked_by_id", "checked_on"),
                released=("check_result", "check_notes"),
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if not self.env.su:
            self._policy_check("unlink", self.env._("Remove the customer"))

    # ------------------------------------------------------------------
    # Line buttons
    # ------------------------------------------------------------------
    def action_confirm_materials(self):
        label = self.env._("Confirm the materials")
        self._policy_check_button("confirm_materials", label)
        for line in self:
            line._check_materials_recorded()
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write(
            {
                "materials_confirmed_by_id": self.env.uid,
                "materials_confirmed_on": fields.Datetime.now(),
            }
        )
        # Sealed one by one; the chatter lists them in the stage's digest.
        for handover, lines in self.grouped("handover_id").items():
            handover._seal("materials", lines, MATERIALS_SEALED)
        self._close_done_successor_activities()
        return True

    def _check_materials_recorded(self):
        """The paper and electronic materials and where they are kept are
        written, or each declared none (无), before the successor confirms."""
        self.ensure_one()
        missing = []
        paper = self.env._("the paper materials (or tick No Paper Materials)")
        electronic = self.env._(
            "the electronic materials (or tick No Electronic Materials)"
        )
        for text, none, label in (
            ("materials_paper", "materials_no_paper", paper),
            ("materials_electronic", "materials_no_electronic", electronic),
        ):
            written = bool((self[text] or "").strip())
            if written and self[none]:
                raise UserError(
                    self.env._(
                        "%(customer)s: %(field)s are written while %(none)s is "
                        "ticked. Clear one of them. Nothing was changed.",
                        customer=self.partner_id.display_name,
                        field=self._fields[text].get_description(self.env)["string"],
                        none=self._fields[none].get_description(self.env)["string"],
                    )
                )
            if not written and not self[none]:
                missing.append(label)
        has_materials = not (self.materials_no_paper and self.materials_no_electronic)
        if has_materials and not (self.materials_location or "").strip():
            missing.append(self.env._("where they are kept (Storage Location)"))
        if missing:
            raise UserError(
                self.env._(
                    "Before confirming the materials of %(customer)s, fill in "
                    "%(missing)s in its Materials tab. Nothing was changed.",
                    customer=self.partner_id.display_name,
                    missing="; ".join(missing),
                )
            )

    def action_send_back_materials(self):
        """Open the dialog asking why the materials must be handed over again."""
        return self._open_reason_dialog(
            "send_back_materials", self.env._("Send the Materials Back")
        )

    def _do_send_back_materials(self, reason):
        """The direct supervisor sends confirmed materials back: the successor's
        confirmation is cleared (the seals and the chatter keep it), the
        materials can be completed again and the successor confirms them anew;
        the materials sign-off is signed again."""
        reason = self._check_reason_action("send_back_materials", reason)
        confirmation = ("materials_confirmed_by_id", "materials_confirmed_on")
        for line in self:
            handover = line.handover_id
            handover.message_post(
                body=self.env._(
                    "%(user)s sent the materials of %(customer)s back: %(reason)s. "
                    "Cleared: confirmed by %(successor)s on %(date)s. The successor "
                    "confirms them again.",
                    user=self.env.user.name,
                    customer=line.partner_id.display_name,
                    reason=reason,
                    successor=line.materials_confirmed_by_id.name,
                    date=fields.Datetime.to_string(line.materials_confirmed_on),
                )
            )
            # As superuser: the workflow's own fields, which no user writes; the policy
            # checked the caller.
            line.sudo().write(
                {
                    **dict.fromkeys(confirmation, False),
                    "materials_return_count": line.materials_return_count + 1,
                    "materials_return_reason": reason,
                }
            )
            handover._seal(
                "reset",
                line,
                confirmation,
                released=tuple(f for f in MATERIALS_SEALED if f not in confirmation),
            )
        for handover, lines in self.grouped("handover_id").items():
            self.env["hr.client.handover.signature"]._reset_signed(handover, MATERIALS)
            xmlid = STAGE_ACTIVITIES[handover.state][0]
            # As superuser: the successors' activities, which the supervisor may not
            # read.
            current = handover.sudo().activity_ids.filtered(
                lambda act, xmlid=xmlid: act.activity_type_id == self.env.ref(xmlid)
            )
            for user in lines.successor_id - current.user_id:
                handover._schedule_activity(
                    xmlid, user, handover._activity_deadline(handover.state)
                )
        return True

    def action_confirm_visit(self):
        """The successor, and the departing employee (or the direct supervisor
        on their behalf, 代签), each confirm the joint visit: who, when and the
        contact met are recorded and sealed."""
        label = self.env._("Confirm the visit")
        self._policy_check_button("confirm_visit", label)
        now = fields.Datetime.now()
        for line in self:
            customer = line.partner_id.display_name
            # The side the policy let the user in for: the line's successor
            # confirms theirs; the departing employee, or the direct supervisor
            # on their behalf, the other.
            roles = line._policy_granting_roles("confirm_visit")
            as_successor = "line_successor" in roles
            field_name = (
                "visit_successor_confirmed_on"
                if as_successor
                else "visit_departing_confirmed_on"
            )
            if not line.visit_contact_id and not (line.visit_contact or "").strip():
                raise UserError(
                    self.env._(
                        "Record the contact met at %(customer)s (one of its contacts, "
                        "or their name) before confirming the visit.",
                        customer=customer,
                    )
                )
            line._check_visit_recorded()
            if as_successor:
                values = {
                    field_name: now,
                    "visit_successor_confirmed_by_id": self.env.uid,
                }
            else:
                values = {
                    field_name: now,
                    "visit_departing_confirmed_by_id": self.env.uid,
                }
                if "departing" not in roles:
                    # The policy let the supervisor in, on behalf of who has left.
                    values["visit_confirmed_on_behalf_by_id"] = self.env.uid
            other = (
                "visit_departing_confirmed_on"
                if as_successor
                else "visit_successor_confirmed_on"
            )
            if line[other]:
                values["visit_done_on"] = now
            if not line.visit_contact_name:
                # Printed by value: renaming the contact later changes no record.
                values["visit_contact_name"] = (
                    line.visit_contact_id.name or line.visit_contact.strip()
                )
            # As superuser: the visit's confirmations are the workflow's own fields,
            # which the policy lets no user write; the policy checked the caller above.
            line.sudo().write(values)
            # Sealed; the chatter lists it in the stage's digest.
            line.handover_id._seal("visit", line, VISIT_CONFIRMATIONS + VISIT_NOTES)
        self.handover_id._update_visit_activities()
        return True

    def _check_visit_recorded(self):
        """The joint visit (一同拜访) says when and where it took place: the
        first confirmation records it, the second confirms the same visit."""
        self.ensure_one()
        customer = self.partner_id.display_name
        if not self.visit_date or not (self.visit_place or "").strip():
            raise UserError(
                self.env._(
                    "Record when and where the visit of %(customer)s took place "
                    "(Visit Date and Visit Place in its Visit tab) before "
                    "confirming it. Nothing was changed.",
                    customer=customer,
                )
            )
        if self.visit_date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The visit of %(customer)s is dated %(date)s, in the future: "
                    "confirm it once it took place, with the day it did. Nothing "
                    "was changed.",
                    customer=customer,
                    date=self.visit_date,
                )
            )

    def _reason_action_label(self, action):
        """The name of ``action``, one the reason dialog confirms, in the
        policy's refusals."""
        return {
            "request_waiver": self.env._("Request a visit waiver"),
            "refuse_waiver": self.env._("Refuse the visit waiver"),
            "send_back_visit": self.env._("Send the visit back"),
            "send_back_materials": self.env._("Send the materials back"),
        }[action]

    def _open_reason_dialog(self, action, title):
        """The button of ``action``: the policy is asked, then the dialog asks
        the reason (its button, ``_do_<action>``, asks the policy again)."""
        self._policy_check(action, self._reason_action_label(action))
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "hr.client.handover.line.reason",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_action": action},
        }

    def action_request_waiver(self):
        """Open the dialog asking why the customer cannot be visited."""
        return self._open_reason_dialog(
            "request_waiver", self.env._("Request a Visit Waiver")
        )

    def _visit_state_label(self):
        self.ensure_one()
        return dict(self._fields["visit_state"]._description_selection(self.env))[
            self.visit_state
        ]

    def _do_request_waiver(self, reason):
        """The successor or the departing employee asks the direct supervisor to
        waive the visit (called by the reason dialog)."""
        reason = self._check_reason_action(
            "request_waiver",
            reason,
            missing=lambda: self.env._(
                "Write why the customer cannot be visited: the direct "
                "supervisor decides on it."
            ),
        )
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write(
            {
                "visit_waiver_reason": reason,
                "waiver_requested_by_id": self.env.uid,
                "waiver_requested_on": fields.Datetime.now(),
            }
        )
        for line in self:
            handover = line.handover_id
            handover._seal("waiver", line, WAIVER_REQUEST)
            handover.message_post(
                body=self.env._(
                    "%(user)s requests a waiver of the visit of %(customer)s: "
                    "%(reason)s",
                    user=self.env.user.name,
                    customer=line.partner_id.display_name,
                    reason=reason,
                )
            )
        self.handover_id._update_visit_activities()
        return True

    def action_approve_waiver(self):
        label = self.env._("Approve the visit waiver")
        self._policy_check_button("approve_waiver", label)
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write({"visit_waived": True, "waiver_approved_by_id": self.env.uid})
        for line in self:
            line.handover_id._seal("waiver", line, WAIVER_SEALED)
            line.handover_id.message_post(
                body=self.env._(
                    "%(user)s approved the waiver of the visit of %(customer)s: "
                    "%(reason)s",
                    user=self.env.user.name,
                    customer=line.partner_id.display_name,
                    reason=line.visit_waiver_reason,
                )
            )
        self.handover_id._update_visit_activities()
        return True

    def action_refuse_waiver(self):
        """Open the dialog asking why the waiver is refused."""
        return self._open_reason_dialog(
            "refuse_waiver", self.env._("Refuse the Visit Waiver")
        )

    def _do_refuse_waiver(self, reason):
        """The direct supervisor refuses the waiver: the customer is to visit."""
        reason = self._check_reason_action("refuse_waiver", reason)
        for line in self:
            handover = line.handover_id
            handover.message_post(
                body=self.env._(
                    "%(user)s refused the waiver of the visit of %(customer)s "
                    "requested by %(requester)s (%(request)s): %(reason)s. The "
                    "customer is to be visited.",
                    user=self.env.user.name,
                    customer=line.partner_id.display_name,
                    requester=line.waiver_requested_by_id.name,
                    request=line.visit_waiver_reason,
                    reason=reason,
                )
            )
        self._clear_visit()
        self.handover_id._update_visit_activities()
        return True

    def action_send_back_visit(self):
        """Open the dialog asking why the visit must be done again."""
        return self._open_reason_dialog(
            "send_back_visit", self.env._("Send the Visit Back")
        )

    def _do_send_back_visit(self, reason):
        """The direct supervisor sends one visit back: its confirmations (or its
        waiver) are cleared, the chatter keeps them, both visitors visit again."""
        reason = self._check_reason_action("send_back_visit", reason)
        for line in self:
            line.handover_id.message_post(
                body=self.env._(
                    "%(user)s sent the visit of %(customer)s back: %(reason)s. "
                    "Cleared: %(cleared)s. The successor and the departing employee "
                    "visit the customer again.",
                    user=self.env.user.name,
                    customer=line.partner_id.display_name,
                    reason=reason,
                    cleared=line._visit_record_text(),
                )
            )
            # As superuser: the workflow's own fields, which no user writes; the policy
            # checked the caller.
            line.sudo().write(
                {
                    "visit_return_count": line.visit_return_count + 1,
                    "visit_return_reason": reason,
                }
            )
        self._clear_visit()
        self.handover_id._update_visit_activities()
        return True

    def _check_reason_action(self, action, reason, missing=None):
        """The button of the reason dialog (``_do_<action>``): the policy is
        asked for ``action``, then the reason is required. Returns the reason,
        stripped; ``missing`` gives the refusal's text when there is none."""
        self._policy_check_button(action, self._reason_action_label(action))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                missing()
                if missing
                else self.env._(
                    "Give the reason: the successor and the departing employee read "
                    "it in their activity."
                )
            )
        return reason

    def _visit_record_text(self):
        """What the line recorded of its visit, in words (for the chatter)."""
        self.ensure_one()
        confirmations = (
            ("visit_successor_confirmed_on", "visit_successor_confirmed_by_id"),
            ("visit_departing_confirmed_on", "visit_departing_confirmed_by_id"),
        )
        parts = [
            self.env._(
                "confirmed by %(user)s on %(date)s",
                user=self[user_field].name,
                date=fields.Datetime.to_string(self[date_field]),
            )
            for date_field, user_field in confirmations
            if self[date_field]
        ]
        if self.visit_waived:
            parts.append(
                self.env._(
                    "waiver approved by %(user)s (%(reason)s)",
                    user=self.waiver_approved_by_id.name,
                    reason=self.visit_waiver_reason,
                )
            )
        contact = self._visit_contact_label()
        if contact:
            parts.append(self.env._("contact met: %(contact)s", contact=contact))
        return "; ".join(parts) or "-"

    def _visit_contact_label(self):
        """The contact met as the record prints it: the name recorded when the
        visit was confirmed, else the current one."""
        self.ensure_one()
        return (
            self.visit_contact_name or self.visit_contact_id.name or self.visit_contact
        )

    def _clear_visit(self):
        """Open these lines' visits again: confirmations and waiver cleared
        (the seals and the chatter keep them), the witness confirms again."""
        # As superuser: the workflow's own fields, which no user writes; the caller was
        # checked.
        self.sudo().write(dict.fromkeys((*VISIT_RESET, "visit_contact_name"), False))
        for handover, lines in self.grouped("handover_id").items():
            handover._seal("reset", lines, VISIT_RESET, released=VISIT_NOTES)
            # The visit sheet they signed changed: they sign it again.
            self.env["hr.client.handover.signature"]._reset_signed(handover, VISITS)
            if handover.visits_witnessed_on:
                handover._reset_visits_witness()

    def _close_done_successor_activities(self):
        """Mark done the materials activity of the successors of these lines
        who have nothing left to confirm."""
        for handover, lines in self.grouped("handover_id").items():
            xmlid = STAGE_ACTIVITIES[handover.state][0]
            for user in lines.successor_id - handover._users_to_act("successor"):
                # As superuser: the button checked its caller, who may close
                # another successor's activity (mail.activity: assignee only).
                handover.sudo().activity_feedback([xmlid], user_id=user.id)

    def action_record_check(self):
        label = self.env._("Record the phone check")
        self._policy_check_button("record_check", label)
        for line in self:
            # What the call found is the action's input (the result buttons
            # choose it first); a call recorded already is recorded again only
            # with a new result, which reopens it.
            if line.check_result in (False, "pending"):
                raise UserError(
                    self.env._(
                        "Choose the result of the call to %(customer)s (confirmed, "
                        "problem or unreachable) before recording it.",
                        customer=line.partner_id.display_name,
                    )
                )
            if line.checked_on:
                line._raise_call_recorded()
        now = fields.Datetime.now()
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write({"checked_by_id": self.env.uid, "checked_on": now})
        # Sealed; the chatter lists the calls in the stage's digest (a problem
        # gets its own message when it sends the customer back to a visit).
        for line in self:
            line.handover_id._seal("check", line, CHECK_SEALED)
        self.filtered(lambda line: line.check_result == "problem")._send_back_to_visit()
        return True

    def action_set_check_result(self):
        """Buttons 'Confirmed' / 'Problem' / 'Unreachable' in the verification tab."""
        result = self.env.context.get("check_result")
        if result not in dict(CHECK_RESULTS) or result == "pending":
            raise UserError(self.env._("Choose a call result."))
        # The same result again is no new call: the policy's row of the
        # result says so (Unreachable has its own).
        action = "record_unreachable" if result == "unreachable" else "record_check"
        self._policy_check_button(action, self.env._("Record the phone check"))
        self.write({"check_result": result})
        return self.action_record_check()

    def _raise_call_recorded(self):
        raise UserError(self._call_recorded_message())

    def _call_recorded_message(self):
        self.ensure_one()
        return self.env._(
            "The call to %(customer)s is already recorded (%(result)s). "
            "Nothing was changed.",
            customer=self.partner_id.display_name,
            result=self._check_result_label(),
        )

    def _check_result_label(self):
        self.ensure_one()
        return dict(self._fields["check_result"]._description_selection(self.env))[
            self.check_result
        ]

    def action_toggle_spot_check(self):
        """The witness adds a customer to the sample (or drops an unreachable one
        while the sample stays at its minimum size)."""
        self._policy_check_button("change_sample", self.env._("Change the sample"))
        for line in self:
            handover = line.handover_id
            if line.spot_check_selected:
                minimum = min(
                    len(handover.line_ids),
                    handover.template_id.spot_check_min if handover.template_id else 3,
                )
                # The sample's size, which each line dropped changes.
                if handover.spot_check_count - 1 < minimum:
                    raise UserError(
                        self.env._(
                            "The sample must keep at least %(count)s customers. Add "
                            "another customer before dropping %(customer)s.",
                            count=minimum,
                            customer=line.partner_id.display_name,
                        )
                    )
                # As superuser: the sample is the workflow's own field; the policy
                # checked the witness.
                line.sudo().write({"spot_check_selected": False, "check_result": False})
                if line.checked_on:
                    handover._seal("reset", line, ("check_result",))
            else:
                # As superuser: the sample is the workflow's own field; the policy
                # checked the witness.
                line.sudo().write(
                    {"spot_check_selected": True, "check_result": "pending"}
                )
        return True

    def _send_back_to_visit(self):
        """Customers reported a problem: these lines are visited again."""
        if not self:
            return
        for line in self:
            # As superuser: the workflow's own counter, which no user writes.
            line.sudo().problem_count += 1
        self._clear_visit()
        for handover, lines in self.grouped("handover_id").items():
            handover.message_post(
                body=self.env._(
                    "%(customers)s reported a problem: the handover goes back to the "
                    "visit stage for these customers.",
                    customers=", ".join(lines.partner_id.mapped("display_name")),
                )
            )
            handover._move_to(VISITS)
