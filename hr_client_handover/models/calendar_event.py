from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext, is_html_empty

HANDOVER_EVENT_KINDS = [
    ("visit", "Customer visit"),
    ("meeting", "Handover meeting"),
    ("training", "Training session"),
]
# What makes an event a handover's: set by the handover, never by hand.
HANDOVER_OWN_FIELDS = frozenset(
    {"handover_id", "handover_line_id", "handover_event_kind", "handover_sealed_on"}
)
# What links a handover's event to the document it opens.
HANDOVER_LINK_FIELDS = HANDOVER_OWN_FIELDS | {"res_model", "res_model_id", "res_id"}
# What a participant may change on a customer visit by hand (while the visit
# is open): the date and the attendees follow the customer line.
VISIT_FREE_FIELDS = frozenset(
    {"description", "location", "alarm_ids", "videocall_location", "show_as"}
)
# The event's own bookkeeping, written by the calendar for whoever acts.
CALENDAR_INTERNAL_FIELDS = frozenset(
    {"attendee_ids", "follow_recurrence", "need_sync", "message_main_attachment_id"}
)


class CalendarEvent(models.Model):
    """Events of a client handover: the joint customer visits (one per planned
    visit, kept by the customer line), the handover meeting chaired by the
    direct supervisor (交接会议) and the successors' training sessions (培训),
    whose notes are their minutes. The handover's policy decides who changes
    them and until which stage; a sealed event is frozen."""

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
