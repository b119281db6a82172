from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import HandoverCase
from .view_buttons import ViewButtons


@tagged("post_install", "-at_install")
class TestLineActions(ViewButtons, HandoverCase):
    """Every link of the banner opens customer lines whose list and form carry
    the actions of the stage, shown to whom the policy lets act; after a
    refusal, the departing employee is told what to correct, where they can."""

    def open_link(self, handover, user, title):
        """The lines behind the banner link ``title`` for ``user``."""
        record = handover.with_user(user)
        labels = [record[f"banner_link_{n}"] for n in (1, 2, 3)]
        index = next(
            n for n, label in enumerate(labels) if label and label.startswith(title)
        )
        action = record.with_context(banner_link=index).action_open_banner_link()
        self.assertEqual(action["res_model"], "hr.client.handover.line")
        lines = self.env[action["res_model"]].with_user(user).search(action["domain"])
        return lines, [kind for _view, kind in action["views"]]

    # ------------------------------------------------------------------
    def test_waiver_link_opens_lines_the_supervisor_can_decide(self):
        handover = self.advance(self.draft_handover(), "visits")
        line = handover.line_ids[0]
        self.line_reason(line, self.departing, "action_request_waiver", "Moved abroad")
        lines, kinds = self.open_link(handover, self.supervisor, "Waivers awaiting you")
        self.assertEqual(lines, line)
        self.assertEqual(kinds, ["list", "form"])
        views = self.views()
        as_supervisor = line.with_user(self.supervisor)
        for kind in ("list", "form"):
            self.assertEqual(
                self.shown_buttons(views[kind], as_supervisor, "action_approve_waiver"),
                ["Approve Waiver"],
                kind,
            )
            self.assertEqual(
                self.shown_buttons(views[kind], as_supervisor, "action_refuse_waiver"),
                ["Refuse Waiver"],
                kind,
            )
            # Nobody else decides on the waiver: the buttons are not theirs.
            for user in (self.departing, line.successor_id):
                self.assertEqual(
                    self.shown_buttons(
                        views[kind], line.with_user(user), "action_approve_waiver"
                    ),
                    [],
                    (kind, user.name),
                )
        # The form states the request it decides on.
        alert = views["form"].xpath("//div[field[@name='visit_waiver_reason']]")[0]
        self.assertTrue(self.shown(alert, as_supervisor))
        with self.assertRaises(AccessError):
            line.with_user(self.departing).action_approve_waiver()
        as_supervisor.action_approve_waiver()
        self.assertEqual(line.visit_state, "waived")
        # Decided, the visit can be sent back from the same form.
        self.assertEqual(
            self.shown_buttons(
                views["form"], line.with_user(self.supervisor), "action_send_back_visit"
            ),
            ["Send Back"],
        )
        self.assertEqual(
            self.shown_buttons(
                views["form"], line.with_user(self.departing), "action_send_back_visit"
            ),
            [],
        )

    def test_call_link_opens_lines_with_labelled_results_and_a_number(self):
        self.alpha_buyer.phone = "+86 21 5555 0101"
        self.beta.phone = "+86 10 6666 0202"
        handover = self.advance(self.draft_handover(), "verification")
        sample = handover.line_ids.filtered("spot_check_selected")
        lines, _kinds = self.open_link(handover, self.witness, "Calls to make")
        self.assertEqual(lines, sample)
        views = self.views()
        line = sample[0].with_user(self.witness)
        for kind in ("list", "form"):
            buttons = [
                button
                for button in views[kind].iter("button")
                if button.get("name") == "action_set_check_result"
                and self.shown(button, line)
            ]
            # Words beside the icons, not icons alone.
            self.assertEqual(
                [
                    (button.get("string"), bool(button.get("icon")))
                    for button in buttons
                ],
                [("Confirmed", True), ("Problem", True), ("Unreachable", True)],
                kind,
            )
            self.assertEqual(
                self.shown_buttons(
                    views[kind],
                    sample[0].with_user(sample[0].successor_id),
                    "action_set_check_result",
                ),
                [],
                "only the witness records a call",
            )
            phone = views[kind].xpath("//field[@name='check_phone']")
            self.assertTrue(phone and phone[0].get("widget") == "phone", kind)
            self.assertTrue(views[kind].xpath("//field[@name='check_contact_id']"))
        # Whom to call and at which number: the customer's contact person with a
        # phone, else the customer's own number.
        by_partner = {line.partner_id: line for line in handover.line_ids}
        self.assertEqual(by_partner[self.alpha].check_contact_id, self.alpha_buyer)
        self.assertEqual(by_partner[self.alpha].check_phone, "+86 21 5555 0101")
        self.assertEqual(by_partner[self.beta].check_contact_id, self.beta_contact)
        self.assertEqual(by_partner[self.beta].check_phone, "+86 10 6666 0202")
        # The contact met at the visit comes first.
        by_partner[self.beta].sudo().visit_contact_id = self.beta_contact
        self.beta_contact.phone = "+86 10 6666 0303"
        self.assertEqual(by_partner[self.beta].check_phone, "+86 10 6666 0303")
        # The result recorded from the line opened by the link.
        line.with_context(check_result="confirmed").action_set_check_result()
        self.assertEqual(line.check_result, "confirmed")
        self.assertTrue(line.checked_on)
        self.assertEqual(
            self.shown_buttons(views["form"], line, "action_set_check_result"), []
        )

    def test_refusal_tells_the_departing_employee_what_to_correct(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        reason = "Add where each customer's files are stored."
        self.refuse(handover, self.supervisor, reason)
        self.assertEqual(handover.state, "draft")
        departing = handover.with_user(self.departing)
        self.assertIn(
            f"Refused: “{reason}”. Correct what it names, then Submit Plan again",
            departing.banner_text,
        )
        supervisor = handover.with_user(self.supervisor)
        self.assertIn(f"Refused: “{reason}”", supervisor.banner_text)
        self.assertNotIn("Your turn", supervisor.banner_text)
        self.assertNotIn("Correct what it names", supervisor.banner_text)
        self.assertIn("Waiting for: Dora Departing", supervisor.banner_text)
        # The materials the refusal names are in view and editable in draft.
        form = self.views("hr.client.handover", ("form",))["form"]
        page = form.xpath("//page[@name='materials']")[0]
        self.assertTrue(self.shown(page, departing))
        line = handover.line_ids[0].with_user(self.departing)
        self.assertIn("materials", line.writable_groups.split(","))
        location = page.xpath(".//field[@name='materials_location']")[0]
        self.assertNotEqual(location.get("optional"), "hide")
        self.assertTrue(
            not safe_eval(
                location.get("readonly"), {"writable_groups": line.writable_groups}
            )
        )
        line.materials_location = "Cabinet 3, second drawer"
        line_form = self.views(kinds=("form",))["form"]
        readonly = line_form.xpath("//field[@name='materials_location']")[0].get(
            "readonly"
        )
        self.assertFalse(safe_eval(readonly, {"writable_groups": line.writable_groups}))
        # Submitted again: the refusal is answered, the banner is the plan's.
        departing.action_submit_plan()
        self.assertEqual(handover.state, "plan_review")
        self.assertNotIn("Refused", departing.banner_text)

    def test_without_refusal_the_draft_hides_the_materials(self):
        handover = self.draft_handover()
        form = self.views("hr.client.handover", ("form",))["form"]
        page = form.xpath("//page[@name='materials']")[0]
        self.assertFalse(self.shown(page, handover.with_user(self.departing)))
        self.assertIn(
            "Your turn: Submit Plan", handover.with_user(self.departing).banner_text
        )

    def test_visit_buttons_and_their_checks_ask_the_same_policy(self):
        """A visit's buttons show exactly where the policy lets their action
        pass (the conditions of its rows, not a restatement in the view), and
        where they are hidden the action is refused with its reason."""
        handover = self.advance(self.draft_handover(), "visits")
        line = handover.line_ids.filtered(
            lambda ln: ln.successor_id == self.successor_a
        )[0]
        views = self.views()
        buttons = {
            "action_request_waiver": (self.departing, self.successor_a),
            "action_approve_waiver": (self.supervisor,),
            "action_refuse_waiver": (self.supervisor,),
            "action_send_back_visit": (self.supervisor,),
        }

        def shown():
            line.invalidate_recordset()
            result = set()
            for name, users in buttons.items():
                for user in users:
                    record = line.with_user(user)
                    for kind in ("list", "form"):
                        if not views[kind].xpath(f"//button[@name='{name}']"):
                            continue
                        labels = self.shown_buttons(views[kind], record, name)
                        self.assertEqual(
                            bool(labels),
                            record._policy_allows(name[len("action_") :]),
                            (name, user.name, kind, line.visit_state),
                        )
                        if labels:
                            result.add((name, user))
            return result

        # Pending: only a waiver can be asked.
        self.assertEqual(
            shown(),
            {
                ("action_request_waiver", self.departing),
                ("action_request_waiver", self.successor_a),
            },
        )
        with self.assertRaisesRegex(UserError, "nothing to send back"):
            line.with_user(self.supervisor).action_send_back_visit()
        with self.assertRaisesRegex(UserError, "No waiver of the visit"):
            line.with_user(self.supervisor).action_refuse_waiver()
        with self.assertRaisesRegex(UserError, "Nobody requested a waiver"):
            line.with_user(self.supervisor).action_approve_waiver()
        # Asked: the supervisor decides; nobody asks again.
        self.line_reason(line, self.departing, "action_request_waiver", "Far away")
        self.assertEqual(
            shown(),
            {
                ("action_approve_waiver", self.supervisor),
                ("action_refuse_waiver", self.supervisor),
            },
        )
        with self.assertRaisesRegex(UserError, "a waiver can only be requested"):
            line.with_user(self.successor_a).action_request_waiver()
        # Waived: it can only be sent back.
        line.with_user(self.supervisor).action_approve_waiver()
        self.assertEqual(shown(), {("action_send_back_visit", self.supervisor)})
        with self.assertRaisesRegex(UserError, "already approved"):
            line.with_user(self.supervisor).action_approve_waiver()
        # Sent back: pending again.
        self.line_reason(line, self.supervisor, "action_send_back_visit", "Go there")
        self.assertEqual(line.visit_state, "pending")
        self.assertEqual(len(shown()), 2)
