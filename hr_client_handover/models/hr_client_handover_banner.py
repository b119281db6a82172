"""The banner of the handover form: what is left in the current stage and who
acts, from the point of view of the user reading it, with links that open the
lines waiting for them; and whether the stage's completing button would pass
its checks (the form makes it the primary button only then).

Everything is counted in the database (``search_count``, ``_read_group``): the
cost does not grow with the number of customer lines.
"""

from odoo import api, fields, models
from odoo.tools import format_date, format_list

from .hr_client_handover_policy import AFTER_APPROVAL
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
    "last_working_date",
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
    # whose turn it is: the people the policy is asked about
    "participant_ids",
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

    def _turn_people(self):
        """{user: the roles they hold on this handover} of the people whose
        turn it may be to act on it, for the policy to say whose it is
        (``_policy_users_allowed``): its active participants, in the order of
        their roles (departing employee, supervisor, division manager,
        witness, then the others). The administrator's role is set aside here,
        and only here: an administrator may press every button, for anyone,
        but it is never their turn (the banner does not tell them so, the demo
        does not press as them)."""
        self.ensure_one()
        # As superuser: every participant, whoever asks (a reader may not read
        # every user of the handover).
        users = (
            self.departing_user_id
            | self.supervisor_id
            | self.approver_id
            | self.witness_id
            | self.sudo().participant_ids
        ).filtered("active")
        successor_ids = set(self._line_successor_ids())
        return {
            user: self._get_user_roles(user, successor=user.id in successor_ids)
            - {"admin"}
            for user in users
        }

    def _banner_first_line(self, domain):
        """The first line of the handover matching ``domain``, if any."""
        # As superuser: the line the policy is asked about, whoever reads the banner.
        return (
            self.env["hr.client.handover.line"]
            .sudo()
            .search_fetch(
                [("handover_id", "=", self.id), *domain],
                ["handover_id", "successor_id"],
                limit=1,
            )
        )

    def _banner_allowed(self, people, operation, domain=None):
        """Whom of ``people`` (``_turn_people``) the policy lets do
        ``operation`` now: on the handover, or, with ``domain``, on the first
        of its lines matching it (nobody when no line does)."""
        record = self if domain is None else self._banner_first_line(domain)
        if not record:
            return self.env["res.users"]
        return record._policy_users_allowed(operation, people)

    def _banner_completer(self, people, after_refusal=True):
        """Who presses the button that completes the current stage: the people
        the policy lets press it now (``people``: ``_turn_people``). After a
        refusal, the departing employee among them, who corrects what it names
        (``after_refusal``: False for everyone the policy lets press it)."""
        self.ensure_one()
        action = STAGE[self.state].action
        if not action:
            return self.env["res.users"]
        users = self._banner_allowed(people, action)
        if after_refusal and self._banner_refused():
            users = self._banner_departing_first(users)
        return users

    def _banner_departing_first(self, users):
        """Of ``users``, whom the policy lets do a step, the departing employee
        when they are among them: the step is theirs (correcting a refused
        plan or summary, writing the summary), the others may do it in their
        place."""
        return users & self.departing_user_id or users

    def _banner_refused(self):
        """The current stage is back after a refusal whose reason stands."""
        return bool(self.refuse_reason) and any(
            stage.refused_to == self.state for stage in STAGE.values()
        )

    def _banner_refusal(self, texts, user, people):
        """Quote the refusal: to the departing employee, what to correct."""
        reason = " ".join(self.refuse_reason.split())
        if user in self._banner_completer(people):
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
        people = self._turn_people()
        if self._banner_refused():
            self._banner_refusal(texts, user, people)
        waiting = getattr(self, f"_banner_{self.state}")(
            texts, links, user, problems, people
        )
        if self.state in AFTER_APPROVAL:
            waiting |= self._banner_items_after_departure(texts, user)
        if not problems:
            completer = self._banner_completer(people)
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

    def _banner_draft(self, texts, links, user, problems, people):
        # The stored counters: the lines are not counted again.
        total = self.line_count
        assigned = self.assigned_count
        unassigned = [("successor_id", "=", False)]
        texts.append(
            self._banner_ratio(
                self.env._("Customers with a successor"), assigned, total
            )
        )
        if user in self._banner_completer(people, after_refusal=False) or (
            self._is_handover_admin(user)
        ):
            self._banner_link(
                links, self.env._("Customers without a successor"), unassigned
            )
            todo = self._plan_todo()
            if todo:
                texts.append(self.env._("Left to do: %(todo)s", todo="; ".join(todo)))
        return self._banner_completer(people) if problems else self.env["res.users"]

    def _banner_plan_review(self, texts, links, user, problems, people):
        texts.append(self.env._("Plan under review"))
        return self.env["res.users"]

    def _banner_plan_approval(self, texts, links, user, problems, people):
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

    def _banner_materials(self, texts, links, user, problems, people):
        open_lines = [("materials_confirmed_on", "=", False)]
        total = self.line_count
        confirmed = self.materials_done_count
        texts.append(self._banner_ratio(self.env._("Materials"), confirmed, total))
        title = self.env._("Materials to confirm by you")
        mine = [("successor_id", "=", user.id), *open_lines]
        self._banner_link(links, title, mine)
        waiting = self._banner_waiting_by_successor(open_lines)
        waiting |= self._banner_items_due_now(texts, user, people)
        return waiting | self._banner_signatures(MATERIALS, texts, user, people)

    def _banner_visits(self, texts, links, user, problems, people):
        total = self.line_count
        visited = self.visit_done_count
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
        # The departing employee's side: whom the policy lets confirm it (the
        # departing employee, or the supervisor in their place once they have
        # left), the customer's successor aside, whose side the link above is.
        line = self._banner_first_line(departing_side)
        departing = self.env["res.users"]
        if line:
            departing = (
                line._policy_users_allowed("confirm_visit", people) - line.successor_id
            )
        if user in departing:
            self._banner_link(links, title, departing_side)
        deciders = self._banner_allowed(people, "approve_waiver", waivers)
        if user in deciders:
            self._banner_link(links, self.env._("Waivers awaiting you"), waivers)
        waiting = self._banner_waiting_by_successor(successor_side)
        waiting |= departing | deciders
        # Every customer visited or waived: the witness confirms the stage.
        witness = self._banner_allowed(people, "witness_visits")
        if user in witness:
            texts.append(
                self.env._("Your turn: %(button)s", button=self.env._("Witness Visits"))
            )
        waiting |= witness - user
        return waiting | self._banner_signatures(
            VISITS, texts, user, people, sheet_complete=visited == total
        )

    def _banner_verification(self, texts, links, user, problems, people):
        sample = [("spot_check_selected", "=", True)]
        to_call = [
            *sample,
            "|",
            ("check_result", "!=", "confirmed"),
            ("checked_on", "=", False),
        ]
        sampled = self.spot_check_count
        calls_left = sampled - self.check_done_count
        texts.append(
            self._banner_ratio(
                self.env._("Calls confirmed"), sampled - calls_left, sampled
            )
        )
        callers = self._banner_allowed(people, "record_check", to_call)
        if user in callers:
            self._banner_link(links, self.env._("Calls to make"), to_call)
        # The phone check is signed once the calls are done (属实后签字).
        return callers | self._banner_signatures(
            VERIFICATION, texts, user, people, sheet_complete=not calls_left
        )

    def _banner_summary(self, texts, links, user, problems, people):
        empty = self._summary_is_empty() or bool(self._summary_unwritten_sections())
        texts.append(
            self.env._("Summary to write") if empty else self.env._("Summary written")
        )
        waiting = self.env["res.users"]
        if empty:
            waiting = self._banner_departing_first(
                self._banner_allowed(people, "write:summary")
            )
        return waiting | self._banner_signatures(SUMMARY, texts, user, people)

    def _banner_summary_review(self, texts, links, user, problems, people):
        texts.append(self.env._("Summary under review"))
        return self.env["res.users"]

    def _banner_summary_approval(self, texts, links, user, problems, people):
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

    def _banner_items_due_now(self, texts, user, people):
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
        # Whom the policy lets confirm one of them on receipt (a successor or
        # the witness, who did not tick it).
        receivers = self.env["res.users"].union(
            *(receipt._policy_users_allowed("confirm", people) for receipt in receipts)
        )
        if user in receivers:
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

    def _banner_signatures(self, stage, texts, user, people, sheet_complete=True):
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
        # Whom the policy lets sign them: each signer, the supervisor in the
        # place of a departing user who has left.
        signers = self.env["res.users"].union(
            *(sig._policy_users_allowed("write:sign", people) for sig in unsigned)
        )
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
