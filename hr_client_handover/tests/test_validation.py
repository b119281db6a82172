from datetime import timedelta

import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverValidation(HandoverCase):
    """Segregation of duties and bad input beyond the catalogue of
    test_bad_input: the assignment wizard, the database's own guard, the
    settings that allow an exception."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handover = cls.env["hr.client.handover"].create(
            {
                "employee_id": cls.employee.id,
                "last_working_date": cls.today + timedelta(days=20),
            }
        )
        cls.handover.with_user(cls.departing).action_generate_lines()

    def test_successor_through_the_wizard(self):
        """The assignment wizard goes through the same checks."""
        with self.assertRaisesRegex(ValidationError, "portal or public user"):
            self.assign(self.handover, self.successor_a, self.portal_user)
        self.assertFalse(self.handover.line_ids.successor_id)

    def test_customer_in_another_active_handover(self):
        # A colleague who also runs a deal with Alpha leaves at the same time.
        colleague = self.env["hr.employee"].search(
            [("user_id", "=", self.successor_b.id)]
        )
        self.env["crm.lead"].create(
            {
                "name": "Alpha second line",
                "type": "opportunity",
                "partner_id": self.alpha.id,
                "user_id": self.successor_b.id,
            }
        )
        Handover = self.env["hr.client.handover"]
        other = Handover.with_user(self.supervisor).create(
            {"employee_id": colleague.id, "handover_type": "transfer"}
        )
        Line = self.env["hr.client.handover.line"].with_user(self.supervisor)
        with self.assertRaisesRegex(
            ValidationError, f"already in the active handover {self.handover.name}"
        ):
            Line.create({"handover_id": other.id, "partner_id": self.alpha.id})
        self.assertFalse(other.line_ids)
        # Generating lines leaves them out and says which and where.
        other.with_user(self.successor_b).action_generate_lines()
        self.assertFalse(other.line_ids)
        notice = other.message_ids.filtered(
            lambda msg: "already in another active handover" in msg.body
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(f"{self.alpha.name} ({self.handover.name})", notice.body)
        # The database refuses it too, whoever writes.
        free = self.env["res.partner"].create(
            {"name": "Free Customer", "is_company": True}
        )
        line = Line.create({"handover_id": other.id, "partner_id": free.id})
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE hr_client_handover_line SET partner_id = %s WHERE id = %s",
                    [self.alpha.id, line.id],
                )
        # A customer of a done or cancelled handover can be handed over again.
        self.handover.with_user(self.supervisor).action_cancel()
        self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
            {"handover_id": self.handover.id, "reason": "Replaced"}
        ).action_cancel_handover()
        Line.create({"handover_id": other.id, "partner_id": self.alpha.id})

    def assertHeaderRefused(self, values, phrase, user=None):
        before = {name: self.handover[name] for name in values}
        with self.assertRaisesRegex(ValidationError, phrase):
            self.handover.with_user(user or self.departing).write(values)
        self.handover.invalidate_recordset()
        self.assertEqual({name: self.handover[name] for name in values}, before)

    def test_departing_user_in_another_role(self):
        for field_name in ("supervisor_id", "approver_id", "witness_id"):
            with self.subTest(field=field_name):
                self.assertHeaderRefused(
                    {field_name: self.departing.id},
                    "cannot also be the",
                    user=self.supervisor,
                )

    def test_supervisor_is_approver(self):
        self.company.handover_allow_same_reviewer = False
        self.assertHeaderRefused(
            {"approver_id": self.supervisor.id},
            "must be two different people",
            user=self.supervisor,
        )
        # Allowed by the company: the supervisor reviews, then approves, the plan.
        self.company.handover_allow_same_reviewer = True
        self.handover.with_user(self.supervisor).approver_id = self.supervisor
        self.assign(self.handover, self.successor_a)
        self.advance(self.handover, "plan_review")
        as_supervisor = self.handover.with_user(self.supervisor)
        as_supervisor.action_review_plan()
        self.assertEqual(self.handover.state, "plan_approval")
        as_supervisor.action_approve_plan()
        self.assertEqual(self.handover.state, "materials")
        self.assertEqual(self.handover.plan_reviewed_by_id, self.supervisor)
        self.assertEqual(self.handover.plan_approved_by_id, self.supervisor)

    def test_return_date(self):
        self.assertHeaderRefused(
            {"return_date": self.today + timedelta(days=60)},
            "Only a leave handover has a return date",
        )
        # A leave takes a leave's template (see test_trust_checklist).
        self.handover.with_user(self.supervisor).write(
            {
                "handover_type": "leave",
                "template_id": self.env.ref(
                    "hr_client_handover.handover_template_leave"
                ).id,
            }
        )
        self.assertHeaderRefused(
            {"return_date": self.handover.last_working_date},
            "must come after the last working day",
        )
        # After the last working day, on a leave: kept.
        back = self.today + timedelta(days=60)
        self.handover.with_user(self.departing).return_date = back
        self.handover.invalidate_recordset()
        self.assertEqual(self.handover.return_date, back)

    def test_checklist_due_dates_follow_the_deadline(self):
        """Items due by (or one working day after) the last working day move
        with it; a due date set by hand, or an item done, stays."""
        items = self.handover.item_ids
        by_rule = {
            rule: items.filtered(lambda item, rule=rule: item.due_rule == rule)
            for rule in ("last_day", "after_last_day")
        }
        self.assertTrue(by_rule["last_day"] and by_rule["after_last_day"])
        manual, done = by_rule["last_day"][:2]
        manual.due_date = self.today + timedelta(days=5)
        self.assertFalse(manual.due_rule, "a date set by hand stops following")
        done.sudo().done = True
        done_date = done.due_date

        # A Friday: one working day later is the Monday after.
        friday = self.today + timedelta(days=(4 - self.today.weekday()) % 7 + 14)
        self.handover.with_user(self.departing).last_working_date = friday
        following = by_rule["last_day"] - manual - done
        self.assertEqual(set(following.mapped("due_date")), {friday})
        self.assertEqual(
            set(by_rule["after_last_day"].mapped("due_date")),
            {friday + timedelta(days=3)},
        )
        # A Tuesday: the Wednesday.
        tuesday = friday + timedelta(days=4)
        self.handover.with_user(self.departing).last_working_date = tuesday
        self.assertEqual(
            set(by_rule["after_last_day"].mapped("due_date")),
            {tuesday + timedelta(days=1)},
        )
        self.assertEqual(manual.due_date, self.today + timedelta(days=5))
        self.assertEqual(done.due_date, done_date)
