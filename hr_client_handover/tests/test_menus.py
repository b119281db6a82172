from datetime import timedelta

from lxml import etree

from odoo.fields import Domain
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import HandoverCase


def default_filter_domain(env, model, context):
    """The domain the web client searches with when it opens `model` with the
    `search_default_*` keys of `context`, on the model's default search view (as
    the activity menu opens it): filters that follow each other without a
    separator are one group and combine with OR, groups combine with AND; a
    field given a value (``search_default_<field>``, as a stat button does)
    searches with its ``filter_domain``, else for that value."""
    arch = env[model].get_views([(False, "search")])["views"]["search"]["arch"]
    groups, current, fields_domains = [], [], []
    for node in etree.fromstring(arch):
        if node.tag == "filter":
            current.append(node)
            continue
        value = context.get(f"search_default_{node.get('name')}")
        if node.tag == "field" and value:
            filter_domain = node.get("filter_domain")
            fields_domains.append(
                Domain(safe_eval(filter_domain, {"self": value, "uid": env.uid}))
                if filter_domain
                else Domain(node.get("name"), "=", value)
            )
        # A separator, a field or a group of group-bys closes the group.
        if current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    eval_context = {"uid": env.uid, "context": context}
    domains = []
    for group in groups:
        active = [
            Domain(safe_eval(node.get("domain", "[]"), eval_context))
            for node in group
            if node.get("domain") and context.get(f"search_default_{node.get('name')}")
        ]
        if active:
            domains.append(Domain.OR(active))
    domains += fields_domains
    return Domain.AND(domains) if domains else Domain.TRUE


@tagged("post_install", "-at_install")
class TestMenus(HandoverCase):
    """The menus and the activity menu open the records the user must act on."""

    # The context of mail's activity menu (activity_menu.js) for a model group.
    ACTIVITY_MENU = {
        "all": {
            "search_default_filter_activities_my": 1,
            "search_default_activities_overdue": 1,
            "search_default_activities_today": 1,
        },
        "overdue": {
            "search_default_filter_activities_my": 1,
            "search_default_activities_overdue": 1,
        },
        "upcoming_all": {
            "search_default_filter_activities_my": 1,
            "search_default_activities_upcoming_all": 1,
        },
    }

    def action_context(self, xmlid):
        action = self.env.ref(xmlid)
        return safe_eval(action.context or "{}", {"uid": self.env.uid})

    def open_as(self, user, model, context):
        Model = self.env[model].with_user(user)
        return Model.search(default_filter_domain(Model.env, model, context))

    def test_activity_menu_opens_only_my_late_and_today_handovers(self):
        today_handover = self.draft_handover()
        later_employee = self.env["hr.employee"].search(
            [("user_id", "=", self.successor_b.id)]
        )
        later_handover = self.create_handover(employee_id=later_employee.id)
        Activity = self.env["mail.activity"]
        for handover in today_handover | later_handover:
            Activity.search(
                [("res_model", "=", handover._name), ("res_id", "=", handover.id)]
            ).unlink()
        todo = self.env.ref("mail.mail_activity_data_todo")
        today_handover.activity_schedule(
            activity_type_id=todo.id,
            user_id=self.supervisor.id,
            date_deadline=self.today,
        )
        later_handover.activity_schedule(
            activity_type_id=todo.id,
            user_id=self.supervisor.id,
            date_deadline=self.today + timedelta(days=10),
        )
        # Someone else's late activity is not the supervisor's.
        later_handover.activity_schedule(
            activity_type_id=todo.id,
            user_id=self.witness.id,
            date_deadline=self.today - timedelta(days=2),
        )
        model = "hr.client.handover"
        self.assertEqual(
            self.open_as(self.supervisor, model, self.ACTIVITY_MENU["all"]),
            today_handover,
            "My Activities AND (Late OR Today): not every handover with an activity",
        )
        self.assertFalse(
            self.open_as(self.supervisor, model, self.ACTIVITY_MENU["overdue"])
        )
        self.assertEqual(
            self.open_as(self.supervisor, model, self.ACTIVITY_MENU["upcoming_all"]),
            later_handover,
        )
        self.assertEqual(
            self.open_as(self.witness, model, self.ACTIVITY_MENU["overdue"]),
            later_handover,
        )

    def test_customers_menu_opens_my_lines_of_handovers_under_way(self):
        handover = self.draft_handover()
        mine = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )
        self.assertTrue(mine and mine != handover.line_ids)
        model = "hr.client.handover.line"
        for xmlid in (
            "hr_client_handover.hr_client_handover_line_action",
            "hr_client_handover.hr_client_handover_line_action_visits",
        ):
            context = self.action_context(xmlid)
            self.assertEqual(self.open_as(self.successor_a, model, context), mine)
            # The departing employee sees every customer they hand over.
            self.assertEqual(
                self.open_as(self.departing, model, context), handover.line_ids
            )
        # Once the handover is over, its lines leave the default view.
        wizard = Form(
            self.env["hr.client.handover.cancel"]
            .with_user(self.supervisor)
            .with_context(default_handover_id=handover.id)
        )
        wizard.reason = "The employee stays"
        wizard.save().action_cancel_handover()
        context = self.action_context(
            "hr_client_handover.hr_client_handover_line_action"
        )
        self.assertFalse(self.open_as(self.successor_a, model, context))

    def test_handover_customers_button_opens_all_its_lines(self):
        handover = self.draft_handover()
        action = self.env.ref(
            "hr_client_handover.hr_client_handover_line_action_handover"
        )
        context = dict(
            safe_eval(action.context or "{}", {"uid": self.supervisor.id}),
            search_default_handover_id=handover.id,
        )
        # Opened from the stat button as its supervisor: every customer of the
        # handover, whoever succeeds, and nothing of another handover.
        other = self.create_handover(
            employee_id=self.env["hr.employee"]
            .search([("user_id", "=", self.successor_b.id)])
            .id
        )
        customer = self.env["res.partner"].create(
            {"name": "Stat Button Customer", "is_company": True}
        )
        self.env["hr.client.handover.line"].create(
            {"handover_id": other.id, "partner_id": customer.id}
        )
        self.assertGreater(len(handover.line_ids.successor_id), 1)
        opened = self.open_as(self.supervisor, "hr.client.handover.line", context)
        self.assertEqual(opened, handover.line_ids)
        self.assertEqual(len(opened), handover.line_count)
