from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverCalendar(HandoverCase):
    """Visits, the handover meeting and training sessions in Odoo Calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meeting_template = cls.env["hr.client.handover.template"].create(
            {
                "name": "Resignation with meeting and training",
                "handover_type": "resignation",
                "require_meeting": True,
                "require_training": True,
                "spot_check_min": 1,
            }
        )

    def line_of(self, handover, customer):
        return handover.line_ids.filtered(lambda line: line.partner_id == customer)

    def plan_visit(self, line, day, user=None):
        line.with_user(user or self.departing).write({"planned_visit_date": day})
        return line.visit_event_id

    def invitations_to(self, partner):
        """Messages the calendar addressed to ``partner`` (invitations, changes)."""
        return self.env["mail.message"].search(
            [("model", "=", "calendar.event"), ("partner_ids", "in", partner.ids)]
        )

    # ------------------------------------------------------------------
    # Visits
    # ------------------------------------------------------------------
    def test_visit_event_follows_the_line(self):
        handover = self.draft_handover()
        line = self.line_of(handover, self.alpha)
        self.assertFalse(line.visit_event_id, "no date, no event")
        day = self.today + timedelta(days=5)
        event = self.plan_visit(line, day)

        self.assertTrue(event, "setting the planned visit date creates the event")
        self.assertTrue(event.allday)
        self.assertEqual(event.start_date, day)
        self.assertEqual(event.handover_event_kind, "visit")
        self.assertEqual(event.handover_line_id, line)
        # The event opens its handover.
        self.assertEqual((event.res_model, event.res_id), (handover._name, handover.id))
        self.assertEqual(event.user_id, line.successor_id, "the successor organises")
        # The successor, the departing employee and the customer's first contact.
        self.assertEqual(
            event.partner_ids,
            line.successor_id.partner_id | self.departing.partner_id | self.alpha_buyer,
        )
        self.assertEqual(event.attendee_ids.partner_id, event.partner_ids)
        self.assertIn("Alpha Trading", event.name)
        self.assertFalse(
            handover.activity_ids.filtered(
                lambda act: act.activity_type_id.category == "meeting"
            ),
            "a visit adds no meeting activity to the handover",
        )

        # A customer without contact people is met as the company itself.
        zeta_event = self.plan_visit(self.line_of(handover, self.zeta), day)
        self.assertIn(self.zeta, zeta_event.partner_ids)

        # Moving the date moves the same event.
        later = day + timedelta(days=3)
        self.plan_visit(line, later)
        self.assertEqual(line.visit_event_id, event)
        self.assertEqual(event.start_date, later)

        # Another successor: the attendees and the organiser follow.
        old = line.successor_id
        new = (self.successor_a | self.successor_b) - old
        line.with_user(self.departing).successor_id = new
        self.assertEqual(event.user_id, new)
        self.assertIn(new.partner_id, event.partner_ids)
        self.assertNotIn(old.partner_id, event.partner_ids)
        self.assertEqual(len(event.attendee_ids), 3)

        # Clearing the date deletes the event.
        self.plan_visit(line, False)
        self.assertFalse(event.exists())
        self.assertFalse(line.visit_event_id)

    def test_no_invitation_mail_to_the_customer(self):
        handover = self.draft_handover()
        line = self.line_of(handover, self.alpha)
        day = self.today + timedelta(days=10)
        event = self.plan_visit(line, day)
        self.plan_visit(line, day + timedelta(days=1))
        line.with_user(self.departing).successor_id = (
            self.successor_a | self.successor_b
        ) - line.successor_id
        self.assertIn(self.alpha_buyer, event.partner_ids)
        self.assertFalse(self.invitations_to(self.alpha_buyer))
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", self.alpha_buyer.ids)]
            ),
            "the customer gets no mail about the visit",
        )
        # Without the handover's care, the calendar would have invited them.
        self.env["calendar.event"].with_user(self.successor_a).create(
            {
                "name": "Plain meeting",
                "start": fields.Datetime.now() + timedelta(days=3),
                "stop": fields.Datetime.now() + timedelta(days=3, hours=1),
                "partner_ids": [Command.set(self.alpha_buyer.ids)],
            }
        )
        self.assertTrue(self.invitations_to(self.alpha_buyer))

    def test_visit_event_is_changed_through_its_line(self):
        handover = self.draft_handover()
        line = self.line_of(handover, self.alpha)
        event = self.plan_visit(line, self.today + timedelta(days=4))
        successor = line.successor_id
        # Participants see it in their calendar.
        for user in (successor, self.departing):
            mine = (
                self.env["calendar.event"]
                .with_user(user)
                .search([("partner_ids", "in", user.partner_id.ids)])
            )
            self.assertIn(event, mine)
        # Its date and attendees follow the line, not a drag in the calendar.
        with self.assertRaisesRegex(UserError, "Planned Visit Date"):
            event.with_user(successor).write(
                {"start": fields.Datetime.now() + timedelta(days=9)}
            )
        with self.assertRaisesRegex(UserError, "Planned Visit Date"):
            event.with_user(successor).unlink()
        with self.assertRaises(AccessError):
            event.with_user(successor).write({"handover_id": False})
        # The successor may note where they meet.
        event.with_user(successor).write({"location": "Alpha's plant, gate 2"})
        self.assertEqual(event.location, "Alpha's plant, gate 2")
        # Someone with no part in the handover may not.
        with self.assertRaises(AccessError):
            event.with_user(self.other_salesman).write({"location": "Elsewhere"})
        # Attendees answer the invitation as usual.
        attendee = event.attendee_ids.filtered(
            lambda att: att.partner_id == self.departing.partner_id
        )
        attendee.with_user(self.departing).do_accept()
        self.assertEqual(attendee.state, "accepted")
        # A calendar event of one's own does not become the handover's.
        own = (
            self.env["calendar.event"]
            .with_user(successor)
            .create({"name": "Lunch", "start": fields.Datetime.now()})
        )
        with self.assertRaises(AccessError):
            own.write({"handover_id": handover.id, "handover_event_kind": "meeting"})
        # Visits are put in the calendar by their line only.
        with self.assertRaises(AccessError):
            self.env["calendar.event"].with_user(self.supervisor).with_context(
                default_handover_id=handover.id, default_handover_event_kind="visit"
            ).create({"name": "Fake visit", "start": fields.Datetime.now()})

    def test_waiver_and_cancel_remove_the_visits(self):
        handover = self.draft_handover()
        day = self.today + timedelta(days=6)
        events = {
            line.partner_id: self.plan_visit(line, day) for line in handover.line_ids
        }
        self.advance(handover, "visits")
        alpha_line = self.line_of(handover, self.alpha)
        beta_line = self.line_of(handover, self.beta)
        self.line_reason(
            alpha_line, self.departing, "action_request_waiver", "Moved abroad"
        )
        alpha_line.with_user(self.supervisor).action_approve_waiver()
        self.assertFalse(
            events[self.alpha].exists(), "a waived visit leaves the calendar"
        )
        self.do_visits(handover, beta_line)
        self.assertEqual(beta_line.visit_state, "done")

        handover.with_user(self.supervisor)._do_cancel("The employee stays")
        self.assertTrue(events[self.beta].exists(), "a visit made stays on record")
        for customer, event in events.items():
            if customer not in (self.alpha, self.beta):
                self.assertFalse(event.exists(), f"{customer.name}: visit cancelled")

    # ------------------------------------------------------------------
    # Handover meeting and training
    # ------------------------------------------------------------------
    def test_schedule_meeting_prefills_the_participants(self):
        handover = self.draft_handover(template_id=self.meeting_template.id)
        self.assertTrue(handover.require_meeting)
        self.assertTrue(handover.require_training)
        action = handover.with_user(self.supervisor).action_schedule_meeting()
        self.assertEqual(action["res_model"], "calendar.event")
        context = action["context"]
        expected = (
            self.departing
            | self.successor_a
            | self.successor_b
            | self.supervisor
            | handover.witness_id
        )
        self.assertEqual(
            set(context["default_partner_ids"]), set(expected.partner_id.ids)
        )
        self.assertEqual(context["default_user_id"], self.supervisor.id)

        event = self.hold_meeting(handover, minutes=False)
        self.assertEqual(event.handover_id, handover)
        self.assertEqual(event.handover_event_kind, "meeting")
        self.assertEqual((event.res_model, event.res_id), (handover._name, handover.id))
        self.assertEqual(handover.calendar_event_ids, event)
        self.assertEqual(event.partner_ids, expected.partner_id)
        # Each participant sees it.
        for user in expected:
            self.assertEqual(
                self.env["calendar.event"]
                .with_user(user)
                .search(
                    [("id", "=", event.id), ("partner_ids", "in", user.partner_id.ids)]
                ),
                event,
            )
        # Only the supervisor (and administrators) schedule it.
        with self.assertRaises(AccessError):
            handover.with_user(self.successor_a).action_schedule_meeting()
        with self.assertRaises(AccessError):
            self.env["calendar.event"].with_user(self.successor_a).with_context(
                **context
            ).create({"name": "My own meeting", "start": fields.Datetime.now()})
        # A template without the requirement: the handover does not need one.
        plain = self.env["hr.client.handover.template"].create({"name": "Plain"})
        handover.with_user(self.supervisor).template_id = plain
        self.assertFalse(handover.require_meeting)

    def test_meeting_gates_the_materials_stage(self):
        handover = self.draft_handover(template_id=self.meeting_template.id)
        self.advance(handover, "materials")
        self.do_materials(handover)
        supervisor = handover.with_user(self.supervisor)
        with self.assertRaisesRegex(UserError, "handover meeting"):
            supervisor.action_complete_materials()

        # Planned but not held yet.
        start = fields.Datetime.now() + timedelta(days=1)
        event = self.hold_meeting(
            handover, start=start, stop=start + timedelta(hours=1)
        )
        self.assertFalse(handover.meeting_held)
        with self.assertRaisesRegex(UserError, "handover meeting"):
            supervisor.action_complete_materials()

        # Held, but without minutes.
        start = fields.Datetime.now() - timedelta(hours=3)
        event.with_user(self.supervisor).write(
            {"start": start, "stop": start + timedelta(hours=1), "notes": False}
        )
        with self.assertRaisesRegex(UserError, "handover meeting"):
            supervisor.action_complete_materials()

        # An attendee cannot write the minutes: the chair does.
        with self.assertRaises(AccessError):
            event.with_user(self.departing).write({"notes": "<p>All fine.</p>"})
        event.with_user(self.supervisor).write(
            {"notes": "<p>王磊介绍了全部客户，接手人已确认资料。</p>"}
        )
        self.assertTrue(handover.meeting_held)
        supervisor.action_complete_materials()
        self.assertEqual(handover.state, "visits")

        # The minutes are sealed with the stage and frozen for everyone.
        self.assertTrue(event.handover_sealed_on)
        seal = handover.seal_ids.filtered(
            lambda s: s.kind == "meeting" and s.res_id == event.id
        )
        self.assertEqual(seal.res_model, "calendar.event")
        for user in (self.supervisor, self.departing, self.handover_admin):
            with self.assertRaises(UserError):
                event.with_user(user).write({"notes": "<p>Forged minutes</p>"})
            with self.assertRaises(UserError):
                event.with_user(user).unlink()
        self.assertIn("王磊介绍了全部客户", event.notes)
        self.assertFalse(
            self.env["hr.client.handover.seal"]._verify_integrity(handover)[0],
            "the chain is intact",
        )
        # Rewritten behind the application: the seal shows it.
        self.env.cr.execute(
            "UPDATE calendar_event SET notes = '<p>Forged</p>' WHERE id = %s",
            [event.id],
        )
        seal, why = self.env["hr.client.handover.seal"]._verify_integrity(handover)
        self.assertEqual(seal.res_id, event.id)
        self.assertTrue(why)

        # The filed plan prints the meeting and its minutes.
        report = self.env.ref("hr_client_handover.action_report_handover_plan")
        self.env.cr.execute(
            "UPDATE calendar_event SET notes = %s WHERE id = %s",
            ["<p>王磊介绍了全部客户，接手人已确认资料。</p>", event.id],
        )
        event.invalidate_recordset(["notes"])
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(report, handover.ids)
        )
        html = html.decode()
        self.assertIn("Handover Meeting", html)
        self.assertIn("王磊介绍了全部客户", html)
        self.assertIn(self.successor_b.name, html)

    def test_training_gates_the_summary(self):
        handover = self.draft_handover(template_id=self.meeting_template.id)
        self.advance(handover, "materials")
        self.hold_meeting(handover)
        self.advance(handover, "summary")
        handover.with_user(self.departing).summary = "<p>All handed over.</p>"
        self.sign(handover, "summary")
        with self.assertRaisesRegex(UserError, "training session"):
            handover.with_user(self.departing).action_submit_summary()
        training = self.hold_meeting(
            handover, "training", minutes="<p>CRM pipeline and price lists.</p>"
        )
        self.assertEqual(training.handover_event_kind, "training")
        handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary_review")
        self.assertTrue(training.handover_sealed_on)
        with self.assertRaises(UserError):
            training.with_user(self.supervisor).write({"notes": "<p>Changed</p>"})
        # The summary prints the training sessions.
        report = self.env.ref("hr_client_handover.action_report_handover_summary")
        html = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(report, handover.ids)[0]
            .decode()
        )
        self.assertIn("Training Sessions", html)
        self.assertIn("CRM pipeline and price lists.", html)

    def test_cancel_drops_meetings_ahead(self):
        handover = self.draft_handover(template_id=self.meeting_template.id)
        held = self.hold_meeting(handover)
        start = fields.Datetime.now() + timedelta(days=2)
        ahead = self.hold_meeting(
            handover,
            "training",
            minutes=False,
            start=start,
            stop=start + timedelta(hours=1),
        )
        handover.with_user(self.supervisor)._do_cancel("The employee stays")
        self.assertTrue(held.exists(), "a held meeting stays on record")
        self.assertFalse(ahead.exists(), "a training ahead leaves the calendar")
