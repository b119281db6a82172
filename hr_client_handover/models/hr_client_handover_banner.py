"""The banner of the handover form: what is left in the current stage and who
acts, from the point of view of the user reading it, with links that open the
lines waiting for them; and whether the stage's completing button would pass
its checks (the form makes it the primary button only then).

Everything is counted in the database (``search_count``, ``_read_group``): the
cost does not grow with the number of customer lines.
"""

from odoo import api, fields, models
from odoo.tools import format_date, format_list

from .hr_client_handover_policy import AFTER_APPROVAL, POLICY
from .hr_client_handover_stages import (
    CLOSED,
    DONE,
    MATERIALS,
    STAGE,
    SUMMARY,
    VERIFICATION,
    VISITS,
    next_stage,
)

# Fields the banner and the gates read: a change to one of them recomputes both.
BANNER_DEPENDS = (
    "state",
    "refuse_reason",
    "summary",
    "employee_id",
    "supervisor_id",
    "approver_id",
    "witness_id",
    "key_position",
    "last_working_day",
    "return_date",
    "handover_type",
    "template_id",
    "transfer_state",
    "departure_allowed_on",
    "line_ids.successor_id",
    "line_ids.materials_confirmed_on",
    "line_ids.visit_state",
    "line_ids.visit_successor_confirmed_on",
    "line_ids.visit_departing_confirmed_on",
    "line_ids.spot_check_selected",
    "line_ids.check_result",
    "line_ids.checked_on",
    "item_ids.done",
    "item_ids.confirmed_on",
    "item_ids.countersigned_on",
    "item_ids.responsible_id",
    "item_ids.countersigner_id",
    "signature_ids.signed_on",
    "visits_witnessed_on",
    "calendar_event_ids.start",
    "calendar_event_ids.notes",
)
# Links shown at most (one form button each).
BANNER_LINKS = 3
# Visits still open on a side (a waiver request waits for the supervisor).
VISIT_OPEN = ("pending", "partial")


class SignatureText(str):
    """A text of the banner about the stage's signatures: whose turn it is
    comes before it, for every reader."""


class HrClientHandoverBannerMixin(models.AbstractModel):
    """The banner of the handover form (inherited by hr.client.handover)."""

    _name = "hr.client.handover.banner.mixin"
    _description = "Client Handover Banner"

    banner_text = fields.Char(
        compute="_compute_banner",
        string="What Is Left",
        help="What is left in the current stage and who acts, for you.",
    )
    banner_link_1 = fields.Char(compute="_compute_banner")
    banner_link_2 = fields.Char(compute="_compute_banner")
    banner_link_3 = fields.Char(compute="_compute_banner")
    can_complete_stage = fields.Boolean(
        compute="_compute_banner",
        help="The button that completes the current stage would pass its checks.",
    )

    @api.depends_context("uid")
    @api.depends(*BANNER_DEPENDS)
    def _compute_banner(self):
        for handover in self:
            record = handover._origin
            values = dict.fromkeys(
                [f"banner_link_{n}" for n in range(1, BANNER_LINKS + 1)], False
            )
            values.update(banner_text=False, can_complete_stage=False)
            if record.id:
                problems = record._stage_problems()
                texts, links = record._banner_parts(problems)
                values["banner_text"] = " · ".join(texts)
                for number, link in enumerate(links[:BANNER_LINKS], start=1):
                    values[f"banner_link_{number}"] = link["label"]
                values["can_complete_stage"] = (
                    record.state not in CLOSED and not problems
                )
            handover.update(values)

    # ------------------------------------------------------------------
    def _banner_count(self, domain):
        # Counted as the system: the banner states facts about the whole handover,
        # whoever reads it.
        return (
            self.env["hr.client.handover.line"]
            .sudo()
            .search_count([("handover_id", "=", self.id), *domain])
        )

    def _banner_waiting_by_successor(self, domain):
        """Successors with lines matching ``domain``."""
        # Counted as the system: the banner names every successor still to act, whoever
        # reads it.
        Line = self.env["hr.client.handover.line"].sudo()
        groups = Line._read_group(
            [("handover_id", "=", self.id), *domain], groupby=["successor_id"]
        )
        return self.env["res.users"].union(*(successor for [successor] in groups))

    def _banner_completer(self, after_refusal=True):
        """Who presses the button that completes the current stage: the people
        holding a role the policy grants it to, the administrator aside (who
        may press it for anyone, their turn it is not). After a refusal, the
        departing employee, who corrects what it names (``after_refusal``:
        False for everyone the policy lets press it)."""
        self.ensure_one()
        users = self.env["res.users"]
        action = STAGE[self.state].action
        if not action:
            return users
        for stages, roles, *_conditions in POLICY[self._name][action]:
            if self.state in stages:
                for role in roles:
                    if role != "admin":
                        users |= self._users_for_role(role)
        if after_refusal and self._banner_refused():
            departing = self._users_for_role("departing")
            users = users & departing or users
        return users

    def _banner_refused(self):
        """The current stage is back after a refusal whose reason stands."""
        return bool(self.refuse_reason) and any(
            stage.refused_to == self.state for stage in STAGE.values()
        )

    def _banner_refusal(self, texts, user):
        """Quote the refusal: to the departing employee, what to correct."""
        reason = " ".join(self.refuse_reason.split())
        if user in self._banner_completer():
            texts.append(
                self.env._(
                    "Refused: “%(reason)s”. Correct what it names, then "
                    "%(button)s again",
                    reason=reason,
                    button=self._banner_button(),
                )
            )
        else:
            texts.append(self.env._("Refused: “%(reason)s”", reason=reason))

    def _banner_button(self):
        """The label of the completing button, as on the form."""
        return str(STAGE[self.state].button)

    def _banner_parts(self, problems):
        """(texts, links) of the banner for the current user; ``problems`` are
        the gate's (``_stage_problems``). A link is a dict: label, title and
        the domain of the lines it opens."""
        self.ensure_one()
        user = self.env.user
        if self.state in CLOSED:
            return self._banner_closed_parts(), []
        texts, links = [], []
        if self._banner_refused():
            self._banner_refusal(texts, user)
        waiting = getattr(self, f"_banner_{self.state}")(texts, links, user, problems)
        if self.state in AFTER_APPROVAL:
            waiting |= self._banner_items_after_departure(texts, user)
        completer = self._banner_completer()
        if not problems:
            if user in completer:
                signatures = next(
                    (
                        n
                        for n, text in enumerate(texts)
                        if isinstance(text, SignatureText)
                    ),
                    len(texts),
                )
                texts.insert(
                    signatures,
                    self.env._("Your turn: %(button)s", button=self._banner_button()),
                )
            else:
                waiting |= completer
        if waiting:
            names = [self.env._("you")] if user in waiting else []
            names += (waiting - user).mapped("name")
            texts.append(
                self.env._("Waiting for: %(names)s", names=format_list(self.env, names))
            )
        return texts, links

    def _banner_ratio(self, label, done, total):
        return self.env._(
            "%(what)s %(done)s/%(total)s", what=label, done=done, total=total
        )

    def _banner_link(self, links, title, domain):
        """Add a link to the lines matching ``domain`` when there are some."""
        count = self._banner_count(domain)
        if count:
            links.append(
                {
                    "title": title,
                    "label": self.env._("%(what)s: %(count)s", what=title, count=count),
                    "domain": [("handover_id", "=", self.id), *domain],
                }
            )
        return count

    def _banner_draft(self, texts, links, user, problems):
        total = self._banner_count([])
        unassigned = [("successor_id", "=", False)]
        assigned = total - self._banner_count(unassigned)
        texts.append(
            self._banner_ratio(
                self.env._("Customers with a successor"), assigned, total
            )
        )
        if user in self._banner_completer(after_refusal=False) or (
            self._is_handover_admin(user)
        ):
            self._banner_link(
                links, self.env._("Customers without a successor"), unassigned
            )
            todo = self._plan_todo()
            if todo:
                texts.append(self.env._("Left to do: %(todo)s", todo="; ".join(todo)))
        return self._banner_completer() if problems else self.env["res.users"]

    def _banner_plan_review(self, texts, links, user, problems):
        texts.append(self.env._("Plan under review"))
        return self.env["res.users"]

    def _banner_plan_approval(self, texts, links, user, problems):
        texts.append(self.env._("Plan awaiting approval"))
        if problems and (
            user in self.approver_id | self.supervisor_id
            or self._is_handover_admin(user)
        ):
            # A successor archived since the submission, say.
            texts.append(
                self.env._("Left to do: %(todo)s", todo="; ".join(self._plan_todo()))
            )
        return self.env["res.users"]

    def _banner_materials(self, texts, links, user, problems):
        open_lines = [("materials_confirmed_on", "=", False)]
        total = self._banner_count([])
        confirmed = total - self._banner_count(open_lines)
        texts.append(self._banner_ratio(self.env._("Materials"), confirmed, total))
        title = self.env._("Materials to confirm by you")
        mine = [("successor_id", "=", user.id), *open_lines]
        self._banner_link(links, title, mine)
        waiting = self._banner_waiting_by_successor(open_lines)
        waiting |= self._banner_items_due_now(texts, user)
        return waiting | self._banner_signatures(MATERIALS, texts, user)

    def _banner_visits(self, texts, links, user, problems):
        total = self._banner_count([])
        visited = total - self._banner_count(
            [("visit_state", "not in", ("done", "waived"))]
        )
        texts.append(self._banner_ratio(self.env._("Visits"), visited, total))
        successor_side = [
            ("visit_state", "in", VISIT_OPEN),
            ("visit_successor_confirmed_on", "=", False),
        ]
        departing_side = [
            ("visit_state", "in", VISIT_OPEN),
            ("visit_departing_confirmed_on", "=", False),
        ]
        waivers = [("visit_state", "=", "waiver_requested")]
        title = self.env._("Visits to confirm by you")
        self._banner_link(
            links, title, [("successor_id", "=", user.id), *successor_side]
        )
        # The departing employee, or the supervisor once they have left.
        departing = self._users_for_role("departing")
        if user == departing:
            self._banner_link(links, title, departing_side)
        if user == self.supervisor_id:
            self._banner_link(links, self.env._("Waivers awaiting you"), waivers)
        waiting = self._banner_waiting_by_successor(successor_side)
        if self._banner_count(departing_side):
            waiting |= departing
        if self._banner_count(waivers):
            waiting |= self.supervisor_id
        if visited == total and not self.visits_witnessed_on:
            # Every customer visited or waived: the witness confirms the stage.
            witness = self._users_for_role("witness")
            if user == witness:
                texts.append(
                    self.env._(
                        "Your turn: %(button)s", button=self.env._("Witness Visits")
                    )
                )
            else:
                waiting |= witness
        return waiting | self._banner_signatures(
            VISITS, texts, user, sheet_complete=visited == total
        )

    def _banner_verification(self, texts, links, user, problems):
        sample = [("spot_check_selected", "=", True)]
        to_call = [
            *sample,
            "|",
            ("check_result", "!=", "confirmed"),
            ("checked_on", "=", False),
        ]
        sampled = self._banner_count(sample)
        calls_left = self._banner_count(to_call)
        texts.append(
            self._banner_ratio(
                self.env._("Calls confirmed"), sampled - calls_left, sampled
            )
        )
        witness = self._users_for_role("witness")
        if user == witness:
            self._banner_link(links, self.env._("Calls to make"), to_call)
        waiting = witness if calls_left else self.env["res.users"]
        # The phone check is signed once the calls are done (属实后签字).
        return waiting | self._banner_signatures(
            VERIFICATION, texts, user, sheet_complete=not calls_left
        )

    def _banner_summary(self, texts, links, user, problems):
        empty = self._summary_is_empty() or bool(self._summary_unwritten_sections())
        texts.append(
            self.env._("Summary to write") if empty else self.env._("Summary written")
        )
        waiting = self._users_for_role("departing") if empty else self.env["res.users"]
        return waiting | self._banner_signatures(SUMMARY, texts, user)

    def _banner_summary_review(self, texts, links, user, problems):
        texts.append(self.env._("Summary under review"))
        return self.env["res.users"]

    def _banner_summary_approval(self, texts, links, user, problems):
        texts.append(self.env._("Summary awaiting approval"))
        # The checklist's parts still open at the approval: those due after the
        # departure, and the countersigns.
        for label, items, done in (
            (
                self.env._("Checklist after departure"),
                self.item_ids.filtered("post_departure"),
                "done",
            ),
            (
                self.env._("Countersigns"),
                self.item_ids.filtered("countersigner_id"),
                "countersigned_on",
            ),
        ):
            if items:
                texts.append(
                    self._banner_ratio(label, len(items.filtered(done)), len(items))
                )
        return self.env["res.users"]

    def _banner_closed_parts(self):
        if self.state == DONE:
            texts = [
                self.env._(
                    "Done on %(date)s",
                    date=format_date(self.env, self.done_date)
                    if self.done_date
                    else "-",
                ),
                self.env._(
                    "Customers handed over: %(count)s", count=self._banner_count([])
                ),
            ]
            if self.transfer_state == "running":
                texts.append(self.env._("the transfer still runs in the background"))
            else:
                texts.append(self.env._("nothing left to do"))
            return texts
        texts = [self.env._("Cancelled: nothing left to do")]
        if self.transfer_state == "done":
            texts.append(
                self.env._(
                    "the customers stay with the successors until Revert Transfer"
                )
            )
        return texts

    def _is_handover_admin(self, user):
        return "admin" in self._policy_group_roles(user)

    def _banner_items_due_now(self, texts, user):
        """The checklist part due by the last working day (materials stage)."""
        due_now = self.item_ids.filtered(lambda item: not item.post_departure)
        open_items = due_now.filtered(lambda item: not item.done)
        receipts = due_now.filtered(
            lambda item: item.done and item.needs_receipt and not item.confirmed_on
        )
        if due_now:
            texts.append(
                self.env._(
                    "Checklist %(done)s/%(total)s",
                    done=len(due_now) - len(open_items),
                    total=len(due_now),
                )
            )
        mine = open_items.filtered(lambda item: item.responsible_id == user)
        if mine:
            texts.append(
                self.env._("Checklist items to tick by you: %(count)s", count=len(mine))
            )
        receivers = self.env["res.users"]
        if receipts:
            # A successor or the witness confirms on receipt.
            receivers = self._users_for_role("witness")
            if user == receivers or self._banner_count(
                [("successor_id", "=", user.id)]
            ):
                texts.append(
                    self.env._(
                        "Checklist items to confirm on receipt: %(count)s",
                        count=len(receipts),
                    )
                )
        return open_items.responsible_id | receivers

    def _banner_items_after_departure(self, texts, user):
        """The checklist work after the plan's approval: items due after the
        last working day, and countersigns (会签)."""
        after = self.item_ids.filtered(
            lambda item: item.post_departure and not item.done
        )
        countersign = self.item_ids.filtered(
            lambda item: item.countersigner_id
            and item.done
            and not item.countersigned_on
        )
        # Ticked once the departing employee has left, not before.
        mine = after.filtered(lambda item: item.responsible_id == user)
        if mine and self._departure_happened():
            texts.append(
                self.env._(
                    "After-departure items to tick by you: %(count)s", count=len(mine)
                )
            )
        to_sign = countersign.filtered(lambda item: item.countersigner_id == user)
        if to_sign:
            texts.append(
                self.env._("Items to countersign by you: %(count)s", count=len(to_sign))
            )
        waiting = countersign.countersigner_id
        if next_stage(self.state) == DONE:
            # Before Done these gate the stage.
            waiting |= after.responsible_id
        return waiting

    def _banner_signatures(self, stage, texts, user, sheet_complete=True):
        """The signatures of ``stage``; nobody is asked to sign a sheet still
        to be filled in (``sheet_complete``): signing it is refused."""
        signatures = self.signature_ids.filtered(lambda sig: sig.stage == stage)
        unsigned = signatures.filtered(lambda sig: not sig.signed_on)
        if signatures:
            texts.append(
                SignatureText(
                    self.env._(
                        "Signatures %(done)s/%(total)s",
                        done=len(signatures) - len(unsigned),
                        total=len(signatures),
                    )
                )
            )
        if not sheet_complete:
            return self.env["res.users"]
        signers = unsigned.user_id
        if self.signs_on_behalf and self.departing_user_id in signers:
            signers = signers - self.departing_user_id | self.supervisor_id
        if user in signers:
            texts.append(
                SignatureText(self.env._("Your signature is awaited (Sign-off tab)"))
            )
        return signers

    # ------------------------------------------------------------------
    def action_open_banner_link(self):
        """Open the lines behind a link of the banner (``banner_link``: its
        position, from 0); without one, the customers of the handover."""
        self.ensure_one()
        self.check_access("read")
        index = self.env.context.get("banner_link")
        links = []
        if self.state not in CLOSED:
            _texts, links = self._banner_parts(self._stage_problems())
        if isinstance(index, int) and 0 <= index < len(links):
            title, domain = links[index]["title"], links[index]["domain"]
        else:
            title = self.env._("Customers of %(ref)s", ref=self.name)
            domain = [("handover_id", "=", self.id)]
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "hr.client.handover.line",
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": {"create": False},
        }
