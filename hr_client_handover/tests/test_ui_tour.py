import unittest

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from .common import HandoverCase

HANDOVER_URL = "/odoo/action-hr_client_handover.hr_client_handover_action/%s"


@tagged("post_install", "-at_install")
class TestHandoverTour(HandoverCase, HttpCase):
    """The whole handover in Chromium, each stage by the people who do it.

    Every actor runs their own tour (static/tests/tours/), logged in as
    themselves and in Simplified Chinese, as the demo company's people work;
    between two tours the test reads what the browser wrote. A tour fails on
    any error in the browser's console, and a browser that cannot start fails
    the test rather than skipping it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The handover administrator is also the HR administrator, as in the
        # demo: they start the handover from the employee form.
        cls.handover_admin.group_ids += cls.env.ref("hr.group_hr_manager")
        # Chinese with the translations of every installed module (the screens
        # of Employees, CRM, Contacts and Discuss too), for the main people.
        cls.env["res.lang"]._activate_lang("zh_CN")
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations(["zh_CN"], overwrite=True)
        (
            cls.departing
            | cls.successor_a
            | cls.successor_b
            | cls.supervisor
            | cls.witness
            | cls.approver
            | cls.handover_admin
        ).lang = "zh_CN"
        # HR countersigns (会签) in place of the departments the settings do not
        # name: the manager of the HR department, the handover administrator.
        hr_department = cls.env["hr.department"].create({"name": "人力资源部"})
        hr_department.manager_id = cls.env["hr.employee"].create(
            {
                "name": cls.handover_admin.name,
                "user_id": cls.handover_admin.id,
                "department_id": hr_department.id,
            }
        )
        cls.company.handover_hr_department_id = hr_department
        # A spot-check sample the size of the template's minimum (3 of 7 lines).
        cls.template = cls.env.ref("hr_client_handover.handover_template_resignation")
        cls.template.write({"spot_check_rate": 20.0, "spot_check_min": 3})

    def run_tour(self, tour, user, url):
        try:
            # No error_checker: any console error fails the tour.
            self.start_tour(
                url, f"hr_client_handover_tour_{tour}", login=user.login, timeout=180
            )
        except unittest.SkipTest as skipped:
            # Odoo skips browser tests without Chromium: this one must run.
            self.fail(f"The tour {tour} could not run in the browser: {skipped}")
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
        self.assertGreater(handover.last_working_date, self.today)
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
        # between the two successors in the wizard, adds an item of their own to
        # the checklist and submits the plan.
        self.run_tour("plan", self.departing, url)
        self.assertEqual(handover.state, "plan_review")
        own_item = handover.item_ids.filtered(lambda item: not item.template_item_id)
        self.assertEqual(own_item.name, "归还停车场门禁卡")
        self.assertEqual(own_item.responsible_id, self.departing, "theirs to tick")
        self.assertIn("归还停车场门禁卡", handover.template_changes)
        self.assertEqual(handover.line_ids.partner_id, self.customers | eta)
        successors = self.successor_a | self.successor_b
        self.assertEqual(handover.line_ids.successor_id, successors)
        portfolios = handover.line_ids.grouped("successor_id")
        self.assertEqual(
            sorted(len(lines) for lines in portfolios.values()),
            [3, 4],
            "seven customers split three and four",
        )

        # The supervisor sends the plan back with a reason; the departing
        # employee opens the handover from the activity it left and submits again.
        self.run_tour("refuse_plan", self.supervisor, url)
        self.assertEqual(handover.state, "draft")
        self.assertIn("未结商机", handover.refuse_reason)
        self.run_tour("resubmit_plan", self.departing, "/odoo")
        self.assertEqual(handover.state, "plan_review")

        # Meanwhile the departing salesperson was given a customer in
        # liquidation: the supervisor justifies leaving it out of the plan.
        zeta = self.env["res.partner"].create(
            {"name": "Zeta Retail", "is_company": True, "user_id": self.departing.id}
        )
        self.assertEqual(handover.omitted_partner_ids, zeta)
        self.run_tour("justify_omission", self.supervisor, url)
        self.assertEqual(handover.omission_ids.partner_id, zeta)
        self.assertEqual(handover.omission_ids.justified_by_id, self.supervisor)
        self.assertIn("停业清算", handover.omission_ids.reason)
        self.assertFalse(handover.omitted_partner_ids)
        # The supervisor reads what differs from the template before passing it.
        self.run_tour("review_plan", self.supervisor, url)
        self.assertEqual(handover.state, "plan_approval")
        self.assertEqual(handover.plan_reviewed_by_id, self.supervisor)

        # Approval moves the customers, their open deals and activities.
        self.run_tour("approve_plan", self.approver, "/odoo")
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
        # sign in the browser. The plan described the materials of each customer.
        self.describe_materials(handover.line_ids)
        # The supervisor finds a confirmed customer's files incomplete and
        # sends them back to the successor, with the reason.
        self.run_tour("materials_confirm", self.successor_a, url)
        lines_a = handover.line_ids.grouped("successor_id")[self.successor_a]
        self.assertTrue(all(lines_a.mapped("materials_confirmed_on")))
        self.run_tour("send_back_materials", self.supervisor, url)
        sent_back = handover.line_ids.filtered("materials_return_count")
        self.assertEqual(len(sent_back), 1)
        self.assertIn(sent_back, lines_a)
        self.assertFalse(sent_back.materials_confirmed_on)
        self.assertIn("框架合同", sent_back.materials_return_reason)
        # The supervisor records it in the incident register (违规处理), the
        # departing employee accountable.
        self.run_tour("incident", self.supervisor, url)
        incident = handover.incident_ids
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.kind, "late")
        self.assertEqual(incident.accountable_user_id, self.departing)
        self.assertEqual(incident.department_id, self.sales_department)
        self.assertEqual(incident.recorded_by_id, self.supervisor)
        self.assertIn("框架合同", incident.description)
        for successor in successors:
            self.run_tour("materials_successor", successor, url)
            mine = handover.line_ids.grouped("successor_id")[successor]
            self.assertEqual(mine.materials_confirmed_by_id, successor)
        self.assertTrue(all(handover.line_ids.mapped("materials_confirmed_on")))
        self.run_tour("materials_departing", self.departing, url)
        # The departing employee ticks what they answer for, nothing else.
        mine = handover.item_ids.filtered(
            lambda item: item.responsible_id == self.departing
        )
        self.assertTrue(all(mine.mapped("done")))
        self.assertFalse(any((handover.item_ids - mine).mapped("done")))
        self.assertTrue(own_item.done, "their own item, ticked in the browser")
        # The supervisor records the duties due by the last working day (the
        # exit interview, the care talk, the equipment check) and ticks them.
        self.run_tour("duties", self.supervisor, url)
        duties = handover.item_ids.filtered(
            lambda item: item.duty
            and not item.post_departure
            and item.responsible_id == self.supervisor
        )
        self.assertEqual(
            set(duties.mapped("duty")),
            {"exit_interview", "care_talk", "equipment_damage"},
        )
        self.assertTrue(all(duties.mapped("done")))
        talks = duties.filtered(
            lambda item: item.duty in ("exit_interview", "care_talk")
        )
        self.assertEqual(len(talks), 2)
        self.assertEqual(set(talks.mapped("duty_date")), {self.today})
        self.assertTrue(all("面谈" in item.duty_notes for item in talks))
        # The departments tick what they answer for by the last working day.
        for item in handover.item_ids.filtered(
            lambda item: not item.done and not item.post_departure
        ):
            self.tick(item)
        self.run_tour("materials_witness", self.witness, url)
        received = handover.item_ids.filtered("needs_receipt")
        self.assertTrue(received)
        self.assertEqual(received.confirmed_by_id, self.witness)
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

        # The end of the materials stage triggered the filing of the plan: the
        # scheduled action files it (tests render a PDF only when asked). The
        # departing employee opens it from the chatter, which stores its preview.
        self.assertTrue(
            self.run_triggered_filing(
                handover.with_context(force_report_rendering=True)
            )
        )
        plan = handover.plan_attachment_id
        self.assertTrue(plan)
        self.assertFalse(plan.has_thumbnail)
        self.run_tour("filed_plan", self.departing, url)
        plan.invalidate_recordset()
        self.assertTrue(plan.has_thumbnail, "the chatter stored the plan's preview")

        # Visits: the departing employee asks to waive one visit, with the
        # reason; every other customer is confirmed by its successor, who types
        # when and where the visit took place and the contact met, and by the
        # departing employee; the supervisor approves the waiver from their
        # activity and the witness confirms the stage.
        self.run_tour("request_waiver", self.departing, url)
        waived = handover.line_ids.filtered("waiver_requested_on")
        self.assertEqual(len(waived), 1)
        self.assertEqual(waived.waiver_requested_by_id, self.departing)
        self.assertIn("视频会议", waived.visit_waiver_reason)
        visited = handover.line_ids - waived
        for successor in successors:
            self.run_tour("visits", successor, "/odoo")
        self.assertEqual(set(visited.mapped("visit_state")), {"partial"})
        self.run_tour("visits_confirm", self.departing, url)
        self.assertEqual(set(visited.mapped("visit_state")), {"done"})
        self.assertEqual(waived.visit_state, "waiver_requested")
        for line in visited:
            self.assertEqual(line.visit_date, self.today, line.partner_id.name)
            self.assertEqual(line.visit_place, "客户办公室", line.partner_id.name)
            self.assertEqual(line.visit_contact, "采购部经理", line.partner_id.name)
        self.assertFalse(waived.visit_date, "nobody visited the waived customer")
        self.run_tour("approve_waiver", self.supervisor, "/odoo")
        self.assertEqual(waived.visit_state, "waived")
        self.assertEqual(waived.waiver_approved_by_id, self.supervisor)
        # Who visited together signs the visit sheet; the witness confirms the
        # visits and signs it in the browser.
        self.sign(handover, "visits", users=self.departing | successors)
        self.run_tour("witness_visits", self.witness, "/odoo")
        self.assertEqual(handover.visits_witnessed_by_id, self.witness)
        self.assertTrue(
            all(
                handover.signature_ids.filtered(
                    lambda sig: sig.stage == "visits"
                ).mapped("signed_on")
            )
        )
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
        self.assertEqual(sample.checked_by_id, self.witness)
        noted = sample.filtered("check_notes")
        self.assertEqual(len(noted), 1)
        self.assertIn("新的客户经理", noted.check_notes)
        verified = handover.signature_ids.filtered(
            lambda sig: sig.stage == "verification"
        )
        self.assertEqual(verified.user_id, self.witness)
        self.assertTrue(verified.signed_on)

        # Summary: the successors sign, the departing employee writes the summary in
        # the html editor, signs and submits it.
        for successor in successors:
            self.run_tour("sign", successor, url)
        self.run_tour("summary", self.departing, url)
        self.assertEqual(handover.state, "summary_review")
        self.assertIn(
            "每位客户都在联合拜访中见到了新的客户经理", html2plaintext(handover.summary)
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
        # What is left is due after the departure: ticked once the employee
        # has left, then countersigned (会签). The first working day after the
        # last one, the supervisor records and ticks their items (the personal
        # data, the team review) and confirms the departure; the departments
        # tick theirs.
        self.assertFalse(handover.can_complete_stage)
        after = handover.item_ids.filtered("post_departure")
        with freeze_time(self.working_days_after(handover.last_working_date, 1)):
            for item in after.filtered(
                lambda item: item.responsible_id != self.supervisor
            ):
                self.tick(item)
        with freeze_time(
            self.working_days_after(handover.last_working_date, 1), tick=True
        ):
            self.run_tour("after_departure", self.supervisor, url)
        self.assertTrue(all(after.mapped("done")))
        personal_data = after.filtered(lambda item: item.duty == "personal_data")
        self.assertEqual(personal_data.data_consent, "given")
        self.assertEqual(personal_data.data_action, "deleted")
        self.assertTrue(personal_data.data_consent_date)
        self.assertTrue(
            after.filtered(lambda item: item.duty == "team_review").duty_date
        )
        self.assertEqual(handover.departure_confirmed_by_id, self.supervisor)
        self.assertTrue(handover.departure_confirmed_on)
        self.assertIn("confirmation", handover.sudo().seal_ids.mapped("kind"))
        # Each countersigner (HR, in place of the departments the settings do
        # not name) countersigns their done items (会签), from the activity
        # that asks them to.
        to_countersign = handover.item_ids.filtered("countersigner_id")
        self.assertTrue(to_countersign)
        self.assertTrue(all(to_countersign.mapped("done")))
        self.assertActivityFor(handover, "countersign", to_countersign.countersigner_id)
        self.assertEqual(to_countersign.countersigner_id, self.handover_admin)
        for countersigner in to_countersign.countersigner_id:
            self.run_tour("countersign", countersigner, "/odoo")
            mine = to_countersign.filtered(
                lambda item, user=countersigner: item.countersigner_id == user
            )
            self.assertTrue(all(mine.mapped("countersigned_on")))
        self.assertFalse(self.open_activities(handover, "countersign"))
        self.run_tour("approve_summary", self.approver, url)
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.summary_approved_by_id, self.approver)

        # The ends of the verification and of the summary's approval triggered
        # the filing of the visit sheet and of the summary.
        self.assertTrue(
            self.run_triggered_filing(
                handover.with_context(force_report_rendering=True)
            )
        )
        documents = self.env["hr.client.handover.document"].search(
            [("handover_id", "=", handover.id)]
        )
        self.assertEqual(
            sorted(documents.mapped("kind")), ["plan", "summary", "visits"]
        )
        # HR and the departing employee open each filed document from the
        # chatter, HR from the Filed Documents menu too: no error anywhere.
        self.run_tour("filed_documents", self.handover_admin, url)
        self.run_tour("filed_documents", self.departing, url)
        self.run_tour("filed_documents_menu", self.handover_admin, url)
        # HR finds the incident in the register, by department and person.
        self.run_tour("incidents_menu", self.handover_admin, url)
        seal, why = self.env["hr.client.handover.seal"]._verify_integrity(handover)
        self.assertFalse(seal, f"the filed documents are as filed ({why})")

        # The new account manager finds themselves as salesperson on the customer.
        alpha_line = handover.line_ids.filtered(
            lambda line: line.partner_id == self.alpha
        )
        self.run_tour(
            "customer", alpha_line.successor_id, f"/odoo/contacts/{self.alpha.id}"
        )
        self.assertEqual(self.alpha.user_id, alpha_line.successor_id)
        self.assertEqual(self.lead_alpha.user_id, alpha_line.successor_id)

    def test_hr_registers_the_departure(self):
        """The HR administrator registers a departure from the employee form
        (Archive): the dialog's Client Handover option starts the handover. The
        employee leaves that day: HR allows the early departure, the direct
        supervisor signing in their place (代签)."""
        employee = self.env["hr.employee"].create(
            {
                "name": self.other_salesman.name,
                "user_id": self.other_salesman.id,
                "department_id": self.sales_department.id,
                "parent_id": self.supervisor_employee.id,
            }
        )
        self.run_tour(
            "register_departure", self.handover_admin, f"/odoo/employees/{employee.id}"
        )
        self.assertFalse(employee.active)
        handover = self.env["hr.client.handover"].search(
            [("employee_id", "=", employee.id)]
        )
        self.assertEqual(handover.state, "draft")
        self.assertIn(self.delta, handover.line_ids.partner_id)
        self.assertEqual(handover.supervisor_id, self.supervisor)
        self.assertEqual(handover.last_working_date, self.today)
        self.assertEqual(handover.departure_allowed_by_id, self.handover_admin)
        self.assertTrue(handover.departure_allowed_on)

    def test_hand_everything_from_the_refused_archive(self):
        """A salesperson left overnight, no handover started: archiving their
        user is refused, with the way forward; HR hands everything to one
        successor from the refusal, through a handover of its own."""
        seller = new_test_user(
            self.env,
            login="ho_seller",
            name="Sven Seller",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
        )
        self.env["hr.employee"].create(
            {
                "name": seller.name,
                "user_id": seller.id,
                "department_id": self.sales_department.id,
                "parent_id": self.supervisor_employee.id,
            }
        )
        customers = self.env["res.partner"].create(
            [
                {"name": name, "is_company": True, "user_id": seller.id}
                for name in ("Iota Foods", "Kappa Textiles")
            ]
        )
        # HR administers the users too.
        self.handover_admin.group_ids += self.env.ref("base.group_erp_manager")
        # The refusal is a warning with a way forward (logged by the server).
        with mute_logger("odoo.http"):
            self.run_tour(
                "hand_everything",
                self.handover_admin,
                f"/odoo/users/{seller.id}",
            )
        handover = self.env["hr.client.handover"].search(
            [("departing_user_id", "=", seller.id)]
        )
        self.assertEqual(handover.handover_type, "everything")
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.transfer_state, "done")
        self.assertIn("全部客户", handover.reason)
        for customer in customers:
            self.assertEqual(customer.user_id, self.successor_a, customer.name)
        # Nothing is left behind: the user can be archived now.
        self.assertTrue(seller.active)
        seller.with_user(self.hr_manager).action_archive()
        self.assertFalse(seller.active)
