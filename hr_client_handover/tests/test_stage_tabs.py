from itertools import product

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..models.hr_client_handover_policy import LINE_ACTORS
from ..models.hr_client_handover_stages import (
    DONE,
    DRAFT,
    MATERIALS,
    ORDER,
    PLAN_REVIEW,
    PLANNERS,
    VERIFICATION,
    VISITS,
)
from .common import HandoverCase

STAGE_TABS = ("materials", "visits", "verification")

# What the handover form's tabs (and the sign-off's visits group) said before
# they read how far the procedure went: {name of the page or group: its
# ``invisible``}.
OLD_TABS = {
    "omissions": "state not in ('draft', 'plan_review', 'plan_approval') "
    "and not omission_ids",
    "materials": "state in ('plan_review', 'plan_approval') "
    "or (state == 'draft' and not refuse_reason)",
    "visits": "state in ('draft', 'plan_review', 'plan_approval', 'materials')",
    "verification": "state in ('draft', 'plan_review', 'plan_approval', "
    "'materials', 'visits') and not spot_check_count",
    "summary": "state in ('draft', 'plan_review', 'plan_approval', 'materials', "
    "'visits', 'verification')",
    "visits_approvals": "state in ('draft', 'plan_review', 'plan_approval', "
    "'materials')",
}
STAGE_REACHED = (
    "plan_open",
    "visits_started",
    "verification_started",
    "summary_started",
)

# What the customer line's form said before it read the policy's field groups
# (``writable_groups``): {field: its ``readonly``}, and the roles of the
# policy's row for which the old expression was already the whole answer.
PLAN_READONLY = "handover_stage != 'draft'"
VISIT_READONLY = (
    "handover_stage in ('done', 'cancel') "
    "or visit_state not in ('pending', 'waiver_requested')"
)
OLD_LINE_READONLY = {
    "partner_id": (PLAN_READONLY, "plan"),
    "successor_id": (PLAN_READONLY, "plan"),
    "planned_date": (PLAN_READONLY, "plan"),
    "planned_visit_date": (
        "handover_stage not in ('draft', 'plan_review', 'plan_approval', "
        "'materials', 'visits')",
        "visit",
    ),
    "visit_contact_id": (VISIT_READONLY, "visit"),
    "visit_contact": (VISIT_READONLY, "visit"),
    "visit_notes": (VISIT_READONLY, "visit"),
}
GROUP_ROLES = {"plan": set(PLANNERS), "visit": set(LINE_ACTORS)}


@tagged("post_install", "-at_install")
class TestStageTabs(HandoverCase):
    """The tabs of the stages after the plan list the reader's own customers
    first, then each successor's together; the plan's tab keeps the departing
    employee's order. Both lists are the same lines, under the same policy."""

    def tab_orders(self):
        arch = self.env["hr.client.handover"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        form = etree.fromstring(arch)
        orders = {}
        for page in form.iter("page"):
            lists = page.xpath("./field[@name][list]")
            if lists:
                field = lists[0]
                orders[page.get("name")] = (
                    field.get("name"),
                    field.find("list").get("default_order"),
                )
        return orders

    def read_tab(self, handover, user, tab):
        field, order = self.tab_orders()[tab]
        spec = {
            field: {
                "order": order,
                "fields": {"successor_id": {"fields": {"display_name": {}}}},
            }
        }
        (values,) = handover.with_user(user).web_read(spec)
        return [row["successor_id"]["id"] for row in values[field]]

    def test_own_customers_first_then_by_successor(self):
        handover = self.draft_handover()
        lines = handover.line_ids
        count_a = len(
            lines.filtered(lambda line: line.successor_id == self.successor_a)
        )
        count_b = len(lines) - count_a
        self.assertTrue(count_a and count_b)
        # The split interleaves the successors in the plan's own order, so the
        # order below is the tabs' doing.
        orders = self.tab_orders()
        self.assertEqual(orders["customers"][0], "form_line_ids")
        self.assertFalse(orders["customers"][1], "the plan keeps its drag handle")
        self.advance(handover, "verification")
        a, b = self.successor_a.id, self.successor_b.id
        for tab in STAGE_TABS:
            self.assertEqual(orders[tab][0], "form_stage_line_ids", tab)
            self.assertEqual(
                self.read_tab(handover, self.successor_b, tab),
                [b] * count_b + [a] * count_a,
                f"{tab}: Bea's own customers first",
            )
            self.assertEqual(
                self.read_tab(handover, self.successor_a, tab),
                [a] * count_a + [b] * count_b,
                f"{tab}: Alan's own customers first",
            )
            # Everyone else sees each successor's customers together.
            self.assertEqual(
                self.read_tab(handover, self.supervisor, tab),
                [a] * count_a + [b] * count_b,
                tab,
            )

    def test_yours_filter(self):
        handover = self.draft_handover()
        Line = self.env["hr.client.handover.line"].with_user(self.successor_a)
        mine = Line.search([("handover_id", "=", handover.id), ("is_mine", "=", True)])
        self.assertEqual(mine.successor_id, self.successor_a)
        others = Line.search(
            [("handover_id", "=", handover.id), ("is_mine", "=", False)]
        )
        self.assertEqual(mine | others, handover.line_ids)
        self.assertFalse(mine & others)
        self.assertTrue(all(line.is_mine for line in mine))

    def test_stage_lines_follow_the_policy(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        own = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[0]
        other = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_b
        )[0]
        as_a = handover.with_user(self.successor_a)
        as_a.write(
            {"stage_line_ids": [Command.update(own.id, {"materials_paper": "Files"})]}
        )
        self.assertEqual(own.materials_paper, "Files")
        # Another successor's customer: not theirs (AccessError); a new line, a
        # removed line, a changed successor: the plan is no longer open, for
        # anyone (UserError), each as through the plan's tab.
        for command, exception in (
            (Command.update(other.id, {"materials_paper": "Forged"}), AccessError),
            (Command.create({"partner_id": self.other_customer.id}), UserError),
            (Command.delete(own.id), UserError),
            (Command.unlink(own.id), UserError),
            (Command.update(own.id, {"successor_id": self.successor_a.id}), UserError),
        ):
            with (
                self.subTest(command=command),
                self.assertRaises(UserError) as catcher,
            ):
                with self.env.cr.savepoint():
                    as_a.write({"stage_line_ids": [command]})
            self.assertIs(type(catcher.exception), exception, catcher.exception)
        self.assertEqual(other.materials_paper, self.MATERIALS["materials_paper"])
        self.assertIn(own, handover.line_ids)

    # ------------------------------------------------------------------
    # The tabs shown from a stage on
    # ------------------------------------------------------------------
    def test_tabs_read_how_far_the_procedure_went(self):
        """Each tab shown from a stage on reads how far the procedure went
        (computed from the stage table's order), not a list of stages: in
        every stage, the cancellation included, whatever the refusal, the
        omissions and the sample, it shows exactly where it showed before."""
        arch = self.env["hr.client.handover"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        form = etree.fromstring(arch)
        nodes = {}
        for name in OLD_TABS:
            (node,) = form.xpath(f"//page[@name='{name}'] | //group[@name='{name}']")
            nodes[name] = node.get("invisible")
            self.assertNotRegex(nodes[name], r"state (not )?in", name)
        Handover = self.env["hr.client.handover"]
        for stage in ORDER:
            record = Handover.new({"state": stage})
            reached = {name: record[name] for name in STAGE_REACHED}
            for refuse_reason, omission_ids, spot_check_count in product(
                (False, "Incomplete"), ([], [1]), (0, 3)
            ):
                values = {
                    "state": stage,
                    "refuse_reason": refuse_reason,
                    "omission_ids": omission_ids,
                    "spot_check_count": spot_check_count,
                    **reached,
                }
                for name, old in OLD_TABS.items():
                    with self.subTest(stage=stage, tab=name, values=values):
                        self.assertEqual(
                            safe_eval(nodes[name], dict(values)),
                            safe_eval(old, dict(values)),
                        )
        # On a saved handover, as it moves on.
        handover = self.draft_handover()
        self.assertEqual(
            [handover[name] for name in STAGE_REACHED], [True, False, False, False]
        )
        self.advance(handover, VISITS)
        self.assertEqual(
            [handover[name] for name in STAGE_REACHED], [False, True, False, False]
        )

    def test_refusal_notice_reads_the_stage_table(self):
        """The refusal's notice on the form shows in the stages a refusal
        sends the handover back to (the stage table's), as long as the reason
        stands: where the old list of stages showed it."""
        arch = self.env["hr.client.handover"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        (notice,) = etree.fromstring(arch).xpath("//div[field[@name='refuse_reason']]")
        self.assertEqual(notice.get("invisible"), "not refusal_standing")
        old = "not refuse_reason or state not in ('draft', 'summary')"
        Handover = self.env["hr.client.handover"]
        for stage, refuse_reason in product(ORDER, (False, "Incomplete")):
            record = Handover.new({"state": stage, "refuse_reason": refuse_reason})
            with self.subTest(stage=stage, refuse_reason=refuse_reason):
                self.assertEqual(
                    not record.refusal_standing,
                    safe_eval(old, {"state": stage, "refuse_reason": refuse_reason}),
                )

    # ------------------------------------------------------------------
    # The line's form: the plan's and the visit's fields
    # ------------------------------------------------------------------
    def check_line_form(self, line, users):
        values = {
            "partner_id": line.partner_id.id,
            "successor_id": line.successor_id.id,
            "planned_date": self.today,
            "planned_visit_date": self.today,
            "visit_contact_id": False,
            "visit_contact": "Purchasing manager",
            "visit_notes": "Orders twice a year",
        }
        for label, user in users.items():
            as_user = line.with_user(user)
            if not as_user.has_access("read"):
                continue
            form = Form(
                as_user, view="hr_client_handover.hr_client_handover_line_view_form"
            )
            roles = as_user._policy_roles()
            for name, (old, group) in OLD_LINE_READONLY.items():
                shown = form._get_modifier(name, "readonly")
                with self.subTest(stage=line.handover_stage, user=label, field=name):
                    self.assertEqual(
                        self.goes_through(
                            lambda as_user=as_user, name=name: as_user.write(
                                {name: values[name]}
                            )
                        ),
                        not shown,
                        "editable goes through, read-only is refused",
                    )
                    # The policy's row names them and the line is open: the
                    # form shows what it showed before (elsewhere the policy
                    # refused what the form let them edit).
                    if GROUP_ROLES[group] & roles and (
                        group == "plan" or line.sudo()._policy_visit_open()
                    ):
                        self.assertEqual(
                            shown,
                            safe_eval(
                                old,
                                {
                                    "handover_stage": line.handover_stage,
                                    "visit_state": line.visit_state,
                                },
                            ),
                            "as the form showed",
                        )

    def test_line_form_reads_the_policy_field_groups(self):
        handover = self.draft_handover()
        line = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[0]
        users = {
            "departing": self.departing,
            "supervisor": self.supervisor,
            "admin": self.handover_admin,
            "line successor": self.successor_a,
            "other successor": self.successor_b,
            "witness": self.witness,
        }
        for stage in (DRAFT, PLAN_REVIEW, MATERIALS, VISITS):
            self.advance(handover, stage)
            self.check_line_form(line, users)
        # Recorded by one visitor: the visit's fields are frozen.
        self.record_visit(line, self.successor_a)
        line.with_user(self.successor_a).action_confirm_visit()
        self.assertEqual(line.visit_state, "partial")
        self.check_line_form(line, users)
        line.with_user(self.departing).action_confirm_visit()
        self.assertEqual(line.visit_state, "done")
        for stage in (VERIFICATION, DONE):
            self.advance(handover, stage)
            self.check_line_form(line, users)
