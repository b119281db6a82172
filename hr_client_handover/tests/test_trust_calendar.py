from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestTrustCalendar(HandoverCase):
    """The handover's events, their attendees and the customers it names can
    be neither read by outsiders nor changed behind its record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meeting_template = cls.env["hr.client.handover.template"].create(
            {
                "name": "Resignation with a meeting",
                "handover_type": "resignation",
                "require_meeting": True,
                "spot_check_min": 1,
            }
        )
        cls.contact_manager = new_test_user(
            cls.env,
            login="ho_contacts",
            name="Carl Contacts",
            groups="base.group_user,base.group_partner_manager",
        )

    def line_of(self, handover, customer):
        return handover.line_ids.filtered(lambda line: line.partner_id == customer)

    def handover_with_events(self):
        """A handover in its materials stage, with a planned visit of Alpha
        Trading and a held handover meeting whose minutes are written."""
        handover = self.draft_handover(template_id=self.meeting_template.id)
        line = self.line_of(handover, self.alpha)
        line.with_user(self.departing).planned_visit_date = self.today + timedelta(5)
        self.advance(handover, "materials")
        meeting = self.hold_meeting(handover, minutes="<p>Secret price list talk</p>")
        meeting.with_user(self.supervisor).message_post(body="Minutes drafted")
        return handover, line.visit_event_id, meeting

    def merge(self, partners, dst):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.contact_manager)
            .create(
                {
                    "partner_ids": [Command.set(partners.ids)],
                    "dst_partner_id": dst.id,
                }
            )
        )
        return wizard.action_merge()

    # ------------------------------------------------------------------
    # Who sees the events
    # ------------------------------------------------------------------
    def test_outsiders_see_no_visit_and_no_minutes(self):
        handover, visit, meeting = self.handover_with_events()
        events = visit | meeting
        Event = self.env["calendar.event"]
        for outsider in (self.other_salesman, self.foreign_user, self.portal_user):
            as_outsider = Event.with_user(outsider)
            self.assertFalse(
                as_outsider.search_read([("handover_id", "!=", False)], ["name"]),
                f"{outsider.name} finds no event of the handover",
            )
            self.assertFalse(
                as_outsider.search_count([("name", "ilike", "Alpha Trading")]),
                "the customer's name cannot be searched",
            )
            self.assertFalse(as_outsider.search([("id", "in", events.ids)]))
            for event in events:
                with self.assertRaises(AccessError):
                    event.with_user(outsider).read(["name", "notes", "description"])
            if outsider.share:
                continue
            self.assertFalse(
                as_outsider._read_group([("handover_id", "!=", False)], ["name"]),
            )
            Attendee = self.env["calendar.attendee"].with_user(outsider)
            self.assertFalse(Attendee.search([("event_id", "in", events.ids)]))
            with self.assertRaises(AccessError):
                meeting.attendee_ids[:1].with_user(outsider).read(["event_id"])
            messages = (
                self.env["mail.message"]
                .with_user(outsider)
                .search(
                    [("model", "=", "calendar.event"), ("res_id", "in", events.ids)]
                )
            )
            self.assertFalse(messages, "nor the messages of the events")
            with self.assertRaises(AccessError):
                meeting.with_user(outsider).write({"notes": "<p>Forged</p>"})

        # Who takes part, or may read the handover, sees them.
        successor = self.line_of(handover, self.alpha).successor_id
        found = Event.with_user(successor).search_read(
            [("name", "ilike", "Alpha Trading")], ["name"]
        )
        self.assertEqual([row["id"] for row in found], visit.ids)
        for reader in (self.supervisor, self.approver, self.handover_admin):
            self.assertIn(
                "Secret price list talk",
                meeting.with_user(reader).read(["notes"])[0]["notes"],
            )
            self.assertTrue(
                self.env["mail.message"]
                .with_user(reader)
                .search([("model", "=", "calendar.event"), ("res_id", "=", meeting.id)])
            )

        # Other events stay everyone's, as in core.
        lunch = Event.with_user(self.other_salesman).create(
            {
                "name": "Team lunch",
                "start": "2030-01-01 12:00:00",
                "stop": "2030-01-01 13:00:00",
            }
        )
        self.assertEqual(
            Event.with_user(successor).search([("name", "=", "Team lunch")]), lunch
        )
        self.assertEqual(
            lunch.with_user(self.departing).read(["name"])[0]["name"], "Team lunch"
        )

    # ------------------------------------------------------------------
    # Attendees
    # ------------------------------------------------------------------
    def test_sealed_meeting_keeps_its_attendees(self):
        handover, _visit, meeting = self.handover_with_events()
        self.advance(handover, "visits")
        self.assertTrue(meeting.handover_sealed_on)
        before = [(att.partner_id, att.state) for att in meeting.attendee_ids]
        names = meeting.handover_attendee_names
        self.assertIn(self.witness.name, names)
        chair = meeting.attendee_ids.filtered(
            lambda att: att.partner_id == self.supervisor.partner_id
        )
        witness = meeting.attendee_ids.filtered(
            lambda att: att.partner_id == self.witness.partner_id
        )
        Attendee = self.env["calendar.attendee"]
        for user in (
            self.other_salesman,
            self.departing,
            self.supervisor,
            self.handover_admin,
        ):
            with self.assertRaises(UserError):
                Attendee.with_user(user).create(
                    {"event_id": meeting.id, "partner_id": user.partner_id.id}
                )
            with self.assertRaises(UserError):
                witness.with_user(user).unlink()
            with self.assertRaises(UserError):
                chair.with_user(user).do_decline()
            with self.assertRaises(UserError):
                chair.with_user(user).write(
                    {"partner_id": self.other_salesman.partner_id.id}
                )
            with self.assertRaises(UserError):
                meeting.with_user(user).write(
                    {"partner_ids": [Command.link(self.other_salesman.partner_id.id)]}
                )
        # Not even the superuser (the invitation's e-mail link runs as it).
        with self.assertRaisesRegex(UserError, "sealed"):
            witness.sudo().do_decline()
        self.assertEqual(
            [(att.partner_id, att.state) for att in meeting.attendee_ids], before
        )
        self.assertFalse(
            self.env["hr.client.handover.seal"]._verify_integrity(handover)[0],
            "the chain is intact",
        )

        # The report prints the attendees as sealed, whatever their names now.
        witness_name = self.witness.name
        self.witness.partner_id.name = "Renamed Witness"
        report = self.env.ref("hr_client_handover.action_report_handover_plan")
        html = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(report, handover.ids)[0]
            .decode()
        )
        attendees = html.split("Handover Meeting", 1)[1].split("</table>", 1)[0]
        self.assertIn(witness_name, attendees)
        self.assertNotIn("Renamed Witness", attendees)

        # Changed behind the application: Verify Integrity names the meeting.
        self.env.cr.execute(
            "UPDATE calendar_attendee SET state = 'declined' WHERE id = %s", chair.ids
        )
        self.env.invalidate_all()
        seal, why = self.env["hr.client.handover.seal"]._verify_integrity(handover)
        self.assertEqual((seal.res_model, seal.res_id), ("calendar.event", meeting.id))
        self.assertTrue(why)

    def test_open_meeting_attendees(self):
        handover, visit, meeting = self.handover_with_events()
        mine = meeting.attendee_ids.filtered(
            lambda att: att.partner_id == self.successor_a.partner_id
        )
        chair = meeting.attendee_ids.filtered(
            lambda att: att.partner_id == self.supervisor.partner_id
        )
        # An attendee answers their own invitation, and no one else's.
        mine.with_user(self.successor_a).do_accept()
        self.assertEqual(mine.state, "accepted")
        with self.assertRaises(AccessError):
            chair.with_user(self.successor_a).do_decline()
        self.assertEqual(chair.state, "accepted")
        # An outsider cannot invite himself.
        with self.assertRaises(AccessError):
            self.env["calendar.attendee"].with_user(self.other_salesman).create(
                {
                    "event_id": meeting.id,
                    "partner_id": self.other_salesman.partner_id.id,
                }
            )
        with self.assertRaises(AccessError):
            meeting.with_user(self.departing).write(
                {"partner_ids": [Command.link(self.other_salesman.partner_id.id)]}
            )
        self.assertNotIn(
            self.other_salesman.partner_id, meeting.attendee_ids.partner_id
        )
        # The chair invites.
        meeting.with_user(self.supervisor).write(
            {"partner_ids": [Command.link(self.approver.partner_id.id)]}
        )
        self.assertIn(self.approver.partner_id, meeting.attendee_ids.partner_id)
        # A visit's attendees follow its customer line, never a hand.
        visitor = self.line_of(handover, self.alpha).successor_id
        with self.assertRaises(AccessError):
            self.env["calendar.attendee"].with_user(visitor).create(
                {"event_id": visit.id, "partner_id": self.approver.partner_id.id}
            )
        with self.assertRaises(AccessError):
            visit.with_user(visitor).write(
                {
                    "attendee_ids": [
                        Command.create({"partner_id": self.approver.partner_id.id})
                    ]
                }
            )
        own = visit.attendee_ids.filtered(
            lambda att: att.partner_id == visitor.partner_id
        )
        own.with_user(visitor).do_tentative()
        self.assertEqual(own.state, "tentative")

    def test_done_handover_closes_its_events(self):
        handover, visit, _meeting = self.handover_with_events()
        self.advance(handover, "done")
        visitor = visit.user_id
        own = visit.attendee_ids.filtered(
            lambda att: att.partner_id == visitor.partner_id
        )
        state = own.state
        with self.assertRaisesRegex(UserError, "sealed"):
            own.with_user(visitor).do_decline()
        self.assertEqual(own.state, state)

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------
    def test_customers_of_a_running_handover_stay(self):
        handover = self.draft_handover()
        line = self.line_of(handover, self.alpha)
        line.with_user(line.successor_id).visit_contact_id = self.alpha_buyer
        for partner in (self.alpha, self.alpha_buyer):
            with self.assertRaisesRegex(UserError, handover.name):
                self.merge(partner | self.other_customer, self.other_customer)
            with self.assertRaisesRegex(UserError, handover.name):
                self.merge(partner | self.other_customer, partner)
            with self.assertRaisesRegex(UserError, handover.name):
                partner.unlink()
            with self.assertRaisesRegex(UserError, handover.name):
                partner.with_user(self.contact_manager).action_archive()
        self.assertTrue(self.alpha.exists() and self.alpha.active)
        self.assertTrue(self.other_customer.exists())
        self.assertEqual(line.partner_id, self.alpha)
        self.assertEqual(line.visit_contact_id, self.alpha_buyer)
        # Partners the handover does not name are merged as ever.
        spare = self.env["res.partner"].create({"name": "Omega Other (copy)"})
        self.merge(spare | self.other_customer, self.other_customer)
        self.assertFalse(spare.exists())

    def test_done_handover_keeps_its_customers(self):
        handover = self.draft_handover()
        self.advance(handover, "done")
        ledger = handover.sudo().transfer_ids.filtered(
            lambda row: row.res_model == "res.partner"
        )
        self.assertIn(self.alpha.id, ledger.mapped("res_id"))
        with self.assertRaisesRegex(UserError, handover.name):
            self.merge(self.alpha | self.other_customer, self.other_customer)
        with self.assertRaisesRegex(UserError, handover.name):
            self.alpha.unlink()
        self.assertFalse(
            self.env["hr.client.handover.seal"]._verify_integrity(handover)[0]
        )
        # Archiving changes nothing in the record of a done handover.
        self.alpha.with_user(self.contact_manager).action_archive()
        self.assertFalse(self.alpha.active)

    def test_contact_met_is_printed_as_recorded(self):
        handover = self.draft_handover()
        line = self.line_of(handover, self.alpha)
        self.advance(handover, "visits")
        line.with_user(line.successor_id).visit_contact_id = self.alpha_buyer
        self.advance(handover, "done")
        self.assertEqual(line.visit_contact_name, "Alice Buyer")
        report = self.env.ref("hr_client_handover.action_report_handover_visits")
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        before = Report._render_qweb_html(report, handover.ids)[0].decode()
        self.assertIn("Alice Buyer", before)

        self.alpha_buyer.name = "Mallory Renamed"
        line.invalidate_recordset()
        after = Report._render_qweb_html(report, handover.ids)[0].decode()
        self.assertNotIn("Mallory Renamed", after)
        self.assertIn("Alice Buyer", after)
        self.assertEqual(line.visit_contact_name, "Alice Buyer")
        self.assertFalse(
            self.env["hr.client.handover.seal"]._verify_integrity(handover)[0]
        )
        # The stored name itself is sealed.
        self.env.cr.execute(
            "UPDATE hr_client_handover_line SET visit_contact_name = 'Forged' "
            "WHERE id = %s",
            line.ids,
        )
        self.assertEqual(
            self.env["hr.client.handover.seal"]._verify_integrity(handover)[0].res_id,
            line.id,
        )
