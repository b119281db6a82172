from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ACTIVITY, HandoverCase

SUMMARY = "hr_client_handover.action_report_handover_summary"


@tagged("post_install", "-at_install")
class TestDuties(HandoverCase):
    """The duties of a departure besides the customers: the incident register
    (违规处理), the supervisor's talks, the team review, personal data, social
    media, equipment damage, the meeting and training of a resignation, a short
    notice, the new position's date of a transfer."""

    def items_by_duty(self, handover):
        return {item.duty: item for item in handover.item_ids if item.duty}

    # ------------------------------------------------------------------
    # The incident register
    # ------------------------------------------------------------------
    def test_record_incident_and_who_sees_and_handles_it(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        incident = handover.with_user(self.supervisor)._record_incident(
            "late", "The files were handed over three days late."
        )
        self.assertEqual(incident.kind, "late")
        self.assertEqual(incident.accountable_user_id, self.departing)
        self.assertEqual(incident.accountable_employee_id, self.employee)
        self.assertEqual(incident.department_id, self.sales_department)
        self.assertEqual(incident.recorded_by_id, self.supervisor)
        self.assertIn("three days late", handover.message_ids[0].body)
        self.assertEqual(handover.incident_count, 1)

        Incident = self.env["hr.client.handover.incident"]
        domain = [("id", "=", incident.id)]
        # The people of the handover read it; a successor does not.
        for user in (self.departing, self.supervisor, self.witness, self.approver):
            self.assertEqual(Incident.with_user(user).search(domain), incident)
        self.assertFalse(Incident.with_user(self.successor_a).search(domain))
        # The supervisor records how it was handled; the accountable person not.
        incident.with_user(self.supervisor).resolution = "Written warning."
        self.assertEqual(incident.resolution, "Written warning.")
        for user in (self.departing, self.successor_a):
            with self.assertRaises(AccessError):
                incident.with_user(user).resolution = "Nothing happened."
        # Nobody handles an incident they are accountable for.
        own = handover._record_incident(
            "late", "Signed in the departing employee's place late.", self.supervisor
        )
        with self.assertRaisesRegex(UserError, "You are accountable"):
            own.with_user(self.supervisor).resolution = "Nothing happened."
        # The form shows them so: the supervisor's own incident is read-only
        # to the supervisor, the other one open; the administrator may both.
        self.assertFalse(own.with_user(self.supervisor).can_edit)
        self.assertTrue(incident.with_user(self.supervisor).can_edit)
        self.assertTrue(own.with_user(self.handover_admin).can_edit)
        self.assertFalse(incident.with_user(self.departing).can_edit)
        own.with_user(self.handover_admin).resolution = "Reminder to the supervisor."
        # It stays on record.
        with self.assertRaises(AccessError):
            incident.with_user(self.handover_admin).unlink()

        # The supervisor adds one by hand from the handover; a successor cannot.
        handover.with_user(self.supervisor).write(
            {
                "incident_ids": [
                    Command.create(
                        {
                            "kind": "other",
                            "description": "Customer price list sent to a rival.",
                            "accountable_user_id": self.departing.id,
                        }
                    )
                ]
            }
        )
        self.assertEqual(len(handover.incident_ids), 3)
        with self.assertRaises(AccessError):
            handover.with_user(self.successor_a).write(
                {
                    "incident_ids": [
                        Command.create(
                            {
                                "kind": "other",
                                "description": "x",
                                "accountable_user_id": self.departing.id,
                            }
                        )
                    ]
                }
            )

    def test_phone_check_problem_records_an_omission(self):
        handover = self.draft_handover()
        self.advance(handover, "verification")
        self.assertFalse(handover.incident_ids)
        line = handover.line_ids.filtered("spot_check_selected")[:1]
        witness = handover._users_for_role("witness")
        line.with_user(witness).check_notes = "Nobody came to introduce the successor."
        line.with_user(witness).with_context(
            check_result="problem"
        ).action_set_check_result()
        incident = handover.incident_ids
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.kind, "omission")
        self.assertEqual(incident.line_id, line)
        self.assertEqual(incident.accountable_user_id, self.departing)
        self.assertEqual(incident.recorded_by_id, witness)
        self.assertIn(line.partner_id.display_name, incident.description)
        self.assertIn("Nobody came", incident.description)

    def test_incidents_printed_on_the_summary_and_reported_by_person(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        handover.with_user(self.supervisor)._record_incident(
            "late", "Contracts archived after the deadline."
        )
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.supervisor)
            ._render_qweb_html(SUMMARY, handover.ids)
        )
        html = html.decode()
        self.assertIn("Incidents", html)
        self.assertIn("Contracts archived after the deadline.", html)
        self.assertIn(self.sales_department.name, html)
        # The report groups them by department and accountable person.
        groups = (
            self.env["hr.client.handover.incident"]
            .with_user(self.handover_admin)
            ._read_group(
                [("handover_id", "=", handover.id)],
                ["department_id", "accountable_user_id"],
                ["__count"],
            )
        )
        self.assertEqual(groups, [(self.sales_department, self.departing, 1)])
        action = self.env.ref("hr_client_handover.hr_client_handover_incident_action")
        self.assertIn("pivot", action.view_mode)
        menu = self.env.ref("hr_client_handover.hr_client_handover_incident_menu")
        self.assertEqual(
            menu.parent_id,
            self.env.ref("hr_client_handover.hr_client_handover_menu_reporting"),
        )

    # ------------------------------------------------------------------
    # The duties of the checklist
    # ------------------------------------------------------------------
    def test_resignation_checklist_has_the_duties_with_owners_and_dates(self):
        handover = self.draft_handover()
        duties = self.items_by_duty(handover)
        self.assertEqual(
            set(duties),
            {
                "exit_interview",
                "care_talk",
                "team_review",
                "personal_data",
                "social_media",
                "equipment_damage",
            },
        )
        last_day = handover.last_working_date
        after = handover._add_working_days(last_day, 1)
        for duty in ("exit_interview", "care_talk", "equipment_damage"):
            self.assertEqual(duties[duty].responsible_id, self.supervisor, duty)
            self.assertEqual(duties[duty].due_date, last_day, duty)
            self.assertFalse(duties[duty].post_departure, duty)
        for duty in ("team_review", "personal_data"):
            self.assertEqual(duties[duty].responsible_id, self.supervisor, duty)
            self.assertEqual(duties[duty].due_date, after, duty)
            self.assertTrue(duties[duty].post_departure, duty)
        self.assertEqual(duties["social_media"].responsible_id, self.departing)
        # Training and the handover meeting are on in the shipped template.
        self.assertEqual(self.shipped_resignation_events, (True, True))

    def test_talks_are_activities_of_the_supervisor_and_recorded(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        duties = self.items_by_duty(handover)
        activity = handover.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref(ACTIVITY % "duty")
            and act.user_id == self.supervisor
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, handover.last_working_date)
        interview = duties["exit_interview"].with_user(self.supervisor)
        with self.assertRaisesRegex(UserError, "Record the date"):
            interview.action_mark_done()
        self.assertFalse(interview.done)
        # The departing employee cannot write the supervisor's record.
        with self.assertRaises(AccessError):
            duties["exit_interview"].with_user(self.departing).duty_notes = "Fine."
        interview.write({"duty_date": self.today, "duty_notes": "Leaves for family."})
        interview.action_mark_done()
        self.assertTrue(interview.done)
        # Done: its record is sealed.
        with self.assertRaises(UserError):
            interview.duty_notes = "Changed afterwards."
        for duty in ("care_talk", "equipment_damage"):
            self.record_duty(duties[duty])
            duties[duty].with_user(self.supervisor).action_mark_done()
        self.assertFalse(
            activity.exists() and activity.active,
            "nothing left: the activity is done",
        )

    def test_each_talk_and_the_team_review_need_their_record(self):
        """The exit interview, the care talk and the team review are each
        ticked only with the date they were held and their notes."""
        handover = self.draft_handover()
        self.advance(handover, "materials")
        duties = self.items_by_duty(handover)
        after = self.working_days_after(handover.last_working_date, 1)
        for duty in ("exit_interview", "care_talk", "team_review"):
            item = duties[duty].with_user(self.supervisor)
            with self.subTest(duty=duty), freeze_time(after):
                with self.assertRaisesRegex(UserError, "Record the date"):
                    item.action_mark_done()
                item.duty_date = self.today
                with self.assertRaisesRegex(UserError, "Record the date"):
                    item.action_mark_done()
                self.assertFalse(item.done)
                item.duty_notes = "Held and written down."
                item.action_mark_done()
                self.assertTrue(item.done)

    def test_personal_data_needs_consent_and_what_was_done(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        item = self.items_by_duty(handover)["personal_data"].with_user(self.supervisor)
        # Due after the departure: done once the employee has left.
        with freeze_time(self.working_days_after(handover.last_working_date, 1)):
            with self.assertRaisesRegex(UserError, "consents"):
                item.action_mark_done()
            item.write({"data_consent": "given", "data_consent_date": self.today})
            with self.assertRaisesRegex(UserError, "what was done"):
                item.action_mark_done()
            item.data_action = "kept"
            with self.assertRaisesRegex(UserError, "delete or anonymise"):
                item.action_mark_done()
            item.data_action = "anonymised"
            item.action_mark_done()
        self.assertTrue(item.done)
        self.assertEqual(item.done_by_id, self.supervisor)

    def test_equipment_damage_creates_an_incident(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        item = self.items_by_duty(handover)["equipment_damage"].with_user(
            self.supervisor
        )
        item.damage_found = True
        with self.assertRaisesRegex(UserError, "who is accountable"):
            item.action_mark_done()
        self.assertFalse(handover.incident_ids)
        item.write(
            {
                "damage_accountable_id": self.departing.id,
                "duty_notes": "Laptop screen broken.",
            }
        )
        item.action_mark_done()
        incident = handover.incident_ids
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.kind, "damage")
        self.assertEqual(incident.accountable_user_id, self.departing)
        self.assertEqual(incident.description, "Laptop screen broken.")
        self.assertEqual(item.incident_id, incident)
        # Reopened and ticked again: still one incident.
        item.action_reset()
        item.action_mark_done()
        self.assertEqual(len(handover.incident_ids), 1)

    # ------------------------------------------------------------------
    # Notice and new position
    # ------------------------------------------------------------------
    def test_short_notice_is_flagged(self):
        template = self.env.ref("hr_client_handover.handover_template_resignation")
        self.assertEqual(template.notice_days, 30)
        short = self.create_handover(
            notice_date=self.today, last_working_date=self.today + timedelta(days=20)
        )
        self.assertTrue(short.short_notice)
        Handover = self.env["hr.client.handover"].with_user(self.supervisor)
        self.assertEqual(
            Handover.search([("short_notice", "=", True), ("id", "=", short.id)]),
            short,
        )
        short.with_user(self.supervisor).last_working_date = self.today + timedelta(
            days=31
        )
        self.assertFalse(short.short_notice)
        short.with_user(self.supervisor).unlink()
        # A transfer asks two weeks: ten days are short, fourteen are not.
        transfer = self.create_handover(
            handover_type="transfer",
            notice_date=self.today,
            last_working_date=self.today + timedelta(days=10),
        )
        self.assertEqual(transfer.template_id.notice_days, 14)
        self.assertTrue(transfer.short_notice)
        transfer.with_user(self.supervisor).last_working_date = self.today + timedelta(
            days=14
        )
        self.assertFalse(transfer.short_notice)

    def test_transfer_deadline_follows_the_new_position_date(self):
        monday = date(2030, 3, 4)
        self.assertEqual(monday.weekday(), 0)
        handover = self.create_handover(
            handover_type="transfer",
            notice_date=date(2030, 2, 1),
            new_position_date=monday,
            last_working_date=False,
        )
        self.assertEqual(handover.last_working_date, date(2030, 3, 1), "the Friday")
        due = handover.item_ids.filtered(lambda item: item.due_rule == "last_day")
        self.assertTrue(due)
        self.assertEqual(set(due.mapped("due_date")), {date(2030, 3, 1)})
        handover.with_user(self.supervisor).new_position_date = date(2030, 3, 13)
        self.assertEqual(handover.last_working_date, date(2030, 3, 12))
        self.assertEqual(set(due.mapped("due_date")), {date(2030, 3, 12)})
        # A promotion too: the checklist follows the new position's date.
        handover.with_user(self.supervisor).unlink()
        promotion = self.create_handover(
            handover_type="promotion",
            template_id=self.env.ref(
                "hr_client_handover.handover_template_promotion"
            ).id,
            notice_date=date(2030, 2, 1),
            new_position_date=monday,
            last_working_date=False,
        )
        self.assertEqual(promotion.last_working_date, date(2030, 3, 1))
        due = promotion.item_ids.filtered(lambda item: item.due_rule == "last_day")
        self.assertTrue(due)
        self.assertEqual(set(due.mapped("due_date")), {date(2030, 3, 1)})
        resignation = self.env["hr.client.handover"].new(
            {"handover_type": "resignation", "new_position_date": monday}
        )
        with self.assertRaisesRegex(ValidationError, "Only a transfer or a promotion"):
            resignation._check_new_position_date()
