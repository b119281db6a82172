from odoo import fields, models
from odoo.exceptions import RedirectWarning, UserError

from .hr_client_handover_policy import HANDOVER_MODELS
from .hr_client_handover_stages import CLOSED


class ResUsers(models.Model):
    _inherit = "res.users"

    # Read by the officers' record rules, which Odoo caches per user: hr.department
    # and hr.employee clear that cache when a manager, a parent department or an
    # employee's user changes.
    client_handover_department_ids = fields.Many2many(
        "hr.department",
        compute="_compute_client_handover_department_ids",
        string="Departments Managed (Client Handovers)",
        help="The departments this user manages, with all their sub-departments: "
        "a handover officer sees the client handovers of their employees.",
    )

    def _compute_client_handover_department_ids(self):
        # The organisation chart, archived departments included, whatever
        # the user may read of it: it decides what the record rules show.
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        for user in self:
            managed = Department.search([("manager_id.user_id", "=", user.id)])
            user.client_handover_department_ids = (
                Department.search([("id", "child_of", managed.ids)])
                if managed
                else Department
            )

    def action_archive(self):
        # Before other modules archive what belongs to the user (sales teams...).
        self._check_handover_before_archive()
        # Core deletes the activities of the users it archives: a departure
        # never does (models/mail_activity.py).
        return super(
            ResUsers, self.with_context(handover_archived_user_ids=self.ids)
        ).action_archive()

    def write(self, vals):
        leaving = self.browse()
        if "active" in vals and not vals["active"]:
            self._check_handover_before_archive()
            leaving = self.filtered("active")
        result = super().write(vals)
        if leaving:
            # The workflow reacts to the archive (the supervisor signs on
            # behalf): on every handover concerned, which the archiver need
            # not read.
            self.env["hr.client.handover"].sudo().search(
                [
                    ("departing_user_id", "in", leaving.ids),
                    ("state", "not in", CLOSED),
                    ("departure_allowed_on", "!=", False),
                ]
            )._on_departing_user_archived()
        return result

    def _check_handover_before_archive(self):
        """Refuse to archive a user whom a handover in progress still needs.

        Before the ownership moved, Odoo would delete the user's activities and
        leave their customers orphaned: always refused. After it moved, the
        departing user still confirms visits, signs and writes the summary: the
        archive waits until a handover administrator allows the departure on the
        handover, after which the direct supervisor acts in their place."""
        # Whoever archives a user (an administrator of users) need not read
        # the handovers that still need them: they are told which ones.
        Handover = self.env["hr.client.handover"].sudo()
        pending = Handover.search(
            [
                ("departing_user_id", "in", self.ids),
                ("state", "not in", CLOSED),
            ]
        )
        for handover in pending:
            user = handover.departing_user_id
            if handover.transfer_state != "done" and self._owns_handover_work(user):
                raise UserError(
                    self.env._(
                        "%(user)s still owns customers or open activities that the "
                        "handover %(ref)s has not transferred yet. Finish that "
                        "handover (its plan must be approved) before archiving the "
                        "user.",
                        user=user.name,
                        ref=handover.name,
                    )
                )
            left = handover._departing_duties_left()
            if not left or handover.departure_allowed_on:
                continue
            message = self.env._(
                "%(user)s is still needed by the handover %(ref)s: %(left)s. Finish "
                "them first, or have a handover administrator press 'Allow "
                "Early Departure (Supervisor Signs)' on %(ref)s; the direct "
                "supervisor then confirms and signs in their place.",
                user=user.name,
                ref=handover.name,
                left=left,
            )
            # Who may allow the departure (the policy's row) is taken to it.
            as_user = handover.with_env(self.env)
            if as_user._policy_grants(
                "allow_departure", as_user._get_user_roles(), handover.state
            ):
                raise RedirectWarning(
                    message,
                    {
                        "type": "ir.actions.act_window",
                        "res_model": "hr.client.handover",
                        "res_id": handover.id,
                        "views": [[False, "form"]],
                        "target": "current",
                    },
                    self.env._("Open %(ref)s", ref=handover.name),
                )
            raise UserError(message)
        self._check_nothing_left_behind()

    def _check_nothing_left_behind(self):
        """Refuse to archive a user who still owns customers, open deals,
        quotations or activities (what the transfer rules move), whoever
        archives and whether or not a handover exists: the way forward is a
        handover, or everything handed to one successor."""
        for user in self.filtered("active"):
            left = self._handover_work_left(user)
            if not left:
                continue
            message = self.env._(
                "%(user)s cannot be archived: they still own %(left)s, which "
                "would be left behind (and Odoo would delete their activities). "
                "Start a client handover from their employee (Start Client "
                "Handover, or register the departure), or hand everything to one "
                "successor with 'Hand Everything To…'.",
                user=user.name,
                left=left,
            )
            Everything = self.env["hr.client.handover.everything"]
            if Everything._may_hand_everything():
                raise RedirectWarning(
                    message,
                    Everything._open_action(user),
                    self.env._("Hand Everything To…"),
                )
            raise UserError(
                message
                + " "
                + self.env._("A client handover administrator can do the latter.")
            )

    def _handover_work_left(self, user):
        """What ``user`` still owns that a transfer rule moves, in words
        ("Open opportunities: 2, …"); empty when nothing."""
        # Whoever archives the user need not read the rules nor the records.
        Rule = self.env["hr.client.handover.rule"].sudo()
        # The steps of a handover itself are the workflow's: once the user
        # has left, the direct supervisor acts in their place.
        own_steps = [("res_model", "not in", HANDOVER_MODELS)]
        counts = [
            (
                rule.name,
                self.env[rule.model]
                # (sudo: the records, as above.)
                .sudo()
                .search_count(
                    rule._selection_domain(user)
                    + (own_steps if rule.model == "mail.activity" else [])
                ),
            )
            for rule in Rule.search([])
        ]
        return ", ".join(f"{name}: {count}" for name, count in counts if count)

    def _owns_handover_work(self, user):
        """Whether ``user`` still owns a record a transfer rule would move
        (customers, open deals, activities…)."""
        # Whoever archives the user need not read the rules nor the records.
        return self.env["hr.client.handover.rule"].sudo()._owned_by(user)
