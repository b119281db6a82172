from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from .hr_client_handover_stages import CLOSED

# What an attendee answers for themself: their own invitation.
OWN_ANSWER_FIELDS = frozenset({"state"})


class CalendarAttendee(models.Model):
    """The attendees of a handover's event are part of its record: the meeting
    report prints them. They are seen by who sees the event, and change as the
    event does:

    - a sealed event (its stage is over) keeps its attendees and their answers,
      whoever asks, the superuser included (an invitation answered from the
      e-mail link runs as superuser): the record is what was sealed; so does
      every event of a done or cancelled handover (its visits included);
    - until then, who may change the event (the supervisor or the handover
      administrator for a meeting or a training session, in their stages) may
      invite, remove and record the answer of anyone; the attendees of a
      customer visit follow its customer line, never a hand;
    - any attendee may answer their own invitation (accept, decline, maybe)
      while the event is open: an auditor expects the answer to be the
      attendee's, and it is theirs to give; nobody answers for someone else.
    """

    _inherit = "calendar.attendee"

    @api.model
    def _search(self, domain, *args, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            hidden = self.env["calendar.event"]._handover_hidden_events()
            domain = Domain(domain) & Domain("event_id", "not in", hidden)
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        """An attendee of an event one may not see is not seen either."""
        result = super()._check_access(operation)
        if result or self.env.su or not any(self._ids):
            return result
        attendees = self.browse(record_id for record_id in self._ids if record_id)
        # The events of the attendees, then asked as the user whether seen.
        events = attendees.sudo().event_id.filtered("handover_id")
        hidden = events.with_env(self.env)._check_access("read")
        if not hidden:
            return None
        # (sudo: which event each attendee is of, as above.)
        forbidden = attendees.sudo().filtered(lambda att: att.event_id in hidden[0])
        return self.browse(forbidden.ids), hidden[1]

    def _check_handover_attendees(self, events, names=None):
        """Refuse changing the attendees of ``events`` (``names``: the fields
        written; none when attendees are added or removed), see the class."""
        # Which handover each event is of, whatever the user reads of it.
        events = events.sudo().filtered("handover_id")
        if not events:
            return
        if not self.env.su:
            # Who may not see the event learns nothing of it from the refusal.
            events.with_env(self.env).check_access("read")
        for event in events:
            # A done or cancelled handover is closed too (its visits are never
            # sealed); the workflow still drops a cancelled handover's events.
            closed = not self.env.su and event.handover_id.state in CLOSED
            if event.handover_sealed_on or closed:
                raise UserError(
                    self.env._(
                        "The stage of %(ref)s that needed %(event)s is over: its "
                        "attendees and their answers are sealed and can no longer "
                        "change. Nothing was changed.",
                        event=event.name,
                        ref=event.handover_id.name,
                    )
                )
        if self.env.su:
            return
        own = self.env.user.partner_id
        if (
            names is not None
            and names <= OWN_ANSWER_FIELDS
            and self
            # (sudo: whose invitation it is, before deciding the user may.)
            and self.sudo().partner_id == own
        ):
            return
        for event in events:
            handover = event.handover_id
            if event.handover_event_kind == "visit":
                raise AccessError(
                    self.env._(
                        "The attendees of the visit of %(customer)s follow its "
                        "customer line in %(ref)s: change its successor there; each "
                        "attendee answers their own invitation. Nothing was changed.",
                        customer=event.handover_line_id.partner_id.display_name,
                        ref=handover.name,
                    )
                )
            handover.with_env(self.env)._policy_check(
                event.handover_event_kind, event._handover_action_label()
            )

    @api.model_create_multi
    def create(self, vals_list):
        event_ids = {vals["event_id"] for vals in vals_list if vals.get("event_id")}
        self._check_handover_attendees(self.env["calendar.event"].browse(event_ids))
        return super().create(vals_list)

    def write(self, vals):
        # (sudo here and below: the events of the attendees, whatever the user
        # reads of them; the check itself asks the policy as the user.)
        events = self.sudo().event_id
        if "event_id" in vals:
            events |= events.browse(vals["event_id"])
        self._check_handover_attendees(events, set(vals))
        return super().write(vals)

    def unlink(self):
        # The event read as superuser: the check that follows is the user's.
        self._check_handover_attendees(self.sudo().event_id)
        return super().unlink()

    # The answers post in the event's chatter first: check before anything.
    def do_tentative(self):
        # The event read as superuser: the check that follows is the user's.
        self._check_handover_attendees(self.sudo().event_id, {"state"})
        return super().do_tentative()

    def do_accept(self):
        # The event read as superuser: the check that follows is the user's.
        self._check_handover_attendees(self.sudo().event_id, {"state"})
        return super().do_accept()

    def do_decline(self):
        # The event read as superuser: the check that follows is the user's.
        self._check_handover_attendees(self.sudo().event_id, {"state"})
        return super().do_decline()
