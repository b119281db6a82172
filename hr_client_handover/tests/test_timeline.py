"""The departure timeline as the policy writes it: done by the last working day,
escalated until someone acts, the accounts revoked the day after (离职后一个工作日
内注销全部系统账号), the departure confirmed by the direct supervisor within three
working days (三个工作日内确认离职事实)."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from .common import ACTIVITY, HandoverCase, load_chinese
from .test_reports import SUMMARY


@tagged("post_install", "-at_install")
class TestTimeline(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env,
            login="ho_director",
            name="Dina Director",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.approver_employee.parent_id = cls.env["hr.employee"].create(
            {"name": cls.director.name, "user_id": cls.director.id}
        )
        cls.template = cls.env.ref("hr_client_handover.handover_template_resignation")

    def day_after(self, handover, count=1):
        return self.working_days_after(handover.last_working_date, count)

    def revoke_on(self, day):
        with freeze_time(day):
            self.env["hr.client.handover"]._cron_revoke_departed_accounts()

    def escalate_on(self, day):
        with freeze_time(day):
            self.env["hr.client.handover"]._cron_remind_and_escalate()

    def escalated_to(self, handover):
        overdue = self.env.ref(ACTIVITY % "overdue")
        return (
            handover.sudo()
            .activity_ids.filtered(lambda act: act.activity_type_id == overdue)
            .mapped("user_id")
        )

    def notes(self, handover, text):
        return handover.sudo().message_ids.filtered(
            lambda msg: text in html2plaintext(msg.body or "")
        )

    def accounts_item(self, handover):
        return handover.item_ids.filtered(
            lambda item: item.category == "accounts" and item.post_departure
        )

    # ------------------------------------------------------------------
    # Escalation until someone acts
    # ------------------------------------------------------------------
    def test_escalation_repeats_up_the_chain(self):
        self.company.handover_escalation_days = 2
        handover = self.draft_handover()
        first = self.day_after(handover)
        self.escalate_on(first)
        self.assertEqual(self.escalated_to(handover), self.approver)
        # At most once a day, and not again before two working days.
        self.escalate_on(first)
        self.escalate_on(self.working_days_after(first, 1))
        self.assertEqual(len(self.escalated_to(handover)), 1)
        # Still overdue: the next person up, the division manager's manager.
        self.escalate_on(self.working_days_after(first, 2))
        self.assertEqual(self.escalated_to(handover), self.approver | self.director)
        self.assertEqual(handover.escalation_level, 2)
        # The top of the chart is told again, not nobody.
        self.escalate_on(self.working_days_after(first, 4))
        overdue = self.env.ref(ACTIVITY % "overdue")
        self.assertEqual(
            len(
                handover.sudo().activity_ids.filtered(
                    lambda act: act.activity_type_id == overdue
                    and act.user_id == self.director
                )
            ),
            2,
        )

    def test_jobs_write_in_the_language_of_the_people(self):
        """What the scheduled jobs write on a handover is in its people's
        language (its departing employee's), not the job's: a Chinese
        company reads its escalations and lateness in Chinese."""
        load_chinese(self.env)
        self.departing.lang = "zh_CN"
        handover = self.draft_handover()
        first = self.day_after(handover)
        self.escalate_on(first)
        self.assertTrue(self.notes(handover, "阶段已逾期：已上报给"))
        self.assertFalse(self.notes(handover, "is overdue: escalated to"))

    def test_overdue_review_escalated_before_the_last_working_date(self):
        """A review is due within three working days: past that, it is
        escalated even though the last working day is far."""
        handover = self.draft_handover(
            last_working_date=self.working_days_after(self.today, 30)
        )
        handover.with_user(self.departing).action_submit_plan()
        self.escalate_on(self.working_days_after(self.today, 3))
        self.assertFalse(self.escalated_to(handover), "not overdue yet")
        self.escalate_on(self.working_days_after(self.today, 4))
        # The supervisor is late: the division manager is told.
        self.assertEqual(self.escalated_to(handover), self.approver)

    # ------------------------------------------------------------------
    # Post-departure items
    # ------------------------------------------------------------------
    def test_post_departure_item_not_before_the_departure(self):
        handover = self.advance(
            self.draft_handover(template_id=self.template.id), "materials"
        )
        item = handover.item_ids.filtered(
            lambda item: item.post_departure and item.responsible_id
        )[0]
        ticker = item.with_user(item.responsible_id)
        self.assertFalse(ticker.can_mark_done)
        with self.assertRaisesRegex(UserError, "due after the departure"):
            ticker.action_mark_done()
        self.assertFalse(item.done)
        with freeze_time(self.day_after(handover)):
            self.assertTrue(item.with_user(item.responsible_id).can_mark_done)
            item.with_user(item.responsible_id).action_mark_done()
        self.assertTrue(item.done)

    # ------------------------------------------------------------------
    # The day after the last working day
    # ------------------------------------------------------------------
    def test_day_after_archives_and_supervisor_signs(self):
        handover = self.advance(
            self.draft_handover(template_id=self.template.id), "visits"
        )
        item = self.accounts_item(handover)
        self.assertTrue(item)
        # On the last working day nothing happens yet.
        self.revoke_on(handover.last_working_date)
        self.assertTrue(self.departing.active)

        self.revoke_on(self.day_after(handover))
        self.assertFalse(self.departing.active, "the accounts are revoked")
        self.assertTrue(handover.accounts_revoked_on)
        self.assertTrue(handover.signs_on_behalf)
        self.assertIn("revocation", handover.sudo().seal_ids.mapped("kind"))
        # The IT item records it, done by the system.
        self.assertTrue(item.done)
        self.assertEqual(item.done_by_id, self.env.ref("base.user_root"))
        self.assertIn("revoked by the system", item.done_note)
        # Late: said on the handover and recorded in the incident register,
        # the people of the stage (the visitors) accountable.
        self.assertEqual(
            len(self.notes(handover, "not finished by the last working day")), 1
        )
        late = handover.sudo().incident_ids.filtered(lambda i: i.kind == "late")
        self.assertEqual(len(late), 1)
        self.assertIn("not finished by the last working day", late.description)
        self.assertTrue(late.accountable_user_id)
        # What waited for the departing user is the supervisor's, marked so.
        mine = handover.sudo().activity_ids.filtered(
            lambda act: act.user_id == self.supervisor
        )
        self.assertTrue(
            any(
                (act.summary or "").startswith(f"On behalf of {self.departing.name}")
                for act in mine
            )
        )
        self.assertFalse(
            handover.sudo().activity_ids.filtered(
                lambda act: act.user_id == self.departing
            )
        )
        line = handover.line_ids[0]
        self.record_visit(line, self.supervisor)
        line.with_user(self.supervisor).action_confirm_visit()
        self.assertTrue(line.visit_departing_confirmed_on)
        # Once: the next run changes nothing.
        self.revoke_on(self.day_after(handover, 2))
        self.assertEqual(
            len(self.notes(handover, "not finished by the last working day")), 1
        )
        self.assertEqual(
            handover.sudo().incident_ids.mapped("kind").count("late"),
            1,
            "recorded once",
        )

    def test_archive_refused_is_said_and_the_next_goes_on(self):
        """The customers have not moved: the user is not archived, the
        handover says why (once) and is escalated; the next handover is
        processed all the same."""
        handover = self.draft_handover()
        other_user = new_test_user(
            self.env,
            login="ho_leaver",
            name="Lea Leaver",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        other = self.create_handover(
            employee_id=self.env["hr.employee"]
            .create(
                {
                    "name": other_user.name,
                    "user_id": other_user.id,
                    "parent_id": self.supervisor_employee.id,
                }
            )
            .id,
            last_working_date=handover.last_working_date,
        )
        # Lea owns nothing (her plan's activity aside, which the guard counts).
        other.sudo().activity_ids.unlink()
        day = self.day_after(handover)
        self.revoke_on(day)
        self.assertTrue(self.departing.active, "not archived: customers not moved")
        self.assertFalse(handover.departure_allowed_on)
        self.assertEqual(len(self.notes(handover, "could not be revoked")), 1)
        self.assertFalse(other_user.active, "the next handover went on")
        self.revoke_on(self.working_days_after(day, 1))
        self.assertEqual(len(self.notes(handover, "could not be revoked")), 1)
        self.escalate_on(self.working_days_after(day, 1))
        self.assertTrue(self.escalated_to(handover))

    # ------------------------------------------------------------------
    # Confirm Departure (确认离职事实)
    # ------------------------------------------------------------------
    def test_supervisor_confirms_the_departure(self):
        handover = self.advance(
            self.draft_handover(template_id=self.template.id), "done"
        )
        with self.assertRaisesRegex(UserError, "has not left yet"):
            handover.with_user(self.supervisor).action_confirm_departure()
        after = self.day_after(handover)
        self.revoke_on(after)
        confirm = self.env.ref(ACTIVITY % "confirm_departure")
        activity = handover.sudo().activity_ids.filtered(
            lambda act: act.activity_type_id == confirm
        )
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertEqual(activity.date_deadline, self.day_after(handover, 3))
        with freeze_time(after):
            for user in (self.approver, self.handover_admin, self.successor_a):
                self.assertFalse(handover.with_user(user).can_confirm_departure)
                with self.assertRaises(AccessError):
                    handover.with_user(user).action_confirm_departure()
            self.assertTrue(handover.with_user(self.supervisor).can_confirm_departure)
            handover.with_user(self.supervisor).action_confirm_departure()
            self.assertEqual(handover.departure_confirmed_by_id, self.supervisor)
            self.assertTrue(handover.departure_confirmed_on)
            with self.assertRaisesRegex(UserError, "already confirmed"):
                handover.with_user(self.supervisor).action_confirm_departure()
        self.assertIn("confirmation", handover.sudo().seal_ids.mapped("kind"))
        self.assertActivityDone(handover, "confirm_departure")
        ok, _message = self.env["hr.client.handover.seal"]._integrity_message(handover)
        self.assertTrue(ok)
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(SUMMARY, handover.ids)
        )
        text = html2plaintext(html.decode())
        self.assertIn("Departure confirmed", text)
        self.assertIn("Accounts revoked", text)

    def test_no_departure_to_confirm_on_a_transfer(self):
        handover = self.draft_handover(handover_type="transfer", template_id=False)
        with freeze_time(self.day_after(handover)):
            with self.assertRaisesRegex(UserError, "not a resignation"):
                handover.with_user(self.supervisor).action_confirm_departure()
