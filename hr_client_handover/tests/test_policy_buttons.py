import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import HandoverCase
from .view_buttons import ViewButtons


class _Undo(Exception):
    """Undoes an action that was only tried."""


@tagged("post_install", "-at_install")
class TestPolicyButtons(ViewButtons, HandoverCase):
    """Confirm Visit, an item's Done and Reopen, a call's results and Add to
    Sample show on every screen that carries them exactly where their action
    goes through, for whoever looks: the button and the action read the same
    rows of the policy table (its roles, stages and conditions), not a
    restatement in the view or in the action."""

    def passes(self, record, method, **context):
        """Whether ``method`` of ``record`` goes through; undone at once."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint():
                getattr(record.with_context(**context), method)()
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return True
        except (AccessError, UserError):
            return False
        finally:
            self.env.invalidate_all()

    def buttons(self, view, method, context):
        """The buttons ``method`` of ``view`` (those passing ``context``)."""
        return [
            button
            for button in view.iter("button")
            if button.get("name") == method
            and all(
                f"'{value}'" in (button.get("context") or "")
                for value in context.values()
            )
        ]

    def assertButtonFollowsAction(self, records, users, views, method, **context):
        """On each of ``views`` carrying it, the button ``method`` shows for
        each of ``users`` on each of ``records`` exactly when the action goes
        through. Returns {(record, user)} where it goes through."""
        passing = set()
        for record in records:
            for user in users:
                as_user = record.with_user(user)
                goes_through = self.passes(as_user, method, **context)
                for kind, view in views.items():
                    for button in self.buttons(view, method, context):
                        self.assertEqual(
                            self.shown(button, as_user),
                            goes_through,
                            f"{method} {context or ''} on {kind} for {user.name}: "
                            f"{record.display_name}",
                        )
                if goes_through:
                    passing.add((record, user))
        return passing

    def line_views(self):
        """The screens that carry a customer line's buttons: its own list and
        form, and the handover form's tabs."""
        return {
            **self.views(),
            "handover form": self.views("hr.client.handover", ("form",))["form"],
        }

    # ------------------------------------------------------------------
    def test_confirm_visit(self):
        handover = self.advance(self.draft_handover(), "visits")
        views = self.line_views()
        users = (
            self.departing,
            self.successor_a,
            self.successor_b,
            self.supervisor,
            self.witness,
            self.handover_admin,
        )
        line, waived, proxied = handover.line_ids.sorted("id")[:3]
        for record in (line, proxied):
            self.record_visit(record, record.successor_id)

        def confirmers(lines):
            return self.assertButtonFollowsAction(
                lines, users, views, "action_confirm_visit"
            )

        # Pending: each visitor confirms their side, once.
        self.assertEqual(
            confirmers(line),
            {(line, line.successor_id), (line, self.departing)},
        )
        line.with_user(line.successor_id).action_confirm_visit()
        self.assertEqual(confirmers(line), {(line, self.departing)})
        line.with_user(self.departing).action_confirm_visit()
        self.assertEqual(confirmers(line), set())
        # Asked to be waived, then waived: nobody confirms.
        self.line_reason(waived, self.departing, "action_request_waiver", "Closed")
        self.assertEqual(confirmers(waived), set())
        waived.with_user(self.supervisor).action_approve_waiver()
        self.assertEqual(confirmers(waived), set())
        # Once the departing employee has left (allowed early, archived), the
        # direct supervisor confirms in their place, on every screen alike.
        handover.with_user(self.handover_admin).action_allow_departure()
        self.departing.sudo().action_archive()
        self.assertTrue(handover.signs_on_behalf)
        users = users[1:]
        self.assertEqual(
            confirmers(proxied),
            {(proxied, proxied.successor_id), (proxied, self.supervisor)},
        )
        proxied.with_user(self.supervisor).action_confirm_visit()
        self.assertEqual(proxied.visit_confirmed_on_behalf_by_id, self.supervisor)
        self.assertEqual(confirmers(proxied), {(proxied, proxied.successor_id)})

    def test_item_done_and_reopen(self):
        handover = self.advance(self.draft_handover(), "materials")
        view = {"form": self.views("hr.client.handover", ("form",))["form"]}
        items = handover.item_ids.sorted("id")
        for item in items.filtered("duty"):
            self.record_duty(item)
        users = (
            self.departing
            | self.successor_a
            | self.supervisor
            | self.witness
            | self.handover_admin
            | items.responsible_id
        )

        def check(method):
            return self.assertButtonFollowsAction(items, users, view, method)

        early = items.filtered("post_departure")
        due = items - early
        self.assertTrue(early and due)
        tickers = check("action_mark_done")
        self.assertEqual({item for item, _user in tickers}, set(due))
        # Nothing is done yet: nothing to reopen.
        self.assertEqual(check("action_reset"), set())
        ticked = due[0]
        self.tick(ticked)
        self.assertEqual({item for item, _user in check("action_reset")}, {ticked})
        self.assertNotIn(ticked, {item for item, _user in check("action_mark_done")})
        # Confirmed on receipt: it stays done.
        ticked.sudo().needs_receipt = True
        ticked.with_user(self.successor_a).action_confirm()
        self.assertEqual(check("action_reset"), set())
        # Once the departing employee has left, the part due after it is ticked.
        handover.with_user(self.handover_admin).action_allow_departure()
        self.departing.sudo().action_archive()
        users -= self.departing
        self.assertEqual(
            {item for item, _user in check("action_mark_done")} & set(early),
            set(early),
        )
        self.tick(early[0])
        # Refused with the reason of the row the item is about (the part due
        # after the departure), not of the first row that names the user.
        with self.assertRaisesRegex(UserError, "is already done"):
            early[0].with_user(self.handover_admin).action_mark_done()
        with self.assertRaisesRegex(UserError, "nothing to reopen"):
            (due - ticked)[:1].with_user(self.handover_admin).action_reset()
        self.assertEqual({item for item, _user in check("action_reset")}, {early[0]})

    def test_call_results_and_sample(self):
        handover = self.advance(self.draft_handover(), "verification")
        views = self.line_views()
        users = (self.witness, self.supervisor, self.departing, self.handover_admin)
        lines = handover.line_ids.sorted("id")
        sample = lines.filtered("spot_check_selected")
        outside = lines - sample
        self.assertTrue(sample and outside)

        def callers(result):
            return self.assertButtonFollowsAction(
                lines, users, views, "action_set_check_result", check_result=result
            )

        def adders():
            return self.assertButtonFollowsAction(
                lines, users, views, "action_toggle_spot_check"
            )

        expected = {(line, self.witness) for line in sample}
        self.assertEqual(callers("confirmed"), expected)
        self.assertEqual(callers("problem"), expected)
        self.assertEqual(callers("unreachable"), expected)
        # Each result's button reads its policy field only.
        for kind, view in views.items():
            for button in self.buttons(
                view, "action_set_check_result", {"check_result": "unreachable"}
            ):
                self.assertEqual(
                    button.get("invisible"), "not can_record_unreachable", kind
                )
        # Add to Sample: the customers outside it, for the witness.
        added = adders()
        self.assertEqual(added, {(line, self.witness) for line in outside})
        # Unreachable: called again later, any other result is a new call.
        first = sample[0]
        first.with_user(self.witness).with_context(
            check_result="unreachable"
        ).action_set_check_result()
        self.assertIn((first, self.witness), callers("confirmed"))
        # Recorded unreachable: the same result again is no new call, which
        # the policy refuses in the words it always had.
        self.assertNotIn((first, self.witness), callers("unreachable"))
        self.assertFalse(first.with_user(self.witness).can_record_unreachable)
        self.assertTrue(first.with_user(self.witness).can_record_check)
        customer = re.escape(first.partner_id.display_name)
        with self.assertRaisesRegex(
            UserError,
            rf"The call to {customer} is already recorded "
            r"\(Unreachable\)\. Nothing was changed\.",
        ):
            first.with_user(self.witness).with_context(
                check_result="unreachable"
            ).action_set_check_result()
        # Confirmed: the call is recorded for good.
        first.with_user(self.witness).with_context(
            check_result="confirmed"
        ).action_set_check_result()
        self.assertNotIn((first, self.witness), callers("confirmed"))
        self.assertNotIn((first, self.witness), callers("unreachable"))
        # A customer who confirmed stays in the sample.
        self.assertFalse(first.with_user(self.witness).can_change_sample)
        with self.assertRaisesRegex(UserError, "stays in the sample"):
            first.with_user(self.witness).action_toggle_spot_check()

    def test_witness_revert_and_departure_buttons(self):
        """Witness Visits, Revert Transfer and Allow Early Departure show on
        the handover's form exactly where their action goes through: once,
        when the conditions of their row in the table hold, which the form
        does not restate."""
        handover = self.advance(self.draft_handover(), "visits")
        view = {"form": self.views("hr.client.handover", ("form",))["form"]}
        users = (
            self.departing,
            self.successor_a,
            self.supervisor,
            self.witness,
            self.approver,
            self.handover_admin,
        )

        def pressers(method):
            return self.assertButtonFollowsAction(handover, users, view, method)

        # Witness Visits: once every customer is visited, once.
        self.assertEqual(pressers("action_witness_visits"), set())
        self.do_visits(handover)
        self.assertEqual(pressers("action_witness_visits"), {(handover, self.witness)})
        self.witness_visits(handover)
        self.assertEqual(pressers("action_witness_visits"), set())
        # Allow Early Departure: the administrator, once.
        self.assertEqual(
            pressers("action_allow_departure"), {(handover, self.handover_admin)}
        )
        handover.with_user(self.handover_admin).action_allow_departure()
        self.assertEqual(pressers("action_allow_departure"), set())
        # Revert Transfer: on a cancelled handover whose transfer is done, once.
        self.assertEqual(pressers("action_revert_transfer"), set())
        wizard = Form(
            self.env["hr.client.handover.cancel"]
            .with_user(self.supervisor)
            .with_context(default_handover_id=handover.id)
        )
        wizard.reason = "Reorganisation"
        wizard.revert_transfer = False
        wizard.save().action_cancel_handover()
        self.assertEqual(handover.transfer_state, "done")
        self.assertEqual(
            pressers("action_revert_transfer"),
            {(handover, self.supervisor), (handover, self.handover_admin)},
        )
        handover.with_user(self.supervisor).action_revert_transfer()
        self.assertEqual(handover.transfer_state, "reverted")
        self.assertEqual(pressers("action_revert_transfer"), set())
