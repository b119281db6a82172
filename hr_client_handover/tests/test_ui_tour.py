from odoo.tests import HttpCase, tagged
from odoo.tools import html2plaintext

from .common import HandoverCase

HANDOVER_URL = "/odoo/action-hr_client_handover.hr_client_handover_action/%s"


@tagged("post_install", "-at_install")
class TestHandoverTour(HandoverCase, HttpCase):
    """The whole handover in Chromium, each stage by the people who do it.

    Every actor runs their own tour (static/tests/tours/), logged in as
    themselves; between two tours the test reads what the browser wrote.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # HR starts the handover from the employee form.
        cls.handover_admin.group_ids += cls.env.ref("hr.group_hr_user")
        # A spot-check sample the size of the template's minimum (3 of 7 lines).
        cls.template = cls.env.ref("hr_client_handover.handover_template_resignation")
        cls.template.write({"spot_check_rate": 20.0, "spot_check_min": 3})

    def run_tour(self, tour, user, url):
        self.start_tour(
            url, f"hr_client_handover_tour_{tour}", login=user.login, timeout=180
        )
        # The browser wrote through its own requests: read afresh.
        self.env.invalidate_all()

    def test_handover_in_the_browser(self):
        Handover = self.env["hr.client.handover"]

        # HR opens the departing employee and starts the handover; the customer
        # lines are generated and HR sets the last working day.
        self.run_tour(
            "start", self.handover_admin, f"/odoo/employees/{self.employee.id}"
        )
        handover = Handover.search([("employee_id", "=", self.employee.id)])
        self.assertEqual(len(handover), 1)
        self.assertEqual(handover.state, "draft")
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertEqual(handover.supervisor_id, self.supervisor)
        self.assertEqual(handover.witness_id, self.witness)
        self.assertEqual(handover.approver_id, self.approver)
        self.assertGreater(handover.last_working_day, self.today)
        self.assertEqual(handover.template_id, self.template)
        url = HANDOVER_URL % handover.id

        # Meanwhile the departing salesperson opened a deal with a new customer.
        eta = self.env["res.partner"].create(
            {"name": "Eta Logistics", "is_company": True}
        )
        self.env["crm.lead"].create(
            {
                "name": "Eta warehouse fit-out",
                "type": "opportunity",
                "partner_id": eta.id,
                "user_id": self.departing.id,
                "team_id": self.team_a.id,
                "expected_revenue": 6000,
            }
        )

        # The departing employee adds it with Generate Lines, splits the customers
        # between the two successors in the wizard and submits the plan.
        self.run_tour("plan", self.departing, url)
        self.assertEqual(handover.state, "plan_review")
        self.assertEqual(handover.line_ids.partner_id, self.customers | eta)
        successors = self.successor_a | self.successor_b
        self.assertEqual(handover.line_ids.successor_id, successors)
        portfolios = handover.line_ids.grouped("successor_id")
        self.assertEqual(
            sorted(len(lines) for lines in portfolios.values()),
            [3, 4],
            "seven customers split three and four",
        )

        self.run_tour("review_plan", self.supervisor, url)
        self.assertEqual(handover.state, "plan_approval")
        self.assertEqual(handover.plan_reviewed_by, self.supervisor)

        # Approval moves the customers, their open deals and activities.
        self.run_tour("approve_plan", self.approver, url)
        self.assertEqual(handover.state, "materials")
        self.assertEqual(handover.transfer_state, "done")
        for line in handover.line_ids:
            # Delta Steel keeps its own salesperson; only the open deal moves.
            owner = (
                self.other_salesman
                if line.partner_id == self.delta
                else line.successor_id
            )
            self.assertEqual(line.partner_id.user_id, owner)
        self.assertIn(self.lead_delta.user_id, successors)

        # Materials: each successor confirms receiving the materials of their
        # customers, the departing employee ticks the checklist; all three parties
        # sign in the browser.
        for successor in successors:
            self.run_tour("materials_successor", successor, url)
            mine = handover.line_ids.grouped("successor_id")[successor]
            self.assertEqual(mine.materials_confirmed_by, successor)
        self.assertTrue(all(handover.line_ids.mapped("materials_confirmed_on")))
        self.run_tour("materials_departing", self.departing, url)
        self.assertTrue(all(handover.item_ids.mapped("done")))
        self.run_tour("materials_witness", self.witness, url)
        received = handover.item_ids.filtered("needs_receipt")
        self.assertTrue(received)
        self.assertEqual(received.confirmed_by, self.witness)
        materials_signatures = handover.signature_ids.filtered(
            lambda sig: sig.stage == "materials"
        )
        self.assertEqual(
            materials_signatures.user_id, self.departing | successors | self.witness
        )
        self.assertTrue(all(materials_signatures.mapped("signed_on")))
        self.assertTrue(all(materials_signatures.mapped("signature")))
        self.run_tour("complete_materials", self.supervisor, url)
        self.assertEqual(handover.state, "visits")

        # Visits: each customer is confirmed by its successor, who noted the
        # contact met (the first one in the browser), and by the departing
        # employee; the witness confirms the stage.
        for line in handover.line_ids:
            line.with_user(line.successor_id).visit_contact = "Front desk"
        for successor in successors:
            self.run_tour("visits", successor, url)
        self.assertEqual(set(handover.line_ids.mapped("visit_state")), {"partial"})
        self.run_tour("visits_confirm", self.departing, url)
        self.assertEqual(set(handover.line_ids.mapped("visit_state")), {"done"})
        self.assertEqual(
            len(
                handover.line_ids.filtered(
                    lambda line: line.visit_contact == "Head of purchasing"
                )
            ),
            2,
            "each successor noted the contact met of their first visit",
        )
        self.run_tour("witness_visits", self.witness, url)
        self.assertEqual(handover.visits_witnessed_by, self.witness)
        self.run_tour("complete_visits", self.supervisor, url)
        self.assertEqual(handover.state, "verification")
        sample = handover.line_ids.filtered("spot_check_selected")
        self.assertEqual(len(sample), 3)

        # Verification: the witness adds a customer to the sample, records the calls
        # (with a note), completes the verification and signs the summary.
        self.run_tour("verification", self.witness, url)
        self.assertEqual(handover.state, "summary")
        sample = handover.line_ids.filtered("spot_check_selected")
        self.assertEqual(len(sample), 4)
        self.assertEqual(set(sample.mapped("check_result")), {"confirmed"})
        self.assertEqual(sample.checked_by, self.witness)
        noted = sample.filtered("check_notes")
        self.assertEqual(len(noted), 1)
        self.assertIn("new account manager", noted.check_notes)

        # Summary: the successors sign, the departing employee writes the summary in
        # the html editor, signs and submits it.
        for successor in successors:
            self.run_tour("sign", successor, url)
        self.run_tour("summary", self.departing, url)
        self.assertEqual(handover.state, "summary_review")
        self.assertIn(
            "Every customer met their new account manager",
            html2plaintext(handover.summary),
        )
        summary_signatures = handover.signature_ids.filtered(
            lambda sig: sig.stage == "summary"
        )
        self.assertEqual(
            summary_signatures.user_id, self.departing | successors | self.witness
        )
        self.assertTrue(all(summary_signatures.mapped("signed_on")))

        self.run_tour("review_summary", self.supervisor, url)
        self.assertEqual(handover.state, "summary_approval")
        self.run_tour("approve_summary", self.approver, url)
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.summary_approved_by, self.approver)

        # The new account manager finds themselves as salesperson on the customer.
        alpha_line = handover.line_ids.filtered(
            lambda line: line.partner_id == self.alpha
        )
        self.run_tour(
            "customer", alpha_line.successor_id, f"/odoo/contacts/{self.alpha.id}"
        )
        self.assertEqual(self.alpha.user_id, alpha_line.successor_id)
        self.assertEqual(self.lead_alpha.user_id, alpha_line.successor_id)
