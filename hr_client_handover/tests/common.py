from contextlib import closing, contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools import config

from ..demo.hr_client_handover_demo import plain_duty_record, signature_image
from ..models.hr_client_handover_stages import CANCEL, ORDER, STAGE

# A hand-drawn looking stroke, as the signature widget sends it (base64 PNG).
PNG_SIGNATURE = signature_image("test").decode()

ACTIVITY = "hr_client_handover.mail_act_handover_%s"
# Where the filing warns that a document was refused.
DOCUMENT_LOGGER = "odoo.addons.hr_client_handover.models.hr_client_handover_document"


def load_chinese(env):
    """Activate Simplified Chinese with the addon's zh_CN.po loaded."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        ["hr_client_handover"], ["zh_CN"], overwrite=True
    )


SALESMAN = "base.group_user,sales_team.group_sale_salesman"
MANAGER = "base.group_user,sales_team.group_sale_salesman_all_leads"


class HandoverCase(TransactionCase):
    """A sales division with a departing salesperson, two successors, the
    managers of the organisation chart and a small customer portfolio."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # PDFs take their styles from this test run's web server, not from
        # whatever serves the database's base URL (make demo, say).
        cls.env["ir.config_parameter"].set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Far Away Ltd"})
        cls.today = fields.Date.context_today(cls.env["hr.client.handover"])

        def user(login, name, groups=SALESMAN, **kwargs):
            kwargs.setdefault("company_id", cls.company.id)
            kwargs.setdefault("company_ids", [Command.set([kwargs["company_id"]])])
            return new_test_user(
                cls.env, login=login, name=name, groups=groups, **kwargs
            )

        cls.departing = user("ho_departing", "Dora Departing")
        cls.successor_a = user("ho_succ_a", "Alan Successor")
        cls.successor_b = user("ho_succ_b", "Bea Successor")
        cls.supervisor = user("ho_supervisor", "Sam Supervisor", MANAGER)
        cls.witness = user("ho_witness", "Wendy Witness", MANAGER)
        cls.approver = user("ho_approver", "Dan Division", MANAGER)
        cls.other_salesman = user("ho_other", "Otto Other")
        cls.handover_admin = user(
            "ho_admin",
            "Hana HR",
            "base.group_user,hr_client_handover.group_handover_manager",
        )
        # Registering departures (and archiving users) takes HR and user rights.
        cls.hr_manager = user(
            "ho_hr",
            "Helen HR",
            "base.group_user,hr.group_hr_manager,base.group_erp_manager,"
            "sales_team.group_sale_manager",
        )
        cls.portal_user = user("ho_portal", "Pete Portal", "base.group_portal")
        cls.archived_user = user("ho_archived", "Arch Ived")
        cls.archived_user.action_archive()
        cls.foreign_user = user(
            "ho_foreign",
            "Fay Foreign",
            company_id=cls.other_company.id,
        )

        cls.team_a = cls.env["crm.team"].create(
            {
                "name": "Team North",
                "user_id": cls.supervisor.id,
                "member_ids": [Command.set([cls.departing.id, cls.successor_a.id])],
            }
        )
        cls.team_b = cls.env["crm.team"].create(
            {"name": "Team South", "member_ids": [Command.set([cls.successor_b.id])]}
        )

        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"]
        cls.division = Department.create({"name": "Sales Division"})
        cls.sales_department = Department.create(
            {"name": "Field Sales", "parent_id": cls.division.id}
        )
        cls.approver_employee = Employee.create(
            {
                "name": cls.approver.name,
                "user_id": cls.approver.id,
                "department_id": cls.division.id,
            }
        )
        cls.division.manager_id = cls.approver_employee
        cls.witness_employee = Employee.create(
            {
                "name": cls.witness.name,
                "user_id": cls.witness.id,
                "department_id": cls.sales_department.id,
                "parent_id": cls.approver_employee.id,
            }
        )
        cls.sales_department.manager_id = cls.witness_employee
        cls.supervisor_employee = Employee.create(
            {
                "name": cls.supervisor.name,
                "user_id": cls.supervisor.id,
                "department_id": cls.sales_department.id,
                "parent_id": cls.witness_employee.id,
            }
        )
        cls.employee = Employee.create(
            {
                "name": cls.departing.name,
                "user_id": cls.departing.id,
                "department_id": cls.sales_department.id,
                "parent_id": cls.supervisor_employee.id,
            }
        )
        for successor in (cls.successor_a, cls.successor_b):
            Employee.create(
                {
                    "name": successor.name,
                    "user_id": successor.id,
                    "department_id": cls.sales_department.id,
                    "parent_id": cls.supervisor_employee.id,
                }
            )

        cls._create_portfolio()
        # The shipped resignation template requires the handover meeting and the
        # successors' training (test_duties); the other tests hold them where
        # they test them (test_calendar's template).
        resignation = cls.env.ref("hr_client_handover.handover_template_resignation")
        cls.shipped_resignation_events = (
            resignation.require_meeting,
            resignation.require_training,
        )
        resignation.write({"require_meeting": False, "require_training": False})

    @classmethod
    def _create_portfolio(cls):
        Partner = cls.env["res.partner"]
        departing = cls.departing.id
        cls.alpha = Partner.create(
            {"name": "Alpha Trading", "is_company": True, "user_id": departing}
        )
        cls.alpha_buyer = Partner.create(
            {
                "name": "Alice Buyer",
                "parent_id": cls.alpha.id,
                "email": "alice@alpha.example",
            }
        )
        cls.alpha_other_contact = Partner.create(
            {
                "name": "Oscar Kept",
                "parent_id": cls.alpha.id,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.beta = Partner.create(
            {"name": "Beta Foods", "is_company": True, "user_id": departing}
        )
        cls.beta_contact = Partner.create(
            {"name": "Bob Beta", "parent_id": cls.beta.id, "user_id": departing}
        )
        cls.gamma = Partner.create({"name": "Gina Gamma", "user_id": departing})
        # Owned by someone else, but the departing user runs an open deal there.
        cls.delta = Partner.create(
            {
                "name": "Delta Steel",
                "is_company": True,
                "user_id": cls.other_salesman.id,
            }
        )
        # No salesperson yet, a quotation of the departing user.
        cls.epsilon = Partner.create({"name": "Epsilon Labs", "is_company": True})
        cls.zeta = Partner.create(
            {"name": "Zeta Print", "is_company": True, "user_id": departing}
        )
        cls.foreign_customer = Partner.create(
            {
                "name": "Overseas Co",
                "is_company": True,
                "user_id": cls.other_salesman.id,
                "company_id": cls.other_company.id,
            }
        )
        cls.other_customer = Partner.create(
            {
                "name": "Omega Other",
                "is_company": True,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.customers = (
            cls.alpha | cls.beta | cls.gamma | cls.delta | cls.epsilon | cls.zeta
        )

        Lead = cls.env["crm.lead"]

        def lead(name, partner, revenue, user=cls.departing, team=cls.team_a):
            return Lead.create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "expected_revenue": revenue,
                }
            )

        cls.lead_alpha = lead("Alpha framework deal", cls.alpha, 10000)
        cls.lead_alpha_buyer = lead("Alpha spare parts", cls.alpha_buyer, 5000)
        cls.lead_beta = lead("Beta freezers", cls.beta, 3000)
        cls.lead_delta = lead("Delta tender", cls.delta, 8000)
        cls.lead_alpha_won = lead("Alpha last year", cls.alpha, 4000)
        cls.lead_alpha_won.action_set_won()
        cls.lead_alpha_lost = lead("Alpha lost deal", cls.alpha, 2000)
        cls.lead_alpha_lost.action_set_lost()
        cls.lead_alpha_other = lead(
            "Alpha via Otto", cls.alpha, 1000, user=cls.other_salesman, team=cls.team_b
        )
        cls.lead_other = lead(
            "Omega deal",
            cls.other_customer,
            7000,
            user=cls.other_salesman,
            team=cls.team_b,
        )
        cls.open_leads = (
            cls.lead_alpha | cls.lead_alpha_buyer | cls.lead_beta | cls.lead_delta
        )

        product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 800.0}
        )

        def order(partner, user=cls.departing):
            return cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "team_id": cls.team_a.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )

        cls.quote_beta = order(cls.beta)
        cls.quote_epsilon = order(cls.epsilon)
        cls.quote_epsilon.state = "sent"
        cls.order_alpha_confirmed = order(cls.alpha)
        cls.order_alpha_confirmed.action_confirm()
        cls.quote_other = order(cls.other_customer, user=cls.other_salesman)
        cls.quotations = cls.quote_beta | cls.quote_epsilon

        todo = "mail.mail_activity_data_todo"
        cls.act_alpha = cls.alpha.activity_schedule(
            todo, summary="Call Alpha about renewal", user_id=departing
        )
        cls.act_lead_alpha = cls.lead_alpha.activity_schedule(
            todo, summary="Send the Alpha proposal", user_id=departing
        )
        cls.act_quote_beta = cls.quote_beta.activity_schedule(
            todo, summary="Follow up Beta quotation", user_id=departing
        )
        cls.act_lead_alpha_otto = cls.lead_alpha.activity_schedule(
            todo, summary="Otto's own reminder", user_id=cls.other_salesman.id
        )
        cls.act_other = cls.other_customer.activity_schedule(
            todo, summary="Omega meeting", user_id=cls.other_salesman.id
        )
        cls.moving_activities = cls.act_alpha | cls.act_lead_alpha | cls.act_quote_beta

    # ------------------------------------------------------------------
    # Helpers: each step done by the user who does it in real life
    # ------------------------------------------------------------------
    def create_handover(self, user=None, **values):
        values.setdefault("employee_id", self.employee.id)
        values.setdefault("last_working_date", self.today + timedelta(days=20))
        return (
            self.env["hr.client.handover"]
            .with_user(user or self.supervisor)
            .create(values)
        )

    def assign(self, handover, *successors, lines=None):
        """Assign successors with the wizard, as the departing employee."""
        Wizard = self.env["hr.client.handover.assign"].with_user(self.departing)
        wizard = Form(Wizard.with_context(default_handover_id=handover.id))
        if len(successors) == 1:
            wizard.mode = "single"
            wizard.successor_id = successors[0]
        else:
            wizard.mode = "split"
            for successor in successors:
                wizard.successor_ids.add(successor)
        if lines is not None:
            wizard.line_ids.clear()
            for line in lines:
                wizard.line_ids.add(line)
        wizard = wizard.save()
        wizard.action_assign()
        return wizard

    def draft_handover(self, **values):
        """A draft handover of the whole portfolio, split between both successors."""
        handover = self.create_handover(**values)
        handover.with_user(self.departing).action_generate_lines()
        self.assign(handover, self.successor_a, self.successor_b)
        self.describe_materials(handover.line_ids)
        return handover

    MATERIALS = {
        "materials_paper": "Framework contract",
        "materials_electronic": "CRM record, offers",
        "materials_location": "Cabinet 3",
    }

    def describe_materials(self, lines, user=None):
        """The departing employee (or ``user``) describes the materials of
        the lines that say nothing of them yet, as the plan does."""
        for line in lines.filtered(
            lambda ln: not (ln.materials_paper or ln.materials_no_paper)
        ):
            line.with_user(user or self.departing).write(self.MATERIALS)

    def record_visit(self, line, user, contact="Purchasing manager"):
        """``user`` records when, where and whom the joint visit met."""
        values = {
            name: value
            for name, value in (
                ("visit_date", self.today),
                ("visit_place", "Customer's office"),
            )
            if not line[name]
        }
        if not (line.visit_contact_id or line.visit_contact):
            values["visit_contact"] = contact
        if values:
            line.with_user(user).write(values)

    def goes_through(self, run):
        """Whether ``run`` goes through (undone right after); a refusal is the
        policy's (AccessError or UserError), nothing else."""
        with closing(self.env.cr.savepoint()):
            try:
                run()
                self.env.flush_all()
            except ValidationError:
                raise
            except (AccessError, UserError):
                return False
            finally:
                self.env.invalidate_all()
            return True

    def refuse(self, handover, user, reason):
        wizard = Form(
            self.env["hr.client.handover.refuse"]
            .with_user(user)
            .with_context(default_handover_id=handover.id)
        )
        wizard.reason = reason
        return wizard.save().action_refuse()

    def sign(self, handover, stage, users=None):
        signatures = handover.sudo().signature_ids.filtered(
            lambda sig: sig.stage == stage
            and not sig.signed_on
            and (users is None or sig.user_id in users)
        )
        for signature in signatures:
            signature.with_user(signature.user_id).write({"signature": PNG_SIGNATURE})

    def do_materials(self, handover):
        for line in handover.line_ids.filtered(
            lambda ln: not ln.materials_confirmed_on
        ):
            self.describe_materials(line, line.successor_id)
            line.with_user(line.successor_id).action_confirm_materials()
        # The part due after the departure waits for it (``do_post_departure``).
        for item in handover.item_ids.filtered(
            lambda item: not item.done
            and (not item.post_departure or handover._departure_happened())
        ):
            self.tick(item)
        receiver = handover.line_ids.successor_id[:1]
        for item in handover.item_ids.filtered(
            lambda item: item.needs_receipt and not item.confirmed_on
        ):
            item.with_user(receiver).action_confirm()
        self.sign(handover, "materials")

    def record_duty(self, item, **values):
        """The responsible person records a departure duty (the talk held, the
        consent, the equipment checked) before ticking it."""
        defaults = plain_duty_record(item.duty, fields.Date.context_today(item))
        item.with_user(item.responsible_id).write(
            {"duty_notes": "Talked it through.", **defaults, **values}
        )

    def tick(self, item):
        """Whoever answers for the item ticks it, having recorded its duty
        (the talk, the consent, the equipment check) when it has one."""
        if item.duty:
            self.record_duty(item)
        item.with_user(item.responsible_id).action_mark_done()

    def do_visits(self, handover, lines=None):
        """Both visitors confirm each visit, its date, place and contact met
        recorded first."""
        for line in lines if lines is not None else handover.line_ids:
            if line.visit_state == "pending":
                self.record_visit(line, line.successor_id)
            line.with_user(line.successor_id).action_confirm_visit()
            line.with_user(self.departing).action_confirm_visit()

    def line_reason(self, line, user, method, reason):
        """Press a line button that asks for a reason (Request Waiver, Refuse
        Waiver, Send Back) and give it in the dialog, as ``user``."""
        action = getattr(line.with_user(user), method)()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.reason = reason
        return wizard.save().action_confirm()

    def witness_visits(self, handover):
        handover.with_user(handover._users_for_role("witness")).action_witness_visits()

    def do_calls(self, handover, result="confirmed"):
        sample = handover.line_ids.filtered(
            lambda line: line.spot_check_selected and line.check_result != "confirmed"
        )
        witness = handover._users_for_role("witness")
        for line in sample:
            line.with_user(witness).with_context(
                check_result=result
            ).action_set_check_result()

    def hold_meeting(self, handover, kind="meeting", minutes=None, user=None, **values):
        """The supervisor schedules the handover meeting (or a training session)
        from the handover, as its button opens it, held an hour ago, and writes
        its minutes."""
        user = user or handover.supervisor_id
        method = f"action_schedule_{kind}"
        action = getattr(handover.with_user(user), method)()
        start = fields.Datetime.now() - timedelta(hours=2)
        values = {"start": start, "stop": start + timedelta(hours=1), **values}
        event = (
            self.env["calendar.event"]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )
        if minutes is not False:
            event.write(
                {"notes": minutes or "<p>Customers, files and open deals reviewed.</p>"}
            )
        return event

    @staticmethod
    def working_days_after(day, count):
        """The `count`-th working day (Monday to Friday) after `day`."""
        while count:
            day += timedelta(days=1)
            count -= day.weekday() < 5
        return day

    # The stages in order, up to Done.
    STEPS = [key for key in ORDER if key != CANCEL]

    def advance(self, handover, to_stage):
        """Walk the handover to `to_stage`, every step by its actor: the work
        the stage still lacks (``work_<stage>``), then its completing button
        pressed by the first role of its row."""
        while handover.state != to_stage:
            stage = STAGE[handover.state]
            if not stage.action:
                raise AssertionError(f"cannot advance a handover from {stage.key}")
            work = getattr(self, f"work_{stage.key}", None)
            if work:
                work(handover)
            role = stage.roles[0]
            user = (
                self.departing
                if role == "departing"
                else handover._users_for_role(role)
            )
            getattr(handover.with_user(user), f"action_{stage.action}")()
            self.run_triggered_filing(handover)
        return handover

    def run_triggered_filing(self, handover):
        """Run the filing a stage's end triggered (the scheduled action, right
        after the transaction), in the test's context (tests render a PDF only
        when asked). Returns whether it was triggered."""
        cron = self.env.ref("hr_client_handover.ir_cron_handover_file_reports")
        triggers = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search(
                [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())]
            )
        )
        if not triggers:
            return False
        triggers.unlink()
        self.env["hr.client.handover.document"].with_context(
            **handover.env.context
        )._file_due(handover.sudo())
        handover.invalidate_recordset()
        return True

    # ------------------------------------------------------------------
    # The printed documents and their filing
    # ------------------------------------------------------------------
    def render_pdf(self, report, handover, user):
        """The PDF of ``report`` (an xml id) for ``handover``, as ``user``
        prints it."""
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids=handover.ids)
        )
        self.assertEqual(report_type, "pdf")
        return content

    @contextmanager
    def reports_without_styles(self):
        """Inside the block wkhtmltopdf cannot load the reports' styles from
        the web server (a port nothing listens on): a document filed there is
        refused, with the filing's warning. The web server is reachable again
        after it."""
        Params = self.env["ir.config_parameter"].sudo()
        report_url = Params.get_param("report.url")
        Params.set_param("report.url", "http://127.0.0.1:9")
        try:
            with self.assertLogs(DOCUMENT_LOGGER, "WARNING") as logged:
                yield
            self.assertIn("without the reports' styles", logged.output[0])
        finally:
            Params.set_param("report.url", report_url)

    def work_materials(self, handover):
        self.do_materials(handover)

    def work_visits(self, handover):
        self.do_visits(
            handover,
            handover.line_ids.filtered(
                lambda line: line.visit_state not in ("done", "waived")
            ),
        )
        if not handover.visits_witnessed_on:
            self.witness_visits(handover)
        self.sign(handover, "visits")

    def work_verification(self, handover):
        self.do_calls(handover)
        self.sign(handover, "verification")

    def do_post_departure(self, handover):
        """The part of the checklist due after the departure, ticked by whoever
        answers for it the first working day after the last working day."""
        items = handover.item_ids.filtered(
            lambda item: item.post_departure and not item.done
        )
        if not items:
            return
        with freeze_time(self.working_days_after(handover.last_working_date, 1)):
            for item in items:
                self.tick(item)

    def work_summary_approval(self, handover):
        """The part due after the departure ticked, then countersigned."""
        self.do_post_departure(handover)
        self.countersign_done(handover)

    def countersign_done(self, handover):
        """Each countersigner countersigns the done items waiting for them
        (会签)."""
        for item in handover.item_ids.filtered(
            lambda item: item.countersigner_id
            and item.done
            and not item.countersigned_on
        ):
            item.with_user(item.countersigner_id).action_countersign()

    def work_summary(self, handover):
        handover.with_user(
            self.departing
        ).summary = "<p>All customers met their new account manager.</p>"
        self.sign(handover, "summary")

    # ------------------------------------------------------------------
    # Assertions
    # ------------------------------------------------------------------
    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Odoo's assertRaises (which, like a failed request, rolls back what the
        failed call wrote) checking the message too; unittest's does not roll
        back, so the test would see writes a user never sees."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def digest(self, handover, stage):
        """The body of the one digest of line events posted for ``stage``
        (its label) on the handover."""
        digests = handover.sudo().message_ids.filtered(
            lambda msg: (msg.body or "").startswith(f"<p><b>{stage}: line events")
        )
        self.assertEqual(len(digests), 1, f"one digest for the stage {stage}")
        return str(digests.body)

    def open_activities(self, handover, step):
        activity_type = self.env.ref(ACTIVITY % step)
        return handover.sudo().activity_ids.filtered(
            lambda act: act.activity_type_id == activity_type
        )

    def assertActivityDone(self, handover, step):
        activity_type = self.env.ref(ACTIVITY % step)
        self.assertFalse(
            self.open_activities(handover, step),
            f"the '{step}' activity must be closed",
        )
        done = handover.sudo().message_ids.filtered(
            lambda msg: msg.mail_activity_type_id == activity_type
        )
        self.assertTrue(done, f"the '{step}' activity must be marked done, not deleted")

    def assertActivityFor(self, handover, step, users, deadline=None):
        activities = self.open_activities(handover, step)
        self.assertEqual(activities.user_id, users, f"'{step}' activity users")
        self.assertEqual(len(activities), len(users), f"one '{step}' activity per user")
        if deadline:
            self.assertEqual(set(activities.mapped("date_deadline")), {deadline})
