from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hr_client_handover_stages import STEP, UNTIL_APPROVAL, UNTIL_MATERIALS
from .hr_client_handover_template import (
    COUNTERSIGN_DEPARTMENTS,
    DUE_RULES,
    ITEM_CATEGORIES,
)

# Checklist work after the plan's approval, one activity per person and
# handover: activity type -> (who, items waiting for them).
ITEM_ACTIVITIES = {
    STEP["countersign"].activity: (
        "countersigner_id",
        lambda item: item.countersigner_id and not item.countersigned_on,
    ),
    STEP["post_departure"].activity: (
        "responsible_id",
        lambda item: item.post_departure and not item.done,
    ),
    # The duties of the direct supervisor due by the last working day (the
    # exit interview, the care talk, the equipment check).
    STEP["duty"].activity: (
        "responsible_id",
        lambda item: item.duty
        and not item.post_departure
        and not item.done
        and item.responsible_id != item.handover_id.departing_user_id,
    ),
}


class HrClientHandoverItem(models.Model):
    _name = "hr.client.handover.item"
    _description = "Client Handover Checklist Item"
    _inherit = ["hr.client.handover.policy"]
    _order = "handover_id, post_departure, category, sequence, id"

    handover_id = fields.Many2one(
        "hr.client.handover", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="handover_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True, translate=True)
    category = fields.Selection(ITEM_CATEGORIES, required=True, default="documents")
    location = fields.Char(translate=True)
    # Indexed for the record rules: the people of an item read its handover.
    # An item added without one answers to the departing employee, who hands
    # over (an item of their own is theirs to tick), until the supervisor
    # names someone else.
    responsible_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        compute="_compute_responsible_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    due_date = fields.Date()
    due_rule = fields.Selection(
        DUE_RULES,
        help="The due date follows the last working day of the handover, until it "
        "is set by hand.",
    )
    countersign_department = fields.Selection(
        COUNTERSIGN_DEPARTMENTS, string="Countersigning Department"
    )
    post_departure = fields.Boolean(
        string="After Departure",
        help="Due after the last working day (accounts revoked, insurance and "
        "housing fund transferred, expenses settled): ticked by its responsible "
        "person after the materials stage, before the handover is done.",
    )
    needs_receipt = fields.Boolean(
        string="Receiver Confirms",
        help="A successor or the supervising witness confirms receiving the item "
        "before the materials stage can end.",
    )
    countersigner_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        help="Countersigns the item once it is done (会签): by default the manager "
        "of the department set in the settings.",
    )
    countersigned_on = fields.Datetime(readonly=True, copy=False)
    # The template's item this one comes from: changed or removed by the
    # supervisor or an administrator only; empty on an item added by hand.
    template_item_id = fields.Many2one(
        "hr.client.handover.template.item",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
    )
    done = fields.Boolean(readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    done_on = fields.Datetime(readonly=True, copy=False)
    done_note = fields.Char(
        readonly=True,
        copy=False,
        help="How the item was done when the system did it (the accounts "
        "revoked the day after the last working day).",
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_on = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue")
    # Whether the departing employee added the item (theirs to change or
    # remove), for the columns of its row.
    is_own_item = fields.Boolean(
        string="Added by the Departing Employee", compute="_compute_is_own_item"
    )
    # What the current user may do on the item now: the policy's answer, for
    # the buttons of its row (each button asks the policy again when pressed).
    can_mark_done = fields.Boolean(compute="_compute_can_actions")
    can_reset = fields.Boolean(compute="_compute_can_actions")
    can_confirm = fields.Boolean(compute="_compute_can_actions")
    can_countersign = fields.Boolean(compute="_compute_can_actions")
    # Whether the current user may change the item's content (description,
    # dates, …) and who answers for it and countersigns it, now: the policy's
    # answer, for the readonly of its row.
    can_edit = fields.Boolean(compute="_compute_can_edit")
    can_assign = fields.Boolean(compute="_compute_can_edit")

    @api.depends("due_date", "done")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for item in self:
            item.is_overdue = bool(
                not item.done and item.due_date and item.due_date < today
            )

    @api.depends("handover_id")
    def _compute_responsible_id(self):
        for item in self:
            if not item.responsible_id:
                item.responsible_id = item.handover_id.departing_user_id

    @api.depends("template_item_id", "create_uid", "handover_id.departing_user_id")
    def _compute_is_own_item(self):
        for item in self:
            item.is_own_item = item._policy_own_item()

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(
        "handover_id.state",
        "handover_id.line_ids.successor_id",
        "handover_id.witness_id",
        "handover_id.supervisor_id",
        "handover_id.signs_on_behalf",
        "handover_id.last_working_date",
        "handover_id.departing_user_id.active",
        "responsible_id",
        "done",
        "done_by_id",
        "confirmed_on",
        "post_departure",
        "countersigner_id",
        "countersigned_on",
    )
    def _compute_can_actions(self):
        self._policy_can_actions()

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends(
        "handover_id.state",
        "handover_id.company_id",
        "handover_id.employee_id",
        "handover_id.supervisor_id",
        "template_item_id",
        "create_uid",
    )
    def _compute_can_edit(self):
        content = self._policy_can_write("content")
        people = self._policy_can_write("people")
        for item in self:
            item.can_edit = content[item]
            item.can_assign = people[item]

    # ------------------------------------------------------------------
    # Access policy (models/hr_client_handover_policy.py)
    # ------------------------------------------------------------------
    def _policy_record_roles(self):
        roles = set()
        if self.responsible_id == self.env.user:
            roles.add("responsible")
        if self.countersigner_id == self.env.user:
            roles.add("countersigner")
        return roles

    def _policy_unconfirmed(self):
        return not self.confirmed_on and not self.countersigned_on

    def _policy_due_by_last_day(self):
        return not self.post_departure

    def _policy_to_tick(self):
        return not self.done

    def _policy_done(self):
        return self.done

    def _policy_done_to_confirm(self):
        return self.done

    def _policy_done_to_countersign(self):
        return self.done

    def _policy_not_confirmed(self):
        return not self.confirmed_on

    def _policy_countersign_open(self):
        return bool(self.countersigner_id and not self.countersigned_on)

    def _policy_post_departure(self):
        return self.post_departure

    def _policy_own_item(self):
        """Added by hand to the checklist by the departing employee: neither
        given by the template nor added by the supervisor or an administrator."""
        return not self.template_item_id and (
            not self._origin.id or self.create_uid == self.handover_id.departing_user_id
        )

    def _policy_departed(self):
        """The departing employee has left: an item due after the departure
        is ticked from then on."""
        return self.handover_id._departure_happened()

    def _policy_departing_responsible(self):
        """The item was the departing user's to tick (the direct supervisor
        ticks it in their place once they have left)."""
        return self.responsible_id == self.handover_id.departing_user_id

    def _policy_independent(self):
        """Who confirms or countersigns an item neither ticked it nor is the
        person it is about (segregation of duties)."""
        user = self.env.user
        return user not in (self.done_by_id, self.handover_id.departing_user_id)

    def _policy_frozen_message(self, condition):
        if condition == "to_tick":
            return self.env._(
                "'%(item)s' is already done. Nothing was changed.",
                item=self.name,
            )
        if condition == "done":
            return self.env._(
                "'%(item)s' is not marked done: there is nothing to reopen. "
                "Nothing was changed.",
                item=self.name,
            )
        if condition == "done_to_confirm":
            return self.env._(
                "'%(item)s' is not marked done yet: it cannot be confirmed.",
                item=self.name,
            )
        if condition == "done_to_countersign":
            return self.env._(
                "'%(item)s' is not marked done yet: it cannot be countersigned. "
                "Nothing was changed.",
                item=self.name,
            )
        if condition == "not_confirmed":
            return self.env._(
                "'%(item)s' is already confirmed. Nothing was changed.",
                item=self.name,
            )
        if condition == "own_item" and not self.template_item_id:
            return self.env._(
                "'%(item)s' was added by %(user)s: only the direct supervisor or "
                "an administrator changes or removes it. Add an item of your own "
                "for anything else. Nothing was changed.",
                item=self.name,
                user=self.create_uid.name or "-",
            )
        if condition == "own_item":
            return self.env._(
                "'%(item)s' comes from the template %(template)s: only the direct "
                "supervisor or an administrator changes or removes it. Add an "
                "item of your own for anything else. Nothing was changed.",
                item=self.name,
                template=self.handover_id.template_id.display_name or "-",
            )
        if condition == "departing_responsible":
            return self.env._(
                "'%(item)s' is for %(user)s to tick: only they, or an "
                "administrator, mark it done. Nothing was changed.",
                item=self.name,
                user=self.responsible_id.name or "-",
            )
        if condition == "independent":
            if self.env.user == self.handover_id.departing_user_id:
                return self.env._(
                    "'%(item)s' is part of your own handover: someone else confirms "
                    "or countersigns it. Nothing was changed.",
                    item=self.name,
                )
            return self.env._(
                "You marked '%(item)s' done: another person must confirm or "
                "countersign it. Nothing was changed.",
                item=self.name,
            )
        stage = self.handover_id.state
        if self.post_departure and stage in UNTIL_APPROVAL:
            return self.env._(
                "'%(item)s' is due after the last working day: it is ticked once "
                "the plan is approved. Nothing was changed.",
                item=self.name,
            )
        if (
            self.post_departure
            and condition in ("departed", "due_by_last_day")
            and not self._policy_departed()
        ):
            return self.env._(
                "'%(item)s' is due after the departure: it is ticked once "
                "%(user)s has left (after the last working day, %(day)s). "
                "Nothing was changed.",
                item=self.name,
                user=self.handover_id.employee_id.name,
                day=self.handover_id.last_working_date or "-",
            )
        if not self.post_departure and stage not in UNTIL_MATERIALS:
            return self.env._(
                "'%(item)s' was due by the last working day: that part of the "
                "checklist closed with the materials stage. Nothing was changed.",
                item=self.name,
            )
        if condition == "countersign_open":
            return self.env._(
                "'%(item)s' is already countersigned, or needs no countersign. "
                "Nothing was changed.",
                item=self.name,
            )
        return self.env._(
            "'%(item)s' was confirmed on receipt or countersigned: it can no "
            "longer be reset. Nothing was changed.",
            item=self.name,
        )

    @api.constrains("countersigner_id", "responsible_id", "handover_id")
    def _check_countersigner(self):
        """The countersign is a second pair of eyes: neither the person the item
        is about nor the person who answers for it."""
        for item in self.filtered("countersigner_id"):
            countersigner = item.countersigner_id
            if countersigner == item.handover_id.departing_user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is the departing employee of %(ref)s and cannot "
                        "countersign '%(item)s'. Choose the manager of the "
                        "countersigning department, or another user.",
                        user=countersigner.name,
                        ref=item.handover_id.name,
                        item=item.name,
                    )
                )
            if countersigner == item.responsible_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is responsible for '%(item)s' and cannot also "
                        "countersign it. Choose another countersigner, or another "
                        "responsible person.",
                        user=countersigner.name,
                        item=item.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._policy_check_create(vals_list)
        return items

    def write(self, vals):
        self._policy_check_write(set(vals))
        if "due_date" in vals and "due_rule" not in vals:
            # A date set by hand no longer follows the last working day.
            vals = dict(vals, due_rule=False)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if not self.env.su:
            self._policy_check("unlink", self.env._("Remove the checklist item"))

    def _seal_items(self, names):
        for handover, items in self.grouped("handover_id").items():
            handover._seal("item", items, names)

    def action_mark_done(self):
        self._policy_check_button("mark_done", self.env._("Mark the item done"))
        # As superuser: who ticked the item and when are the workflow's own fields,
        # which no user writes; the policy checked the caller.
        self.sudo().write(
            {"done": True, "done_by_id": self.env.uid, "done_on": fields.Datetime.now()}
        )
        self._seal_items(("done", "done_by_id", "done_on"))
        self._close_activities(self.handover_id)
        return True

    def action_confirm(self):
        """The successor or the witness confirms receiving the item."""
        self._policy_check_button("confirm", self.env._("Confirm the item"))
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write(
            {"confirmed_by_id": self.env.uid, "confirmed_on": fields.Datetime.now()}
        )
        self._seal_items(("confirmed_by_id", "confirmed_on"))
        return True

    def action_countersign(self):
        """The countersigner (IT, finance, administration) countersigns a done
        item (会签)."""
        self._policy_check_button("countersign", self.env._("Countersign the item"))
        # As superuser: the workflow's own field, which no user writes; the policy
        # checked the caller.
        self.sudo().write({"countersigned_on": fields.Datetime.now()})
        # Sealed; the chatter lists it in the stage's digest.
        self._seal_items(("countersigner_id", "countersigned_on"))
        self._close_activities(self.handover_id)
        return True

    def action_reset(self):
        self._policy_check_button("reset", self.env._("Reset the item"))
        # As superuser: the workflow's own fields, which no user writes; the policy
        # checked the caller.
        self.sudo().write(
            {
                "done": False,
                "done_by_id": False,
                "done_on": False,
                "confirmed_by_id": False,
                "confirmed_on": False,
            }
        )
        self._seal_items(("done", "done_by_id", "done_on"))
        return True

    # ------------------------------------------------------------------
    # The checklist of a handover
    # ------------------------------------------------------------------
    @api.model
    def _create_from_template(self, handover):
        """The checklist of ``handover``, from its template's items."""
        handover.ensure_one()
        last_day = handover.last_working_date
        after = last_day and handover._add_working_days(last_day, 1)
        values = []
        for tmpl in handover.template_id.item_template_ids:
            responsible, countersigner = self._item_people(handover, tmpl)
            values.append(
                {
                    "handover_id": handover.id,
                    "template_item_id": tmpl.id,
                    "sequence": tmpl.sequence,
                    "name": tmpl.name,
                    "category": tmpl.category,
                    "location": tmpl.location,
                    "countersign_department": tmpl.countersign_department,
                    "countersigner_id": countersigner.id,
                    "due_rule": tmpl.due_rule,
                    "post_departure": tmpl.due_rule == "after_last_day",
                    "needs_receipt": tmpl.needs_receipt,
                    "responsible_id": responsible.id,
                    "due_date": after
                    if tmpl.due_rule == "after_last_day"
                    else last_day,
                }
            )
        # As superuser: the checklist comes from the template, whoever starts the
        # handover (its fields are not the starter's to write).
        items = self.sudo().create(values)
        items._copy_template_translations(handover.template_id.item_template_ids)
        return items

    def _copy_template_translations(self, item_templates):
        """Every installed language's wording of ``item_templates`` (one per
        item, in order) on the items: the checklist reads in the language of
        whoever reads or files it, not of whoever created the handover."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for fname in ("name", "location"):
            wording = {
                code: item_templates.with_context(lang=code).mapped(fname)
                for code in langs
            }
            for index, item in enumerate(self):
                translations = {
                    code: values[index]
                    for code, values in wording.items()
                    if values[index]
                }
                if translations:
                    # As superuser: the template's wording in every language, which no
                    # user writes on the item.
                    item.sudo().update_field_translations(fname, translations)

    @api.model
    def _item_people(self, handover, item_template):
        """(responsible, countersigner) of the item of ``handover`` made from
        ``item_template``.

        Nobody countersigns what they answer for, nor an item of their own
        handover: the departing employee's countersign goes to their
        supervisor, and an item the countersigning department acts on (IT
        revokes the accounts) is ticked by the supervisor once it is done,
        then countersigned by that department."""
        handover.ensure_one()
        departing, supervisor = handover.departing_user_id, handover.supervisor_id
        countersigner = self._default_countersigner(handover, item_template)
        if countersigner and countersigner == departing:
            countersigner = supervisor
        responsible = departing
        if item_template.responsible in ("supervisor", "countersigner"):
            responsible = supervisor
        if countersigner and countersigner == responsible:
            responsible = departing if responsible != departing else supervisor
        return responsible, countersigner

    @api.model
    def _default_countersigner(self, handover, item_template):
        """The template's countersigner, else the company's countersigner of
        the item's countersigning department (HR in place of a department not
        set, see ``res.company._handover_countersigner``)."""
        handover.ensure_one()
        if not item_template.countersign_department:
            return self.env["res.users"]
        if item_template.countersigner_id:
            return item_template.countersigner_id
        return handover.company_id._handover_countersigner(
            item_template.countersign_department
        )

    def _countersigner_department_name(self):
        """The department of the countersigner in the handover's company, as
        printed on the filed summary; else the item's countersigning
        department."""
        self.ensure_one()
        # As superuser: the countersigner's employee record, which only HR reads.
        employee = self.sudo().countersigner_id.employee_ids.filtered(
            lambda employee: employee.company_id == self.company_id
        )[:1]
        if employee.department_id:
            return employee.department_id.display_name
        return dict(
            self._fields["countersign_department"]._description_selection(self.env)
        ).get(self.countersign_department, "")

    @api.model
    def _schedule_activities(self, handovers):
        """Each person with checklist items of ``handovers`` waiting for them
        (ITEM_ACTIVITIES) gets one activity per handover, due with their
        earliest item."""
        for handover in handovers:
            today = fields.Date.context_today(handover)
            for xmlid, (user_field, waiting) in ITEM_ACTIVITIES.items():
                activity_type = self.env.ref(xmlid)
                items = handover.item_ids.filtered(waiting)
                for user, mine in items.grouped(user_field).items():
                    if not user or handover.activity_ids.filtered(
                        lambda act, user=user, kind=activity_type: act.user_id == user
                        and act.activity_type_id == kind
                    ):
                        continue
                    dates = [d for d in mine.mapped("due_date") if d] or [
                        handover._activity_deadline(handover.state)
                    ]
                    handover._schedule_activity(xmlid, user, max(min(dates), today))

    @api.model
    def _close_activities(self, handovers):
        """Mark done the item activities of the people nothing waits for."""
        for handover in handovers:
            for xmlid, (user_field, waiting) in ITEM_ACTIVITIES.items():
                kind = self.env.ref(xmlid)
                busy = handover.item_ids.filtered(waiting)[user_field]
                # As superuser: the activities of other people, which the caller may not
                # read.
                handover.sudo().activity_ids.filtered(
                    lambda act, kind=kind, busy=busy: (
                        act.activity_type_id == kind and act.user_id not in busy
                    )
                ).action_feedback()
