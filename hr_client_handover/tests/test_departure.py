from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PNG_SIGNATURE, HandoverCase
from .test_reports import PLAN, VISITS, pdf_text


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
        action = wizard.action_register_departure()
        handover = self.handovers()
        self.assertEqual(len(handover), 1)
        # The dialog opens the handover it started (after core's notice of the
        # archived user, when there is one), for whoever registered it.
        if action["type"] == "ir.actions.client":
            action = action["params"]["next"]
        self.assertEqual(
            (action["res_model"], action.get("res_id")),
            ("hr.client.handover", handover.id),
        )
        handover.with_user(self.hr_manager).check_access("read")
        self.assertEqual(handover.state, "draft")
        self.assertEqual(handover.last_working_date, departure_date)
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
        action = self.departure(
            self.hr_manager, start_client_handover=False
        ).action_register_departure()
        self.assertFalse(self.handovers())
        self.assertNotEqual(action.get("res_model"), "hr.client.handover")
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

        # Once the plan is approved the customers and activities have moved, but
        # the handover still needs the departing user.
        self.advance(handover, "materials")
        with self.assertRaisesRegex(
            UserError,
            f"{handover.name}: a signature, 6 customer visits, the summary.*"
            "Allow Early Departure \\(Supervisor Signs\\)",
        ):
            self.departing.with_user(self.hr_manager).action_archive()
        self.assertTrue(self.departing.active)

        # Until the end: then the user leaves freely.
        self.advance(handover, "done")
        self.departure(
            self.hr_manager, remove_related_user=True
        ).action_register_departure()
        self.assertFalse(self.departing.active)
        self.assertFalse(self.employee.active)
        self.assertTrue(self.act_alpha.exists(), "moved activities survive the archive")
        self.assertNotEqual(self.act_alpha.user_id, self.departing)

    def test_supervisor_acts_on_behalf_once_the_departure_is_allowed(self):
        handover = self.advance(self.draft_handover(), "materials")
        for line in handover.line_ids:
            line.with_user(line.successor_id).action_confirm_materials()
        for item in handover.item_ids.filtered(lambda item: not item.post_departure):
            self.tick(item)
        for item in handover.item_ids.filtered("needs_receipt"):
            item.with_user(self.successor_a).action_confirm()
        others = handover.sudo().signature_ids.user_id - self.departing
        self.sign(handover, "materials", users=others)
        departing_sig = handover.sudo().signature_ids.filtered(
            lambda sig: sig.user_id == self.departing
        )
        # Nobody signs for the departing user while they are here.
        with self.assertRaises(AccessError):
            departing_sig.with_user(self.supervisor).signature = PNG_SIGNATURE

        # Only a handover administrator allows the departure, once.
        for user in (self.supervisor, self.departing, self.hr_manager):
            with self.assertRaises(AccessError):
                handover.with_user(user).action_allow_departure()
        handover.with_user(self.handover_admin).action_allow_departure()
        with self.assertRaisesRegex(UserError, "already allowed"):
            handover.with_user(self.handover_admin).action_allow_departure()
        self.assertIn("allowed Dora Departing to leave", handover.message_ids[:1].body)
        with self.assertRaises(AccessError):
            departing_sig.with_user(self.supervisor).signature = PNG_SIGNATURE

        # HR archives the user (Register Departure) and the supervisor is told.
        self.departure(
            self.hr_manager, remove_related_user=True
        ).action_register_departure()
        self.assertFalse(self.departing.active)
        self.assertTrue(handover.signs_on_behalf)
        todo = handover.activity_ids.filtered(
            lambda act: act.user_id == self.supervisor
            and "on behalf of Dora Departing" in (act.summary or "")
        )
        self.assertTrue(todo, "the supervisor gets an activity for what is left")
        self.assertFalse(
            handover.activity_ids.filtered(lambda act: act.user_id == self.departing),
            "no step waits for the user who left",
        )

        # The supervisor signs in the departing user's place, marked as such...
        self.assertTrue(departing_sig.with_user(self.supervisor).can_sign)
        self.assertFalse(departing_sig.with_user(self.successor_a).can_sign)
        with self.assertRaises(AccessError):
            departing_sig.with_user(self.successor_a).signature = PNG_SIGNATURE
        departing_sig.with_user(self.supervisor).signature = PNG_SIGNATURE
        self.assertEqual(departing_sig.signed_by_id, self.supervisor)
        handover.with_user(self.supervisor).action_complete_materials()
        # The stage's digest says who signed in whose place.
        self.assertIn(
            "Sam Supervisor on behalf of Dora Departing: Handed over by",
            self.digest(handover, "Materials"),
        )

        # ...confirms the visits with the successors...
        line = handover.line_ids[0]
        self.record_visit(line, line.successor_id)
        line.with_user(line.successor_id).action_confirm_visit()
        line.with_user(self.supervisor).action_confirm_visit()
        self.assertEqual(line.visit_departing_confirmed_by_id, self.supervisor)
        self.assertEqual(line.visit_state, "done")
        self.assertEqual(line.visit_confirmed_on_behalf_by_id, self.supervisor)
        with self.assertRaisesRegex(UserError, "already confirmed"):
            line.with_user(self.supervisor).action_confirm_visit()
        for line in handover.line_ids[1:]:
            self.record_visit(line, line.successor_id)
            line.with_user(line.successor_id).action_confirm_visit()
            line.with_user(self.supervisor).action_confirm_visit()
        self.witness_visits(handover)
        # ...and signs the visit sheet in their place.
        visit_sheet = handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == "visits"
        )
        self.sign(handover, "visits", users=visit_sheet.user_id - self.departing)
        departing_visit_sig = visit_sheet.filtered(
            lambda sig: sig.user_id == self.departing
        )
        departing_visit_sig.with_user(self.supervisor).signature = PNG_SIGNATURE
        self.assertEqual(departing_visit_sig.signed_by_id, self.supervisor)
        handover.with_user(self.supervisor).action_complete_visits()
        self.assertIn(
            "Sam Supervisor on behalf of Dora Departing: "
            f"{handover.line_ids[0].partner_id.name} (visited)",
            self.digest(handover, "Customer Visits"),
        )

        # ...and the handover reaches Done, its chain intact.
        self.do_calls(handover)
        self.sign(handover, "verification")
        handover.with_user(
            handover._users_for_role("witness")
        ).action_complete_verification()
        handover.with_user(self.supervisor).summary = "<p>Handed over.</p>"
        for sig in handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == "summary" and not sig.signed_on
        ):
            signer = self.supervisor if sig.user_id == self.departing else sig.user_id
            sig.with_user(signer).signature = PNG_SIGNATURE
        handover.with_user(self.supervisor).action_submit_summary()
        # Who submitted never reviews: an administrator reviews in their place.
        handover.with_user(self.handover_admin).action_review_summary()
        self.advance(handover, "done")
        self.assertEqual(handover.state, "done")
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        # The prints say who signed and confirmed on behalf.
        Report = self.env["ir.actions.report"].with_user(self.supervisor)
        for report, text in (
            (PLAN, "Signed on behalf by Sam Supervisor"),
            (VISITS, "Sam Supervisor"),
            (VISITS, "On behalf of Dora Departing"),
        ):
            content, _type = Report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(report, res_ids=handover.ids)
            self.assertIn(text, pdf_text(content))

    def test_archive_allowed_without_customers(self):
        """A user without customers or activities leaves freely."""
        self.handover_admin.with_user(self.hr_manager).action_archive()
        self.assertFalse(self.handover_admin.active)

    def test_departure_by_hr_and_handover_administrator(self):
        """The demo's HR administrator (马丽): Employees administrator (Odoo 19
        reads contract dates, administrator-only fields, when registering a
        departure) and handover administrator, without user administration or
        sales rights, registers a departure from the employee form."""
        hr_admin = self.handover_admin
        hr_admin.group_ids += self.env.ref("hr.group_hr_manager")
        self.assertFalse(hr_admin.has_group("base.group_erp_manager"))
        self.assertFalse(hr_admin.has_group("sales_team.group_sale_salesman"))
        departure_date = self.today + timedelta(days=25)
        wizard = self.departure(hr_admin, departure_date=departure_date)
        self.assertTrue(wizard.start_client_handover)
        wizard.action_register_departure()
        handover = self.handovers()
        self.assertEqual(len(handover), 1)
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertFalse(self.employee.active)
