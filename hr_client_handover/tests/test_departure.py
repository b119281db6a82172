from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverDeparture(HandoverCase):
    """Registering the departure starts the handover; the user cannot be
    archived while their customers have not moved."""

    def departure(self, user, employee=None, **values):
        employee = employee or self.employee
        wizard = Form(
            self.env["hr.departure.wizard"]
            .with_user(user)
            .with_context(active_ids=employee.ids, employee_termination=True)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save()

    def handovers(self):
        return self.env["hr.client.handover"].search(
            [("employee_id", "=", self.employee.id)]
        )

    def test_departure_starts_the_handover(self):
        departure_date = self.today + timedelta(days=25)
        wizard = self.departure(self.hr_manager, departure_date=departure_date)
        self.assertTrue(wizard.start_client_handover, "on: the employee owns customers")
        wizard.action_register_departure()
        handover = self.handovers()
        self.assertEqual(len(handover), 1)
        self.assertEqual(handover.state, "draft")
        self.assertEqual(handover.last_working_day, departure_date)
        self.assertEqual(handover.reason, wizard.departure_reason_id.name)
        self.assertEqual(handover.supervisor_id, self.supervisor)
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertActivityFor(handover, "draft_plan", self.departing)
        # Registering it again does not start a second handover.
        self.departure(
            self.hr_manager, departure_date=departure_date
        ).action_register_departure()
        self.assertEqual(self.handovers(), handover)

    def test_departure_without_handover(self):
        self.departure(
            self.hr_manager, start_client_handover=False
        ).action_register_departure()
        self.assertFalse(self.handovers())
        # Off by default for an employee who owns no customers.
        successor = self.env["hr.employee"].search(
            [("user_id", "=", self.successor_a.id)]
        )
        wizard = self.departure(self.hr_manager, employee=successor)
        self.assertFalse(wizard.start_client_handover)
        wizard.action_register_departure()
        self.assertFalse(successor.client_handover_ids)

    def test_employee_button_starts_the_handover(self):
        action = self.employee.with_user(self.supervisor).action_start_client_handover()
        handover = self.env["hr.client.handover"].browse(action["res_id"])
        self.assertEqual(handover.employee_id, self.employee)
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertEqual(self.employee.client_handover_count, 1)

    def test_archive_refused_until_transferred(self):
        # Archiving through the departure wizard: refused, and nothing is kept.
        wizard = self.departure(self.hr_manager, remove_related_user=True)
        with self.assertRaisesRegex(UserError, r"HO/\d{4}/\d{4}.*before archiving"):
            wizard.action_register_departure()
        self.assertTrue(self.departing.active)
        self.assertTrue(self.employee.active)
        self.assertFalse(self.handovers(), "the handover it started is rolled back too")

        handover = self.draft_handover()
        with self.assertRaisesRegex(UserError, f"{handover.name}.*before archiving"):
            self.departing.with_user(self.hr_manager).action_archive()
        self.assertTrue(self.departing.active)
        self.assertEqual(self.alpha.user_id, self.departing)
        self.assertEqual(self.act_alpha.user_id, self.departing)

        self.advance(handover, "plan_approval")
        with self.assertRaisesRegex(UserError, "before archiving"):
            self.departure(
                self.hr_manager, remove_related_user=True
            ).action_register_departure()
        self.assertTrue(self.departing.active)

        # Once the plan is approved the customers and activities have moved.
        self.advance(handover, "materials")
        self.departure(
            self.hr_manager, remove_related_user=True
        ).action_register_departure()
        self.assertFalse(self.departing.active)
        self.assertFalse(self.employee.active)
        self.assertTrue(self.act_alpha.exists(), "moved activities survive the archive")
        self.assertNotEqual(self.act_alpha.user_id, self.departing)

    def test_archive_allowed_without_customers(self):
        """A user without customers or activities leaves freely."""
        self.handover_admin.with_user(self.hr_manager).action_archive()
        self.assertFalse(self.handover_admin.active)
