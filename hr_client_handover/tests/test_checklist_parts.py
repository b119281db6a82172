"""The checklist in two parts: what is due by the last working day gates the
materials stage (with the receiver's confirmation where the template asks for
it); what is due after it (accounts revoked, insurance transferred, expenses
settled) is ticked after the departure and gates Done."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestChecklistParts(HandoverCase):
    def setUp(self):
        super().setUp()
        template = self.env.ref("hr_client_handover.handover_template_resignation")
        self.handover = self.draft_handover(template_id=template.id)
        items = self.handover.item_ids
        self.after = items.filtered("post_departure")
        self.before = items - self.after
        self.to_receive = items.filtered("needs_receipt")

    def test_parts_come_from_the_template(self):
        self.assertEqual(
            sorted(self.after.mapped("name")),
            [
                "Expenses and deposits settled",
                "Personal data deleted or anonymised with the employee's consent "
                "(consent and its date recorded)",
                "Social insurance and housing provident fund transferred",
                "System accounts and access rights handed over or revoked "
                "(within one working day after leaving)",
                "Team review of the archived material after the departure (date "
                "and conclusions recorded)",
            ],
        )
        self.assertTrue(self.to_receive)
        self.assertFalse(self.to_receive & self.after)
        # Post-departure items come last in the list.
        self.assertEqual(self.handover.item_ids[-len(self.after) :], self.after)

    def test_materials_gate_on_the_first_part_only(self):
        handover = self.handover
        item = self.after[0]
        with self.assertRaisesRegex(UserError, "ticked once the plan is approved"):
            self.tick(item)
        self.advance(handover, "materials")
        self.assertActivityFor(handover, "post_departure", self.after.responsible_id)
        for line in handover.line_ids:
            line.with_user(line.successor_id).action_confirm_materials()
        for item in self.before:
            self.tick(item)
        self.sign(handover, "materials")
        with self.assertRaisesRegex(UserError, "receiver's confirmation"):
            handover.with_user(self.supervisor).action_complete_materials()
        for item in self.to_receive:
            item.with_user(self.successor_a).action_confirm()
        # The post-departure part is still open: the stage ends all the same.
        handover.with_user(self.supervisor).action_complete_materials()
        self.assertEqual(handover.state, "visits")

        # The first part is frozen now; the second is ticked after the departure.
        first = self.before.filtered(lambda item: not item.confirmed_on)[0]
        with self.assertRaisesRegex(UserError, "closed with the materials stage"):
            first.with_user(first.responsible_id).action_reset()
        late = self.after[0]
        with self.assertRaisesRegex(UserError, "Customer Visits"):
            late.with_user(self.successor_a).action_confirm()
        # Not before the departure: the day after the last working day.
        self.assertFalse(late.with_user(late.responsible_id).can_mark_done)
        with self.assertRaisesRegex(UserError, "is ticked once .* has left"):
            late.with_user(late.responsible_id).action_mark_done()
        self.assertFalse(late.done)
        with freeze_time(self.working_days_after(handover.last_working_date, 1)):
            late.with_user(late.responsible_id).action_mark_done()
        self.assertTrue(late.done)

        # Done waits for the rest of the post-departure part.
        self.advance(handover, "summary_approval")
        with self.assertRaisesRegex(UserError, "due after the last working day"):
            handover.with_user(self.approver).action_approve_summary()
        self.do_post_departure(handover)
        self.assertActivityDone(handover, "post_departure")
        self.work_summary_approval(handover)
        handover.with_user(self.approver).action_approve_summary()
        self.assertEqual(handover.state, "done")
