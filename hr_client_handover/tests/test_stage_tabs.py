from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import HandoverCase

STAGE_TABS = ("materials", "visits", "verification")


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
