"""The handover in Odoo Calendar: each planned customer visit is an event of
its successor, the departing employee and the customer's contact, kept by the
customer line; the handover meeting (交接会议, chaired by the direct
supervisor) and the successors' training sessions (培训) are events of the
handover whose notes are their minutes, required per template before the
stage that needs them can end, and sealed when it does."""

from datetime import datetime, time

from odoo import Command, api, fields, models

from .hr_client_handover_stages import CANCEL

# Events are put in the calendar without mailing anyone (the customer above
# all): the successor sends the invitation from the event if they want to.
QUIET = {
    "no_mail_to_attendees": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
# The line fields an event of a visit follows.
VISIT_EVENT_FIELDS = frozenset(
    {"planned_visit_date", "successor_id", "partner_id", "visit_waived"}
)
# What a held meeting or training session records, sealed when its stage ends:
# its attendees by value too (the names printed, the attendee records).
EVENT_SEALED = (
    "name",
    "start",
    "stop",
    "partner_ids",
    "user_id",
    "notes",
    "handover_attendee_names",
    "handover_attendance",
)
# Event kind -> template requirement field. The stage whose end needs the
# event, and seals it, names its kind in ``seals`` (hr_client_handover_stages.py).
EVENT_GATES = {
    "meeting": "require_meeting",
    "training": "require_training",
}


class HrClientHandoverCalendarMixin(models.AbstractModel):
    """The meetings and training sessions of a handover (inherited by
    hr.client.handover)."""

    _name = "hr.client.handover.calendar.mixin"
    _description = "Client Handover Calendar"

    # Copied from the template when it is chosen: a later change of the
    # template does not change running handovers.
    require_meeting = fields.Boolean(
        compute="_compute_event_requirements",
        store=True,
        readonly=True,
        string="Meeting Required",
    )
    require_training = fields.Boolean(
        compute="_compute_event_requirements",
        store=True,
        readonly=True,
        string="Training Required",
    )
    calendar_event_ids = fields.One2many(
        "calendar.event",
        "handover_id",
        string="Meetings and Training",
        domain=[("handover_event_kind", "in", ("meeting", "training"))],
        readonly=True,
        copy=False,
    )
    meeting_held = fields.Boolean(compute="_compute_meeting_held")
    training_held = fields.Boolean(compute="_compute_meeting_held")

    @api.depends("template_id")
    def _compute_event_requirements(self):
        for handover in self:
            template = handover.template_id
            handover.require_meeting = template.require_meeting
            handover.require_training = template.require_training

    @api.depends("calendar_event_ids.start", "calendar_event_ids.notes")
    def _compute_meeting_held(self):
        for handover in self:
            # As superuser: the events of the handover count whether or not the reader
            # is invited to them.
            held = handover.sudo().calendar_event_ids.filtered("handover_held")
            kinds = set(held.mapped("handover_event_kind"))
            handover.meeting_held = "meeting" in kinds
            handover.training_held = "training" in kinds

    # ------------------------------------------------------------------
    # Buttons: schedule a meeting or a training session
    # ------------------------------------------------------------------
    def action_schedule_meeting(self):
        return self._action_schedule_event("meeting")

    def action_schedule_training(self):
        return self._action_schedule_event("training")

    def _action_schedule_event(self, kind):
        """The calendar's event form, filled in with the handover's people:
        the supervisor chairs, the departing employee, the successors and the
        witness attend."""
        self.ensure_one()
        label = self.env["calendar.event"]._handover_action_label(kind)
        self._policy_check(kind, label)
        # As superuser: the event invites people and is written in calendars the caller
        # may not write; the policy checked the caller above.
        handover = self.sudo()
        departing = handover.departing_user_id
        people = (
            handover.supervisor_id
            | (departing if departing.active else departing.browse())
            | handover.line_ids.successor_id
            | handover._users_for_role("witness")
        )
        values = {"ref": handover.name, "employee": handover.employee_id.name}
        if kind == "meeting":
            name = self.env._("Handover meeting %(ref)s: %(employee)s", **values)
        else:
            name = self.env._("Training %(ref)s: %(employee)s's customers", **values)
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": "calendar.event",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_handover_id": self.id,
                "default_handover_event_kind": kind,
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_name": name,
                "default_user_id": (handover.supervisor_id or self.env.user).id,
                "default_partner_ids": people.partner_id.ids,
                "default_duration": 1.0,
            },
        }

    # ------------------------------------------------------------------
    # Gates, seals, cancellation
    # ------------------------------------------------------------------
    def _events_problems(self, kind):
        """The template asks for a held meeting (or training) with minutes:
        what is missing, as sentences for the stage's gate."""
        self.ensure_one()
        if not self[EVENT_GATES[kind]]:
            return []
        # As superuser: the gate counts every event of the handover, whether or not the
        # user is invited.
        events = self.sudo().calendar_event_ids.filtered(
            lambda event: event.handover_event_kind == kind
        )
        if events.filtered("handover_held"):
            return []
        if kind == "meeting":
            return [
                self.env._(
                    "The handover meeting of %(ref)s, chaired by the direct "
                    "supervisor, has not been held yet: schedule it with Schedule "
                    "Meeting and, once it took place, write its minutes in the "
                    "event's notes.",
                    ref=self.name,
                )
            ]
        return [
            self.env._(
                "No training session of the successors of %(ref)s has been held "
                "yet: schedule one with Schedule Training and, once it took "
                "place, write its minutes in the event's notes.",
                ref=self.name,
            )
        ]

    def _seal_events(self, kind):
        """The stage that needed these events is over: their minutes freeze."""
        now = fields.Datetime.now()
        for handover in self:
            # As superuser: the events are sealed by the workflow, in fields no user
            # writes.
            events = handover.sudo().calendar_event_ids.filtered(
                lambda event: event.handover_event_kind == kind
                and not event.handover_sealed_on
            )
            if not events:
                continue
            for event in events.with_context(**QUIET):
                event.write(
                    {
                        "handover_sealed_on": now,
                        "handover_attendee_names": event._handover_attendee_label(),
                    }
                )
            handover._seal("meeting", events, (*EVENT_SEALED, "handover_sealed_on"))

    def _drop_pending_events(self):
        """A cancelled handover leaves no visit, meeting or training ahead in
        anyone's calendar; what was held stays on record."""
        now = fields.Datetime.now()
        # As superuser: the workflow clears every attendee's calendar, which the caller
        # may not write.
        events = (
            self.env["calendar.event"]
            .sudo()
            .search([("handover_id", "in", self.ids)])
            .filtered(
                lambda event: not event.handover_sealed_on
                and (
                    event.handover_event_kind == "visit"
                    and event.handover_line_id.visit_state not in ("done", "waived")
                    or event.handover_event_kind != "visit"
                    and event.start > now
                )
            )
        )
        events.with_context(**QUIET).unlink()
        self.line_ids.invalidate_recordset(["visit_event_id"])


class HrClientHandoverLineCalendarMixin(models.AbstractModel):
    """The visit of a customer line in the calendar (inherited by
    hr.client.handover.line)."""

    _name = "hr.client.handover.line.calendar.mixin"
    _description = "Client Handover Line Calendar"

    visit_event_id = fields.Many2one(
        "calendar.event",
        string="Visit in the Calendar",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered("planned_visit_date")._sync_visit_event()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if VISIT_EVENT_FIELDS & set(vals):
            self._sync_visit_event()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_visit_event(self):
        # As superuser: the line's visit event leaves the attendees' calendars with it.
        self.sudo().visit_event_id.with_context(**QUIET).unlink()

    def _visit_contact_partner(self):
        """Whom the successor meets: the customer's first contact person, else
        the customer itself."""
        self.ensure_one()
        customer = self.partner_id
        contacts = customer.child_ids.filtered(
            lambda partner: partner.type == "contact" and not partner.is_company
        )
        return contacts.sorted("id")[:1] or customer

    def _visit_event_values(self):
        self.ensure_one()
        handover = self.handover_id
        departing = handover.departing_user_id
        organizer = self.successor_id or departing
        partners = (
            self.successor_id.partner_id
            | departing.partner_id
            | self._visit_contact_partner()
        )
        day = self.planned_visit_date
        in_lang = self.with_context(lang=organizer.lang or self.env.lang)
        return {
            "name": in_lang.env._(
                "Customer visit: %(customer)s (%(ref)s)",
                customer=self.partner_id.display_name,
                ref=handover.name,
            ),
            "description": in_lang.env._(
                "Joint visit of %(customer)s by %(successor)s (successor) and "
                "%(departing)s (departing employee), handover %(ref)s.",
                customer=self.partner_id.display_name,
                successor=self.successor_id.name or "-",
                departing=departing.name or "-",
                ref=handover.name,
            ),
            "allday": True,
            "start": datetime.combine(day, time(8)),
            "stop": datetime.combine(day, time(18)),
            "start_date": day,
            "stop_date": day,
            "user_id": organizer.id,
            "partner_ids": [Command.set(partners.ids)],
            "handover_id": handover.id,
            "handover_line_id": self.id,
            "handover_event_kind": "visit",
            "res_model": handover._name,
            "res_model_id": self.env["ir.model"]._get_id(handover._name),
            "res_id": handover.id,
        }

    def _sync_visit_event(self):
        """The visit's event follows the line: created when the date is set,
        moved with it, its attendees with the successor, deleted when the date
        is cleared, the visit waived or the handover cancelled. Quietly: the
        line's own change went through the policy already."""
        # As superuser: the event lives in the visitors' calendars, which the caller may
        # not write (see the docstring).
        Event = self.env["calendar.event"].sudo().with_context(**QUIET)
        # (sudo: the line's event link is the workflow's own field, which no user
        # writes.)
        for line in self.sudo():
            event = line.visit_event_id.with_context(**QUIET)
            wanted = (
                line.planned_visit_date
                and not line.visit_waived
                and line.handover_id.state != CANCEL
            )
            if not wanted:
                if event:
                    line.visit_event_id = False
                    event.unlink()
                continue
            values = line._visit_event_values()
            if not event:
                line.visit_event_id = Event.create(values)
                continue
            current = {
                "start_date": event.start_date,
                "user_id": event.user_id.id,
                "partner_ids": set(event.partner_ids.ids),
                "name": event.name,
            }
            wanted_values = {
                "start_date": values["start_date"],
                "user_id": values["user_id"],
                "partner_ids": set(values["partner_ids"][0][2]),
                "name": values["name"],
            }
            if current != wanted_values:
                event.write(
                    {
                        key: value
                        for key, value in values.items()
                        if key not in ("description",)
                    }
                )
