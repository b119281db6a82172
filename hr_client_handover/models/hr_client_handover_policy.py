"""Who may do what, in which stage, on a client handover and its parts.

One table for every path: the buttons ask it, and so do create, write and
unlink (hence x2many commands) and the attachments of the records
(``_check_access``). An entry grants an operation to the holders of one of
its roles while the handover is in one of its stages, and, when it names
conditions, while each of them holds on the record. A field that belongs to
no group below is the workflow's own: only the buttons write it, once they
checked this table.

Roles: ``departing``, ``supervisor``, ``approver`` (division manager),
``witness`` (the supervising witness, else the supervisor), ``successor`` (of
any line), ``line_successor`` (of this line), ``responsible`` (of this
checklist item), ``countersigner`` (of this checklist item: IT, finance or
administration, 会签), ``signer`` (of this signature), ``admin`` (handover
administrator), ``proxy`` (the direct supervisor, once the administrator
allowed the departing user to leave before the end and that user is archived:
they confirm and sign in the departing employee's place, 代签). Who may
start a handover (``create``): the departing employee, a ``manager`` (above
them in the organisation chart), an ``officer`` of their department, or an
administrator; on a handover not saved yet its author is the ``starter``.
Roles that come from the user's groups (``admin``, ``officer``, ``hr``) are
read here only (``GROUP_ROLES``): nothing else in the addon asks a group.
"""

from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .hr_client_handover_stages import (
    AFTER_APPROVAL,
    AFTER_DRAFT,
    CLOSED,
    DONE,
    IN_CANCEL,
    IN_DRAFT,
    IN_MATERIALS,
    IN_VERIFICATION,
    IN_VISITS,
    OPEN,
    PLANNERS,
    SIGNING,
    STAGE,
    STAGES,
    SUMMARY,
    UNTIL_APPROVAL,
    UNTIL_MATERIALS,
    UNTIL_SUMMARY,
    UNTIL_VISITS,
)

LINE_ACTORS = ("departing", "supervisor", "line_successor")
ITEM_ACTORS = ("responsible", "departing", "supervisor", "admin")
# Who ticks a checklist item: the person who answers for it (or, once the
# departing user has left, the direct supervisor for the items that were
# theirs), and the administrator.
ITEM_TICKERS = ("responsible", "admin")
# The stages in which the departing employee may have left: every stage but
# the cancellation (a handover may be done before the last working day).
UNTIL_DONE = (*OPEN, DONE)
# Who checks the seals of a handover (Verify Integrity, the Integrity tab): the
# supervising witness, who audits the handover, and the administrator; in every
# stage, a closed handover included.
AUDITORS = ("witness", "admin")
# Operations that read and change nothing: they open no write path
# (``_policy_any_grant``, ``_check_access``).
READ_OPERATIONS = ("verify_integrity",)


def _stage_rule(stage):
    """Granted in ``stage`` to the roles of its row in the stage table: those
    who end it."""
    return (((stage.key,), stage.roles),)


def _review_rule(stage):
    """A review or an approval: granted as by ``_stage_rule``, never to whoever
    submitted what is reviewed; when that is the very person the stage's row
    names, an administrator reviews in their place."""
    return (
        ((stage.key,), stage.roles, "not_submitter"),
        ((stage.key,), ("admin",), "not_submitter", "reviewer_submitted"),
    )


# model -> {operation: ((stages, roles[, condition, ...]), ...)}
POLICY = {
    "hr.client.handover": {
        "create": ((IN_DRAFT, ("departing", "manager", "officer", "admin")),),
        # HR registering a departure (hr.departure.wizard) starts the handover
        # of any employee who leaves, a report of theirs or not.
        "start_on_departure": ((IN_DRAFT, ("hr",)),),
        "unlink": ((IN_DRAFT, ("supervisor", "admin")),),
        "write:plan": ((IN_DRAFT, (*PLANNERS, "starter")),),
        # The checklist is the template's: its type, its template and whether
        # the position is a key one are set by whoever starts the handover,
        # then changed by the supervisor or an administrator only.
        "write:template": ((IN_DRAFT, ("supervisor", "admin", "starter")),),
        "write:details": (
            (IN_DRAFT, (*PLANNERS, "starter")),
            (AFTER_DRAFT, ("supervisor", "admin")),
        ),
        "write:roles": ((IN_DRAFT, ("supervisor", "admin")), (AFTER_DRAFT, ("admin",))),
        # Who submits the summary writes it, in its stage.
        "write:summary": _stage_rule(STAGE[SUMMARY]),
        "generate_lines": ((IN_DRAFT, PLANNERS),),
        # The button that completes each stage, and the refusal of the review
        # and approval stages: pressed in that stage by the roles of its row in
        # the stage table.
        **{
            stage.action: (_review_rule if stage.refused_to else _stage_rule)(stage)
            for stage in STAGES
            if stage.action
        },
        **{
            f"refuse_{stage.key}": _stage_rule(stage)
            for stage in STAGES
            if stage.refused_to
        },
        # Once, when every customer is visited or its visit waived.
        "witness_visits": (
            (IN_VISITS, ("witness",), "visits_unwitnessed", "visits_recorded"),
        ),
        "cancel": ((OPEN, ("supervisor", "admin")),),
        # Hand Everything To… (wizard/hr_client_handover_everything.py): what
        # a user owns goes to one successor, through the transfer engine; the
        # handover ends at once, and the administrator may give it all back.
        "hand_everything": ((IN_DRAFT, ("admin",)),),
        "give_everything_back": (
            ((DONE,), ("admin",), "handed_everything", "transfer_done"),
        ),
        "revert_transfer": ((IN_CANCEL, ("supervisor", "admin"), "transfer_done"),),
        "allow_departure": (
            (OPEN, ("admin",), "departure_not_allowed", "has_supervisor"),
        ),
        # The direct supervisor confirms the departure (确认离职事实) once the
        # employee has left the company, once.
        "confirm_departure": (
            (
                UNTIL_DONE,
                ("supervisor",),
                "leaves_company",
                "departed",
                "departure_unconfirmed",
            ),
        ),
        "verify_integrity": ((OPEN + CLOSED, AUDITORS),),
        # Calendar events of the handover (models/calendar_event.py): the
        # supervisor chairs the handover meeting (交接会议) and arranges the
        # successors' training (培训); each is scheduled, changed and its minutes
        # written until the stage that needs it ends, then sealed.
        "meeting": ((UNTIL_MATERIALS, ("supervisor", "admin")),),
        "training": ((UNTIL_SUMMARY, ("supervisor", "admin")),),
    },
    "hr.client.handover.line": {
        "create": ((IN_DRAFT, PLANNERS),),
        "unlink": ((IN_DRAFT, PLANNERS),),
        "write:plan": ((IN_DRAFT, PLANNERS),),
        "write:materials": ((UNTIL_MATERIALS, LINE_ACTORS, "materials_open"),),
        "write:visit": ((UNTIL_VISITS, LINE_ACTORS, "visit_open"),),
        "write:check": ((IN_VERIFICATION, ("witness",), "call_open"),),
        "confirm_materials": (
            (IN_MATERIALS, ("line_successor",), "materials_to_confirm"),
        ),
        # The successor confirms their side of the joint visit, the departing
        # employee (or the direct supervisor in their place, 代签) the other,
        # each once, while the visit is neither waived nor its waiver asked.
        "confirm_visit": (
            (
                IN_VISITS,
                ("line_successor",),
                "visit_not_waived",
                "no_waiver_asked",
                "successor_side_open",
            ),
            (
                IN_VISITS,
                ("departing", "proxy"),
                "visit_not_waived",
                "no_waiver_asked",
                "departing_side_open",
            ),
        ),
        # Who has left asks nothing: the supervisor would grant their own
        # request. A waiver is asked before anyone confirmed a visit, decided
        # once, and a visit is sent back once something of it is recorded.
        "request_waiver": (
            (IN_VISITS, ("line_successor", "departing"), "visit_pending"),
        ),
        "approve_waiver": (
            (IN_VISITS, ("supervisor",), "not_waived", "waiver_requested"),
        ),
        "refuse_waiver": ((IN_VISITS, ("supervisor",), "waiver_undecided"),),
        "send_back_visit": ((IN_VISITS, ("supervisor",), "visit_recorded"),),
        "send_back_materials": (
            (IN_MATERIALS, ("supervisor",), "materials_confirmed"),
        ),
        # The witness records the call to a customer of the sample, once (a
        # new result after an unreachable call is a new call), and changes the
        # sample: a customer who confirmed stays in it.
        "record_check": ((IN_VERIFICATION, ("witness",), "in_sample", "call_open"),),
        # Unreachable is a new call only after another result: a call recorded
        # unreachable already is not recorded so again.
        "record_unreachable": (
            (
                IN_VERIFICATION,
                ("witness",),
                "in_sample",
                "call_open",
                "not_recorded_unreachable",
            ),
        ),
        "change_sample": ((IN_VERIFICATION, ("witness",), "call_unconfirmed"),),
    },
    "hr.client.handover.item": {
        # The departing employee adds items of their own and changes or removes
        # those only; the template's are the supervisor's or an administrator's.
        "create": ((IN_DRAFT, PLANNERS),),
        "unlink": (
            (IN_DRAFT, ("supervisor", "admin")),
            (IN_DRAFT, ("departing",), "own_item"),
        ),
        "write:content": (
            (IN_DRAFT, ("supervisor", "admin")),
            (IN_DRAFT, ("departing",), "own_item"),
        ),
        # Who answers for an item and who countersigns it come from the template
        # or the supervisor, never from the person the item is about.
        "write:people": ((IN_DRAFT, ("supervisor", "admin")),),
        # Due by the last working day: until the materials stage ends; due after
        # it (post-departure part): from the plan's approval until Done, once
        # the departing employee has left (the last working day passed, or
        # their user archived). Ticked once, by whoever answers for the item,
        # nobody else; reopened once done, until confirmed or countersigned.
        # Each row names first the part of the checklist it is about, then what
        # the item must be at: where several rows let a user in, a refusal
        # gives the reason of the row the item gets furthest in
        # (``_policy_refusal``), whatever their order.
        "mark_done": (
            (UNTIL_MATERIALS, ITEM_TICKERS, "due_by_last_day", "to_tick"),
            (
                UNTIL_MATERIALS,
                ("proxy",),
                "due_by_last_day",
                "departing_responsible",
                "to_tick",
            ),
            (AFTER_APPROVAL, ITEM_TICKERS, "post_departure", "departed", "to_tick"),
            (
                AFTER_APPROVAL,
                ("proxy",),
                "post_departure",
                "departed",
                "departing_responsible",
                "to_tick",
            ),
        ),
        "reset": (
            (UNTIL_MATERIALS, ITEM_ACTORS, "due_by_last_day", "done", "unconfirmed"),
            (AFTER_APPROVAL, ITEM_ACTORS, "post_departure", "done", "unconfirmed"),
        ),
        # Nobody confirms or countersigns what they ticked, nor an item of
        # their own handover; an item is confirmed or countersigned once done,
        # confirmed once.
        "confirm": (
            (
                UNTIL_MATERIALS,
                ("successor", "witness"),
                "due_by_last_day",
                "independent",
                "done_to_confirm",
                "not_confirmed",
            ),
        ),
        "countersign": (
            (
                AFTER_APPROVAL,
                ("countersigner",),
                "countersign_open",
                "independent",
                "done_to_countersign",
            ),
        ),
        # What a duty records before it is ticked (the talk, the review, the
        # consent, the damage): whoever ticks it, while it is not done.
        "write:record": (
            (UNTIL_MATERIALS, ITEM_TICKERS, "due_by_last_day", "not_done"),
            (AFTER_APPROVAL, ITEM_TICKERS, "post_departure", "not_done"),
        ),
    },
    # The incident register (违规处理): the supervisor or HR records an incident
    # and how it was handled while the handover is open (a closed one is
    # recorded), never one they are accountable for; an incident is never
    # deleted.
    "hr.client.handover.incident": {
        "create": ((AFTER_DRAFT, ("supervisor", "admin")),),
        "write:record": ((AFTER_DRAFT, ("supervisor", "admin"), "independent"),),
        "write:handling": ((AFTER_DRAFT, ("supervisor", "admin"), "independent"),),
    },
    # The customers the plan leaves out, each justified by the direct
    # supervisor (models/hr_client_handover_omission.py), never by the
    # departing employee, while the plan is drawn and reviewed.
    "hr.client.handover.omission": {
        "create": ((UNTIL_APPROVAL, ("supervisor",)),),
        "unlink": ((UNTIL_APPROVAL, ("supervisor",)),),
        "write:justify": ((UNTIL_APPROVAL, ("supervisor",)),),
    },
    "hr.client.handover.signature": {
        "write:sign": (
            (SIGNING, ("signer",), "signing_open"),
            (SIGNING, ("proxy",), "departing_signing_open"),
        ),
    },
}

# model -> {field group: fields}; the x2many fields of the handover only carry
# commands, each checked on its own model.
FIELD_GROUPS = {
    "hr.client.handover": {
        "plan": ("default_successor_id",),
        "template": ("handover_type", "template_id", "key_position"),
        "details": (
            "reason",
            "notice_date",
            "last_working_date",
            "return_date",
            "new_position_date",
        ),
        "roles": ("supervisor_id", "witness_id", "approver_id"),
        "summary": ("summary",),
        "parts": (
            "line_ids",
            "stage_line_ids",
            "item_ids",
            "signature_ids",
            "omission_ids",
            "incident_ids",
        ),
    },
    "hr.client.handover.line": {
        "plan": ("partner_id", "successor_id", "sequence", "planned_date"),
        "materials": (
            "customer_notes",
            "materials_paper",
            "materials_electronic",
            "materials_location",
            "materials_no_paper",
            "materials_no_electronic",
        ),
        "visit": (
            "visit_date",
            "visit_place",
            "visit_contact_id",
            "visit_contact",
            "visit_notes",
            "planned_visit_date",
        ),
        "check": ("check_notes", "check_result"),
    },
    "hr.client.handover.item": {
        "content": (
            "name",
            "sequence",
            "category",
            "location",
            "due_date",
            "due_rule",
            "countersign_department",
            "post_departure",
            "needs_receipt",
        ),
        "people": ("responsible_id", "countersigner_id"),
        "record": (
            "duty_date",
            "duty_notes",
            "data_consent",
            "data_consent_date",
            "data_action",
            "damage_found",
            "damage_accountable_id",
        ),
    },
    "hr.client.handover.signature": {"sign": ("signature",)},
    "hr.client.handover.omission": {"justify": ("partner_id", "reason")},
    "hr.client.handover.incident": {
        "record": (
            "kind",
            "description",
            "date",
            "accountable_user_id",
            "accountable_employee_id",
        ),
        "handling": ("resolution",),
    },
}
# Field groups a new record may be given (the rest comes from the buttons).
CREATE_GROUPS = {
    "hr.client.handover.line": ("plan", "materials", "visit"),
    "hr.client.handover.item": ("content", "people"),
    "hr.client.handover.omission": ("justify",),
    "hr.client.handover.incident": ("record", "handling"),
}
# Set once, when the record is created, by whoever may create it.
CREATE_ONLY_FIELDS = {
    "hr.client.handover": ("employee_id", "company_id"),
    "hr.client.handover.line": ("handover_id",),
    "hr.client.handover.item": ("handover_id",),
    "hr.client.handover.omission": ("handover_id",),
    "hr.client.handover.incident": ("handover_id",),
}

# The records of a handover, whose files and activities the policy guards
# (models/ir_attachment.py, models/mail_activity.py).
HANDOVER_MODELS = (
    "hr.client.handover",
    "hr.client.handover.line",
    "hr.client.handover.item",
    "hr.client.handover.signature",
    "hr.client.handover.transfer",
    "hr.client.handover.seal",
    "hr.client.handover.omission",
    "hr.client.handover.incident",
)
# The fields of a handover's calendar events (models/calendar_event.py): what
# makes an event a handover's (set by the handover, never by hand), what links
# it to the document it opens, what a participant may change on a customer
# visit by hand while it is open (the date and the attendees follow the
# customer line), and the calendar's own bookkeeping, written for whoever acts.
EVENT_FIELDS = {
    "own": frozenset(
        {
            "handover_id",
            "handover_line_id",
            "handover_event_kind",
            "handover_sealed_on",
            "handover_attendee_names",
        }
    ),
    "link": frozenset({"res_model", "res_model_id", "res_id"}),
    "visit_free": frozenset(
        {"description", "location", "alarm_ids", "videocall_location", "show_as"}
    ),
    "internal": frozenset(
        {"attendee_ids", "follow_recurrence", "need_sync", "message_main_attachment_id"}
    ),
}
# Roles a user holds by a group of the addon, on every handover of their
# companies.
GROUP_ROLES = {
    "admin": "hr_client_handover.group_handover_manager",
    "officer": "hr_client_handover.group_handover_officer",
    "hr": "hr.group_hr_user",
}
# The models of a handover's parts, whose commands its x2many fields carry.
PART_MODELS = (
    "hr.client.handover.line",
    "hr.client.handover.item",
    "hr.client.handover.signature",
    "hr.client.handover.omission",
    "hr.client.handover.incident",
)
# The fields of a handover the policy's answers on it read (who holds which
# role, the stage, the company, the departure that makes the supervisor a
# proxy): the computed ``can_*`` fields of the handover depend on them.
POLICY_DEPENDS = (
    "state",
    "company_id",
    "employee_id",
    "supervisor_id",
    "approver_id",
    "witness_id",
    "line_ids.successor_id",
    "departure_allowed_on",
    "departing_user_id.active",
)
# The lists of the handover's form, each editable when the policy grants the
# operation of its part's model (``_policy_can_edit_parts``): {field: (model,
# operation)}.
PART_LISTS = {
    "can_edit_lines": ("hr.client.handover.line", "create"),
    "can_edit_items": ("hr.client.handover.item", "create"),
    "can_justify_omissions": ("hr.client.handover.omission", "write:justify"),
    "can_record_incidents": ("hr.client.handover.incident", "create"),
}
# The lists of the form whose rows the current user may change, some rows at
# least, when the policy grants one of the operations to the roles they hold
# on the handover or on one of its parts (the successor of a line writes their
# own line's notes and visit); each row then tells which of its columns
# (``writable_groups``): {field: (model, operations)}.
PART_ROWS = {
    "can_write_lines": (
        "hr.client.handover.line",
        ("write:plan", "write:materials", "write:visit"),
    ),
}


class HrClientHandoverPolicy(models.AbstractModel):
    """The policy asked by the handover and its parts on every path."""

    _name = "hr.client.handover.policy"
    _description = "Client Handover Access Policy"

    # -- what each model tells the policy ----------------------------------
    def _policy_handover(self):
        """The handover each record belongs to."""
        return self.handover_id

    def _policy_record_roles(self):
        """Roles the current user holds on this very record (not only on its
        handover): successor of a line, responsible of an item, signer."""
        return set()

    def _policy_frozen_message(self, condition):
        return self.env._(
            "%(record)s is recorded and can no longer change. Nothing was changed.",
            record=self.display_name,
        )

    def _policy_handed_everything(self):
        return self.handover_type == "everything"

    # -- the checks ----------------------------------------------------------
    def _policy_roles(self):
        self.ensure_one()
        return self._policy_handover()._get_user_roles() | self._policy_record_roles()

    # -- the roles of a handover ------------------------------------------
    def _policy_part_roles(self, user=None):
        """Roles ``user`` (the current user) holds on one of this handover's
        parts: successor of a line, responsible or countersigner of an item,
        signer."""
        self.ensure_one()
        user = user or self.env.user
        roles = set()
        if self._is_line_successor(user):
            roles.add("line_successor")
        if user in self.item_ids.responsible_id:
            roles.add("responsible")
        if user in self.item_ids.countersigner_id:
            roles.add("countersigner")
        if user in self.signature_ids.user_id:
            roles.add("signer")
        return roles

    @api.model
    def _policy_start_roles(self, employees):
        """{employee id: the roles the current user holds to start the handover
        of ``employees``}: ``departing`` (their own), ``manager`` (above them in
        the organisation chart), ``officer`` (of their department or one above
        it) and the roles of the user's groups."""
        user = self.env.user
        group_roles = self._policy_group_roles(user)
        Public = self.env["hr.employee.public"]
        own = user.employee_ids
        managed = set(
            Public.search(
                [("id", "child_of", own.ids), ("id", "in", employees.ids)]
            ).ids
        )
        departments = (
            user.client_handover_department_ids
            if "officer" in group_roles
            else self.env["hr.department"]
        )
        in_departments = (
            set(
                Public.search(
                    [
                        ("department_id", "in", departments.ids),
                        ("id", "in", employees.ids),
                    ]
                ).ids
            )
            if departments
            else set()
        )
        result = {}
        for employee in employees:
            roles = set(group_roles) - {"officer"}
            if employee in own:
                roles.add("departing")
            if employee.id in managed:
                roles.add("manager")
            if employee.id in in_departments:
                roles.add("officer")
            result[employee.id] = roles
        return result

    @api.model
    def _policy_absent_successors(self, users, handover):
        """{user id: why they cannot receive customers of ``handover``} for the
        users of ``users`` who are not there to take them over: archived,
        leaving themselves (a client handover of their own open, or their
        employee archived or their departure registered), or on leave (time off
        of their employee's resource, which hr_holidays writes once validated)
        between today and the handover's last working day. The one answer to
        "who may succeed" asked by the assign dialog, the plan's gate
        (submission and approval) and the lines' warning."""
        # As superuser: who may succeed is answered from facts the caller may not read
        # (users, employees, leaves, other handovers).
        users = users.sudo().with_context(active_test=False).exists()
        if not users:
            return {}
        # (sudo: the handover's company and last working day, whoever asks.)
        handover = handover.sudo()
        reasons = {}
        for user in users.filtered(lambda user: not user.active):
            reasons[user.id] = self.env._("%(user)s is archived", user=user.name)
        # As superuser: the user's own open handovers, which the caller may not read.
        own = (
            self.env["hr.client.handover"]
            .sudo()
            .search(
                [
                    ("departing_user_id", "in", users.ids),
                    ("state", "not in", CLOSED),
                    ("id", "not in", handover.ids),
                ],
                order="id",
            )
        )
        for other in own:
            reasons.setdefault(
                other.departing_user_id.id,
                self.env._(
                    "%(user)s is leaving too (their own handover %(ref)s is open)",
                    user=other.departing_user_id.name,
                    ref=other.name,
                ),
            )
        # As superuser: employees, which only HR reads.
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("user_id", "in", users.ids),
                    (
                        "company_id",
                        "in",
                        handover.company_id.ids or self.env.company.ids,
                    ),
                ]
            )
        )
        for employee in employees:
            if not employee.active:
                reasons.setdefault(
                    employee.user_id.id,
                    self.env._(
                        "%(user)s has left (employee archived)",
                        user=employee.user_id.name,
                    ),
                )
            elif employee.departure_date:
                reasons.setdefault(
                    employee.user_id.id,
                    self.env._(
                        "%(user)s is leaving (departure registered for %(date)s)",
                        user=employee.user_id.name,
                        date=format_date(self.env, employee.departure_date),
                    ),
                )
        today = fields.Date.context_today(self)
        last_day = max(handover.last_working_date or today, today)
        present = employees.filtered("active")
        by_resource = {employee.resource_id.id: employee for employee in present}
        # As superuser: time off, which only its owner and HR read.
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "in", list(by_resource)),
                    ("time_type", "=", "leave"),
                    (
                        "date_from",
                        "<",
                        datetime.combine(last_day + timedelta(days=1), time.min),
                    ),
                    ("date_to", ">", datetime.combine(today, time.min)),
                ],
                order="date_from",
            )
            if by_resource
            else []
        )
        for leave in leaves:
            user = by_resource[leave.resource_id.id].user_id
            reasons.setdefault(
                user.id,
                self.env._(
                    "%(user)s is on leave from %(start)s to %(end)s",
                    user=user.name,
                    start=format_date(
                        self.env,
                        fields.Datetime.context_timestamp(self, leave.date_from),
                    ),
                    end=format_date(
                        self.env, fields.Datetime.context_timestamp(self, leave.date_to)
                    ),
                ),
            )
        return reasons

    def _policy_check_company_and_stage(self, stages, label):
        """The checks every action on a handover or on one of its parts starts
        with: the handover's company is among the user's current companies, and
        the handover is in one of ``stages`` (``label`` names the action)."""
        self.ensure_one()
        if self.company_id not in self.env.companies:
            raise AccessError(
                self.env._(
                    "%(ref)s belongs to %(company)s: switch to that company to "
                    "work on it.",
                    ref=self.name,
                    company=self.company_id.name,
                )
            )
        if self.state not in stages:
            raise UserError(
                self.env._(
                    "%(action)s is not possible: %(ref)s is in the stage "
                    "'%(state)s'. Nothing was changed; reload the page to see "
                    "its current stage.",
                    action=label,
                    ref=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )

    @api.model
    def _policy_group_roles(self, user=None):
        """The roles ``user`` (the current user) holds by their groups."""
        user = user or self.env.user
        return {role for role, group in GROUP_ROLES.items() if user.has_group(group)}

    @api.model
    def _policy_group_users(self, role, company):
        """The active internal users of ``company`` holding ``role`` by their
        group (GROUP_ROLES), by id."""
        # As superuser: the group's members, which the caller may not read.
        group = self.env.ref(GROUP_ROLES[role]).sudo()
        return group.all_user_ids.filtered(
            lambda user: user.active and not user.share and company in user.company_ids
        ).sorted("id")

    def _policy_entries(self, operation, roles, stage=None):
        """The entries of ``operation`` on this model that give one of
        ``roles`` in ``stage`` (in some stage, when None): the one reading of
        the table every answer below starts from."""
        return [
            entry
            for entry in POLICY[self._name].get(operation, ())
            if (stage is None or stage in entry[0]) and roles & set(entry[1])
        ]

    def _policy_grants(self, operation, roles, stage=None):
        """Whether the table grants ``operation`` to ``roles`` in ``stage`` (in
        some stage, when None), the conditions of the entry holding on this
        record; on an empty recordset, whatever the conditions."""
        return any(
            not self or self._policy_failed_condition(entry[2:]) is None
            for entry in self._policy_entries(operation, roles, stage)
        )

    def _policy_allows(self, operation, handover_roles=None):
        """Whether the current user may do ``operation`` on this record now
        (``handover_roles``: the user's roles on its handover, when known): the
        answer of ``_policy_check``, without raising, for the screens."""
        self.ensure_one()
        if self.env.su:
            return True
        handover = self._policy_handover()
        if handover.company_id not in self.env.companies:
            return False
        if handover_roles is None:
            handover_roles = handover._get_user_roles()
        roles = handover_roles | self._policy_record_roles()
        return self._policy_grants(operation, roles, handover.state)

    def _policy_any_grant(self, stage=None, operations=None):
        """Whether the current user, with any role they hold on this record's
        handover or on one of its parts, is granted one of ``operations``
        (``(model, operation)`` pairs; every operation but create, when None) in
        ``stage`` (in some stage, when None), whatever the conditions."""
        self.ensure_one()
        handover = self._policy_handover()
        roles = handover._get_user_roles() | handover._policy_part_roles()
        if operations is None:
            operations = [
                (model, operation)
                for model, model_policy in POLICY.items()
                for operation in model_policy
                if operation != "create" and operation not in READ_OPERATIONS
            ]
        return any(
            self.env[model]._policy_grants(operation, roles, stage)
            for model, operation in operations
        )

    def _policy_failed_condition(self, conditions):
        """The first of ``conditions`` that does not hold on this record, or
        None when they all hold."""
        return next(
            (name for name in conditions if not getattr(self, f"_policy_{name}")()),
            None,
        )

    def _policy_refusal(self, entries):
        """The condition that refuses ``entries`` on this record, or None when
        one of them holds: of the entries, the one the record gets furthest in
        (the first conditions of a row say which records it is about, the
        later ones what they must be at), the first on a tie."""
        furthest = None
        for entry in entries:
            conditions = entry[2:]
            failed = self._policy_failed_condition(conditions)
            if failed is None:
                return None
            if furthest is None or conditions.index(failed) > furthest[0]:
                furthest = (conditions.index(failed), failed)
        return furthest and furthest[1]

    def _policy_users_allowed(self, operation, people):
        """The users of ``people`` ({user: the roles they hold on this record's
        handover}) whom the policy lets do ``operation`` on this record now:
        the answer ``_policy_allows`` gives each of them, the companies they
        work in aside (the screens ask it about others: whose turn it is)."""
        self.ensure_one()
        stage = self._policy_handover().state
        allowed = self.env["res.users"]
        for user, roles in people.items():
            # As superuser, as that user: the policy reads for them the record and
            # its handover, which the user asking about them may not read.
            record = self.with_user(user).sudo()
            if record._policy_grants(
                operation, roles | record._policy_record_roles(), stage
            ):
                allowed |= user
        return allowed

    def _policy_granting_roles(self, operation):
        """The roles by which the current user may do ``operation`` on this
        record now: those of the rows that grant it (an action that depends on
        who acts reads them from here, as the policy let them in)."""
        self.ensure_one()
        roles = self._policy_roles()
        stage = self._policy_handover().state
        return {
            role
            for entry in self._policy_entries(operation, roles, stage)
            if self._policy_failed_condition(entry[2:]) is None
            for role in entry[1]
            if role in roles
        }

    def _policy_check(self, operation, label):
        """Raise unless the current user may do ``operation`` (``label`` names
        it in the message) on every record: UserError when the stage or the
        record's own progress does not allow it, AccessError when the user
        holds none of the roles."""
        # Who may not even see the records learns nothing more about them.
        self.check_access("read")
        entries = POLICY[self._name].get(operation, ())
        stages = {stage for entry in entries for stage in entry[0]}
        handover_roles = {}
        for record in self:
            handover = record._policy_handover()
            if handover not in handover_roles:
                handover._policy_check_company_and_stage(stages, label)
                handover_roles[handover] = handover._get_user_roles()
            roles = handover_roles[handover] | record._policy_record_roles()
            matching = record._policy_entries(operation, roles, handover.state)
            if not matching:
                in_stage = [entry for entry in entries if handover.state in entry[0]]
                # Name the roles whose condition holds on this very record (a
                # proxy signs the departing user's signature only), if any.
                holding = [
                    entry
                    for entry in in_stage
                    if record._policy_failed_condition(entry[2:]) is None
                ]
                # (The starter fills in a handover not saved yet, never this one.)
                allowed = [
                    role
                    for entry in holding or in_stage
                    for role in entry[1]
                    if role != "starter"
                ]
                raise AccessError(
                    self.env._(
                        "Only the %(roles)s of %(ref)s can do this: %(action)s.",
                        roles=handover._role_labels(dict.fromkeys(allowed)),
                        ref=handover.name,
                        action=label,
                    )
                )
            failed = record._policy_refusal(matching)
            if failed:
                raise UserError(record._policy_frozen_message(failed))

    def _policy_check_button(self, action, label):
        """A button on records of handovers: lock the handovers (two clicks
        cannot both pass), then ask the policy."""
        self._policy_handover()._lock()
        self._policy_check(action, label)

    def _policy_writable_groups(self):
        """{record: field groups the current user may write now}, for the
        readonly rules of the screens."""
        groups = [g for g in FIELD_GROUPS[self._name] if g != "parts"]
        handover_roles = {}
        result = {}
        for record in self:
            handover = record._policy_handover()
            if handover not in handover_roles:
                handover_roles[handover] = handover._get_user_roles()
            result[record] = [
                group
                for group in groups
                if record._policy_allows(f"write:{group}", handover_roles[handover])
            ]
        return result

    def _policy_can_actions(self):
        """Set the ``can_<action>`` fields of the records (computed by
        ``_compute_can_actions``): whether the current user may do each
        action on each record now; on a new part, no action."""
        names = [
            name
            for name, field in self._fields.items()
            if name.startswith("can_") and field.compute == "_compute_can_actions"
        ]
        handover_roles = {}
        for record in self:
            origin = record if record._name == "hr.client.handover" else record._origin
            if not origin:
                record.update(dict.fromkeys(names, False))
                continue
            handover = origin._policy_handover()
            if handover not in handover_roles:
                handover_roles[handover] = handover._get_user_roles()
            for name in names:
                record[name] = origin._policy_allows(
                    name[len("can_") :], handover_roles[handover]
                )

    def _policy_can_edit_parts(self):
        """Set the ``can_*`` fields of ``PART_LISTS`` on these handovers:
        whether the current user may change each list of the form now, the
        policy granting the operation of the part's model to the roles they
        hold on the handover (a handover not saved yet: the roles it gives them
        once saved), whatever the conditions of a part; and those of
        ``PART_ROWS``: whether they may change some of its rows, with the roles
        they hold on its parts too."""
        for handover in self:
            roles = handover._get_user_roles()
            in_company = handover.company_id in self.env.companies
            for name, (model, operation) in PART_LISTS.items():
                handover[name] = self.env.su or (
                    in_company
                    and self.env[model]
                    .browse()
                    ._policy_grants(operation, roles, handover.state)
                )
            part_roles = roles | handover._policy_part_roles()
            for name, (model, operations) in PART_ROWS.items():
                handover[name] = self.env.su or (
                    in_company
                    and any(
                        self.env[model]
                        .browse()
                        ._policy_grants(operation, part_roles, handover.state)
                        for operation in operations
                    )
                )

    def _policy_can_write(self, group):
        """{record: whether the current user may write the fields of ``group``
        on it now}, for the readonly of its row: the policy's
        ``write:<group>`` on a saved record; on a new one, its ``create`` too,
        the conditions read on the new record."""
        result = {}
        for record in self:
            if record._origin:
                result[record] = record._origin._policy_allows(f"write:{group}")
            elif not record._policy_handover():
                result[record] = False
            else:
                result[record] = record._policy_allows(
                    "create"
                ) and record._policy_allows(f"write:{group}")
        return result

    @api.model
    def _policy_granted_groups(self, roles, stage):
        """The field groups of this model that ``roles`` may write in
        ``stage``, whatever the conditions of the records."""
        return [
            group
            for group in FIELD_GROUPS[self._name]
            if group != "parts"
            and self.browse()._policy_grants(f"write:{group}", roles, stage)
        ]

    def _policy_field_groups(self, names):
        """{field group: field names} of ``names``; refuses the workflow's own
        fields, which no user writes."""
        group_of = {
            name: group
            for group, group_fields in FIELD_GROUPS[self._name].items()
            for name in group_fields
        }
        forbidden = sorted(name for name in names if name not in group_of)
        if forbidden:
            raise AccessError(
                self.env._(
                    "%(fields)s change through the handover buttons only, which check "
                    "who may do what at each stage. Nothing was changed.",
                    fields=self._policy_field_labels(forbidden),
                )
            )
        groups = {}
        for name in names:
            groups.setdefault(group_of[name], []).append(name)
        return groups

    def _policy_field_labels(self, names):
        return ", ".join(
            self._fields[name].get_description(self.env)["string"]
            if name in self._fields
            else name
            for name in sorted(names)
        )

    def _policy_check_write(self, names):
        """Every field of ``names`` may be written by the current user on every
        record, in its current stage."""
        if self.env.su or not names:
            return
        for group, group_names in self._policy_field_groups(names).items():
            if group == "parts":
                continue  # each command is checked by the model it creates or edits
            self._policy_check(
                f"write:{group}",
                self.env._(
                    "Changing %(fields)s", fields=self._policy_field_labels(group_names)
                ),
            )

    def _policy_check_create(self, vals_list):
        """Run after the records were created (inside the same transaction,
        which a refusal rolls back): the user may create them, and may set
        every value they gave. Buttons check the caller even under sudo; these
        paths are the user's own, skipped by the workflow writing as superuser."""
        if self.env.su:
            return
        self._policy_check(
            "create", self.env._("Adding %(what)s", what=self._description)
        )
        create_only = set(CREATE_ONLY_FIELDS.get(self._name, ()))
        by_fields = {}
        for record, vals in zip(self, vals_list, strict=True):
            names = frozenset(vals) - create_only
            by_fields.setdefault(names, []).append(record.id)
        allowed = CREATE_GROUPS.get(self._name)
        for names, ids in by_fields.items():
            groups = self._policy_field_groups(names)
            extra = set(groups) - set(allowed) if allowed is not None else set()
            if extra:
                raise AccessError(
                    self.env._(
                        "%(fields)s change through the handover buttons only, which "
                        "check who may do what at each stage. Nothing was changed.",
                        fields=self._policy_field_labels(
                            [name for group in extra for name in groups[group]]
                        ),
                    )
                )
            self.browse(ids)._policy_check_write(set(names))

    def _check_access(self, operation):
        """Changing a record of a handover (through any path: a field, an x2many
        command, an attachment) needs some right of the policy in its stage."""
        result = super()._check_access(operation)
        if result or self.env.su or operation not in ("write", "unlink"):
            return result
        # As superuser: the handovers of the records, which the policy reads whoever
        # asks.
        records = self.browse(record_id for record_id in self._ids if record_id).sudo()
        denied = records._policy_handover().filtered(
            lambda handover: not handover._policy_any_grant(handover.state)
        )
        if not denied:
            return None
        forbidden = self.browse(
            records.filtered(lambda record: record._policy_handover() in denied).ids
        )

        def error():
            # As superuser: the handover named in the refusal, which the policy reads
            # whoever asks.
            handover = forbidden[:1].sudo()._policy_handover()
            if not handover._policy_any_grant(
                operations=self._policy_changing_operations(operation)
            ):
                return AccessError(
                    self.env._(
                        "You have no part in %(ref)s that lets you change it. "
                        "Nothing was changed.",
                        ref=handover.name,
                    )
                )
            return UserError(
                self.env._(
                    "%(ref)s is in the stage '%(state)s', where you have nothing to "
                    "change on it. Nothing was changed.",
                    ref=handover.name,
                    state=handover._stage_label(),
                )
            )

        return forbidden, error

    @api.model
    def _policy_changing_operations(self, operation):
        """The ``(model, operation)`` pairs of the table that change records of
        this model through ``operation`` (write, unlink): its deletion, or the
        writes of its fields (and, on a handover, of its parts, whose commands
        its x2many fields carry)."""
        models_ = [self._name]
        if self._name == "hr.client.handover" and operation != "unlink":
            models_ += PART_MODELS
        if operation == "unlink":
            return [(model, "unlink") for model in models_ if "unlink" in POLICY[model]]
        return [
            (model, name)
            for model in models_
            for name in POLICY[model]
            if name.startswith("write:")
        ]
