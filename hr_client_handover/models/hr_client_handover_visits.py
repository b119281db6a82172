"""The activities of the visits stage, kept to what is left after each change
of the visits: each person with visits to confirm has one activity listing
them, the supervisor one for the waivers to decide, the supervising witness
one to confirm the visits once all are recorded."""

from markupsafe import Markup

from odoo import fields, models

from .hr_client_handover_stages import STAGE, STEP, VISITS

# Visits stage: the witness confirms the visits once all are recorded; the
# supervisor decides on the waivers requested.
WITNESS_VISITS_ACTIVITY = STEP["witness_visits"].activity
WAIVER_ACTIVITY = STEP["waiver"].activity
# Working days given for a review, an approval or a decision on a waiver.
REVIEW_WORKING_DAYS = 3


class HrClientHandoverVisitMixin(models.AbstractModel):
    """The visits stage's activities (inherited by hr.client.handover)."""

    _name = "hr.client.handover.visit.mixin"
    _description = "Client Handover Visit Activities"

    def _visit_lines_waiting_for(self, user):
        """Lines whose visit waits for ``user``'s confirmation, as successor or
        for the departing employee (a requested waiver waits for the supervisor)."""
        self.ensure_one()
        open_lines = self.line_ids.filtered(
            lambda line: line.visit_state in ("pending", "partial")
        )
        lines = open_lines.filtered(
            lambda line: line.successor_id == user
            and not line.visit_successor_confirmed_on
        )
        if user == self._users_for_role("departing"):
            lines |= open_lines.filtered(
                lambda line: not line.visit_departing_confirmed_on
            )
        return lines

    def _visitors_to_act(self):
        """The successors and the departing employee (or the supervisor on their
        behalf) with a visit to confirm."""
        self.ensure_one()
        open_lines = self.line_ids.filtered(
            lambda line: line.visit_state in ("pending", "partial")
        )
        users = open_lines.filtered(
            lambda line: not line.visit_successor_confirmed_on
        ).successor_id
        if open_lines.filtered(lambda line: not line.visit_departing_confirmed_on):
            users |= self._users_for_role("departing")
        return users

    def _visit_activity_note(self, user):
        """The visits ``user`` must confirm, one customer a line, with the
        reason of a visit sent back."""
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s</li>")
            % (
                self.env._(
                    "%(customer)s (sent back: %(reason)s)",
                    customer=line.partner_id.display_name,
                    reason=line.visit_return_reason,
                )
                if line.visit_return_reason
                else line.partner_id.display_name
            )
            for line in self._visit_lines_waiting_for(user)
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Visit these customers and confirm each visit:"),
            items,
        )

    def _waiver_activity_note(self, user):
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(customer)s, requested by %(user)s: %(reason)s",
                customer=line.partner_id.display_name,
                user=line.waiver_requested_by_id.name,
                reason=line.visit_waiver_reason,
            )
            for line in self._waiting_waivers()
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Approve or refuse these visit waivers:"),
            items,
        )

    def _waiting_waivers(self):
        return self.line_ids.filtered(
            lambda line: line.visit_state == "waiver_requested"
        )

    def _visits_recorded(self):
        """Every customer visited or its visit waived."""
        self.ensure_one()
        return all(line.visit_state in ("done", "waived") for line in self.line_ids)

    def _update_visit_activities(self):
        """After a change of the visits: each person with something left to do
        in the stage has one activity saying what (visits to confirm, waivers to
        decide, the witness's confirmation); the others' are marked done."""
        for handover in self.filtered(lambda handover: handover.state == VISITS):
            visits_type = STAGE[VISITS].activity
            deadline = handover._activity_deadline(VISITS)
            decision_day = handover._add_working_days(
                fields.Date.context_today(handover), REVIEW_WORKING_DAYS
            )
            witness_due = (
                handover._visits_recorded() and not handover.visits_witnessed_on
            )
            wanted = [
                (visits_type, handover._visitors_to_act(), "_visit_activity_note"),
                (
                    WAIVER_ACTIVITY,
                    handover.supervisor_id if handover._waiting_waivers() else None,
                    "_waiver_activity_note",
                ),
                (
                    WITNESS_VISITS_ACTIVITY,
                    handover._users_for_role("witness") if witness_due else None,
                    None,
                ),
            ]
            for xmlid, users, note in wanted:
                kind = self.env.ref(xmlid)
                users = users or self.env["res.users"]
                # As superuser: the activities of the visitors, which the caller may not
                # read.
                current = handover.sudo().activity_ids.filtered(
                    lambda act, kind=kind: act.activity_type_id == kind
                )
                current.filtered(
                    lambda act, users=users: act.user_id not in users
                ).action_feedback()
                for user in users:
                    mine = current.filtered(lambda act, user=user: act.user_id == user)
                    if not mine:
                        day = deadline if xmlid == visits_type else decision_day
                        handover._schedule_activity(xmlid, user, day, note=note)
                    elif note:
                        # The list of what is left follows the visits; as
                        # superuser: it lists every line of the handover left
                        # to the user, whichever lines the caller may read.
                        in_lang = handover.sudo().with_context(
                            lang=user.lang or self.env.lang
                        )
                        mine.note = getattr(in_lang, note)(user)
