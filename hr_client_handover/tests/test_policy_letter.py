"""The policy to the letter: HR countersigns (会签) out of the box and the
countersigns are printed on the filed summary; the checklist is the
template's; a key position's witness is independent; the summary rewrites
every section of the template; whoever submits never reviews."""

import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HandoverCase
from .test_reports import SUMMARY

INSURANCE = "Social insurance and housing provident fund transferred"
ACCOUNTS = "System accounts and access rights"


@tagged("post_install", "-at_install")
class TestPolicyLetter(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_head = new_test_user(
            cls.env, login="ho_hr_head", name="Hilda HR Head", groups="base.group_user"
        )
        cls.hr_department = cls.env["hr.department"].create(
            {
                "name": "Human Resources",
                "manager_id": cls.env["hr.employee"]
                .create({"name": cls.hr_head.name, "user_id": cls.hr_head.id})
                .id,
            }
        )
        cls.hr_department.manager_id.department_id = cls.hr_department

    def item(self, handover, name):
        return handover.item_ids.filtered(lambda item: item.name.startswith(name))

    # ------------------------------------------------------------------
    # 会签 out of the box
    # ------------------------------------------------------------------
    def test_hr_countersigns_out_of_the_box(self):
        """Installed, the addon finds the HR department; its manager
        countersigns social insurance and housing fund, and the items of the
        departments the settings leave empty."""
        self.company.handover_hr_department_id = False
        self.company._handover_find_hr_department()
        self.assertEqual(self.company.handover_hr_department_id, self.hr_department)
        handover = self.draft_handover()
        insurance = self.item(handover, INSURANCE)
        self.assertEqual(insurance.countersign_department, "hr")
        self.assertEqual(insurance.countersigner_id, self.hr_head)
        # Ticked by the direct supervisor, countersigned by HR.
        self.assertEqual(insurance.responsible_id, self.supervisor)
        self.assertFalse(self.company.handover_it_department_id)
        self.assertEqual(self.item(handover, ACCOUNTS).countersigner_id, self.hr_head)

    def test_without_hr_an_administrator_countersigns(self):
        self.company.handover_hr_department_id = False
        handover = self.draft_handover()
        countersigners = handover.item_ids.filtered(
            "countersign_department"
        ).countersigner_id
        self.assertEqual(len(countersigners), 1)
        self.assertTrue(
            countersigners.has_group("hr_client_handover.group_handover_manager")
        )

    def test_countersigns_printed_on_the_summary(self):
        self.company.handover_hr_department_id = self.hr_department
        handover = self.draft_handover()
        self.advance(handover, "done")
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(SUMMARY, handover.ids)
        )
        html = html.decode()
        self.assertIn("Countersigns (会签)", html)
        self.assertIn("Countersigned by (会签人)", html)
        section = html[html.index("Countersigns (会签)") :]
        self.assertIn(INSURANCE, section)
        self.assertIn("Hilda HR Head", section)
        self.assertIn("Human Resources", section)
        self.assertNotIn("Not countersigned yet", section)

    # ------------------------------------------------------------------
    # The checklist is the template's
    # ------------------------------------------------------------------
    def test_departing_keeps_the_template_items(self):
        handover = self.draft_handover()
        accounts = self.item(handover, ACCOUNTS)
        as_departing = accounts.with_user(self.departing)
        for values in (
            {"name": "Nothing to revoke"},
            {"needs_receipt": True},
            {"post_departure": False},
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, "comes from the template"),
            ):
                as_departing.write(values)
        with self.assertRaisesRegex(UserError, "comes from the template"):
            handover.with_user(self.departing).write(
                {"item_ids": [Command.unlink(accounts.id)]}
            )
        with self.assertRaises(AccessError):
            as_departing.countersigner_id = False
        for values in (
            {"key_position": True},
            {"handover_type": "transfer"},
            {"template_id": False},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                handover.with_user(self.departing).write(values)
        self.assertEqual(accounts.name[: len(ACCOUNTS)], ACCOUNTS)
        # Their own items are theirs to change and remove.
        own = (
            self.env["hr.client.handover.item"]
            .with_user(self.departing)
            .create({"handover_id": handover.id, "name": "Trade fair contacts"})
        )
        own.name = "Trade fair contacts handed over"
        own.unlink()
        # The supervisor changes the template's items and the key position.
        accounts.with_user(self.supervisor).needs_receipt = True
        handover.with_user(self.supervisor).key_position = True
        self.assertTrue(accounts.needs_receipt)

    def test_departing_keeps_the_items_added_by_others(self):
        """An item the supervisor or an administrator added is protected as a
        template's item is; the review lists it as added."""
        handover = self.draft_handover()
        Item = self.env["hr.client.handover.item"]
        added = Item.with_user(self.supervisor).create(
            {"handover_id": handover.id, "name": "Key account folder"}
        ) | Item.with_user(self.handover_admin).create(
            {"handover_id": handover.id, "name": "Trade fair badge"}
        )
        self.assertFalse(any(added.with_user(self.departing).mapped("is_own_item")))
        for item in added:
            as_departing = item.with_user(self.departing)
            with self.assertRaisesRegex(UserError, "was added by"):
                as_departing.name = "Nothing to hand over"
            with self.assertRaisesRegex(UserError, "was added by"):
                as_departing.unlink()
            with self.assertRaisesRegex(UserError, "was added by"):
                handover.with_user(self.departing).write(
                    {"item_ids": [Command.unlink(item.id)]}
                )
        self.assertEqual(
            added.mapped("name"), ["Key account folder", "Trade fair badge"]
        )
        own = Item.with_user(self.departing).create(
            {"handover_id": handover.id, "name": "Trade fair contacts"}
        )
        self.assertTrue(own.is_own_item)
        self.item(handover, "Confidentiality").with_user(self.supervisor).unlink()
        self.advance(handover, "plan_review")
        changes = handover.with_user(self.supervisor).template_changes
        for name in ("Key account folder", "Trade fair badge", "Trade fair contacts"):
            self.assertIn(f"Added: {name}", changes)
        self.assertIn("Removed: Confidentiality confirmed", changes)

    def test_review_shows_changes_from_the_template(self):
        handover = self.draft_handover()
        self.assertFalse(handover.template_changes)
        accounts = self.item(handover, ACCOUNTS)
        accounts.with_user(self.supervisor).write(
            {"needs_receipt": True, "countersigner_id": False}
        )
        self.item(handover, "Confidentiality").with_user(self.supervisor).unlink()
        self.env["hr.client.handover.item"].with_user(self.departing).create(
            {"handover_id": handover.id, "name": "Trade fair contacts"}
        )
        self.advance(handover, "plan_review")
        changes = handover.with_user(self.supervisor).template_changes
        self.assertIn("Added: Trade fair contacts", changes)
        self.assertIn("Removed: Confidentiality confirmed", changes)
        self.assertIn(f"Changed: {ACCOUNTS}", changes)
        self.assertIn("Receiver Confirms: No → Yes", changes)

    def test_key_position_needs_an_independent_witness(self):
        handover = self.draft_handover()
        handover.with_user(self.supervisor).write(
            {"key_position": True, "witness_id": self.supervisor.id}
        )
        with self.assertRaisesRegex(
            UserError, "neither the direct supervisor nor a successor"
        ):
            handover.with_user(self.departing).action_submit_plan()
        handover.with_user(self.supervisor).witness_id = self.witness
        handover.with_user(self.departing).action_submit_plan()
        self.assertEqual(handover.state, "plan_review")

    # ------------------------------------------------------------------
    # The summary, and who reviews it
    # ------------------------------------------------------------------
    def test_summary_rewrites_each_section(self):
        handover = self.draft_handover()
        self.advance(handover, "summary")
        self.sign(handover, "summary")
        template = handover.summary
        self.assertIn("Open deals, complaints, pending payments.", template)
        partly = template.replace(
            "Who received which customers, and their situation.",
            "Alan took the northern customers, Bea the southern ones.",
        )
        handover.with_user(self.departing).summary = partly
        with self.assertRaisesRegex(
            UserError, "Open matters and risks, Visits and phone checks, Follow-up"
        ):
            handover.with_user(self.departing).action_submit_summary()
        written = (
            partly.replace(
                "Open deals, complaints, pending payments.", "One quotation open."
            )
            .replace("What the customers said.", "All satisfied.")
            .replace(
                "What the successors must watch in the coming weeks.",
                "The renewal in March.",
            )
        )
        handover.with_user(self.departing).summary = written
        handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary_review")
        self.assertEqual(handover.summary_submitted_by_id, self.departing)

    def test_summary_keeps_every_section(self):
        """A section of the template removed, heading and all, is not
        written: the gate names it as it names one left as the template gave
        it. A summary under headings of the author's own is theirs."""
        handover = self.draft_handover()
        self.advance(handover, "summary")
        self.sign(handover, "summary")
        written = (
            handover.summary.replace(
                "Who received which customers, and their situation.",
                "Alan took the northern customers, Bea the southern ones.",
            )
            .replace("Open deals, complaints, pending payments.", "One quotation open.")
            .replace("What the customers said.", "All satisfied.")
        )
        without_follow_up = re.sub(
            r"<h3[^>]*>\s*Follow-up\s*</h3>\s*<p[^>]*>.*?</p>", "", written, flags=re.S
        )
        self.assertNotIn("Follow-up", without_follow_up)
        handover.with_user(self.departing).summary = without_follow_up
        with self.assertRaisesRegex(UserError, "sections of the summary.*: Follow-up"):
            handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary")
        handover.with_user(self.departing).summary = written.replace(
            "What the successors must watch in the coming weeks.",
            "The renewal in March.",
        )
        handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary_review")

    def test_submitter_never_approves(self):
        """The direct supervisor who is also the division manager (allowed by
        the company) approves neither the plan nor the summary they submitted:
        an administrator acts in their place."""
        self.company.handover_allow_same_reviewer = True
        handover = self.draft_handover()
        handover.with_user(self.supervisor).approver_id = self.supervisor
        handover.with_user(self.supervisor).action_submit_plan()
        handover.with_user(self.handover_admin).action_review_plan()
        self.assertEqual(handover.state, "plan_approval")
        self.assertFalse(handover.with_user(self.supervisor).can_approve_plan)
        with self.assertRaisesRegex(UserError, "You submitted"):
            handover.with_user(self.supervisor).action_approve_plan()
        self.assertEqual(handover.state, "plan_approval")
        handover.with_user(self.handover_admin).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        self.assertEqual(handover.plan_approved_by_id, self.handover_admin)
        self.advance(handover, "summary")
        self.work_summary(handover)
        handover.with_user(self.supervisor).action_submit_summary()
        handover.with_user(self.handover_admin).action_review_summary()
        self.assertEqual(handover.state, "summary_approval")
        self.work_summary_approval(handover)
        with self.assertRaisesRegex(UserError, "You submitted"):
            handover.with_user(self.supervisor).action_approve_summary()
        self.assertEqual(handover.state, "summary_approval")
        handover.with_user(self.handover_admin).action_approve_summary()
        self.assertEqual(handover.state, "done")

    def test_submitter_never_reviews(self):
        handover = self.draft_handover()
        handover.with_user(self.supervisor).action_submit_plan()
        self.assertEqual(handover.plan_submitted_by_id, self.supervisor)
        self.assertFalse(handover.with_user(self.supervisor).can_review_plan)
        with self.assertRaisesRegex(UserError, "You submitted"):
            handover.with_user(self.supervisor).action_review_plan()
        # An administrator reviews in their place.
        handover.with_user(self.handover_admin).action_review_plan()
        self.assertEqual(handover.plan_reviewed_by_id, self.handover_admin)
        self.advance(handover, "summary")
        self.work_summary(handover)
        handover.with_user(self.supervisor).action_submit_summary()
        with self.assertRaisesRegex(UserError, "You submitted"):
            handover.with_user(self.supervisor).action_review_summary()
        handover.with_user(self.handover_admin).action_review_summary()
        self.assertEqual(handover.state, "summary_approval")

    def test_administrator_reviews_only_in_place_of_the_submitter(self):
        handover = self.draft_handover()
        handover.with_user(self.departing).action_submit_plan()
        with self.assertRaisesRegex(UserError, "only when they submitted it"):
            handover.with_user(self.handover_admin).action_review_plan()
        handover.with_user(self.supervisor).action_review_plan()
        self.assertEqual(handover.state, "plan_approval")
