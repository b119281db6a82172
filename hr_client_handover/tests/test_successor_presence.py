"""Only people who are there receive customers: the assign dialog, the
submission and the approval refuse a successor who is leaving too, archived or
on leave over the handover's dates, saying why; a handover started for a
successor flags the plans that count on them."""

from datetime import datetime, time, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestSuccessorPresence(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.employee_a = Employee.search([("user_id", "=", cls.successor_a.id)])
        cls.employee_b = Employee.search([("user_id", "=", cls.successor_b.id)])

    def leave(self, employee, first_day, last_day, name="Maternity leave"):
        return (
            self.env["resource.calendar.leaves"]
            .sudo()
            .create(
                {
                    "name": name,
                    "resource_id": employee.resource_id.id,
                    "calendar_id": employee.resource_calendar_id.id,
                    "company_id": employee.company_id.id,
                    "date_from": datetime.combine(first_day, time(0, 0)),
                    "date_to": datetime.combine(last_day, time(23, 0)),
                    "time_type": "leave",
                }
            )
        )

    def assign_wizard(self, handover, *successors):
        Wizard = self.env["hr.client.handover.assign"].with_user(self.departing)
        values = {
            "handover_id": handover.id,
            "line_ids": [Command.set(handover.line_ids.ids)],
        }
        if len(successors) == 1:
            values.update(mode="single", successor_id=successors[0].id)
        else:
            values.update(
                mode="split", successor_ids=[Command.set([s.id for s in successors])]
            )
        return Wizard.with_context(default_handover_id=handover.id).create(values)

    def lines_of(self, handover, user):
        return handover.line_ids.filtered(lambda line: line.successor_id == user)

    # ------------------------------------------------------------------
    # The assign dialog
    # ------------------------------------------------------------------
    def test_dialog_does_not_offer_nor_accept_a_departing_successor(self):
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        wizard = self.assign_wizard(handover, self.successor_a)
        self.assertNotIn(self.successor_b, wizard.unavailable_successor_ids)
        # Bea starts leaving: her own handover is open.
        own = self.create_handover(employee_id=self.employee_b.id)
        # (A new request reads it anew; this test's transaction has it cached.)
        handover.invalidate_recordset(["unavailable_successor_ids"])
        wizard = self.assign_wizard(handover, self.successor_b)
        self.assertIn(self.successor_b, wizard.unavailable_successor_ids)
        self.assertNotIn(self.successor_a, wizard.unavailable_successor_ids)
        with self.assertRaisesRegex(
            UserError, f"Bea Successor is leaving too.*{own.name}"
        ):
            wizard.action_assign()
        self.assertFalse(handover.line_ids.successor_id)
        with self.assertRaisesRegex(UserError, "Bea Successor is leaving too"):
            self.assign_wizard(
                handover, self.successor_a, self.successor_b
            ).action_assign()
        self.assertFalse(handover.line_ids.successor_id)
        self.assign_wizard(handover, self.successor_a).action_assign()
        self.assertEqual(handover.line_ids.successor_id, self.successor_a)

    def test_dialog_refuses_a_successor_on_leave_over_the_dates(self):
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        self.leave(
            self.employee_a,
            self.today + timedelta(days=3),
            self.today + timedelta(days=90),
        )
        wizard = self.assign_wizard(handover, self.successor_a)
        self.assertIn(self.successor_a, wizard.unavailable_successor_ids)
        with self.assertRaisesRegex(UserError, "Alan Successor is on leave"):
            wizard.action_assign()

    def test_leave_after_the_last_working_date_does_not_count(self):
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        start = handover.last_working_date + timedelta(days=2)
        self.leave(self.employee_a, start, start + timedelta(days=10))
        # Nor does a leave that ended before today.
        self.leave(
            self.employee_b,
            self.today - timedelta(days=20),
            self.today - timedelta(days=2),
        )
        self.assign(handover, self.successor_a, self.successor_b)
        self.assertFalse(handover.line_ids.filtered("successor_absent"))
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")

    # ------------------------------------------------------------------
    # Submission and approval
    # ------------------------------------------------------------------
    def test_submission_refuses_a_successor_gone_on_leave(self):
        handover = self.draft_handover()
        self.leave(self.employee_a, self.today, self.today + timedelta(days=60))
        lines = self.lines_of(handover, self.successor_a)
        self.assertTrue(all(lines.mapped("successor_absent")))
        self.assertIn("Alan Successor is on leave", lines[0].successor_absent_reason)
        self.assertFalse(
            any(self.lines_of(handover, self.successor_b).mapped("successor_absent"))
        )
        with self.assertRaisesRegex(UserError, "reassign.*Alan Successor is on leave"):
            handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "draft")
        self.assertFalse(handover.can_complete_stage)
        # Reassigned to who stays, the plan goes on.
        self.assign(handover, self.successor_b, lines=lines)
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")

    def test_approval_refuses_a_successor_whose_departure_is_registered(self):
        handover = self.advance(self.draft_handover(), "plan_approval")
        self.employee_b.sudo().departure_date = self.today + timedelta(days=30)
        with self.assertRaisesRegex(
            UserError, "Bea Successor is leaving .departure registered"
        ):
            handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "plan_approval")
        self.assertEqual(handover.transfer_state, "pending")
        self.assertEqual(self.alpha.user_id, self.departing)

    def test_approval_refuses_a_successor_whose_employee_is_archived(self):
        handover = self.advance(self.draft_handover(), "plan_approval")
        self.employee_a.sudo().action_archive()
        with self.assertRaisesRegex(
            UserError, r"Alan Successor has left \(employee archived\)"
        ):
            handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "plan_approval")

    # ------------------------------------------------------------------
    # A successor who starts leaving
    # ------------------------------------------------------------------
    def test_a_successors_handover_flags_the_plans_counting_on_them(self):
        handover = self.draft_handover()
        bea_lines = self.lines_of(handover, self.successor_b)
        self.assertTrue(bea_lines)
        self.assertFalse(handover.line_ids.filtered("successor_absent"))
        own = self.create_handover(employee_id=self.employee_b.id)
        # Her lines show it; Alan's do not.
        handover.line_ids.invalidate_recordset(["successor_absent"])
        self.assertEqual(handover.line_ids.filtered("successor_absent"), bea_lines)
        # The plan's people are told, and the supervisor has something to do.
        message = handover.sudo().message_ids.filtered(
            lambda msg: own.name in str(msg.body) and "Reassign" in str(msg.body)
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(
            set(message.partner_ids.ids),
            set((self.departing | self.supervisor).partner_id.ids),
        )
        todo = handover.sudo().activity_ids.filtered(
            lambda act: "Bea Successor" in (act.summary or "")
        )
        self.assertEqual(todo.user_id, self.supervisor)
        # Her own handover and the closed ones are not told.
        self.assertFalse(
            own.sudo().message_ids.filtered(lambda msg: "Reassign" in str(msg.body))
        )
        # A plan reassigned goes on; the supervisor marks the to-do done.
        self.assign(handover, self.successor_a, lines=bea_lines)
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")
        todo.with_user(self.supervisor).action_feedback(feedback="Reassigned to Alan")
        self.assertFalse(todo.active)

    def test_archived_successor_is_flagged_on_a_running_handover(self):
        """After the plan, a successor who left shows on the stage's lines."""
        handover = self.advance(self.draft_handover(), "materials")
        self.employee_b.sudo().departure_date = self.today + timedelta(days=5)
        lines = self.lines_of(handover, self.successor_b)
        self.assertTrue(all(lines.mapped("successor_absent")))
        self.assertIn("departure registered", lines[0].successor_absent_reason)
