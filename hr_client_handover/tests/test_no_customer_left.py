from odoo import Command
from odoo.exceptions import (
    AccessError,
    RedirectWarning,
    UserError,
    ValidationError,
)
from odoo.tests import Form, tagged

from .common import HandoverCase
from .test_reports import PLAN


@tagged("post_install", "-at_install")
class TestNoCustomerLeft(HandoverCase):
    """The plan is compared with everything the departing user owns; an
    omission is refused unless the direct supervisor justified it."""

    def justify(self, handover, partner, reason, user=None):
        with Form(handover.with_user(user or self.supervisor)) as form:
            with form.omission_ids.new() as omission:
                omission.partner_id = partner
                omission.reason = reason
        return handover.omission_ids.filtered(lambda o: o.partner_id == partner)

    def test_deleted_line_is_an_omission(self):
        handover = self.draft_handover()
        # The departing employee removes a customer from their own plan.
        gamma_line = handover.line_ids.filtered(lambda ln: ln.partner_id == self.gamma)
        gamma_line.with_user(self.departing).unlink()
        self.assertEqual(handover.omitted_partner_ids, self.gamma)
        with self.assertRaisesRegex(UserError, "Gina Gamma.*Generate Lines.*justify"):
            handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "draft")
        # Generate Lines brings it back: the plan passes.
        handover.with_user(self.departing).action_generate_lines()
        self.assertFalse(handover.omitted_partner_ids)
        handover.line_ids.filtered(lambda ln: not ln.successor_id).with_user(
            self.departing
        ).successor_id = self.successor_a
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")

    def test_owned_records_of_a_customer_out_of_the_plan(self):
        handover = self.draft_handover()
        # A deal the departing user opened on someone else's customer, after the
        # plan was drawn: that customer is left behind.
        self.env["crm.lead"].create(
            {
                "name": "Omega side deal",
                "type": "opportunity",
                "partner_id": self.other_customer.id,
                "user_id": self.departing.id,
            }
        )
        handover.invalidate_recordset(["omitted_partner_ids"])
        self.assertEqual(handover.omitted_partner_ids, self.other_customer)
        with self.assertRaisesRegex(UserError, "1 customer.*Omega Other"):
            handover.with_user(self.departing).action_submit_plan()

    def test_message_names_a_few_and_counts(self):
        handover = self.draft_handover()
        self.env["res.partner"].create(
            [
                {
                    "name": f"Forgotten {n}",
                    "is_company": True,
                    "user_id": self.departing.id,
                }
                for n in range(7)
            ]
        )
        with self.assertRaisesRegex(UserError, r"7 customer.*and 2 more") as caught:
            handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(str(caught.exception).count("Forgotten"), 5)

    def test_supervisor_justifies_the_departing_may_not(self):
        handover = self.draft_handover()
        handover.line_ids.filtered(lambda ln: ln.partner_id == self.zeta).with_user(
            self.departing
        ).unlink()
        # Not on the form, nor by any other path.
        with self.assertRaises(AssertionError):
            self.justify(handover, self.zeta, "I keep it", user=self.departing)
        with self.assertRaises(AccessError):
            self.env["hr.client.handover.omission"].with_user(self.departing).create(
                {
                    "handover_id": handover.id,
                    "partner_id": self.zeta.id,
                    "reason": "I keep it",
                }
            )
        self.assertFalse(handover.omission_ids)
        # A reason is required.
        with self.assertRaises(ValidationError):
            self.env["hr.client.handover.omission"].with_user(self.supervisor).create(
                {"handover_id": handover.id, "partner_id": self.zeta.id, "reason": " "}
            )
        omission = self.justify(handover, self.zeta, "Closing its account this month")
        self.assertEqual(omission.justified_by_id, self.supervisor)
        self.assertTrue(omission.justified_on)
        self.assertFalse(handover.omitted_partner_ids)
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")
        # The departing employee cannot remove the justification either.
        with self.assertRaises(AccessError):
            omission.with_user(self.departing).unlink()

        # At approval the plan is compared again: a customer given to the
        # departing user meanwhile is refused, until justified.
        self.advance(handover, "plan_approval")
        late = self.env["res.partner"].create(
            {"name": "Late Arrival", "is_company": True, "user_id": self.departing.id}
        )
        with self.assertRaisesRegex(UserError, "Late Arrival"):
            handover.with_user(self.approver).action_approve_plan()
        self.justify(handover, late, "Moves to the key account team")
        handover.with_user(self.approver).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        # Justified customers are not moved: they stay where they are.
        self.assertEqual(self.zeta.user_id, self.departing)

        # The plan prints them with the reason, who and when.
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(PLAN, handover.ids)[0]
        )
        self.assertIn("Customers not handed over", html)
        for text in (
            "Zeta Print",
            "Closing its account this month",
            "Late Arrival",
            "Moves to the key account team",
            self.supervisor.name,
        ):
            self.assertIn(text, html)


@tagged("post_install", "-at_install")
class TestNothingLeftAtArchive(HandoverCase):
    """Archiving a user who still owns customers, deals, quotations or
    activities is refused, with or without a handover; everything can go to
    one successor through the transfer engine; archiving never deletes
    activities."""

    def hand_everything(self, user, successor, admin=None, reason="Left overnight"):
        wizard = Form(
            self.env["hr.client.handover.everything"]
            .with_user(admin or self.handover_admin)
            .with_context(default_user_id=user.id)
        )
        wizard.successor_id = successor
        wizard.reason = reason
        action = wizard.save().action_hand_everything()
        return self.env["hr.client.handover"].browse(action["res_id"])

    def test_archive_refused_without_handover(self):
        # No handover at all: refused, whoever archives, with the way forward
        # (the administrator of handovers is taken to it).
        message = (
            "Dora Departing cannot be archived: they still own .*Open "
            "opportunities: 4, Quotations: 2, Open activities: 3.*Start a "
            "client handover.*Hand Everything To"
        )
        hr_manager = self.departing.with_user(self.hr_manager)
        for archive, error in (
            (hr_manager.action_archive, UserError),
            (lambda: hr_manager.write({"active": False}), UserError),
            (self.departing.sudo().action_archive, RedirectWarning),
        ):
            with self.assertRaisesRegex(error, message):
                archive()
            self.assertTrue(self.departing.active)
        self.assertTrue(self.act_alpha.exists())
        # Only activities left: refused too.
        self.env["crm.lead"].create(
            {"name": "Internal", "type": "lead", "user_id": self.other_salesman.id}
        ).activity_schedule("mail.mail_activity_data_todo", user_id=self.successor_b.id)
        with self.assertRaisesRegex(UserError, "Open activities: 1"):
            self.successor_b.with_user(self.hr_manager).action_archive()
        self.assertTrue(self.successor_b.active)

    def test_redirect_to_hand_everything(self):
        # The administrator (of users and of handovers) is taken to the wizard.
        self.handover_admin.group_ids |= self.env.ref("base.group_erp_manager")
        with self.assertRaises(RedirectWarning) as caught:
            self.departing.with_user(self.handover_admin).action_archive()
        action = caught.exception.args[1]
        self.assertEqual(action["res_model"], "hr.client.handover.everything")
        self.assertEqual(action["context"]["default_user_id"], self.departing.id)

    def test_hand_everything_then_archive_then_revert(self):
        with self.assertRaises(AccessError):
            self.hand_everything(
                self.departing, self.successor_a, admin=self.supervisor
            )
        handover = self.hand_everything(self.departing, self.successor_a)
        self.assertEqual(handover.handover_type, "everything")
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertEqual(handover.line_ids.successor_id, self.successor_a)
        for record in (
            self.alpha,
            self.beta,
            self.zeta,
            *self.open_leads,
            *self.quotations,
        ):
            self.assertEqual(record.user_id, self.successor_a, record.display_name)
        for activity in self.moving_activities:
            self.assertEqual(activity.user_id, self.successor_a)
        # Every move is in the ledger.
        ledger = (
            self.env["hr.client.handover.transfer"]
            .sudo()
            .search([("handover_id", "=", handover.id), ("outcome", "=", "moved")])
        )
        self.assertIn(
            self.lead_beta.id,
            ledger.filtered(lambda row: row.res_model == "crm.lead").mapped("res_id"),
        )
        # Nothing left: the user is archived, their activities kept.
        self.departing.with_user(self.hr_manager).action_archive()
        self.assertFalse(self.departing.active)
        self.assertTrue(self.act_alpha.exists())

        # The administrator gives everything back: reverted by the engine.
        with self.assertRaises(AccessError):
            handover.with_user(self.supervisor).action_give_everything_back()
        self.assertTrue(
            handover.with_user(self.handover_admin).can_give_everything_back
        )
        handover.with_user(self.handover_admin).action_give_everything_back()
        self.assertEqual(handover.state, "cancel")
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(self.lead_beta.user_id, self.departing)
        self.assertEqual(self.alpha.user_id, self.departing)

    def test_hand_everything_needs_an_employee(self):
        nobody = self.other_salesman
        self.assertFalse(nobody.employee_ids)
        with self.assertRaisesRegex(UserError, "Otto Other has no employee"):
            self.hand_everything(nobody, self.successor_a)
        # An open handover is finished or cancelled first.
        handover = self.draft_handover()
        with self.assertRaisesRegex(UserError, handover.name):
            self.hand_everything(self.departing, self.successor_a)

    def test_archive_never_deletes_activities(self):
        # The administrator chose that activities do not block a departure
        # (the activities rule archived): archiving keeps them all the same.
        self.env.ref("hr_client_handover.handover_rule_mail_activity").active = False
        Lead = self.env["crm.lead"]
        lead = Lead.create(
            {"name": "Internal", "type": "lead", "user_id": self.other_salesman.id}
        )
        activity = lead.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.successor_b.id
        )
        self.successor_b.with_user(self.hr_manager).action_archive()
        self.assertFalse(self.successor_b.active)
        self.assertTrue(activity.exists(), "core would delete it")
        self.assertEqual(activity.user_id, self.successor_b)


@tagged("post_install", "-at_install")
class TestOmissionsInOneQuery(HandoverCase):
    """The plan is compared with what the departing user owns in the
    database: the same customers as reading every record the transfer rules
    select, in a number of queries that does not grow with the customers."""

    def owned_in_python(self, user):
        """The customers of ``user`` read record by record, as the comparison
        was made before it was one query: the reference."""
        partners = self.env["res.partner"]
        for rule in self.env["hr.client.handover.rule"]._for_scope("partner"):
            records = self.env[rule.model].search(
                rule._selection_domain(user) + [(rule.partner_field, "!=", False)]
            )
            partners |= records[rule.partner_field].commercial_partner_id
        internal = self.env["res.users"].search([("share", "=", False)]).partner_id
        internal |= self.env["res.company"].search([]).partner_id
        return partners.filtered("active") - internal

    def compare(self, handover):
        """The plan's comparison as the form and the gates ask for it, on
        empty caches."""
        self.env.flush_all()
        self.env.invalidate_all()
        return handover.with_user(self.supervisor).omitted_partner_ids

    def test_same_customers_as_record_by_record(self):
        handover = self.draft_handover()
        self.assertFalse(handover.omitted_partner_ids)
        Partner = self.env["res.partner"]
        # Left out in every way a customer can be owned: a line removed, a
        # customer owned through a contact's deal only, through a quotation
        # only; not an archived customer, an internal user's partner, nor
        # another's customer.
        handover.line_ids.filtered(lambda ln: ln.partner_id == self.gamma).with_user(
            self.departing
        ).unlink()
        through_contact = Partner.create({"name": "Kappa Contacts", "is_company": True})
        contact = Partner.create({"name": "Kim Kappa", "parent_id": through_contact.id})
        self.env["crm.lead"].create(
            {
                "name": "Kappa via its buyer",
                "type": "opportunity",
                "partner_id": contact.id,
                "user_id": self.departing.id,
            }
        )
        through_quote = Partner.create({"name": "Lambda Quotes", "is_company": True})
        self.env["sale.order"].create(
            {"partner_id": through_quote.id, "user_id": self.departing.id}
        )
        archived = Partner.create(
            {"name": "Mu Archived", "is_company": True, "user_id": self.departing.id}
        )
        archived.active = False
        self.env["crm.lead"].create(
            {
                "name": "A deal with a colleague",
                "type": "opportunity",
                "partner_id": self.successor_a.partner_id.id,
                "user_id": self.departing.id,
            }
        )
        handover.invalidate_recordset()
        expected = self.owned_in_python(self.departing) - handover.line_ids.partner_id
        self.assertEqual(expected, self.gamma | through_contact | through_quote)
        self.assertEqual(handover.unplanned_partner_ids, expected)
        self.assertEqual(handover.omitted_partner_ids, expected)
        # Named by name in the plan's gate.
        self.assertEqual(
            handover.omitted_partner_ids.mapped("name"),
            ["Gina Gamma", "Kappa Contacts", "Lambda Quotes"],
        )
        # A justified customer is still unplanned, no longer omitted.
        self.env["hr.client.handover.omission"].with_user(self.supervisor).create(
            {"handover_id": handover.id, "partner_id": through_quote.id, "reason": "x"}
        )
        self.assertEqual(handover.unplanned_partner_ids, expected)
        self.assertEqual(handover.omitted_partner_ids, expected - through_quote)
        # A customer brought back onto the plan, unsaved in a form: compared
        # with the lines of the form.
        edited = handover.new(
            {
                "employee_id": handover.employee_id.id,
                "line_ids": [
                    *(
                        Command.create({"partner_id": line.partner_id.id})
                        for line in handover.line_ids
                    ),
                    Command.create({"partner_id": self.gamma.id}),
                ],
            },
            origin=handover,
        )
        self.assertEqual(
            edited.unplanned_partner_ids._origin, through_contact | through_quote
        )

    def test_compared_in_one_query(self):
        handover = self.draft_handover()
        handover.line_ids.filtered(lambda ln: ln.partner_id == self.gamma).with_user(
            self.departing
        ).unlink()
        self.compare(handover)  # the reader's access rules, cached once
        # The handover, its rules (searched, read), the comparison, the
        # justified omissions, then the customers found as the reader may see
        # them (their companies, their rows): no line read, no record of a
        # rule read, however many customers.
        with self.assertQueryCount(7):
            self.assertEqual(self.compare(handover), self.gamma)
        # Twenty more customers, on the plan or left out, each with a deal.
        Partner = self.env["res.partner"]
        more = Partner.create(
            [
                {"name": f"More {n}", "is_company": True, "user_id": self.departing.id}
                for n in range(20)
            ]
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Deal {partner.name}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": self.departing.id,
                }
                for partner in more
            ]
        )
        self.env["hr.client.handover.line"].create(
            [{"handover_id": handover.id, "partner_id": p.id} for p in more[:10]]
        )
        with self.assertQueryCount(7):
            self.assertEqual(self.compare(handover), self.gamma | more[10:])
