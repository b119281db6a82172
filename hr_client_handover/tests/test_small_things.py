from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestSmallThings(HandoverCase):
    """The small things felt every day: the checklist reads, is ticked by who
    answers for it, the progress bar means something, the template is not a
    summary, and the seals are checked by the auditors."""

    def form(self):
        arch = self.env["hr.client.handover"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        return etree.fromstring(arch)

    def test_checklist_description_takes_the_width(self):
        columns = self.form().xpath("//field[@name='item_ids']/list/field")
        by_name = {column.get("name"): column for column in columns}
        # The description is always there and wide; the people and the dates
        # have a set width; the columns empty on most rows are optional, hidden.
        self.assertIsNone(by_name["name"].get("optional"))
        self.assertTrue(by_name["name"].get("width"))
        for name in ("responsible_id", "due_date", "countersigner_id", "done"):
            self.assertTrue(by_name[name].get("width"), name)
        for name in (
            "countersigned_on",
            "confirmed_by_id",
            "post_departure",
            "needs_receipt",
            "category",
            "location",
        ):
            self.assertEqual(by_name[name].get("optional"), "hide", name)

    def test_only_who_answers_for_an_item_ticks_it(self):
        handover = self.advance(self.draft_handover(), "materials")
        item = handover.item_ids.filtered(
            lambda item: not item.post_departure
            and item.responsible_id == self.departing
        )[0]
        for user in (self.supervisor, self.successor_a, self.witness):
            self.assertFalse(item.with_user(user).can_mark_done, user.name)
            with self.assertRaisesRegex(AccessError, "person responsible for the item"):
                item.with_user(user).action_mark_done()
        self.assertFalse(item.done)
        # The row's Done button is shown by the same answer.
        button = self.form().xpath(
            "//field[@name='item_ids']/list/button[@name='action_mark_done']"
        )[0]
        self.assertIn("can_mark_done", button.get("invisible"))
        self.assertTrue(item.with_user(self.departing).can_mark_done)
        item.with_user(self.departing).action_mark_done()
        self.assertEqual(item.done_by_id, self.departing)
        # The administrator may tick for anyone.
        other = handover.item_ids.filtered(
            lambda other: not other.post_departure and not other.done
        )[0]
        self.assertTrue(other.with_user(self.handover_admin).can_mark_done)
        other.with_user(self.handover_admin).action_mark_done()
        self.assertTrue(other.done)

    def test_supervisor_ticks_for_who_has_left(self):
        handover = self.draft_handover()
        item = handover.item_ids.filtered("post_departure")[0]
        item.with_user(self.supervisor).responsible_id = self.departing
        self.advance(handover, "materials")
        handover.with_user(self.handover_admin).action_allow_departure()
        self.departing.sudo().action_archive()
        self.assertTrue(handover.signs_on_behalf)
        # The item was the departing user's: the supervisor ticks it in their place.
        self.assertTrue(item.with_user(self.supervisor).can_mark_done)
        self.assertFalse(item.with_user(self.successor_a).can_mark_done)
        item.with_user(self.supervisor).action_mark_done()
        self.assertEqual(item.done_by_id, self.supervisor)

    def test_progress_counts_the_current_stage_work(self):
        handover = self.advance(self.draft_handover(), "visits")
        lines = handover.line_ids
        # Nine steps lead to Done; four are behind.
        self.assertAlmostEqual(handover.progress, 100.0 * 4 / 9)
        self.do_visits(handover, lines[:1])
        self.assertAlmostEqual(handover.progress, 100.0 * (4 + 1 / len(lines)) / 9)
        self.do_visits(handover, lines[1:])
        # Every visit done: the stage's work is done, the bar says so.
        self.assertAlmostEqual(handover.progress, 100.0 * 5 / 9)
        self.assertIn("current stage", handover._fields["progress"].help)
        self.advance(handover, "done")
        self.assertEqual(handover.progress, 100.0)

    def test_untouched_template_is_not_a_summary(self):
        handover = self.advance(self.draft_handover(), "summary")
        self.assertTrue(handover.summary, "the stage hands the template over")
        self.sign(handover, "summary")
        self.assertTrue(handover._summary_is_empty())
        banner = handover.with_user(self.departing).banner_text
        self.assertIn("Summary to write", banner)
        self.assertNotIn("Summary written", banner)
        with self.assertRaisesRegex(UserError, "still the template's text"):
            handover.with_user(self.departing).action_submit_summary()
        # Spaces and layout changed only: still the template.
        handover.with_user(self.departing).summary = handover.summary.replace(
            "</p>", " </p>\n"
        )
        self.assertTrue(handover._summary_is_empty())
        # A paragraph added, the template's sections left as they were: not
        # written yet either.
        handover.with_user(self.departing).summary = (
            handover.summary + "<p>Every customer met the new account manager.</p>"
        )
        self.assertFalse(handover._summary_is_empty())
        self.assertIn(
            "Summary to write", handover.with_user(self.departing).banner_text
        )
        with self.assertRaisesRegex(UserError, "Some sections of the summary"):
            handover.with_user(self.departing).action_submit_summary()
        handover.with_user(
            self.departing
        ).summary = "<p>Every customer met the new account manager.</p>"
        self.assertIn("Summary written", handover.with_user(self.departing).banner_text)
        handover.with_user(self.departing).action_submit_summary()
        self.assertEqual(handover.state, "summary_review")

    def test_integrity_is_for_the_auditors(self):
        handover = self.advance(self.draft_handover(), "materials")
        self.assertTrue(handover.seal_ids)
        form = self.form()
        page = form.xpath("//page[@name='integrity']")[0]
        button = form.xpath("//button[@name='action_verify_integrity']")[0]
        for node in (page, button):
            self.assertIn("not can_verify_integrity", node.get("invisible"))
        handover.sudo().witness_id = self.witness
        for user in (self.witness, self.handover_admin):
            self.assertTrue(handover.with_user(user).can_verify_integrity, user.name)
            action = handover.with_user(user).action_verify_integrity()
            self.assertEqual(action["params"]["type"], "success")
        for user in (self.departing, self.successor_a, self.approver):
            self.assertFalse(handover.with_user(user).can_verify_integrity, user.name)
            with self.assertRaisesRegex(AccessError, "supervising witness"):
                handover.with_user(user).action_verify_integrity()
        # Done, the record stays theirs to check.
        self.advance(handover, "done")
        self.assertTrue(handover.with_user(self.witness).can_verify_integrity)
        self.assertFalse(handover.with_user(self.departing).can_verify_integrity)
