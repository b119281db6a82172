from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestTransferRules(HandoverCase):
    """A rule an administrator adds is followed everywhere, without code: the
    customers put on a handover, the figures of its lines, the archive check,
    the transfer and the retention analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # Owned by someone else, no deal, no quotation: only a draft invoice of
        # the departing user, to one of its contacts, ties it to them.
        cls.kappa = Partner.create(
            {
                "name": "Kappa Consult",
                "is_company": True,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.kappa_contact = Partner.create(
            {"name": "Karl Kappa", "parent_id": cls.kappa.id}
        )
        Move = cls.env["account.move"]
        cls.invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.kappa_contact.id,
                "invoice_user_id": cls.departing.id,
            }
        )
        cls.act_invoice = cls.invoice.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Chase the Kappa invoice",
            user_id=cls.departing.id,
        )
        # A salesperson whose only work left is a draft invoice.
        cls.invoicer = new_test_user(cls.env, login="ho_invoicer", name="Ivy Invoicer")
        Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.kappa.id,
                "invoice_user_id": cls.invoicer.id,
            }
        )

    def add_rule(self):
        return self.env["hr.client.handover.rule"].create(
            {
                "name": "Draft invoices",
                "model_id": self.env["ir.model"]._get_id("account.move"),
                "user_field": "invoice_user_id",
                "partner_field": "partner_id",
                "domain": "[('state', '=', 'draft')]",
            }
        )

    def line_of(self, handover, partner):
        return handover.line_ids.filtered(lambda line: line.partner_id == partner)

    def test_new_rule_followed_without_code(self):
        Users = self.env["res.users"]
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        shipped = handover.line_ids.partner_id
        self.assertNotIn(self.kappa, shipped)
        self.assertFalse(Users._owns_handover_work(self.invoicer))

        rule = self.add_rule()
        # Generating again adds the customer the new rule gives the departing
        # user, through its contact, and nothing else.
        handover.with_user(self.departing).action_generate_lines()
        self.assertEqual(handover.line_ids.partner_id, shipped | self.kappa)
        self.assertTrue(Users._owns_handover_work(self.invoicer))

        # The figures count the invoice and its activity with the customer,
        # the invoice under the rule's name.
        line = self.line_of(handover, self.kappa)
        stats = self.env["hr.client.handover.engine"]._line_stats(line)[line.id]
        self.assertEqual(stats["account.move"], 1)
        self.assertEqual(line.activity_count, 1)
        self.assertEqual((line.opportunity_count, line.quotation_count), (0, 0))
        self.assertEqual(line.other_records, "Draft invoices: 1")
        self.assertFalse(self.line_of(handover, self.alpha).other_records)

        # The transfer moves it, with its activity, to the customer's successor.
        self.assign(handover, self.successor_a, self.successor_b)
        self.advance(handover, "materials")
        self.assertEqual(handover.transfer_state, "done")
        successor = line.successor_id
        self.assertEqual(self.invoice.invoice_user_id, successor)
        self.assertEqual(self.act_invoice.user_id, successor)
        line.invalidate_recordset()
        stats = self.env["hr.client.handover.engine"]._line_stats(line)[line.id]
        self.assertEqual(stats["account.move"], 1)
        self.assertEqual(line.activity_count, 1)
        self.assertEqual(line.other_records, "Draft invoices: 1")

        # Retention counts what is written on the invoice since the transfer,
        # as long as the rule gives invoices to customers.
        self.advance(handover, "done")
        self.invoice.message_post(body="Paid next week.", message_type="comment")
        self.env.flush_all()
        Retention = self.env["hr.client.handover.retention"].with_user(
            self.handover_admin
        )

        def activity_since():
            self.env.invalidate_all()
            return Retention.search(
                [("handover_id", "=", handover.id), ("partner_id", "=", self.kappa.id)]
            ).activity_count

        with_rule = activity_since()
        rule.active = False
        self.assertEqual(activity_since(), with_rule - 1)

    def test_new_rule_in_the_departure_dialog(self):
        """The departure dialog offers the handover to whoever owns what a rule
        moves, here only a draft invoice."""
        employee = self.env["hr.employee"].create(
            {"name": self.invoicer.name, "user_id": self.invoicer.id}
        )

        def offered():
            return (
                Form(
                    self.env["hr.departure.wizard"]
                    .with_user(self.hr_manager)
                    .with_context(active_ids=employee.ids, employee_termination=True)
                )
                .save()
                .start_client_handover
            )

        self.assertFalse(offered())
        self.add_rule()
        self.assertTrue(offered())

    def test_retention_figures_follow_the_rules(self):
        """The orders and deals the retention analysis counts for a customer are
        those the rules give it: a rule on the orders shipped to the customer
        adds the order another company bought for it; without a rule on the
        opportunities, the customer's deals are nobody's figures."""
        handover = self.advance(self.draft_handover(), "done")
        self.env.cr.execute(
            "UPDATE hr_client_handover_transfer SET transferred_on = %s"
            " WHERE handover_id = %s",
            [fields.Datetime.now() - timedelta(days=10), handover.id],
        )
        # Since the transfer: a reseller's order delivered to Alpha's buyer,
        # and Beta's deal won.
        reseller = self.env["res.partner"].create(
            {"name": "Reseller Ltd", "is_company": True}
        )
        product = self.env["product.product"].create(
            {"name": "Spare kit", "type": "consu", "list_price": 80.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": reseller.id,
                "partner_shipping_id": self.alpha_buyer.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.lead_beta.action_set_won()
        Retention = self.env["hr.client.handover.retention"].with_user(
            self.handover_admin
        )

        def figures(partner):
            self.env.flush_all()
            self.env.invalidate_all()
            row = Retention.search(
                [("handover_id", "=", handover.id), ("partner_id", "=", partner.id)]
            )
            return row.order_count, row.won_count, row.status

        orders, won, _status = figures(self.alpha)
        self.assertEqual(figures(self.beta), (0, 1, "retained"))
        self.env["hr.client.handover.rule"].create(
            {
                "name": "Quotations delivered to the customer",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "user_field": "user_id",
                "partner_field": "partner_shipping_id",
                "domain": "[('state', 'in', ['draft', 'sent'])]",
            }
        )
        self.assertEqual(figures(self.alpha), (orders + 1, won, "retained"))
        self.env.ref("hr_client_handover.handover_rule_crm_lead").active = False
        self.assertEqual(figures(self.beta), (0, 0, "no_activity"))

    def test_line_figures_count_what_the_transfer_moves(self):
        """A line's figures are the handover's selection, as the transfer
        makes it: a rule that also moves the customer's unassigned deals
        counts them on the line, and the transfer moves them."""
        handover = self.create_handover()
        handover.with_user(self.departing).action_generate_lines()
        line = self.line_of(handover, self.alpha)
        before = line.opportunity_count
        self.env["crm.lead"].create(
            {
                "name": "Alpha enquiry",
                "type": "opportunity",
                "partner_id": self.alpha.id,
                "user_id": False,
            }
        )
        line.invalidate_recordset()
        self.assertEqual(line.opportunity_count, before, "nobody's deal: not moved")
        self.env.ref(
            "hr_client_handover.handover_rule_crm_lead"
        ).include_unassigned = True
        line.invalidate_recordset()
        self.assertEqual(line.opportunity_count, before + 1)
        self.assign(handover, self.successor_a, self.successor_b)
        self.advance(handover, "materials")
        self.assertEqual(handover.transfer_state, "done")
        line.invalidate_recordset()
        self.assertEqual(line.opportunity_count, before + 1, "as the ledger says")

    def test_plan_prints_the_deals_the_rules_move(self):
        """The plan's open opportunities are, before the transfer, the deals the
        transfer rules on opportunities give it to move: the shipped rule's
        (a lead not yet qualified too), a new rule's, not a disabled rule's;
        the very deals the transfer then moves."""
        Lead = self.env["crm.lead"]
        enquiry = Lead.create(
            {
                "name": "Gamma enquiry",
                "type": "lead",
                "partner_id": self.gamma.id,
                "user_id": self.departing.id,
            }
        )
        handover = self.draft_handover()
        Plan = self.env["report.hr_client_handover.report_handover_plan"].with_user(
            self.supervisor
        )

        def printed():
            """The deals the plan prints, each with its customer."""
            rows = Plan._get_report_values(handover.ids)["opportunities"][handover.id]
            return {lead: line.partner_id for line, leads in rows for lead in leads}

        shipped = self.open_leads | enquiry
        self.assertEqual(Lead.union(*printed()), shipped)
        self.assertEqual(printed()[self.lead_alpha_buyer], self.alpha)

        won = self.env["hr.client.handover.rule"].create(
            {
                "name": "Won opportunities",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "user_field": "user_id",
                "partner_field": "partner_id",
                "domain": "[('won_status', '=', 'won')]",
            }
        )
        self.assertEqual(Lead.union(*printed()), shipped | self.lead_alpha_won)
        won.active = False
        self.assertEqual(Lead.union(*printed()), shipped)
        opportunities = self.env.ref("hr_client_handover.handover_rule_crm_lead")
        opportunities.active = False
        self.assertFalse(printed(), "no rule moves opportunities: none is printed")
        opportunities.active = True

        # What the plan printed is what the transfer moves, to the same customers.
        before = printed()
        self.advance(handover, "materials")
        self.assertEqual(handover.transfer_state, "done")
        ledger = (
            self.env["hr.client.handover.transfer"]
            .sudo()
            .search(
                [
                    ("handover_id", "=", handover.id),
                    ("res_model", "=", "crm.lead"),
                    ("outcome", "=", "moved"),
                ]
            )
        )
        self.assertEqual(
            {Lead.browse(row.res_id): row.line_id.partner_id for row in ledger}, before
        )
        self.assertEqual(printed(), before)
