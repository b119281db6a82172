"""Countersigning (会签): IT, finance and administration countersign the
checklist items of their department; the handover cannot close without."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HandoverCase
from .test_reports import PLAN, pdf_text


@tagged("post_install", "-at_install")
class TestCountersign(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        cls.it_manager = new_test_user(
            cls.env, login="ho_it", name="Ivy IT", groups="base.group_user"
        )
        cls.finance_clerk = new_test_user(
            cls.env, login="ho_fin", name="Fred Finance", groups="base.group_user"
        )
        it = Department.create(
            {
                "name": "IT",
                "manager_id": cls.env["hr.employee"]
                .create({"name": "Ivy IT", "user_id": cls.it_manager.id})
                .id,
            }
        )
        cls.company.handover_it_department_id = it
        # The template names the finance countersigner; administration has no
        # department set: HR countersigns its items in its place.
        cls.template = cls.env.ref("hr_client_handover.handover_template_resignation")
        cls.template.item_template_ids.filtered(
            lambda item: item.countersign_department == "finance"
        ).countersigner_id = cls.finance_clerk

    def items(self, handover, department):
        return handover.item_ids.filtered(
            lambda item: item.countersign_department == department
        )

    def test_countersigners_come_from_the_settings_and_the_template(self):
        handover = self.draft_handover(template_id=self.template.id)
        self.assertEqual(self.items(handover, "it").countersigner_id, self.it_manager)
        self.assertEqual(
            self.items(handover, "finance").countersigner_id, self.finance_clerk
        )
        self.assertEqual(
            self.items(handover, "administration").countersigner_id,
            self.company._handover_countersigner("hr"),
        )
        self.assertFalse(
            handover.item_ids.filtered(
                lambda i: not i.countersign_department
            ).countersigner_id
        )

    def test_countersign_flow(self):
        handover = self.draft_handover(template_id=self.template.id)
        it_item = self.items(handover, "it")
        self.assertTrue(it_item)
        # The countersigner sees the handover and its checklist, not its customers.
        self.assertEqual(
            handover.with_user(self.it_manager).search([("id", "=", handover.id)]),
            handover,
        )
        with self.assertRaises(AccessError):
            handover.line_ids[:1].with_user(self.it_manager).check_access("read")
        # Nobody countersigns before the plan is approved.
        with self.assertRaisesRegex(UserError, "Countersign the item"):
            it_item.with_user(self.it_manager).action_countersign()

        self.advance(handover, "materials")
        hr = self.company._handover_countersigner("hr")
        self.assertActivityFor(
            handover, "countersign", self.it_manager | self.finance_clerk | hr
        )
        with self.assertRaisesRegex(UserError, "not marked done yet"):
            it_item.with_user(self.it_manager).action_countersign()
        # Due after the departure: ticked the day after the last working day.
        self.do_post_departure(handover)
        # The countersigner, who reads the checklist but not the customers,
        # is told on the form what waits for them.
        self.assertIn(
            "Items to countersign by you: 1",
            handover.with_user(self.it_manager).banner_text,
        )
        for user in (self.supervisor, self.finance_clerk, self.departing):
            with self.assertRaises(AccessError):
                it_item.with_user(user).action_countersign()
        it_item.with_user(self.it_manager).action_countersign()
        self.assertTrue(it_item.countersigned_on)
        # Listed in the digest of the stage, not in a message of its own.
        self.assertFalse(
            handover.message_ids.filtered(lambda msg: "Ivy IT" in (msg.body or ""))
        )
        self.assertIn(
            "(within one working day after leaving) (countersigned)",
            handover._digest_body(handover._stage_events()),
        )
        # Their activity is done; finance and HR still have theirs.
        self.assertActivityFor(handover, "countersign", self.finance_clerk | hr)
        with self.assertRaisesRegex(UserError, "already countersigned"):
            it_item.with_user(self.it_manager).action_countersign()
        # Countersigned is frozen: not reopened, not rewritten.
        with self.assertRaisesRegex(UserError, "countersigned"):
            it_item.with_user(it_item.responsible_id).action_reset()
        with self.assertRaises(UserError):
            it_item.with_user(self.supervisor).write(
                {"countersigner_id": self.supervisor.id}
            )

        # The handover cannot close while a countersign is missing.
        self.advance(handover, "summary_approval")
        self.do_post_departure(handover)
        with self.assertRaisesRegex(UserError, "Expenses and deposits settled.*Fred"):
            handover.with_user(self.approver).action_approve_summary()
        self.assertEqual(handover.state, "summary_approval")
        self.items(handover, "finance").with_user(
            self.finance_clerk
        ).action_countersign()
        self.work_summary_approval(handover)
        self.assertActivityDone(handover, "countersign")
        handover.with_user(self.approver).action_approve_summary()
        self.assertEqual(handover.state, "done")
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        # The printed checklist names the countersigners.
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PLAN, res_ids=handover.ids)
        )
        text = pdf_text(content)
        self.assertIn("Ivy IT", text)
        self.assertIn("Fred Finance", text)
        self.assertIn("After the last working day", text)

    def test_countersigner_changed_in_draft_only(self):
        handover = self.draft_handover(template_id=self.template.id)
        item = self.items(handover, "it")
        item.with_user(self.supervisor).countersigner_id = self.finance_clerk
        self.assertEqual(item.countersigner_id, self.finance_clerk)
        handover.with_user(self.supervisor).write(
            {"item_ids": [Command.update(item.id, {"countersigner_id": False})]}
        )
        self.assertFalse(item.countersigner_id)
        item.with_user(self.supervisor).countersigner_id = self.it_manager
        # The departing employee never names who countersigns their items,
        # not even in draft (a lack of rights, not a stage).
        for path in ("item", "command"):
            with (
                self.subTest(user=self.departing.login, path=path, stage="draft"),
                self.assertRaises(AccessError),
            ):
                if path == "item":
                    item.with_user(self.departing).countersigner_id = self.finance_clerk
                else:
                    handover.with_user(self.departing).write(
                        {
                            "item_ids": [
                                Command.update(
                                    item.id, {"countersigner_id": self.finance_clerk.id}
                                )
                            ]
                        }
                    )
        self.assertEqual(item.countersigner_id, self.it_manager)
        # Once the plan is submitted, the countersigner is the plan's: neither
        # the supervisor nor the departing employee changes it, on any path.
        self.advance(handover, "plan_review")
        for user, path in (
            (self.supervisor, "item"),
            (self.supervisor, "command"),
            (self.departing, "item"),
            (self.departing, "command"),
        ):
            with (
                self.subTest(user=user.login, path=path),
                self.assertRaisesRegex(UserError, "Nothing was changed") as catcher,
            ):
                if path == "item":
                    item.with_user(user).countersigner_id = self.finance_clerk
                else:
                    handover.with_user(user).write(
                        {
                            "item_ids": [
                                Command.update(
                                    item.id, {"countersigner_id": self.finance_clerk.id}
                                )
                            ]
                        }
                    )
            # A stage refusal: the supervisor changed it in draft (above), and
            # the stage is checked before the roles for the departing employee.
            self.assertIs(type(catcher.exception), UserError)
        self.assertEqual(item.countersigner_id, self.it_manager)
