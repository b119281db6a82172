from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import html2plaintext, is_html_empty

from .hr_client_handover_policy import EVENT_FIELDS

HANDOVER_EVENT_KINDS = [
    ("visit", "Customer visit"),
    ("meeting", "Handover meeting"),
    ("training", "Training session"),
]
# The field tables of the policy: see EVENT_FIELDS.
HANDOVER_OWN_FIELDS = EVENT_FIELDS["own"]
HANDOVER_LINK_FIELDS = HANDOVER_OWN_FIELDS | EVENT_FIELDS["link"]
VISIT_FREE_FIELDS = EVENT_FIELDS["visit_free"]
CALENDAR_INTERNAL_FIELDS = EVENT_FIELDS["internal"]


class CalendarEvent(models.Model):
    """Events of a client handover: the joint customer visits (one per planned
    visit, kept by the customer line), the handover meeting chaired by the
    direct supervisor (交接会议) and the successors' training sessions (培训),
    whose notes are their minutes. The handover's policy decides who changes
    them and until which stage; a sealed event is frozen.

    Who sees them: their organizer and attendees, and who may read what they
    are about (the customer line for a visit, the handover for a meeting or a
    training session). Core's privacy ("Busy" in place of the name) would
    still show that the event exists and let its name be searched: a
    handover's event is rather left out of every search and read of anyone
    else, like a record of the handover. Other events keep core's rules."""

    _inherit = "calendar.event"

    handover_id = fields.Many2one(
        "hr.client.handover",
        string="Client Handover",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )
    handover_line_id = fields.Many2one(
        "hr.client.handover.line",
        string="Handover Customer",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        copy=False,
    )
    handover_event_kind = fields.Selection(
        HANDOVER_EVENT_KINDS, string="Handover Event", readonly=True, copy=False
    )
    handover_sealed_on = fields.Datetime(
        string="Minutes Sealed On",
        readonly=True,
        copy=False,
        help="The stage of the handover that needed this event is over: its "
        "minutes and attendees are sealed and can no longer change.",
    )
    handover_attendee_names = fields.Text(
        string="Attendees as Sealed",
        readonly=True,
        copy=False,
        help="The attendees the record prints, as they were when the event was "
        "sealed.",
    )
    handover_attendance = fields.Char(
        compute="_compute_handover_attendance",
        help="The attendee records of the event (attendee and answer), as the "
        "database holds them: sealed with the event, so a change made behind "
        "the application shows when the integrity is verified.",
    )
    handover_held = fields.Boolean(
        compute="_compute_handover_held",
        string="Held",
        help="The meeting has started and its minutes are written.",
    )

    @api.depends("start", "notes")
    def _compute_handover_held(self):
        now = fields.Datetime.now()
        for event in self:
            event.handover_held = bool(
                event.start and event.start <= now and event._has_minutes()
            )

    def _compute_handover_attendance(self):
        self.env["calendar.attendee"].flush_model(["event_id", "partner_id", "state"])
        self.env.cr.execute(
            "SELECT event_id, partner_id, state FROM calendar_attendee"
            " WHERE event_id IN %s ORDER BY partner_id, id",
            [tuple(self.ids) or (0,)],
        )
        rows = {}
        for event_id, partner_id, state in self.env.cr.fetchall():
            rows.setdefault(event_id, []).append(f"{partner_id}:{state}")
        for event in self:
            event.handover_attendance = ",".join(rows.get(event.id, ()))

    def _handover_attendee_label(self):
        """The attendees as the record prints them."""
        self.ensure_one()
        if self.handover_attendee_names:
            return self.handover_attendee_names
        return ", ".join(self.attendee_ids.partner_id.mapped("name"))

    def _has_minutes(self):
        self.ensure_one()
        return not is_html_empty(self.notes) and bool(
            html2plaintext(self.notes or "").strip()
        )

    @api.model
    def _get_activity_excluded_models(self):
        # A handover's events are listed on it: no "Meeting" activity on top.
        return [
            *super()._get_activity_excluded_models(),
            "hr.client.handover",
            "hr.client.handover.line",
        ]

    # ------------------------------------------------------------------
    # Who sees the events of a handover
    # ------------------------------------------------------------------
    @api.model
    def _handover_visible_domain(self):
        """The events the current user may see: every event that is not a
        handover's, and a handover's event they organize or attend, or whose
        customer line (a visit) or handover (a meeting, a training session)
        they may read."""
        user = self.env.user
        domain = (
            Domain("handover_id", "=", False)
            | Domain("user_id", "=", user.id)
            | Domain("partner_ids", "in", user.partner_id.ids)
        )
        Line = self.env["hr.client.handover.line"].with_context(active_test=False)
        if Line.has_access("read"):
            domain |= Domain("handover_event_kind", "=", "visit") & Domain(
                "handover_line_id", "in", Line._search([])
            )
        Handover = self.env["hr.client.handover"].with_context(active_test=False)
        if Handover.has_access("read"):
            domain |= Domain("handover_event_kind", "!=", "visit") & Domain(
                "handover_id", "in", Handover._search([])
            )
        return domain

    @api.model
    def _handover_hidden_events(self):
        """Query of the handover events the current user may not see."""
        # Every event, to find those the user's own search leaves out.
        return self.sudo()._search(
            Domain("handover_id", "!=", False) & ~self._handover_visible_domain(),
            active_test=False,
        )

    @api.model
    def _search(self, domain, *args, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            domain = Domain(domain) & self._handover_visible_domain()
        return super()._search(domain, *args, **kwargs)

    def _handover_hidden(self):
        """The events of ``self`` that the current user may not see."""
        ids = [event_id for event_id in self._ids if event_id]
        if self.env.su or not ids:
            return self.browse()
        # The events asked for, whether the user sees them or not.
        hidden = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                Domain("id", "in", ids)
                & Domain("handover_id", "!=", False)
                & ~self._handover_visible_domain(),
                order="id",
            )
        )
        return self.browse(hidden.ids)

    def _check_access(self, operation):
        """Reading or changing an event of a handover by id needs what finding
        it needs: to take part in it, or to read what it is about."""
        result = super()._check_access(operation)
        if result or self.env.su:
            return result
        hidden = self._handover_hidden()
        if not hidden:
            return None
        return hidden, lambda: AccessError(
            self.env._(
                "This event belongs to a client handover in which you take no part: "
                "only its participants and who may read the handover see it."
            )
        )

    def _mail_get_operation_for_mail_message_operation(self, message_operation):
        # Core reads the privacy of each event as the user: not on the hidden
        # ones, whose messages _check_access refuses anyway.
        hidden = self._handover_hidden()
        result = super(
            CalendarEvent, self - hidden
        )._mail_get_operation_for_mail_message_operation(message_operation)
        result.update(dict.fromkeys(hidden, "read"))
        return result

    # ------------------------------------------------------------------
    # The handover's policy on its events
    # ------------------------------------------------------------------
    def _handover_action_label(self, kind=None):
        kind = kind or self.handover_event_kind
        return {
            "visit": self.env._("Change the customer visit in the calendar"),
            "meeting": self.env._("Schedule or record the handover meeting"),
            "training": self.env._("Schedule or record a training session"),
        }[kind]

    def _check_handover_event_write(self, names):
        """Who may change (or delete) events of a handover, and what."""
        if self.env.su:
            return
        # Who may not see an event learns nothing of it from the refusal.
        self.check_access("write")
        # Which handover each event is of, whatever the user reads of it.
        events = self.sudo().filtered("handover_id")
        forged = names & (HANDOVER_LINK_FIELDS if events else HANDOVER_OWN_FIELDS)
        if forged:
            raise AccessError(
                self.env._(
                    "An event keeps the handover it belongs to: %(fields)s cannot be "
                    "changed by hand. Nothing was changed.",
                    fields=", ".join(sorted(forged)),
                )
            )
        for event in events:
            handover = event.handover_id.with_env(self.env)
            if event.handover_event_kind == "visit":
                line = event.handover_line_id.with_env(self.env)
                blocked = names - VISIT_FREE_FIELDS - CALENDAR_INTERNAL_FIELDS
                if blocked:
                    # Named in the refusal: the user sees the event, and may
                    # not read its customer or handover.
                    raise UserError(
                        self.env._(
                            "The visit of %(customer)s follows its customer line: "
                            "change (or clear) its Planned Visit Date or its "
                            "successor in %(ref)s. Nothing was changed.",
                            customer=line.sudo().partner_id.display_name,
                            ref=handover.sudo().name,
                        )
                    )
                line._policy_check("write:visit", event._handover_action_label())
                continue
            handover._policy_check(
                event.handover_event_kind, event._handover_action_label()
            )
            if event.handover_sealed_on:
                # (handover.sudo(): named, as above.)
                raise UserError(
                    self.env._(
                        "%(event)s of %(ref)s was sealed when its stage ended: its "
                        "minutes can no longer change. Nothing was changed.",
                        event=event.name,
                        ref=handover.sudo().name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                handover_id = vals.get("handover_id") or self.env.context.get(
                    "default_handover_id"
                )
                if not handover_id:
                    if any(
                        vals.get(name) or self.env.context.get(f"default_{name}")
                        for name in HANDOVER_OWN_FIELDS
                    ):
                        raise AccessError(
                            self.env._(
                                "Events of a handover are scheduled from the handover. "
                                "Nothing was changed."
                            )
                        )
                    continue
                kind = vals.get("handover_event_kind") or self.env.context.get(
                    "default_handover_event_kind"
                )
                if kind not in ("meeting", "training") or vals.get(
                    "handover_line_id", self.env.context.get("default_handover_line_id")
                ):
                    raise AccessError(
                        self.env._(
                            "Customer visits are put in the calendar by their "
                            "customer line: set its Planned Visit Date. Nothing was "
                            "changed."
                        )
                    )
                handover = self.env["hr.client.handover"].browse(handover_id)
                handover._policy_check(kind, self._handover_action_label(kind))
                # The event opens its handover, whatever the form sent.
                vals.update(
                    handover_id=handover.id,
                    handover_event_kind=kind,
                    res_model="hr.client.handover",
                    res_model_id=self.env["ir.model"]._get_id("hr.client.handover"),
                    res_id=handover.id,
                )
                vals.pop("handover_sealed_on", None)
        return super().create(vals_list)

    def write(self, vals):
        self._check_handover_event_write(set(vals))
        return super().write(vals)

    def unlink(self):
        self._check_handover_event_write({"active"})
        return super().unlink()
