import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ACTIVITY, HandoverCase


@tagged("post_install", "-at_install")
class TestVisits(HandoverCase):
    """Visit evidence (the policy's joint visits): each visitor's confirmation with who,
    when and the contact met; the witness's confirmation of the stage; a visit
    sent back; waivers requested with a reason and decided by the supervisor."""

    def setUp(self):
        super().setUp()
        self.handover = self.draft_handover()
        lines = self.handover.line_ids
        self.line_alpha = lines.filtered(lambda line: line.partner_id == self.alpha)
        self.line_beta = lines.filtered(lambda line: line.partner_id == self.beta)

    def start_visits(self):
        self.advance(self.handover, "visits")

    def activities(self, kind, user=None):
        return self.handover.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref(ACTIVITY % kind)
            and (user is None or act.user_id == user)
        )

    def chatter(self):
        return " ".join(self.handover.message_ids.mapped("body"))

    def visit(self, line, contact=None):
        successor = line.successor_id
        line.with_user(successor).visit_contact_id = (
            contact or line.partner_id.child_ids[:1]
        )
        if not line.visit_contact_id:
            line.with_user(successor).visit_contact = "Mr. Wang at the front desk"
        self.record_visit(line, successor)
        line.with_user(successor).action_confirm_visit()
        line.with_user(self.departing).action_confirm_visit()

    # ------------------------------------------------------------------
    def test_confirmations_record_who_when_contact(self):
        self.start_visits()
        line = self.line_alpha
        successor = line.successor_id
        # The customer's first contact is proposed; the visitors may clear it.
        self.assertEqual(line.visit_contact_id, self.alpha.child_ids.sorted("id")[:1])
        line.with_user(successor).visit_contact_id = False
        with self.assertRaisesRegex(UserError, "Record the contact met"):
            line.with_user(successor).action_confirm_visit()
        line.with_user(successor).visit_contact_id = self.alpha_buyer
        # One joint visit (一同拜访): when and where it took place.
        with self.assertRaisesRegex(UserError, "Record when and where the visit"):
            line.with_user(successor).action_confirm_visit()
        line.with_user(successor).visit_place = "Alpha's office, Shanghai"
        line.with_user(successor).visit_date = self.today + timedelta(days=1)
        with self.assertRaisesRegex(UserError, "in the future"):
            line.with_user(successor).action_confirm_visit()
        self.assertEqual(line.visit_state, "pending")
        line.with_user(successor).visit_date = self.today
        line.with_user(successor).action_confirm_visit()
        self.assertEqual(line.visit_state, "partial")
        self.assertEqual(line.visit_successor_confirmed_by_id, successor)
        self.assertTrue(line.visit_successor_confirmed_on)
        self.assertFalse(line.visit_departing_confirmed_by_id)
        # The contact met is frozen by the first confirmation.
        with self.assertRaisesRegex(UserError, "confirmed or waived"):
            line.with_user(self.departing).visit_contact = "Someone else"
        # The departing employee confirms the same visit: its date and place.
        for field, value in (("visit_date", self.today), ("visit_place", "Else")):
            with self.assertRaisesRegex(UserError, "confirmed or waived"):
                line.with_user(self.departing).write({field: value})
        line.with_user(self.departing).action_confirm_visit()
        self.assertEqual(line.visit_state, "done")
        self.assertEqual(line.visit_place, "Alpha's office, Shanghai")
        self.assertEqual(line.visit_departing_confirmed_by_id, self.departing)
        self.assertFalse(line.visit_confirmed_on_behalf_by_id)
        self.assertTrue(line.visit_done_on)
        seal = self.env["hr.client.handover.seal"].search(
            [("res_id", "=", line.id), ("kind", "=", "visit")],
            order="sequence desc",
            limit=1,
        )
        self.assertIn(f'"visit_contact_id": {self.alpha_buyer.id}', seal.sealed_values)
        self.assertIn('"visit_place": "Alpha\'s office, Shanghai"', seal.sealed_values)
        self.assertIn(f'"visit_date": "{self.today}"', seal.sealed_values)
        self.assertIn(
            f'"visit_departing_confirmed_by_id": {self.departing.id}',
            seal.sealed_values,
        )
        self.assertEqual(line.visit_contact_id, self.alpha_buyer)
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(self.handover)[0]
        )

    def test_visit_half_confirmed_before_contacts_were_recorded(self):
        """A visit one side confirmed before 19.0.1.3.0 has no contact met: the
        other side records it and confirms; then it freezes as usual."""
        self.start_visits()
        line = self.line_alpha
        line.sudo().write(
            {
                "visit_successor_confirmed_on": fields.Datetime.now(),
                "visit_successor_confirmed_by_id": line.successor_id.id,
                "visit_contact_id": False,
            }
        )
        self.assertEqual(line.visit_state, "partial")
        with self.assertRaisesRegex(UserError, "Record the contact met"):
            line.with_user(self.departing).action_confirm_visit()
        # Nor its date and place (before 19.0.1.8.0): the other side records them.
        self.record_visit(line, self.departing)
        line.with_user(self.departing).action_confirm_visit()
        self.assertEqual(line.visit_state, "done")
        with self.assertRaisesRegex(UserError, "confirmed or waived"):
            line.with_user(self.departing).visit_contact = "Someone else"

    def test_contact_of_another_customer_refused(self):
        self.start_visits()
        with self.assertRaisesRegex(UserError, "not a contact of"):
            self.line_alpha.with_user(
                self.line_alpha.successor_id
            ).visit_contact_id = self.beta_contact

    def test_confirmation_fields_cannot_be_forged(self):
        line = self.line_alpha
        Line = self.env["hr.client.handover.line"]
        forged = {
            "visit_successor_confirmed_by_id": line.successor_id.id,
            "visit_successor_confirmed_on": "2026-01-01 10:00:00",
            "visit_departing_confirmed_by_id": self.departing.id,
            "visit_departing_confirmed_on": "2026-01-01 10:00:00",
            "visit_confirmed_on_behalf_by_id": self.supervisor.id,
            "visit_waived": True,
            "waiver_approved_by_id": self.supervisor.id,
            "visit_waiver_reason": "No time",
            "waiver_requested_by_id": self.departing.id,
            "waiver_requested_on": "2026-01-01 10:00:00",
            "visit_return_count": 0,
        }
        for name, value in forged.items():
            with self.subTest(create=name), self.assertRaises(AccessError):
                Line.with_user(self.departing).create(
                    {
                        "handover_id": self.handover.id,
                        "partner_id": self.other_customer.id,
                        name: value,
                    }
                )
        self.start_visits()
        for user in (line.successor_id, self.departing, self.supervisor, self.witness):
            for name, value in forged.items():
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(AccessError):
                        line.with_user(user).write({name: value})
        with self.assertRaises(AccessError):
            self.handover.with_user(self.witness).write(
                {"visits_witnessed_by_id": self.witness.id}
            )
        self.assertEqual(line.visit_state, "pending")

    def test_departing_gets_an_activity_listing_their_visits(self):
        self.start_visits()
        mine = self.activities("visits", self.departing)
        self.assertEqual(len(mine), 1)
        for customer in self.handover.line_ids.partner_id:
            self.assertIn(customer.name, str(mine.note))
        successor = self.line_alpha.successor_id
        self.assertEqual(len(self.activities("visits", successor)), 1)
        for line in self.handover.line_ids:
            self.visit(line)
        # Work done: nobody keeps a visits activity; the witness gets theirs.
        self.assertFalse(self.activities("visits"))
        self.assertEqual(self.activities("witness_visits").user_id, self.witness)

    def test_witness_gates_closing_the_stage(self):
        self.start_visits()
        with self.assertRaisesRegex(UserError, r"are not visited yet"):
            self.handover.with_user(self.witness).action_witness_visits()
        for line in self.handover.line_ids:
            self.visit(line)
        with self.assertRaisesRegex(UserError, "has not confirmed the customer visits"):
            self.handover.with_user(self.supervisor).action_complete_visits()
        with self.assertRaises(AccessError):
            self.handover.with_user(self.supervisor).action_witness_visits()
        self.handover.with_user(self.witness).action_witness_visits()
        self.assertEqual(self.handover.visits_witnessed_by_id, self.witness)
        self.assertTrue(self.handover.visits_witnessed_on)
        self.assertFalse(self.activities("witness_visits"))
        self.assertIn("supervising witness, confirmed", self.chatter())
        with self.assertRaisesRegex(UserError, "already confirmed the visits"):
            self.handover.with_user(self.witness).action_witness_visits()
        self.sign(self.handover, "visits")
        self.handover.with_user(self.supervisor).action_complete_visits()
        self.assertEqual(self.handover.state, "verification")
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(self.handover)[0]
        )

    def test_send_back_clears_and_reschedules(self):
        self.start_visits()
        for line in self.handover.line_ids:
            self.visit(line)
        self.handover.with_user(self.witness).action_witness_visits()
        line = self.line_alpha
        with self.assertRaises(AccessError):
            self.line_reason(line, self.witness, "action_send_back_visit", "No")
        with self.assertRaisesRegex(UserError, "Give the reason"):
            line.with_user(self.supervisor)._do_send_back_visit("  ")
        self.line_reason(
            line, self.supervisor, "action_send_back_visit", "Met the wrong person"
        )
        self.assertEqual(line.visit_state, "pending")
        self.assertFalse(line.visit_successor_confirmed_by_id)
        self.assertFalse(line.visit_departing_confirmed_on)
        # What they met and wrote is open again for the new visit.
        line.with_user(line.successor_id).visit_contact_id = False
        self.assertEqual(line.visit_return_count, 1)
        self.assertEqual(line.visit_return_reason, "Met the wrong person")
        # The chatter keeps what was cleared; the witness confirms again.
        body = self.chatter()
        self.assertIn("Met the wrong person", body)
        # Both confirmations, successor's first, are named as cleared.
        self.assertRegex(
            body,
            f"Cleared: confirmed by {re.escape(line.successor_id.name)} on [^;]+; "
            f"confirmed by {re.escape(self.departing.name)} on ",
        )
        self.assertFalse(self.handover.visits_witnessed_on)
        for user in (line.successor_id, self.departing):
            activity = self.activities("visits", user)
            self.assertEqual(len(activity), 1, user.login)
            self.assertIn("Met the wrong person", str(activity.note))
        with self.assertRaisesRegex(UserError, "nothing to send back"):
            self.line_reason(line, self.supervisor, "action_send_back_visit", "Again")
        self.visit(line)
        with self.assertRaisesRegex(UserError, "has not confirmed the customer visits"):
            self.handover.with_user(self.supervisor).action_complete_visits()
        self.handover.with_user(self.witness).action_witness_visits()
        self.sign(self.handover, "visits")
        self.handover.with_user(self.supervisor).action_complete_visits()
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(self.handover)[0]
        )

    def test_waiver_request_refusal_and_approval(self):
        self.start_visits()
        line = self.line_beta
        successor = line.successor_id
        with self.assertRaises(AccessError):
            self.line_reason(line, self.witness, "action_request_waiver", "Far")
        self.line_reason(line, successor, "action_request_waiver", "Moved to Hainan")
        self.assertEqual(line.visit_state, "waiver_requested")
        self.assertEqual(line.waiver_requested_by_id, successor)
        self.assertTrue(line.waiver_requested_on)
        self.assertEqual(line.visit_waiver_reason, "Moved to Hainan")
        waiver_activity = self.activities("waiver", self.supervisor)
        self.assertEqual(len(waiver_activity), 1)
        self.assertIn("Moved to Hainan", str(waiver_activity.note))
        with self.assertRaisesRegex(UserError, "waits for the direct supervisor"):
            line.with_user(successor).action_confirm_visit()
        with self.assertRaisesRegex(UserError, "can only be requested"):
            self.line_reason(line, self.departing, "action_request_waiver", "Again")
        with self.assertRaises(AccessError):
            self.line_reason(line, successor, "action_refuse_waiver", "Mine")
        self.line_reason(line, self.supervisor, "action_refuse_waiver", "Call first")
        self.assertEqual(line.visit_state, "pending")
        self.assertFalse(line.visit_waiver_reason)
        self.assertFalse(self.activities("waiver"))
        self.assertIn("Call first", self.chatter())
        with self.assertRaisesRegex(UserError, "Nobody requested a waiver"):
            line.with_user(self.supervisor).action_approve_waiver()
        self.line_reason(line, self.departing, "action_request_waiver", "Closed down")
        line.with_user(self.supervisor).action_approve_waiver()
        self.assertEqual(line.visit_state, "waived")
        self.assertEqual(line.waiver_approved_by_id, self.supervisor)
        self.assertEqual(line.waiver_requested_by_id, self.departing)
        self.assertFalse(self.activities("waiver"))
        # Nothing is left for the departing employee on that customer.
        self.assertNotIn(
            "Beta Foods", str(self.activities("visits", self.departing).note)
        )
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(self.handover)[0]
        )

    def test_waiver_reason_not_typed_in(self):
        self.start_visits()
        with self.assertRaises(AccessError):
            self.line_beta.with_user(self.departing).visit_waiver_reason = "Too far"

    def test_visit_sheet_prints_every_confirmation(self):
        self.start_visits()
        self.line_reason(
            self.line_beta, self.departing, "action_request_waiver", "Moved to Hainan"
        )
        self.line_beta.with_user(self.supervisor).action_approve_waiver()
        for line in self.handover.line_ids - self.line_beta:
            self.visit(line)
        self.line_reason(
            self.line_alpha, self.supervisor, "action_send_back_visit", "Wrong person"
        )
        self.visit(self.line_alpha, self.alpha_buyer)
        self.handover.with_user(self.witness).action_witness_visits()
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(
                "hr_client_handover.action_report_handover_visits", self.handover.ids
            )
        )
        html = html.decode()
        for text in (
            "Alice Buyer",
            self.line_alpha.successor_id.name,
            self.departing.name,
            "Moved to Hainan",
            "Waiver approved by",
            "Wrong person",
            "Visits confirmed by the supervising witness",
            self.witness.name,
        ):
            self.assertIn(text, html)
