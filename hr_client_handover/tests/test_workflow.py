import math
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools import html2plaintext

from .common import ACTIVITY, HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverWorkflow(HandoverCase):
    def test_handover_end_to_end(self):
        """A resignation handover through every stage, each step by its actor."""
        Handover = self.env["hr.client.handover"]

        # Draft: the departing employee opens the plan; roles come from the org chart.
        with Form(Handover.with_user(self.departing)) as form:
            form.employee_id = self.employee
            self.assertEqual(form.supervisor_id, self.supervisor)
            self.assertEqual(form.witness_id, self.witness)
            self.assertEqual(form.approver_id, self.approver)
            self.assertEqual(
                form.template_id,
                self.env.ref("hr_client_handover.handover_template_resignation"),
            )
            self.assertEqual(form.last_working_date, self.today + timedelta(days=30))
        handover = form.record
        self.assertEqual(handover.state, "draft")
        self.assertRegex(handover.name, r"^HO/\d{4}/\d{4}$")
        self.assertTrue(handover.item_ids, "the template's checklist is copied")
        self.assertActivityFor(
            handover, "draft_plan", self.departing, deadline=handover.last_working_date
        )

        # Generate lines: owned customers and partners of open deals, once each.
        handover.with_user(self.departing).action_generate_lines()
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertEqual(len(handover.line_ids), len(self.customers))
        handover.with_user(self.departing).action_generate_lines()
        self.assertEqual(len(handover.line_ids), len(self.customers), "no duplicates")
        line_of = {line.partner_id: line for line in handover.line_ids}
        alpha_line = line_of[self.alpha]
        self.assertEqual(
            alpha_line.opportunity_count, 2, "open deals of Alpha and its buyer"
        )
        self.assertEqual(alpha_line.expected_revenue, 15000)
        self.assertEqual(alpha_line.activity_count, 2)
        self.assertEqual(line_of[self.beta].quotation_count, 1)
        self.assertEqual(line_of[self.epsilon].quotation_count, 1)

        # Assign successors: split mode balances revenue and customer count.
        wizard = self.assign(handover, self.successor_a, self.successor_b)
        portfolios = {row.user_id: row for row in wizard.preview_ids}
        self.assertEqual(set(portfolios), {self.successor_a, self.successor_b})
        counts = [row.customer_count for row in portfolios.values()]
        self.assertLessEqual(max(counts) - min(counts), 1)
        revenues = [row.expected_revenue for row in portfolios.values()]
        self.assertLessEqual(
            max(revenues) - min(revenues),
            max(handover.line_ids.mapped("expected_revenue")),
        )
        self.assertEqual(
            handover.line_ids.successor_id, self.successor_a | self.successor_b
        )
        for user, row in portfolios.items():
            self.assertEqual(
                row.customer_count,
                len(
                    handover.line_ids.filtered(
                        lambda line, u=user: line.successor_id == u
                    )
                ),
            )

        # Submit: the supervisor reviews within 3 working days.
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")
        self.assertActivityDone(handover, "draft_plan")
        self.assertActivityFor(handover, "review_plan", self.supervisor)
        review_deadline = self.open_activities(handover, "review_plan").date_deadline
        self.assertEqual(review_deadline, self.working_days_after(self.today, 3))

        handover.with_user(self.supervisor).action_review_plan()
        self.assertEqual(handover.state, "plan_approval")
        self.assertEqual(handover.plan_reviewed_by_id, self.supervisor)
        self.assertActivityDone(handover, "review_plan")
        self.assertActivityFor(handover, "approve_plan", self.approver)

        # Approve: the ownership moves.
        self.assertIn(self.departing.partner_id, self.lead_alpha.message_partner_ids)
        handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(handover.plan_approved_by_id, self.approver)
        self.assertActivityDone(handover, "approve_plan")
        self.assertActivityFor(
            handover, "materials", self.successor_a | self.successor_b
        )
        self._assert_ownership_moved(handover)

        # Materials: each successor confirms, checklist done, three-party signatures.
        signatures = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials"
        )
        self.assertEqual(
            {(sig.role, sig.user_id) for sig in signatures},
            {
                ("departing", self.departing),
                ("successor", self.successor_a),
                ("successor", self.successor_b),
                ("witness", self.witness),
            },
        )
        for successor in (self.successor_a, self.successor_b):
            lines = handover.line_ids.filtered(
                lambda line, s=successor: line.successor_id == s
            )
            self.describe_materials(lines, successor)
            lines.with_user(successor).action_confirm_materials()
            self.assertEqual(lines.materials_confirmed_by_id, successor)
            self.assertNotIn(
                successor,
                self.open_activities(handover, "materials").user_id,
                "the successor's materials activity is done once all their lines are",
            )
        # The part due after the departure waits for it (ticked below).
        due_now = handover.item_ids.filtered(lambda item: not item.post_departure)
        for item in due_now:
            self.tick(item)
        self.assertTrue(all(due_now.mapped("done")))
        for item in handover.item_ids.filtered("needs_receipt"):
            item.with_user(self.witness).action_confirm()
            self.assertEqual(item.confirmed_by_id, self.witness)
        self.sign(handover, "materials")
        self.assertTrue(all(signatures.mapped("signed_on")))
        handover.with_user(self.supervisor).action_complete_materials()
        self.assertEqual(handover.state, "visits")
        self.assertActivityDone(handover, "materials")
        # Everyone who must confirm visits: the successors and the departing.
        self.assertActivityFor(
            handover, "visits", self.successor_a | self.successor_b | self.departing
        )

        # Visits: both confirm each visit; one waiver asked and approved.
        waived = line_of[self.zeta]
        self.line_reason(
            waived,
            waived.successor_id,
            "action_request_waiver",
            "Customer abroad until March",
        )
        self.assertEqual(waived.visit_state, "waiver_requested")
        self.assertActivityFor(handover, "waiver", self.supervisor)
        waived.with_user(self.supervisor).action_approve_waiver()
        self.assertEqual(waived.visit_state, "waived")
        self.assertEqual(waived.waiver_approved_by_id, self.supervisor)
        for successor in (self.successor_a, self.successor_b):
            lines = handover.line_ids.filtered(
                lambda line, s=successor: line.successor_id == s
            )
            for line in lines - waived:
                self.record_visit(line, successor)
                line.with_user(successor).action_confirm_visit()
                self.assertEqual(line.visit_state, "partial")
                line.with_user(self.departing).action_confirm_visit()
                self.assertEqual(line.visit_state, "done")
                self.assertTrue(line.visit_done_on)
            self.assertNotIn(
                successor,
                self.open_activities(handover, "visits").user_id,
                "the successor's visit activity is done once all their visits are",
            )
        self.assertActivityFor(handover, "witness_visits", self.witness)
        self.witness_visits(handover)
        # The visit sheet is signed by the visitors and the witness.
        self.sign(handover, "visits")
        handover.with_user(self.supervisor).action_complete_visits()
        self.assertEqual(handover.state, "verification")
        self.assertActivityDone(handover, "visits")
        self.assertActivityFor(handover, "spot_check", self.witness)

        # Verification: a random sample of max(ceil(20 % of n), 3) customers.
        sample = handover.line_ids.filtered("spot_check_selected")
        count = len(handover.line_ids)
        self.assertEqual(len(sample), min(count, max(math.ceil(count * 0.2), 3)))
        for line in sample:
            line.with_user(self.witness).check_result = "confirmed"
            line.with_user(self.witness).action_record_check()
            self.assertEqual(line.checked_by_id, self.witness)
        # The witness who called signs the spot check found true.
        self.sign(handover, "verification")
        handover.with_user(self.witness).action_complete_verification()
        self.assertEqual(handover.state, "summary")
        self.assertActivityDone(handover, "spot_check")
        self.assertActivityFor(handover, "write_summary", self.departing)

        # Summary: the departing employee writes it from the template and signs.
        self.assertIn(self.departing.name, html2plaintext(handover.summary))
        self.assertNotIn("{employee}", handover.summary)
        with Form(handover.with_user(self.departing)) as form:
            form.summary = (
                "<p>Six customers handed over; Delta expects a call in May.</p>"
            )
        self.sign(handover, "summary")
        handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary_review")
        self.assertActivityDone(handover, "write_summary")
        self.assertActivityFor(handover, "review_summary", self.supervisor)

        handover.with_user(self.supervisor).action_review_summary()
        self.assertEqual(handover.state, "summary_approval")
        self.assertEqual(handover.summary_reviewed_by_id, self.supervisor)
        self.assertActivityDone(handover, "review_summary")
        self.assertActivityFor(handover, "approve_summary", self.approver)

        self.do_post_departure(handover)
        # HR countersigns (会签) in place of the departments not set.
        self.work_summary_approval(handover)
        handover.with_user(self.approver).action_approve_summary()
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.done_date, self.today)
        self.assertEqual(handover.summary_approved_by_id, self.approver)
        self.assertActivityDone(handover, "approve_summary")
        self.assertActivityFor(
            handover,
            "follow_up",
            self.supervisor,
            deadline=self.today + timedelta(days=30),
        )
        # Filed right after, by the scheduled action the approval triggered.
        self.assertFalse(handover.summary_attachment_id)
        self.assertTrue(
            self.run_triggered_filing(
                handover.with_context(force_report_rendering=True)
            )
        )
        attachment = handover.summary_attachment_id
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (handover._name, handover.id)
        )
        self.assertEqual(
            handover.transfer_state, "done", "moved once, at plan approval"
        )

    def test_stage_changes_are_tracked(self):
        """Each stage change shows in the chatter (as after each request)."""
        handover = self.draft_handover()
        self.env.cr.flush()
        handover.with_user(self.departing).action_submit_plan()
        self.env.cr.flush()
        handover.with_user(self.supervisor).action_review_plan()
        self.env.cr.flush()
        tracked = handover.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(
            sorted((value.old_value_char, value.new_value_char) for value in tracked),
            [("Draft", "Plan Review"), ("Plan Review", "Plan Approval")],
        )
        review = tracked.filtered(lambda value: value.new_value_char == "Plan Approval")
        self.assertEqual(review.mail_message_id.author_id, self.supervisor.partner_id)

    def _assert_ownership_moved(self, handover):
        successor_of = {
            line.partner_id: line.successor_id for line in handover.line_ids
        }
        team_of = {self.successor_a: self.team_a, self.successor_b: self.team_b}

        # Customers (not Delta: another salesperson owns it) and their contacts.
        for partner in self.alpha | self.beta | self.gamma | self.epsilon | self.zeta:
            self.assertEqual(partner.user_id, successor_of[partner], partner.name)
        self.assertEqual(self.delta.user_id, self.other_salesman)
        self.assertEqual(self.alpha_buyer.user_id, successor_of[self.alpha])
        self.assertEqual(self.beta_contact.user_id, successor_of[self.beta])
        self.assertEqual(self.alpha_other_contact.user_id, self.other_salesman)

        # Open opportunities and quotations, with a team the successor is in
        # (both successors receive some: one is in the deals' team, one not).
        self.assertEqual(
            self.open_leads.user_id | self.quotations.user_id,
            self.successor_a | self.successor_b,
        )
        for record in [*self.open_leads, *self.quotations]:
            successor = successor_of[record.partner_id.commercial_partner_id]
            self.assertEqual(record.user_id, successor, record.display_name)
            self.assertEqual(record.team_id, team_of[successor], record.display_name)

        # Follow-up activities of the departing user on what moved.
        for activity in self.moving_activities:
            record = self.env[activity.res_model].browse(activity.res_id)
            partner = (
                record.commercial_partner_id
                if record._name == "res.partner"
                else (record.partner_id.commercial_partner_id)
            )
            self.assertEqual(activity.user_id, successor_of[partner], activity.summary)
        self.assertEqual(self.act_lead_alpha_otto.user_id, self.other_salesman)
        self.assertEqual(self.act_other.user_id, self.other_salesman)

        # What must not move.
        self.assertEqual(self.lead_alpha_won.user_id, self.departing)
        self.assertEqual(self.lead_alpha_lost.user_id, self.departing)
        self.assertEqual(self.order_alpha_confirmed.user_id, self.departing)
        self.assertEqual(self.lead_alpha_other.user_id, self.other_salesman)
        self.assertEqual(self.lead_other.user_id, self.other_salesman)
        self.assertEqual(self.quote_other.user_id, self.other_salesman)

        # Ledger: one row per moved value.
        moved = (
            [(p._name, p.id) for p in self.alpha | self.alpha_buyer | self.beta]
            + [
                (p._name, p.id)
                for p in self.beta_contact | self.gamma | self.epsilon | self.zeta
            ]
            + [
                (r._name, r.id)
                for r in [*self.open_leads, *self.quotations, *self.moving_activities]
            ]
        )
        ledger = handover.sudo().transfer_ids
        self.assertEqual(
            sorted((row.res_model, row.res_id) for row in ledger), sorted(moved)
        )
        self.assertEqual(set(ledger.mapped("field_name")), {"user_id"})
        for row in ledger:
            record = self.env[row.res_model].browse(row.res_id)
            self.assertEqual(row.new_user_id, record.user_id)
            expected_old = (
                self.env["res.users"] if record == self.epsilon else self.departing
            )
            self.assertEqual(row.old_user_id, expected_old, row.res_name)
            self.assertEqual(row.line_id.successor_id, row.new_user_id)

        # One chatter line per moved record; followers follow the owner.
        for record in [*self.open_leads, *self.quotations, self.alpha, self.gamma]:
            expected = (
                f"Salesperson: {self.departing.name} → {record.user_id.name} "
                f"(handover {handover.name})"
            )
            bodies = [html2plaintext(msg.body) for msg in record.message_ids]
            self.assertEqual(
                len([body for body in bodies if expected in body]),
                1,
                record.display_name,
            )
        for record in [*self.open_leads, *self.quotations]:
            self.assertIn(record.user_id.partner_id, record.message_partner_ids)
            self.assertNotIn(self.departing.partner_id, record.message_partner_ids)

        # The record says who received what; each successor is told once, in a
        # notice the other successor cannot read.
        summary = handover.message_ids.filtered(
            lambda msg: "Transfer complete" in html2plaintext(msg.body)
        )
        self.assertEqual(len(summary), 1)
        notices = self.env["mail.message"].search(
            [
                ("model", "=", handover._name),
                ("res_id", "=", handover.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        for successor, other in (
            (self.successor_a, self.successor_b),
            (self.successor_b, self.successor_a),
        ):
            self.assertIn(successor.name, html2plaintext(summary.body))
            mine = notices.filtered(
                lambda msg, s=successor: msg.partner_ids == s.partner_id
                and "you now own" in html2plaintext(msg.body)
            )
            self.assertEqual(len(mine), 1, successor.name)
            self.assertFalse(
                mine.with_user(other).has_access("read"),
                f"{other.name} does not read {successor.name}'s notice",
            )
            self.assertNotIn(mine, handover.with_user(other).message_ids)


@tagged("post_install", "-at_install")
class TestReminders(HandoverCase):
    """The daily job, on a frozen clock."""

    def run_cron_on(self, day):
        with freeze_time(day):
            self.env["hr.client.handover"]._cron_remind_and_escalate()

    def test_reminded_once_per_stage_and_escalated_once(self):
        self.company.handover_reminder_days = 3
        handover = self.draft_handover(
            last_working_date=self.today + timedelta(days=10)
        )
        reminders = self.env.ref(ACTIVITY % "reminder")

        def reminded():
            return handover.activity_ids.filtered(
                lambda act: act.activity_type_id == reminders
            ).user_id

        self.run_cron_on(self.today + timedelta(days=5))
        self.assertFalse(reminded(), "five days left: not yet")
        # The run of the day the days left fell to 3 was missed: still reminded.
        self.run_cron_on(self.today + timedelta(days=8))
        self.assertEqual(reminded(), self.departing)
        self.run_cron_on(self.today + timedelta(days=9))
        self.assertEqual(
            len(
                handover.activity_ids.filtered(
                    lambda act: act.activity_type_id == reminders
                )
            ),
            1,
            "reminded once",
        )
        # A new stage: its own actors are reminded.
        handover.with_user(self.departing).action_submit_plan()
        self.run_cron_on(self.today + timedelta(days=9))
        self.assertEqual(reminded(), self.departing | self.supervisor)

        overdue = self.env.ref(ACTIVITY % "overdue")
        self.run_cron_on(self.today + timedelta(days=11))
        escalation = handover.activity_ids.filtered(
            lambda act: act.activity_type_id == overdue
        )
        self.assertEqual(escalation.user_id, self.approver)
        escalation.with_user(self.approver).action_feedback("Spoke to the team")
        self.run_cron_on(self.today + timedelta(days=12))
        self.assertFalse(
            handover.activity_ids.filtered(lambda act: act.activity_type_id == overdue),
            "escalated once",
        )
