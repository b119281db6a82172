import math
import random
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, is_html_empty

from .hr_client_handover_activities import ROLE_ACTIVITIES, STAGE_SIDE_ACTIVITIES
from .hr_client_handover_item import ITEM_ACTIVITIES
from .hr_client_handover_policy import POLICY_DEPENDS
from .hr_client_handover_stages import (
    CANCEL,
    CLOSED,
    DONE,
    DRAFT,
    MATERIALS,
    OPEN,
    SELECTION,
    STAGE,
    STAGES,
    STEP,
    SUMMARY,
    VERIFICATION,
    VISITS,
    next_stage,
    reached,
)
from .hr_client_handover_template import HANDOVER_TYPES
from .hr_client_handover_timeline import CONFIRM_ACTIVITY
from .hr_client_handover_visits import (
    WITNESS_VISITS_ACTIVITY,
)

TRANSFER_STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("reverting", "Reverting"),
    ("reverted", "Reverted"),
]

# Header fields that name the people of the approval chain.
ROLE_FIELDS = ("supervisor_id", "witness_id", "approver_id")
# Values of the workflow's own fields a new handover may be given: their defaults.
WORKFLOW_DEFAULTS = {"state": DRAFT, "transfer_state": "pending"}
FOLLOW_UP_DAYS = 30
# How long a button waits for another one on the same handover to finish (a
# line button holds it a fraction of a second) before it says someone else is
# working on it.
LOCK_WAIT = "10s"
# The customer lines whose visit is neither done nor waived.
VISIT_PENDING = [("visit_state", "not in", ("done", "waived"))]


class HrClientHandover(models.Model):
    _name = "hr.client.handover"
    _description = "Client Handover"
    _inherit = [
        # mail.thread, with the handover's rules on its messages and files
        "hr.client.handover.chatter.mixin",
        "mail.activity.mixin",
        # before the policy: its conditions' messages fall back to the policy's
        "hr.client.handover.timeline.mixin",
        "hr.client.handover.letter.mixin",
        "hr.client.handover.policy",
        "hr.client.handover.progress.mixin",
        "hr.client.handover.activity.mixin",
        "hr.client.handover.banner.mixin",
        "hr.client.handover.digest.mixin",
        "hr.client.handover.gate.mixin",
        "hr.client.handover.calendar.mixin",
        "hr.client.handover.departure.mixin",
        "hr.client.handover.visit.mixin",
        "hr.client.handover.transfer.mixin",
        "hr.client.handover.omission.mixin",
        "hr.client.handover.everything.mixin",
        "hr.client.handover.window.mixin",
    ]
    _order = "id desc"
    # Participants follow and discuss a handover they may not change.
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Departing Employee",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        context={"active_test": False},
    )
    departing_user_id = fields.Many2one(
        "res.users",
        string="Departing User",
        related="employee_id.user_id",
        store=True,
        index=True,
        context={"active_test": False},
    )
    department_id = fields.Many2one(
        related="employee_id.department_id", store=True, string="Department"
    )
    handover_type = fields.Selection(
        HANDOVER_TYPES,
        string="Type",
        required=True,
        default="resignation",
        tracking=True,
    )
    reason = fields.Text()
    key_position = fields.Boolean(
        help="Special or key position: a supervising witness who is neither the "
        "direct supervisor nor a successor is required and signs the checklist, "
        "filed with HR in the handover plan (as for every handover).",
    )
    notice_date = fields.Date(default=fields.Date.context_today, tracking=True)
    last_working_date = fields.Date(
        string="Last Working Day",
        tracking=True,
        help="Deadline of the handover: everything must be handed over by then.",
    )
    return_date = fields.Date(
        tracking=True, help="For a leave: the day the employee is back at work."
    )
    template_id = fields.Many2one(
        "hr.client.handover.template",
        check_company=True,
        domain="[('handover_type', 'in', [handover_type, False])]",
    )
    transfer_moment = fields.Selection(
        related="template_id.transfer_moment", string="Transfer Moment"
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Direct Supervisor",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    witness_id = fields.Many2one(
        "res.users",
        string="Supervising Witness",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    approver_id = fields.Many2one(
        "res.users",
        string="Division Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    default_successor_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="Successor given to new customer lines.",
    )
    line_ids = fields.One2many(
        "hr.client.handover.line", "handover_id", string="Customers", copy=False
    )
    # The same lines, for the tabs of the stages after the plan: each list of
    # the form orders its x2many field one way, and these tabs show the
    # current user's own customers first, then each successor's together,
    # where the plan's tab keeps the departing employee's order (drag handle).
    stage_line_ids = fields.One2many(
        "hr.client.handover.line",
        "handover_id",
        string="Customers (Yours First)",
        copy=False,
    )
    item_ids = fields.One2many(
        "hr.client.handover.item", "handover_id", string="Checklist", copy=False
    )
    signature_ids = fields.One2many(
        "hr.client.handover.signature", "handover_id", string="Signatures", copy=False
    )
    transfer_ids = fields.One2many(
        "hr.client.handover.transfer", "handover_id", string="Transfers", copy=False
    )
    summary = fields.Html()
    state = fields.Selection(
        SELECTION,
        default=DRAFT,
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    transfer_state = fields.Selection(
        TRANSFER_STATES,
        default="pending",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    transfer_total = fields.Integer(copy=False, readonly=True)
    revert_reason = fields.Selection(
        [("revert", "Handover cancelled"), ("return", "Back from leave")],
        copy=False,
        readonly=True,
    )
    refuse_reason = fields.Text(readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False)
    plan_reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    plan_reviewed_on = fields.Datetime(readonly=True, copy=False)
    plan_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    plan_approved_on = fields.Datetime(readonly=True, copy=False)
    summary_reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    summary_reviewed_on = fields.Datetime(readonly=True, copy=False)
    summary_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    summary_approved_on = fields.Datetime(readonly=True, copy=False)
    summary_attachment_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    # Filed with HR (备案) when their stage ends, by the system; every later
    # print returns them.
    plan_attachment_id = fields.Many2one(
        "ir.attachment", string="Filed Plan", readonly=True, copy=False
    )
    visits_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Filed Visit and Verification Sheet",
        readonly=True,
        copy=False,
    )
    document_ids = fields.One2many(
        "hr.client.handover.document",
        "handover_id",
        string="Filed Documents",
        readonly=True,
        copy=False,
    )
    seal_ids = fields.One2many(
        "hr.client.handover.seal", "handover_id", string="Seals", copy=False
    )
    visits_witnessed_by_id = fields.Many2one(
        "res.users",
        string="Visits Confirmed by Witness",
        readonly=True,
        copy=False,
        help="The supervising witness who confirmed the customer visits (监交).",
    )
    visits_witnessed_on = fields.Datetime(
        string="Visits Confirmed by Witness On", readonly=True, copy=False
    )
    done_date = fields.Date(readonly=True, copy=False)
    reminded_stage = fields.Selection(
        SELECTION, readonly=True, copy=False, help="Stage whose actors were reminded."
    )
    escalated_on = fields.Date(readonly=True, copy=False)
    returned_on = fields.Date(readonly=True, copy=False)
    departure_allowed_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="The handover administrator who allowed the departing user to be "
        "archived before the handover ends.",
    )
    departure_allowed_on = fields.Datetime(readonly=True, copy=False)
    signs_on_behalf = fields.Boolean(
        compute="_compute_signs_on_behalf",
        string="Supervisor Signs on Behalf",
        help="The departing user has left (archived) with the administrator's "
        "consent: the direct supervisor confirms and signs in their place (代签).",
    )
    sign_request_id = fields.Many2one(
        "hr.client.handover.signature",
        compute="_compute_sign_request_id",
        string="Signature Awaited From You",
    )
    # Everyone who holds a role on the handover, on one of its customers or
    # on one of its signatures: who reads it and its parts (the record rules of
    # security/hr_client_handover_rules.xml read this set and nothing else of
    # the roles; the people of a checklist item read the handover and its
    # checklist only).
    participant_ids = fields.Many2many(
        "res.users",
        "hr_client_handover_participant_rel",
        "handover_id",
        "user_id",
        string="Participants",
        compute="_compute_participant_ids",
        store=True,
        context={"active_test": False},
    )
    writable_groups = fields.Char(
        compute="_compute_writable_groups",
        help="Header field groups the current user may change now (the policy's "
        "answer, for the form).",
    )
    # What the current user may do now: the policy's answer, for the buttons
    # of the form (each button asks the policy again when pressed).
    can_generate_lines = fields.Boolean(compute="_compute_can_actions")
    can_submit_plan = fields.Boolean(compute="_compute_can_actions")
    can_review_plan = fields.Boolean(compute="_compute_can_actions")
    can_approve_plan = fields.Boolean(compute="_compute_can_actions")
    can_complete_materials = fields.Boolean(compute="_compute_can_actions")
    can_witness_visits = fields.Boolean(compute="_compute_can_actions")
    can_complete_visits = fields.Boolean(compute="_compute_can_actions")
    can_complete_verification = fields.Boolean(compute="_compute_can_actions")
    can_submit_summary = fields.Boolean(compute="_compute_can_actions")
    can_review_summary = fields.Boolean(compute="_compute_can_actions")
    can_approve_summary = fields.Boolean(compute="_compute_can_actions")
    can_cancel = fields.Boolean(compute="_compute_can_actions")
    can_revert_transfer = fields.Boolean(compute="_compute_can_actions")
    can_allow_departure = fields.Boolean(compute="_compute_can_actions")
    can_verify_integrity = fields.Boolean(compute="_compute_can_actions")
    can_meeting = fields.Boolean(
        compute="_compute_can_actions", string="Can Schedule the Meeting"
    )
    can_training = fields.Boolean(
        compute="_compute_can_actions", string="Can Schedule the Training"
    )
    # The refusal of the current review or approval stage, and which lists of
    # its parts the form lets the current user change: the policy's answer too
    # (PART_LISTS in models/hr_client_handover_policy.py).
    can_refuse = fields.Boolean(compute="_compute_can_refuse")
    can_edit_lines = fields.Boolean(compute="_compute_can_edit_parts")
    # Whether some customer lines of the list are the current user's to change
    # (PART_ROWS): a successor's own line, for its notes and visit.
    can_write_lines = fields.Boolean(compute="_compute_can_edit_parts")
    can_edit_items = fields.Boolean(compute="_compute_can_edit_parts")
    can_justify_omissions = fields.Boolean(compute="_compute_can_edit_parts")
    can_record_incidents = fields.Boolean(compute="_compute_can_edit_parts")
    # How far the procedure went, in the stage table's order, for the form's
    # tabs shown from a stage on (a cancelled handover counts as past every
    # stage: its tabs show what it had).
    plan_open = fields.Boolean(
        compute="_compute_stage_reached",
        help="The plan is drawn, reviewed or approved: the materials stage is "
        "not reached yet.",
    )
    visits_started = fields.Boolean(compute="_compute_stage_reached")
    verification_started = fields.Boolean(compute="_compute_stage_reached")
    summary_started = fields.Boolean(compute="_compute_stage_reached")
    refusal_standing = fields.Boolean(
        compute="_compute_stage_reached",
        help="The handover is back in the stage a refusal sent it to, and the "
        "refusal's reason stands.",
    )

    _name_company_unique = models.UniqueIndex(
        "(company_id, name)",
        lambda env, diag: env._("A handover with this reference already exists."),
    )
    _employee_active_unique = models.UniqueIndex(
        f"(employee_id) WHERE state NOT IN {CLOSED!r}",
        lambda env, diag: env._(
            "This employee already has a client handover in progress. Finish or "
            "cancel it before starting another one."
        ),
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends(
        "departing_user_id",
        "supervisor_id",
        "approver_id",
        "witness_id",
        "line_ids.successor_id",
        "signature_ids.user_id",
    )
    def _compute_participant_ids(self):
        for handover in self:
            handover.participant_ids = (
                handover.departing_user_id
                | handover.supervisor_id
                | handover.approver_id
                | handover.witness_id
                | handover.line_ids.successor_id
                | handover.signature_ids.user_id
            )

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(*POLICY_DEPENDS)
    def _compute_can_actions(self):
        self._policy_can_actions()

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(*POLICY_DEPENDS)
    def _compute_can_refuse(self):
        for handover in self:
            handover.can_refuse = handover._policy_allows(handover._refuse_action())

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(*POLICY_DEPENDS)
    def _compute_can_edit_parts(self):
        self._policy_can_edit_parts()

    @api.depends("state", "refuse_reason")
    def _compute_stage_reached(self):
        for handover in self:
            handover.plan_open = not handover._stage_reached(MATERIALS)
            handover.visits_started = handover._stage_reached(VISITS)
            handover.verification_started = handover._stage_reached(VERIFICATION)
            handover.summary_started = handover._stage_reached(SUMMARY)
            handover.refusal_standing = handover._banner_refused()

    def _stage_reached(self, key):
        """Whether the handover is in the stage ``key`` or past it."""
        self.ensure_one()
        return self.state in reached(key)

    @api.depends_context("uid")
    @api.depends(*POLICY_DEPENDS)
    def _compute_writable_groups(self):
        saved = self.filtered(lambda record: record._origin.id)
        writable = saved._origin._policy_writable_groups()
        # A new handover is its starter's (and an administrator's): the roles
        # its form proposes from the organisation chart give nobody more.
        unsaved = ",".join(
            self._policy_granted_groups({"starter"} | self._policy_group_roles(), DRAFT)
        )
        for handover in self:
            if handover in saved:
                handover.writable_groups = ",".join(writable[handover._origin])
            else:
                handover.writable_groups = unsaved

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        """Stages in process order in every grouping (analysis, pivot, graph,
        list), not in the alphabetical order of their technical keys."""
        if "state" not in groupby_terms:
            return super()._read_group_orderby(order, groupby_terms, query)
        in_order = dict(groupby_terms)
        in_order["state"] = SQL(
            "CASE %s %s END",
            groupby_terms["state"],
            SQL(" ").join(
                SQL("WHEN %s THEN %s", key, index)
                for index, (key, _label) in enumerate(SELECTION)
            ),
        )
        result = super()._read_group_orderby(order, in_order, query)
        for term, sql in in_order.items():
            if term != "state":
                groupby_terms[term] = sql
        return result

    # ------------------------------------------------------------------
    # Onchanges: role defaults from the organisation chart
    # ------------------------------------------------------------------
    @api.onchange("employee_id")
    def _onchange_employee_id(self):
        for handover in self:
            handover.update(handover._get_role_defaults())

    @api.onchange("handover_type")
    def _onchange_handover_type(self):
        """The type's default template; a template of another type never stays."""
        for handover in self:
            template = self.env["hr.client.handover.template"]._get_default_for_type(
                handover.handover_type, handover.company_id or self.env.company
            )
            if template:
                handover.template_id = template
            elif handover.template_id.handover_type not in (
                False,
                handover.handover_type,
            ):
                handover.template_id = False

    @api.onchange("template_id", "notice_date")
    def _onchange_template_deadline(self):
        for handover in self:
            if (
                handover.template_id
                and handover.notice_date
                and not handover.last_working_date
            ):
                handover.last_working_date = handover.notice_date + timedelta(
                    days=handover.template_id.deadline_days
                )

    def _get_role_defaults(self):
        """Supervisor, witness and approver proposed from the employee's position."""
        self.ensure_one()
        # The organisation chart is public to employees; its private fields are not.
        employee = self.employee_id.sudo()
        if not employee:
            return {}
        department = employee.department_id
        supervisor = employee.parent_id.user_id or department.manager_id.user_id
        department_manager = department.manager_id.user_id
        approver = department.parent_id.manager_id.user_id or department_manager
        witness = department_manager if department_manager != supervisor else False
        return {
            "supervisor_id": supervisor.id or False,
            "witness_id": (witness or supervisor).id or False,
            "approver_id": approver.id or False,
        }

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("notice_date", "last_working_date", "return_date", "handover_type")
    def _check_dates(self):
        for handover in self:
            if (
                handover.notice_date
                and handover.last_working_date
                and handover.last_working_date < handover.notice_date
            ):
                raise ValidationError(
                    self.env._(
                        "The last working day (%(deadline)s) cannot be before the "
                        "notice date (%(notice)s). Correct one of the two dates.",
                        deadline=handover.last_working_date,
                        notice=handover.notice_date,
                    )
                )
            if handover.return_date and handover.handover_type != "leave":
                raise ValidationError(
                    self.env._(
                        "Only a leave handover has a return date. Clear the return "
                        "date or change the type to Leave."
                    )
                )
            if (
                handover.return_date
                and handover.last_working_date
                and handover.return_date <= handover.last_working_date
            ):
                raise ValidationError(
                    self.env._(
                        "The return date must come after the last working day "
                        "(%(deadline)s).",
                        deadline=handover.last_working_date,
                    )
                )

    @api.constrains("template_id", "handover_type")
    def _check_template_type(self):
        """A template is made for one handover type (or for every type): a
        promotion's template, without visits, does not plan a resignation."""
        types = dict(self._fields["handover_type"]._description_selection(self.env))
        for handover in self:
            template = handover.template_id
            if not template.handover_type:
                continue
            if template.handover_type != handover.handover_type:
                raise ValidationError(
                    self.env._(
                        "The template '%(template)s' is made for handovers of the "
                        "type '%(template_type)s', and %(ref)s is of the type "
                        "'%(type)s'. Choose a template of the type '%(type)s', or "
                        "one without a type (it fits every type).",
                        template=template.name,
                        template_type=types[template.handover_type],
                        ref=handover.name,
                        type=types[handover.handover_type],
                    )
                )

    @api.constrains("employee_id")
    def _check_one_active_per_employee(self):
        """Name the handover in progress (the unique index cannot).

        Read without flushing these handovers: the flush would hit the unique
        index first.
        """
        active = self.filtered(lambda handover: handover.state in OPEN)
        if not active:
            return
        self.flush_model(["state", "name"])
        self.env.cr.execute(
            SQL(
                "SELECT employee_id, name FROM hr_client_handover"
                " WHERE employee_id IN %s AND id NOT IN %s AND state NOT IN %s",
                tuple(active.employee_id.ids),
                tuple(active.ids),
                CLOSED,
            )
        )
        busy = dict(self.env.cr.fetchall())
        for handover in active:
            if handover.employee_id.id in busy:
                raise ValidationError(
                    self.env._(
                        "%(employee)s already has a client handover in progress "
                        "(%(ref)s). Finish or cancel it before starting another one.",
                        employee=handover.employee_id.name,
                        ref=busy[handover.employee_id.id],
                    )
                )

    @api.constrains("employee_id", "supervisor_id", "approver_id", "witness_id")
    def _check_segregation_of_duties(self):
        for handover in self:
            departing = handover.departing_user_id
            if departing:
                for field_name in ("supervisor_id", "approver_id", "witness_id"):
                    if handover[field_name] == departing:
                        raise ValidationError(
                            self.env._(
                                "%(user)s is the departing employee and cannot also "
                                "be the %(role)s of their own handover. Choose "
                                "another user.",
                                user=departing.name,
                                role=handover._fields[field_name].get_description(
                                    self.env
                                )["string"],
                            )
                        )
            successors = handover.line_ids.successor_id
            for field_name in ROLE_FIELDS:
                if handover[field_name] and handover[field_name] in successors:
                    raise ValidationError(
                        self.env._(
                            "%(user)s receives customers in %(ref)s and cannot also "
                            "be its %(role)s. Choose another user, or another "
                            "successor for their customers.",
                            user=handover[field_name].name,
                            ref=handover.name,
                            role=handover._fields[field_name].get_description(self.env)[
                                "string"
                            ],
                        )
                    )
            if (
                handover.supervisor_id
                and handover.supervisor_id == handover.approver_id
                and not handover.company_id.handover_allow_same_reviewer
            ):
                raise ValidationError(
                    self.env._(
                        "The direct supervisor and the division manager must be two "
                        "different people. Choose another division manager, or let an "
                        "administrator allow it in the settings."
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._from_form_windows(vals) for vals in vals_list]
        if not self.env.su:
            self.env["hr.employee"].browse(
                {vals["employee_id"] for vals in vals_list if vals.get("employee_id")}
            )._check_can_start_client_handover()
            # The web client may send the defaults of the workflow's own fields.
            vals_list = [
                {
                    name: value
                    for name, value in vals.items()
                    if not (
                        name in WORKFLOW_DEFAULTS and value == WORKFLOW_DEFAULTS[name]
                    )
                }
                for vals in vals_list
            ]
        if not self.env.su and any(
            vals.get("name", self.env._("New")) != self.env._("New")
            for vals in vals_list
        ):
            raise AccessError(
                self.env._(
                    "The reference of a handover comes from its sequence. Leave it "
                    "empty. Nothing was changed."
                )
            )
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("hr.client.handover") or self.env._("New")
        given, chosen = [], []
        for vals in vals_list:
            given.append(set(vals) - {"name"})
            # Whoever may start the handover gets the organisation's roles;
            # other ones are the policy's to allow (checked once created).
            defaults = self.new(
                {"employee_id": vals.get("employee_id")}
            )._get_role_defaults()
            chosen.append(
                {
                    name
                    for name in ROLE_FIELDS
                    if name in vals and (vals[name] or False) != defaults.get(name)
                }
            )
            for name, value in defaults.items():
                if value and not vals.get(name):
                    vals[name] = value
        handovers = super().create(vals_list)
        starter_groups = self._policy_granted_groups({"starter"}, DRAFT)
        for handover, names, roles in zip(handovers, given, chosen, strict=True):
            if not self.env.su:
                # What the policy lets the starter give (the plan and its
                # details), the roles (checked below) and the parts (each
                # command checked by its model); the workflow's own fields are
                # refused like on any write.
                groups = handover._policy_field_groups(
                    names - {"employee_id", "company_id"}
                )
                given_freely = {*starter_groups, "roles", "parts"}
                if set(groups) - given_freely:
                    handover._policy_check_write(names)
            handover._policy_check_write(roles)
            if not handover.template_id:
                # As superuser: the template is set by the workflow when none is given;
                # the user's own values were checked above.
                handover.sudo().template_id = self.env[
                    "hr.client.handover.template"
                ]._get_default_for_type(handover.handover_type, handover.company_id)
            if not handover.item_ids and handover.template_id:
                handover._create_items_from_template()
        handovers._schedule_stage_activities()
        handovers._warn_plans_counting_on_departing()
        return handovers

    def write(self, vals):
        vals = self._from_form_windows(vals)
        self._policy_check_write(set(vals))
        changed_roles = {}
        if not self.env.su and set(ROLE_FIELDS) & set(vals):
            changed_roles = {
                handover: {name: handover[name] for name in ROLE_FIELDS if name in vals}
                for handover in self
                if handover.state != DRAFT
            }
        result = super().write(vals)
        if "last_working_date" in vals:
            self._update_item_due_dates()
        for handover, before in changed_roles.items():
            handover._post_role_change(before)
        return result

    def _post_role_change(self, before):
        """After submission a role changes by an administrator only, noted in
        the chatter with who changed it; the open activities of the role go to
        the person who now holds it."""
        self.ensure_one()
        for name, old in before.items():
            new = self[name]
            if not old or not new or old == new:
                continue
            types = [
                self.env.ref(xmlid, raise_if_not_found=False)
                for xmlid in ROLE_ACTIVITIES[name]
            ]
            # As superuser: the former holder's activities, which the administrator
            # replacing the role may not read.
            activities = self.sudo().activity_ids.filtered(
                lambda act, old=old, types=types: act.user_id == old
                and act.activity_type_id in types
            )
            activities.write({"user_id": new.id})
        changes = [
            self.env._(
                "%(role)s: %(old)s → %(new)s",
                role=self._fields[name].get_description(self.env)["string"],
                old=old.name or "-",
                new=self[name].name or "-",
            )
            for name, old in before.items()
            if old != self[name]
        ]
        if changes:
            self.message_post(
                body=self.env._(
                    "%(user)s replaced people of the approval chain: %(changes)s",
                    user=self.env.user.name,
                    changes="; ".join(changes),
                )
            )

    def _update_item_due_dates(self):
        """Checklist items due by (or one working day after) the last working
        day follow it when it moves; a due date set by hand stays."""
        for handover in self:
            last_day = handover.last_working_date
            after = last_day and handover._add_working_days(last_day, 1)
            for rule, due_date in (("last_day", last_day), ("after_last_day", after)):
                items = handover.item_ids.filtered(
                    lambda item, rule=rule: item.due_rule == rule and not item.done
                )
                # As superuser: the due dates follow the last working day, whoever
                # changed it (the items' fields are not the changer's to write).
                items.sudo().write({"due_date": due_date, "due_rule": rule})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if not self.env.su:
            self._policy_check("unlink", self.env._("Delete the handover"))
        for handover in self:
            if handover.transfer_ids or handover.seal_ids:
                raise UserError(
                    self.env._(
                        "%(ref)s has started: it cannot be deleted. Cancel it instead; "
                        "its records stay as an audit trail.",
                        ref=handover.name,
                    )
                )

    # ------------------------------------------------------------------
    # Roles and checks
    # ------------------------------------------------------------------
    @api.depends("departure_allowed_on", "departing_user_id.active")
    def _compute_signs_on_behalf(self):
        for handover in self:
            handover.signs_on_behalf = bool(
                handover.departure_allowed_on
                and handover.departing_user_id
                # As superuser: computed for any reader, who may not read the user.
                and not handover.departing_user_id.sudo().active
            )

    @api.depends_context("uid")
    @api.depends("state", "signature_ids.signed_on")
    def _compute_sign_request_id(self):
        Signature = self.env["hr.client.handover.signature"]
        for handover in self:
            handover.sign_request_id = Signature._awaited_from_user(handover._origin)

    def action_sign(self):
        """Sign in one click: the signature pad of the user's next signature
        of the current stage."""
        self.ensure_one()
        Signature = self.env["hr.client.handover.signature"]
        return Signature._awaited_from_user(self).action_sign()

    def _get_user_roles(self, user=None, successor=None):
        """The roles ``user`` (the current user) holds on this handover;
        ``successor``: whether they take over one of its customers, when the
        caller knows it already."""
        self.ensure_one()
        user = user or self.env.user
        roles = set()
        if user == self.departing_user_id:
            roles.add("departing")
        if user == self.supervisor_id:
            roles.add("supervisor")
            if self.signs_on_behalf:
                roles.add("proxy")
        if user == self.approver_id:
            roles.add("approver")
        if user == self._users_for_role("witness"):
            roles.add("witness")
        if self._is_line_successor(user) if successor is None else successor:
            roles.add("successor")
        if "admin" in self._policy_group_roles(user):
            roles.add("admin")
        return roles

    def _is_line_successor(self, user):
        """Whether ``user`` takes over a customer of this handover: one indexed
        query, not a read of every line (the lines of the form's cache while
        a new handover is edited)."""
        self.ensure_one()
        if not self.id:
            return user in self.line_ids.successor_id
        return user.id in self._line_successor_ids()

    def _line_successor_ids(self):
        """The ids of the users who take over a customer of this handover, in
        id order: one probe of the index on (handover, successor, ...) per
        successor, however many lines (the lines of the form's cache while a
        new handover is edited)."""
        self.ensure_one()
        if not self.id:
            return self.line_ids.successor_id.sorted("id").ids
        self.env["hr.client.handover.line"].flush_model(["handover_id", "successor_id"])
        # In SQL, as the system: who holds the successor's role, whoever asks
        # (the caller may not read every line of the handover).
        rows = self.env.execute_query(
            SQL(
                """
                WITH RECURSIVE successor(id) AS (
                    SELECT min(successor_id) FROM hr_client_handover_line
                     WHERE handover_id = %(handover)s
                    UNION ALL
                    SELECT (SELECT min(successor_id) FROM hr_client_handover_line
                             WHERE handover_id = %(handover)s
                               AND successor_id > successor.id)
                      FROM successor WHERE successor.id IS NOT NULL
                )
                SELECT id FROM successor WHERE id IS NOT NULL
                """,
                handover=self.id,
            )
        )
        return [successor_id for (successor_id,) in rows]

    def _policy_handover(self):
        return self

    def _policy_record_roles(self):
        # Whoever fills in a new handover is the one starting it.
        return set() if self._origin.id else {"starter"}

    def _stage_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_can(self, action):
        """Check the current user may run `action` on every handover in self.

        Raises AccessError when the user holds none of the roles, UserError when
        the handover is not in a stage where the action applies (which makes a
        second identical call fail cleanly instead of applying twice).
        """
        self._policy_check(action, self._action_label(action))

    def _role_labels(self, roles):
        labels = {
            "departing": self.env._("departing employee"),
            "supervisor": self.env._("direct supervisor"),
            "approver": self.env._("division manager"),
            "witness": self.env._("supervising witness"),
            "successor": self.env._("successor"),
            "line_successor": self.env._("successor of the customer"),
            "responsible": self.env._("person responsible for the item"),
            "signer": self.env._("signer"),
            "admin": self.env._("handover administrator"),
            "proxy": self.env._("direct supervisor acting on behalf"),
            "countersigner": self.env._("countersigner of the item"),
        }
        return self.env._(" or ").join(labels[role] for role in roles)

    def _action_label(self, action):
        # A refusal is named by what it sends back to be done again.
        refused = {
            DRAFT: self.env._("Refuse the plan"),
            SUMMARY: self.env._("Refuse the summary"),
        }
        return {
            "generate_lines": self.env._("Generate customer lines"),
            "submit_plan": self.env._("Submit the plan"),
            "review_plan": self.env._("Review the plan"),
            "approve_plan": self.env._("Approve the plan"),
            **{
                f"refuse_{stage.key}": refused[stage.refused_to]
                for stage in STAGES
                if stage.refused_to
            },
            "complete_materials": self.env._("Complete the materials handover"),
            "complete_visits": self.env._("Complete the customer visits"),
            "witness_visits": self.env._("Confirm the customer visits as witness"),
            "complete_verification": self.env._("Complete the phone verification"),
            "submit_summary": self.env._("Submit the summary"),
            "review_summary": self.env._("Review the summary"),
            "approve_summary": self.env._("Approve the summary"),
            "cancel": self.env._("Cancel the handover"),
            "revert_transfer": self.env._("Revert the transfer"),
            "allow_departure": self.env._(
                "Allow the early departure (the direct supervisor signs)"
            ),
            "confirm_departure": self.env._("Confirm the departure"),
            "verify_integrity": self.env._("Verify the integrity of the record"),
        }[action]

    def _lock(self):
        """Row-lock the handovers and re-read their stage, so that two concurrent
        clicks on the same button cannot both pass the stage check. A click
        waits a few seconds (LOCK_WAIT) for one on the same handover to end:
        people confirming their own lines at the same moment all get through,
        one after the other, instead of being refused.

        The lock also writes the rows (a new row version, nothing changed): a
        click that waited for another then fails with a serialization error,
        which Odoo answers by running the request again on what the first
        click committed (its seals, its counts), instead of going on with what
        it read before the wait."""
        if not self.ids:
            return
        cr = self.env.cr
        cr.execute("SET LOCAL lock_timeout = %s", [LOCK_WAIT])
        try:
            cr.execute(
                "SELECT id FROM hr_client_handover WHERE id IN %s ORDER BY id"
                " FOR UPDATE",
                [tuple(self.ids)],
            )
            cr.execute(
                "UPDATE hr_client_handover SET write_date = write_date"
                " WHERE id IN %s",
                [tuple(self.ids)],
            )
            cr.execute("SET LOCAL lock_timeout = DEFAULT")
        except pg_errors.LockNotAvailable as exc:
            raise UserError(
                self.env._(
                    "Someone else is working on this handover right now. Wait a "
                    "moment, reload the page and try again."
                )
            ) from exc
        self.invalidate_recordset(["state", "transfer_state"])

    def _prepare_action(self, action):
        self._lock()
        self._check_can(action)

    # ------------------------------------------------------------------
    # Stage changes
    # ------------------------------------------------------------------
    def _move_to(self, new_stage, feedback=None, **extra):
        """The one way from a stage to another: the button that completes the
        stage, a refusal, a visit sent back, the cancellation. Writes the new
        stage (with ``extra`` values), seals it, then leaves the old stage and
        enters the new one."""
        for handover in self:
            old_stage = handover.state
            # The line events of the stage left, in one message.
            handover._post_stage_digest()
            values = dict(extra, state=new_stage)
            # As superuser: the stage is the workflow's own field, which the policy lets
            # no user write; the action that moves it checked the caller.
            handover.sudo().write(values)
            handover._seal("stage", handover, values)
            handover._on_leave_stage(old_stage, feedback=feedback)
            handover._on_enter_stage()

    def _on_leave_stage(self, key, feedback=None):
        """The stage ``key`` was left for the current one: its activities close and,
        when its button completed it (the next stage in order), the transfer
        starts at its moment, the documents it files are to be filed (right
        after, see ``_file_soon``) and the events it needed are sealed."""
        self.ensure_one()
        stage = STAGE[key]
        self._close_stage_activities(key, feedback=feedback)
        if self.state != next_stage(key):
            return
        moment = self.template_id.transfer_moment or "plan"
        if (
            stage.transfer
            and self.transfer_state == "pending"
            and (stage.transfer == moment or self.state == DONE)
        ):
            self._start_transfer()
        if stage.files:
            # Filed right after this transaction, by the scheduled action (a
            # summary once a running transfer completes, with its figures).
            self.env["hr.client.handover.document"]._file_soon()
        for kind in stage.seals or ():
            self._seal_events(kind)

    def _on_enter_stage(self):
        """The current stage starts: its signatures are requested, its own
        preparation runs (``enter``), its activities are scheduled."""
        self.ensure_one()
        stage = STAGE[self.state]
        if stage.signatures:
            # A refused stage is done again: its signers sign the new text.
            self.env["hr.client.handover.signature"]._reset_signed(self, stage.key)
            self._create_signature_requests(stage.key)
        if stage.enter:
            getattr(self, stage.enter)()
        self._schedule_stage_activities()

    def _prepare_summary(self):
        """Whoever closes the stage before the summary hands the template over."""
        self.ensure_one()
        if is_html_empty(self.summary) and self.template_id.summary_template:
            # As superuser: the summary is the departing employee's to write; the
            # workflow hands them the template's text.
            self.sudo().summary = self._render_summary_template()

    def _drop_stage_work(self):
        """A cancelled handover leaves nothing to do and nothing ahead in
        anyone's calendar."""
        self.ensure_one()
        # As superuser: the activities of the others (see above).
        self.sudo().activity_unlink(
            [stage.activity for stage in STAGES if stage.activity]
            + list(ITEM_ACTIVITIES)
            + STAGE_SIDE_ACTIVITIES
            + [CONFIRM_ACTIVITY]
        )
        self._drop_pending_events()

    # ------------------------------------------------------------------
    # Workflow buttons
    # ------------------------------------------------------------------
    def action_generate_lines(self):
        self._prepare_action("generate_lines")
        for handover in self:
            # As superuser: the lines list every customer the departing user owns, which
            # the caller may not read; the policy checked the caller.
            handover.sudo()._generate_lines()
        return True

    def action_submit_plan(self):
        return self._complete_stage("submit_plan")

    def action_review_plan(self):
        return self._complete_stage("review_plan")

    def action_approve_plan(self):
        return self._complete_stage("approve_plan")

    def action_complete_materials(self):
        return self._complete_stage("complete_materials")

    def action_complete_visits(self):
        return self._complete_stage("complete_visits")

    def action_witness_visits(self):
        """The supervising witness confirms the visits stage (监交): every
        customer visited by both, or its waiver approved (the conditions of
        the policy's row)."""
        self._prepare_action("witness_visits")
        for handover in self:
            handover._stamp("witness", "visits_witnessed_by_id", "visits_witnessed_on")
            lines = handover.line_ids
            handover.message_post(
                body=self.env._(
                    "%(user)s, supervising witness, confirmed the customer visits: "
                    "%(done)s visited, %(waived)s waived.",
                    user=self.env.user.name,
                    done=len(lines.filtered(lambda line: line.visit_state == "done")),
                    waived=len(lines.filtered("visit_waived")),
                ),
                partner_ids=handover.supervisor_id.partner_id.ids,
            )
            # As superuser: the witness's activity, closed by the witness's
            # button (the supervisor's, when the supervisor witnesses).
            handover.sudo().activity_feedback([WITNESS_VISITS_ACTIVITY])
        return True

    def _visits_pending(self):
        """The lines whose visit is neither done nor waived, counted in the
        database, as the visits gate does (10,000 lines)."""
        return self._gate_lines(VISIT_PENDING)

    def _policy_visits_unwitnessed(self):
        return not self.visits_witnessed_on

    def _policy_visits_recorded(self):
        # Whether any is pending, in one query: the banner asks it for its reader.
        # As superuser: a fact about the whole handover, whoever asks.
        return not (
            self.env["hr.client.handover.line"]
            .sudo()
            .search_count([("handover_id", "=", self.id), *VISIT_PENDING], limit=1)
        )

    def _policy_departure_not_allowed(self):
        return not self.departure_allowed_on

    def _policy_has_supervisor(self):
        return bool(self.supervisor_id)

    def _policy_transfer_done(self):
        return self.transfer_state == "done"

    def _policy_frozen_message(self, condition):
        """Why a button's condition in the policy's row does not hold."""
        if condition == "departure_not_allowed":
            return self.env._(
                "The departure of %(user)s was already allowed on %(ref)s. "
                "Nothing was changed.",
                user=self.departing_user_id.name,
                ref=self.name,
            )
        if condition == "has_supervisor":
            return self.env._(
                "%(ref)s has no direct supervisor to act in place of "
                "%(user)s: set one first.",
                ref=self.name,
                user=self.departing_user_id.name,
            )
        if condition == "transfer_done":
            return self.env._(
                "%(ref)s has no completed transfer to revert (transfer: "
                "%(state)s). Nothing was changed.",
                ref=self.name,
                state=dict(
                    self._fields["transfer_state"]._description_selection(self.env)
                )[self.transfer_state],
            )
        if condition == "visits_unwitnessed":
            return self.env._(
                "%(user)s already confirmed the visits of %(ref)s on "
                "%(date)s. Nothing was changed.",
                user=self.visits_witnessed_by_id.name,
                ref=self.name,
                date=self.visits_witnessed_on,
            )
        if condition == "visits_recorded":
            pending = self._visits_pending()
            return self.env._(
                "%(count)s customer(s) are not visited yet (%(names)s): the "
                "witness confirms the visits once each is confirmed by both "
                "visitors or its waiver approved.",
                count=len(pending),
                names=self._some_names(pending),
            )
        return super()._policy_frozen_message(condition)

    def _reset_visits_witness(self):
        """A visit was sent back: the witness confirms the visits again."""
        self.ensure_one()
        # As superuser: the witness's stamp is the workflow's own field, which no user
        # writes.
        self.sudo().write(
            {"visits_witnessed_by_id": False, "visits_witnessed_on": False}
        )
        self._seal("reset", self, ("visits_witnessed_by_id", "visits_witnessed_on"))

    def action_complete_verification(self):
        return self._complete_stage("complete_verification")

    def action_submit_summary(self):
        # Signatures freeze when the stage is left: collected before (the gate).
        return self._complete_stage("submit_summary")

    def action_review_summary(self):
        return self._complete_stage("review_summary")

    def action_approve_summary(self):
        return self._complete_stage("approve_summary")

    def _complete_stage(self, action):
        """The button ``action_<action>``: complete the current stage of each
        handover (the policy's row of ``action`` says in which stage and by
        whom), once its gate passes, stamped with who did it, and move to the
        next stage."""
        self._prepare_action(action)
        self._check_stage_gate()
        for handover in self:
            stage = STAGE[handover.state]
            new_stage = next_stage(stage.key)
            values = {}
            if stage.stamp:
                values.update(self._stamp_values(*stage.stamp))
            if new_stage == DONE:
                values["done_date"] = fields.Date.context_today(handover)
            if any(other.refused_to == stage.key for other in STAGES):
                # Submitted again: the reason of the last refusal is answered.
                values["refuse_reason"] = False
            handover._move_to(new_stage, **values)
        return True

    def action_cancel(self):
        """Open the cancel wizard (reason, optional revert)."""
        self._check_can("cancel")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Handover"),
            "res_model": "hr.client.handover.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    def action_open_refuse(self):
        self.ensure_one()
        self._check_can(self._refuse_action())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse"),
            "res_model": "hr.client.handover.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    def action_open_assign_successors(self):
        self.ensure_one()
        self._check_can("generate_lines")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Successors"),
            "res_model": "hr.client.handover.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    def _do_cancel(self, reason, revert=False):
        """Cancel (called by the cancel wizard after its checks)."""
        self._prepare_action("cancel")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for cancelling the handover."))
        for handover in self:
            handover._move_to(CANCEL, feedback=reason, cancel_reason=reason)
            handover.message_post(
                body=self.env._("Handover cancelled: %(reason)s", reason=reason)
            )
        if revert:
            self.filtered(lambda h: h.transfer_state == "done").action_revert_transfer()

    def _do_refuse(self, reason):
        """Refuse the plan or the summary (called by the refuse wizard)."""
        self.ensure_one()
        self._lock()
        action = self._refuse_action()
        self._check_can(action)
        if not (reason or "").strip():
            raise UserError(
                self.env._(
                    "Give the reason of the refusal: the departing employee needs it."
                )
            )
        back_to = STAGE[self.state].refused_to
        self._move_to(back_to, feedback=reason, refuse_reason=reason)
        self.message_post(
            body=self.env._(
                "Refused by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            ),
            partner_ids=self._users_for_role("departing").partner_id.ids,
        )

    def _refuse_action(self):
        """Each review or approval stage is refused by its own actor only (in
        another stage: the first refusal, which the policy refuses there)."""
        self.ensure_one()
        stage = STAGE[self.state]
        if not stage.refused_to:
            stage = next(stage for stage in STAGES if stage.refused_to)
        return f"refuse_{stage.key}"

    def action_revert_transfer(self):
        self._prepare_action("revert_transfer")
        for handover in self:
            # As superuser: the revert writes back the owners of records the caller may
            # not write, and the ledger; the policy checked the caller.
            handover.sudo()._revert_transfer()
        return True

    # ------------------------------------------------------------------
    # Stage gates: what keeps the current stage from being completed
    # ------------------------------------------------------------------
    def _stage_problems(self):
        """What keeps the completing button of the current stage from passing
        its checks, each a sentence for the user; empty when it would pass.
        The buttons raise them (``_check_stage_gate``), the form shows the
        button as the primary one when there is none (``can_complete_stage``).
        Lines are counted in the database, never loaded one by one."""
        self.ensure_one()
        stage = STAGE[self.state]
        problems = getattr(self, stage.gate)() if stage.gate else []
        # The meetings or training sessions the stage seals, when required.
        for kind in stage.seals or ():
            problems += self._events_problems(kind)
        return problems

    def _check_stage_gate(self):
        """Raise what keeps the current stage of each handover from ending."""
        for handover in self:
            problems = handover._stage_problems()
            if problems:
                raise UserError("\n".join(problems))

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------
    def _generate_lines(self):
        return self.env["hr.client.handover.line"]._create_for_handover(self)

    def _create_items_from_template(self):
        return self.env["hr.client.handover.item"]._create_from_template(self)

    def _schedule_item_activities(self):
        return self.env["hr.client.handover.item"]._schedule_activities(self)

    def _close_item_activities(self):
        return self.env["hr.client.handover.item"]._close_activities(self)

    def _add_working_days(self, day, count):
        """The ``count``-th working day after ``day``, by the company's calendar."""
        calendar = self.company_id.resource_calendar_id
        if calendar:
            # Counted from the start of the next day: that day is the first one.
            start = fields.Datetime.to_datetime(day) + timedelta(days=1)
            planned = calendar.plan_days(count, start)
            if planned:
                return planned.date()
        result = day
        while count:
            result += timedelta(days=1)
            if result.weekday() < 5:
                count -= 1
        return result

    def _create_signature_requests(self, stage):
        return self.env["hr.client.handover.signature"]._create_requests(self, stage)

    def _render_summary_template(self, lang=None):
        """The template's summary in ``lang`` (the departing employee's
        language by default), with its placeholders filled in (Markup.replace
        escapes the values)."""
        self.ensure_one()
        lang = lang or self.departing_user_id.lang
        summary = self.template_id.with_context(lang=lang).summary_template
        placeholders = {
            "{employee}": self.employee_id.name,
            "{reference}": self.name,
            "{customer_count}": str(len(self.line_ids)),
            "{last_working_day}": format_date(
                self.env, self.last_working_date, lang_code=lang
            ),
        }
        for placeholder, value in placeholders.items():
            summary = summary.replace(placeholder, value or "")
        return summary

    def _draw_spot_check_sample(self):
        self.ensure_one()
        lines = self.line_ids
        if not lines or lines.filtered("spot_check_selected"):
            # Coming back from a re-visit: keep the sample, re-call problem lines.
            recall = lines.filtered(
                lambda line: line.spot_check_selected and line.check_result == "problem"
            )
            # As superuser: who checked and when are the workflow's own fields, which
            # the policy lets no user write.
            recall.sudo().write(
                {"check_result": "pending", "checked_by_id": False, "checked_on": False}
            )
            self._seal(
                "reset",
                recall,
                ("check_result", "checked_by_id", "checked_on"),
                released=("check_notes",),
            )
            return
        template = self.template_id
        rate = template.spot_check_rate if template else 20.0
        minimum = template.spot_check_min if template else 3
        size = min(len(lines), max(math.ceil(len(lines) * rate / 100.0), minimum))
        sample = lines.browse([line.id for line in random.sample(list(lines), size)])
        # As superuser: the sample is drawn by the workflow, in fields no user writes.
        sample.sudo().write({"spot_check_selected": True, "check_result": "pending"})

    def _schedule_follow_up(self):
        self.ensure_one()
        if self.supervisor_id:
            self._schedule_activity(
                STEP["follow_up"].activity,
                self.supervisor_id,
                fields.Date.context_today(self) + timedelta(days=FOLLOW_UP_DAYS),
            )

    def _file_report(self, kind):
        return self.env["hr.client.handover.document"]._file_report(self, kind)

    def _people_lang(self):
        """The language of the company's people on this handover (its
        departing employee's, else the company's): what the system writes on
        it by itself (a scheduled job, a filed document) is in that language,
        whoever or whatever runs it."""
        self.ensure_one()
        return (
            self.departing_user_id.lang
            or self.company_id.partner_id.lang
            or self.env.lang
        )

    def _report_lang(self):
        """The language a report of the handover is printed in: a document being
        filed in that of the company's people (see ``_file_report``), a print
        in the reader's."""
        return self.env.context.get("handover_filing_lang") or self.env.user.lang

    # ------------------------------------------------------------------
    # Integrity (tamper evidence)
    # ------------------------------------------------------------------
    def _stamp_values(self, user_field, date_field):
        """Who did a step and when: the current user, now."""
        return {user_field: self.env.uid, date_field: fields.Datetime.now()}

    def _stamp(self, kind, user_field, date_field, sealed=()):
        """Stamp the current user and now on the handover, as superuser (the
        caller passed the policy), and seal the stamp as ``kind`` with the
        other fields ``sealed`` the step relies on."""
        self.ensure_one()
        # The workflow's own fields, which no user writes (see the docstring).
        self.sudo().write(self._stamp_values(user_field, date_field))
        self._seal(kind, self, (user_field, date_field, *sealed))

    def _seal(self, kind, records, names, released=()):
        return self.env["hr.client.handover.seal"]._seal(
            kind, self, records, names, released
        )

    def action_verify_integrity(self):
        """Check the seals of the handover: its auditors (the supervising
        witness) and the administrators may."""
        self.ensure_one()
        self._check_can("verify_integrity")
        intact, message = self.env["hr.client.handover.seal"]._integrity_message(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Verify Integrity"),
                "message": message,
                "type": "success" if intact else "danger",
                "sticky": not intact,
            },
        }
