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
            "UPDATE hr_client_handover_transfer SET transferred_at = %s"
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
