from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestRetention(HandoverCase):
    """Did the customers of a done handover stay with their successors?"""

    def test_customers_retained_lost_or_silent(self):
        handover = self.advance(self.draft_handover(), "done")
        now = fields.Datetime.now()
        # The transfer happened ten days ago; what came before it is history.
        self.env.cr.execute(
            "UPDATE hr_client_handover_transfer SET transferred_on = %s"
            " WHERE handover_id = %s",
            [now - timedelta(days=10), handover.id],
        )
        self.order_alpha_confirmed.date_order = now - timedelta(days=30)
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = %s WHERE id = %s",
            [now - timedelta(days=20), self.lead_alpha_won.id],
        )
        # Since then: Alpha ordered again, Beta's deal was won, Zeta's lost.
        product = self.env["product.product"].create(
            {"name": "Maintenance", "type": "service", "list_price": 500.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.alpha_buyer.id,
                "user_id": self.successor_a.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.lead_beta.action_set_won()
        lost = self.env["crm.lead"].create(
            {"name": "Zeta reprint", "type": "opportunity", "partner_id": self.zeta.id}
        )
        lost.action_set_lost()
        self.env.flush_all()

        Retention = self.env["hr.client.handover.retention"].with_user(
            self.handover_admin
        )
        rows = Retention.search([("handover_id", "=", handover.id)])
        status = {row.partner_id: row.status for row in rows}
        self.assertEqual(len(rows), len(handover.line_ids))
        self.assertEqual(status[self.alpha], "retained")
        self.assertEqual(status[self.beta], "retained")
        self.assertEqual(status[self.zeta], "lost")
        self.assertEqual(status[self.gamma], "no_activity")
        alpha = rows.filtered(lambda row: row.partner_id == self.alpha)
        self.assertEqual(
            (alpha.order_count, alpha.order_count_before, alpha.won_count_before),
            (1, 1, 1),
        )
        self.assertAlmostEqual(alpha.order_amount, order.amount_untaxed)
        self.assertEqual(
            alpha.successor_id,
            handover.line_ids.filtered(
                lambda line: line.partner_id == self.alpha
            ).successor_id,
        )

        # Per successor, as the pivot groups it.
        groups = Retention._read_group(
            [("handover_id", "=", handover.id)],
            ["successor_id"],
            ["retained:sum", "__count"],
        )
        by_successor = {user: (kept, count) for user, kept, count in groups}
        self.assertEqual(
            sum(kept for kept, _count in by_successor.values()), 2, by_successor
        )
        self.assertEqual(
            sum(count for _kept, count in by_successor.values()),
            len(handover.line_ids),
        )
        # A window of 5 days (Settings): ten days after the transfer is too
        # late, thirty and twenty days before too early.
        self.env["res.config.settings"].create({"handover_retention_days": 5}).execute()
        self.env.invalidate_all()
        rows = Retention.search([("handover_id", "=", handover.id)])
        self.assertEqual(set(rows.mapped("status")), {"no_activity"})
        self.assertEqual(sum(rows.mapped("order_count_before")), 0)
        self.assertEqual(sum(rows.mapped("won_count_before")), 0)
        # Reporting is for officers: a salesperson reads none of it.
        with self.assertRaises(AccessError):
            Retention.with_user(self.other_salesman).search([])

    def test_stages_in_process_order(self):
        """The analysis groups stages as the process runs, not alphabetically."""
        draft = self.draft_handover()
        other = self.env["hr.employee"].create(
            {
                "name": self.other_salesman.name,
                "user_id": self.other_salesman.id,
                "department_id": self.sales_department.id,
                "parent_id": self.supervisor_employee.id,
            }
        )
        later = self.create_handover(employee_id=other.id)
        # Alphabetically "materials" < "plan_review" < "verification".
        draft.sudo().state = "verification"
        later.sudo().state = "materials"
        nora = self.env["hr.employee"].create(
            {
                "name": "Nora New",
                "department_id": self.sales_department.id,
                "parent_id": self.supervisor_employee.id,
            }
        )
        first = self.create_handover(employee_id=nora.id)
        first.sudo().state = "plan_review"
        handovers = draft | later | first
        Handover = self.env["hr.client.handover"]
        groups = Handover.formatted_read_group(
            [("id", "in", handovers.ids)], ["state"], ["__count"]
        )
        in_order = ["plan_review", "materials", "verification"]
        self.assertEqual([group["state"] for group in groups], in_order)
        groups = Handover.formatted_read_group(
            [("id", "in", handovers.ids)], ["state"], ["__count"], order="state desc"
        )
        self.assertEqual([group["state"] for group in groups], in_order[::-1])

    # -- activity since, meetings, customers at risk ------------------------

    def _done_long_ago(self, days=100):
        """A done handover whose transfer and visits were `days` ago."""
        handover = self.advance(self.draft_handover(), "done")
        past = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            "UPDATE hr_client_handover_transfer SET transferred_on = %s"
            " WHERE handover_id = %s",
            [past, handover.id],
        )
        self.env.cr.execute(
            "UPDATE hr_client_handover_line SET visit_successor_confirmed_on = %s,"
            " visit_departing_confirmed_on = %s WHERE handover_id = %s",
            [past - timedelta(days=5), past - timedelta(days=5), handover.id],
        )
        self.env.invalidate_all()
        return handover

    def _rows(self, handover, user=None):
        # A report reads the database: forget what an earlier read cached.
        self.env.flush_all()
        self.env.invalidate_all()
        Retention = self.env["hr.client.handover.retention"].with_user(
            user or self.handover_admin
        )
        rows = Retention.search([("handover_id", "=", handover.id)])
        return rows, {row.partner_id: row for row in rows}

    def test_activity_and_meetings_since_the_transfer(self):
        handover = self._done_long_ago(days=10)
        line = {line.partner_id: line for line in handover.line_ids}
        # Gamma's visit was waived: its successor has not met it yet.
        self.env.cr.execute(
            "UPDATE hr_client_handover_line SET visit_successor_confirmed_on = NULL,"
            " visit_departing_confirmed_on = NULL, visit_waived = TRUE WHERE id = %s",
            [line[self.gamma].id],
        )
        self.env.invalidate_all()
        _rows, before = self._rows(handover)
        self.assertFalse(before[self.gamma].met_by_successor)
        self.assertTrue(before[self.beta].met_by_successor, "visit confirmed")
        self.assertFalse(before[self.beta].last_meeting_date, "visited before")
        self.assertEqual(before[self.gamma].activity_count, 0)
        # Report rows are read again after each change: keep the numbers.
        counted = {partner: row.activity_count for partner, row in before.items()}

        # A note written on Gamma and a call logged as done activity on Beta.
        note = self.gamma.message_post(
            body="Called about the new catalogue",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        activity = self.beta.activity_schedule(
            "mail.mail_activity_data_call", user_id=line[self.beta].successor_id.id
        )
        activity.action_feedback(feedback="Reached the buyer")
        # A meeting of Gamma's successor with Gamma, two days ago; another one
        # next week is not a meeting held yet.
        successor = line[self.gamma].successor_id
        start = fields.Datetime.now() - timedelta(days=2)
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        Event.create(
            {
                "name": "Gamma review",
                "start": start,
                "stop": start + timedelta(hours=1),
                "user_id": successor.id,
                "partner_ids": [Command.set([successor.partner_id.id, self.gamma.id])],
            }
        )
        later = fields.Datetime.now() + timedelta(days=7)
        Event.create(
            {
                "name": "Zeta review",
                "start": later,
                "stop": later + timedelta(hours=1),
                "user_id": line[self.zeta].successor_id.id,
                "partner_ids": [Command.set([self.zeta.id])],
            }
        )
        # Beta met someone else yesterday: activity, not the successor's meeting.
        yesterday = fields.Datetime.now() - timedelta(days=1)
        Event.create(
            {
                "name": "Beta with Otto",
                "start": yesterday,
                "stop": yesterday + timedelta(hours=1),
                "user_id": self.other_salesman.id,
                "partner_ids": [
                    Command.set([self.other_salesman.partner_id.id, self.beta.id])
                ],
            }
        )
        _rows, after = self._rows(handover)
        gamma = after[self.gamma]
        self.assertTrue(gamma.met_by_successor)
        self.assertEqual(gamma.last_meeting_date, start.replace(microsecond=0))
        # The note and the meeting.
        self.assertEqual(gamma.activity_count, 2)
        self.assertEqual(gamma.last_activity_date, note.date)
        # The done call and the meeting with Otto.
        self.assertEqual(after[self.beta].activity_count, counted[self.beta] + 2)
        self.assertFalse(after[self.beta].last_meeting_date)
        self.assertFalse(after[self.zeta].last_meeting_date)
        self.assertEqual(after[self.zeta].activity_count, counted[self.zeta])

    def test_customers_at_risk_told_to_the_manager_once(self):
        handover = self._done_long_ago()
        rows, by_partner = self._rows(handover)
        gamma = by_partner[self.gamma]
        # A hundred days, nothing since: at risk, past the 90-day grace.
        self.assertTrue(gamma.at_risk)
        self.assertFalse(gamma.met_by_successor and gamma.last_meeting_date)
        at_risk = rows.filtered("at_risk")
        self.assertEqual(
            at_risk, rows.search([("id", "in", rows.ids), ("at_risk", "=", True)])
        )
        # An order since the transfer takes a customer out of the risk list.
        product = self.env["product.product"].create(
            {"name": "Ink", "type": "consu", "list_price": 10.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.gamma.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.env.flush_all()
        _rows, by_partner = self._rows(handover)
        self.assertFalse(by_partner[self.gamma].at_risk)
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'cancel' WHERE id = %s", [order.id]
        )
        self.env.cr.execute(
            "DELETE FROM mail_message WHERE model = 'sale.order' AND res_id = %s",
            [order.id],
        )
        self.env.invalidate_all()
        rows, by_partner = self._rows(handover)
        self.assertTrue(by_partner[self.gamma].at_risk)
        # Not yet at risk within the window: the grace period is the window.
        self.env["res.config.settings"].create(
            {"handover_retention_days": 120}
        ).execute()
        self.env.invalidate_all()
        _rows, late = self._rows(handover)
        self.assertFalse(late[self.gamma].at_risk)
        self.env["res.config.settings"].create(
            {"handover_retention_days": 90}
        ).execute()
        self.env.invalidate_all()

        # The officer presses Notify Managers on the risk list: the manager of
        # Gamma's successor (their employee's parent) gets one activity.
        rows, by_partner = self._rows(handover)
        at_risk = rows.filtered("at_risk")
        self.assertIn(by_partner[self.gamma], at_risk)
        risk_type = self.env.ref("hr_client_handover.mail_act_handover_customer_risk")

        def risk_activities(partners):
            return (
                self.env["mail.activity"]
                .with_context(active_test=False)
                .search(
                    [
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", partners.ids),
                        ("activity_type_id", "=", risk_type.id),
                    ]
                )
            )

        at_risk.action_notify_risk_managers()
        activities = risk_activities(at_risk.partner_id)
        self.assertEqual(len(activities), len(at_risk))
        gamma_activity = risk_activities(self.gamma)
        self.assertEqual(gamma_activity.user_id, self.supervisor)
        self.assertIn(self.gamma.name, str(gamma_activity.note))
        # Not twice: neither the button again, nor the daily job, nor after the
        # manager marked the activity done.
        gamma_activity.action_feedback(feedback="Called the successor")
        _rows, by_partner = self._rows(handover)
        self.assertTrue(by_partner[self.gamma].risk_notified_on)
        result = by_partner[self.gamma].action_notify_risk_managers()
        self.assertEqual(result["params"]["type"], "warning")
        cron = self.env.ref("hr_client_handover.ir_cron_handover_customer_risk")
        cron.ir_actions_server_id.sudo().run()
        # The done one, kept archived, and no new one.
        self.assertFalse(risk_activities(self.gamma).active, "not scheduled again")
        self.assertEqual(len(risk_activities(self.gamma)), 1)
        self.assertEqual(len(risk_activities(at_risk.partner_id)), len(at_risk))

    def test_cron_tells_managers_and_supervisor_fallback(self):
        handover = self._done_long_ago()
        successor = handover.line_ids.filtered(
            lambda line: line.partner_id == self.gamma
        ).successor_id
        # Without a manager on the successor's employee, the handover's direct
        # supervisor is told.
        self.env["hr.employee"].search(
            [("user_id", "=", successor.id)]
        ).parent_id = False
        cron = self.env.ref("hr_client_handover.ir_cron_handover_customer_risk")
        cron.ir_actions_server_id.sudo().run()
        cron.ir_actions_server_id.sudo().run()
        risk_type = self.env.ref("hr_client_handover.mail_act_handover_customer_risk")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.gamma.id),
                ("activity_type_id", "=", risk_type.id),
            ]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, handover.supervisor_id)

    def test_risk_list_access_per_role(self):
        handover = self._done_long_ago()
        # An officer of another department sees none of these customers and
        # cannot notify anyone about them.
        officer = self.env["res.users"].create(
            {
                "name": "Olga Officer",
                "login": "ho_officer_elsewhere",
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref(
                                "hr_client_handover.group_handover_officer"
                            ).id,
                        ]
                    )
                ],
            }
        )
        rows, _by_partner = self._rows(handover, officer)
        self.assertFalse(rows)
        admin_rows, _by_partner = self._rows(handover)
        with self.assertRaises(AccessError):
            admin_rows.with_user(officer).action_notify_risk_managers()
        # A successor (salesperson) has no access to the report at all.
        with self.assertRaises(AccessError):
            admin_rows.with_user(self.successor_a).action_notify_risk_managers()
        # The officer of the sales department (its manager) sees its
        # customers at risk and tells their managers.
        self.witness.group_ids += self.env.ref(
            "hr_client_handover.group_handover_officer"
        )
        rows, by_partner = self._rows(handover, self.witness)
        self.assertEqual(rows, admin_rows)
        at_risk = rows.search([("id", "in", rows.ids), ("at_risk", "=", True)])
        self.assertIn(by_partner[self.gamma], at_risk)
        result = at_risk.action_notify_risk_managers()
        self.assertEqual(result["params"]["type"], "success")
        self.assertTrue(
            self._rows(handover, self.witness)[1][self.gamma].risk_notified_on
        )
        # Who was told is readable by the officers of the department only.
        Alert = self.env["hr.client.handover.risk.alert"]
        mine = [("line_id.handover_id", "=", handover.id)]
        self.assertIn(self.gamma, Alert.with_user(self.witness).search(mine).partner_id)
        self.assertFalse(Alert.with_user(officer).search(mine))

    # -- the demo's done handover -------------------------------------------

    def test_demo_story_before_and_after_the_transfer(self):
        """The demo walks its done handover a hundred days back and then dates
        its customers' orders, won deals, notes and meetings around the
        transfer (hr.client.handover.demo): Customer Retention shows figures
        before and after, and the customers left alone are at risk, their
        successor's manager told."""
        demo = self.env["hr.client.handover.demo"]
        now = fields.Datetime.now()
        with demo._clock(100):
            self.assertLess(fields.Datetime.now(), now - timedelta(days=99))
        self.assertGreaterEqual(fields.Datetime.now(), now)

        handover = self._done_long_ago()
        transferred = min(handover.transfer_ids.mapped("transferred_on"))
        product = self.env["product.product"].create(
            {"name": "Sensor kit", "type": "consu", "list_price": 1200.0}
        )
        activity = self.lead_alpha.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.lead_alpha.user_id.id
        )
        follow_up = self.env.ref("hr_client_handover.mail_act_handover_follow_up")
        self.assertTrue(
            handover.activity_ids.filtered(
                lambda act: act.activity_type_id == follow_up
            )
        )
        demo._after_transfer(
            handover.id,
            {
                self.alpha.id: {
                    "orders": [(-40, [(product.id, 2)]), (20, [(product.id, 3)])],
                    "won": [(-20, self.lead_alpha_won.id), (30, self.lead_alpha.id)],
                    "done": [(5, activity.id, "Called")],
                },
                self.beta.id: {
                    "notes": [(10, "Asked for a quotation")],
                    "meetings": [(15, "Review")],
                },
            },
            follow_up=(30, "Checked with the successors"),
        )
        self.assertFalse(
            handover.activity_ids.filtered(
                lambda act: act.activity_type_id == follow_up
            )
        )
        self.assertEqual(
            self.lead_alpha.date_closed.date(),
            (transferred + timedelta(days=30)).date(),
        )
        rows, by_partner = self._rows(handover)
        alpha, beta, gamma = (
            by_partner[self.alpha],
            by_partner[self.beta],
            by_partner[self.gamma],
        )
        self.assertEqual(alpha.status, "retained")
        self.assertGreaterEqual(alpha.order_count_before, 1)
        self.assertGreaterEqual(alpha.order_amount_before, 2400)
        self.assertEqual((alpha.order_count, alpha.won_count), (1, 1))
        self.assertAlmostEqual(alpha.order_amount, 3600)
        self.assertEqual(alpha.won_count_before, 1)
        self.assertGreaterEqual(alpha.activity_count, 1)
        self.assertFalse(alpha.at_risk)
        self.assertTrue(beta.met_by_successor)
        self.assertEqual(
            beta.last_meeting_date.date(), (transferred + timedelta(days=15)).date()
        )
        self.assertGreaterEqual(beta.activity_count, 2)
        self.assertFalse(beta.at_risk)
        # Gamma heard nothing: at risk, and the daily job told the manager.
        self.assertTrue(gamma.at_risk)
        self.assertTrue(gamma.risk_notified_on)
        risk_type = self.env.ref("hr_client_handover.mail_act_handover_customer_risk")
        self.assertTrue(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.gamma.id),
                    ("activity_type_id", "=", risk_type.id),
                ]
            )
        )
