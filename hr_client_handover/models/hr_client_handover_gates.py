"""The gates of a handover's stages: what keeps the current stage from being
completed, each a sentence for the user. The stage table names each stage's
gate (``gate`` in hr_client_handover_stages.py); the buttons raise what it
returns, the banner and the form show it. Lines are counted in the database,
never loaded one by one."""

from odoo import models
from odoo.tools import html2plaintext, is_html_empty

from .hr_client_handover_stages import MATERIALS, SUMMARY, VERIFICATION, VISITS

# How many lines a gate's message names.
NAMED = 5


class GateLines:
    """The lines a gate found: how many (``len``, truth) and the first
    ``NAMED`` of them (``first``)."""

    __slots__ = ("count", "first")

    def __init__(self, count, first):
        self.count = count
        self.first = first

    def __len__(self):
        return self.count

    def __bool__(self):
        return bool(self.count)


class HrClientHandoverGateMixin(models.AbstractModel):
    """The stage gates of a handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.gate.mixin"
    _description = "Client Handover Stage Gates"

    def _gate_lines(self, domain):
        """This handover's lines matching ``domain``, searched as the system:
        how many (``len``) and the first few in the plan's order (what
        ``_some_names`` names), never every line's id."""
        self.ensure_one()
        # Searched as the system: the gate states facts about the whole handover.
        Line = self.env["hr.client.handover.line"].sudo()
        domain = [("handover_id", "=", self.id), *domain]
        first = Line.search(domain, limit=NAMED)
        count = Line.search_count(domain) if len(first) == NAMED else len(first)
        return GateLines(count, first)

    @staticmethod
    def _some_names(lines):
        return ", ".join(lines.first.partner_id.mapped("display_name"))

    @staticmethod
    def _some_items(items):
        return ", ".join(items[:5].mapped("name"))

    def _plan_problems(self):
        self.ensure_one()
        problems = self._plan_todo()
        if not problems:
            return []
        return [
            self.env._(
                "%(ref)s cannot go further yet. Please %(todo)s.",
                ref=self.name,
                todo="; ".join(problems),
            )
        ]

    def _plan_todo(self):
        """What the plan still lacks, each as a short instruction."""
        self.ensure_one()
        problems = []
        # Who takes over a customer, whoever asks (``_line_successor_ids``).
        successors = self.env["res.users"].browse(self._line_successor_ids())
        if not self.line_count:
            problems.append(
                self.env._("add at least one customer (use Generate Lines)")
            )
        missing = self._gate_lines([("successor_id", "=", False)])
        if missing:
            problems.append(
                self.env._(
                    "give a successor to %(count)s customer(s) (%(names)s)",
                    count=len(missing),
                    names=self._some_names(missing),
                )
            )
        # No customer left behind (models/hr_client_handover_omission.py).
        problems += self._omission_todo()
        if not self.supervisor_id:
            problems.append(self.env._("set the direct supervisor"))
        if not self.approver_id:
            problems.append(self.env._("set the division manager"))
        absent = self._policy_absent_successors(successors, self)
        if absent:
            problems.append(
                self.env._(
                    "reassign the customers of the successor(s) who cannot "
                    "receive them (%(reasons)s)",
                    reasons="; ".join(absent.values()),
                )
            )
        if self.key_position and not self.witness_id:
            problems.append(self.env._("set the supervising witness (key position)"))
        elif self.key_position and (
            self.witness_id == self.supervisor_id or self.witness_id in successors
        ):
            problems.append(
                self.env._(
                    "choose a supervising witness who is neither the direct "
                    "supervisor nor a successor: %(user)s cannot witness the "
                    "handover of a key position",
                    user=self.witness_id.name,
                )
            )
        if not self.last_working_date:
            problems.append(self.env._("set the last working day"))
        if self.handover_type == "leave" and not self.return_date:
            problems.append(self.env._("set the return date of the leave"))
        if not self.departing_user_id:
            problems.append(self.env._("link the departing employee to a user account"))
        return problems

    def _materials_problems(self):
        self.ensure_one()
        problems = []
        missing = self._gate_lines([("materials_confirmed_on", "=", False)])
        if missing:
            problems.append(
                self.env._(
                    "The materials of %(count)s customer(s) are not confirmed by "
                    "their successor yet (%(names)s). Each successor must confirm "
                    "the materials of their lines first.",
                    count=len(missing),
                    names=self._some_names(missing),
                )
            )
        due_now = self.item_ids.filtered(lambda item: not item.post_departure)
        open_items = due_now.filtered(lambda item: not item.done)
        if open_items:
            problems.append(
                self.env._(
                    "%(count)s checklist item(s) are not done yet (%(names)s). "
                    "Tick them in the Checklist tab first.",
                    count=len(open_items),
                    names=self._some_items(open_items),
                )
            )
        unconfirmed = due_now.filtered(
            lambda item: item.done and item.needs_receipt and not item.confirmed_on
        )
        if unconfirmed:
            problems.append(
                self.env._(
                    "%(count)s checklist item(s) wait for the receiver's "
                    "confirmation (%(names)s): a successor or the supervising "
                    "witness presses Confirm in the Checklist tab.",
                    count=len(unconfirmed),
                    names=self._some_items(unconfirmed),
                )
            )
        return problems + self._signature_problems(MATERIALS)

    def _visits_problems(self):
        self.ensure_one()
        if self.template_id and not self.template_id.require_visits:
            return []
        pending = self._visits_pending()
        if pending:
            return [
                self.env._(
                    "%(count)s customer(s) are not visited yet (%(names)s). "
                    "Record the visit by both the successor and the departing "
                    "employee, or approve a waiver with its reason.",
                    count=len(pending),
                    names=self._some_names(pending),
                )
            ]
        if not self.visits_witnessed_on:
            return [
                self.env._(
                    "The supervising witness (%(witness)s) has not confirmed "
                    "the customer visits of %(ref)s yet: they press Witness "
                    "Visits first.",
                    witness=self._users_for_role("witness").name,
                    ref=self.name,
                )
            ]
        return self._signature_problems(VISITS)

    def _verification_problems(self):
        self.ensure_one()
        return self._calls_problems() or self._signature_problems(VERIFICATION)

    def _calls_problems(self):
        """The sampled customers who have not confirmed on the phone yet."""
        self.ensure_one()
        # A result chosen but not recorded is not a call yet.
        unconfirmed = self._gate_lines(
            [
                ("spot_check_selected", "=", True),
                "|",
                ("check_result", "!=", "confirmed"),
                ("checked_on", "=", False),
            ]
        )
        if not unconfirmed and self._gate_lines([("spot_check_selected", "=", True)]):
            return []
        return [
            self.env._(
                "%(count)s sampled customer(s) have not confirmed the "
                "handover on the phone yet (%(names)s). Record a confirmed "
                "call for each of them first.",
                count=len(unconfirmed),
                names=self._some_names(unconfirmed),
            )
        ]

    def _summary_problems(self):
        self.ensure_one()
        problems = []
        if self._summary_is_empty():
            problems.append(
                self.env._(
                    "The summary of %(ref)s is empty, or still the template's text. "
                    "Write it in the Summary tab before submitting.",
                    ref=self.name,
                )
            )
        elif unwritten := self._summary_unwritten_sections():
            problems.append(
                self.env._(
                    "Some sections of the summary of %(ref)s are empty, or still "
                    "the template's text: %(sections)s. Write each of them in the "
                    "Summary tab before submitting.",
                    ref=self.name,
                    sections=", ".join(unwritten),
                )
            )
        return problems + self._signature_problems(SUMMARY)

    def _summary_is_empty(self):
        """Nothing is written: the summary is blank, or still the template's
        text as the stage handed it over (in any of the active languages)."""
        self.ensure_one()
        text = self._summary_words(self.summary)
        if is_html_empty(self.summary) or not text:
            return True
        if not self.template_id.summary_template:
            return False
        langs = {self.departing_user_id.lang} | {
            code for code, _name in self.env["res.lang"].get_installed()
        }
        # As the system: the placeholders read the employee.
        handover = self.sudo()
        return any(
            text == self._summary_words(handover._render_summary_template(lang))
            for lang in langs
            if lang
        )

    @staticmethod
    def _summary_words(html):
        """The words of a summary, spaces and layout aside."""
        return " ".join(html2plaintext(html or "").split())

    @staticmethod
    def _items_and_people(items, person_field):
        """'Item (Person), …': checklist items with whom each waits for."""
        return ", ".join(
            f"{item.name} ({item[person_field].name or '-'})" for item in items
        )

    def _closing_problems(self):
        """The checklist part due after the last working day is done and every
        item to countersign is countersigned (before Done)."""
        self.ensure_one()
        problems = []
        open_items = self.item_ids.filtered(
            lambda item: item.post_departure and not item.done
        )
        if open_items:
            problems.append(
                self.env._(
                    "%(ref)s cannot be closed: %(count)s checklist item(s) due after "
                    "the last working day are not done yet: %(items)s. Their "
                    "responsible person ticks them in the Checklist tab.",
                    ref=self.name,
                    count=len(open_items),
                    items=self._items_and_people(open_items, "responsible_id"),
                )
            )
        missing = self.item_ids.filtered(
            lambda item: item.countersigner_id and not item.countersigned_on
        )
        if missing:
            problems.append(
                self.env._(
                    "%(ref)s cannot be closed: %(count)s checklist item(s) still "
                    "wait for their countersign: %(items)s. Each countersigner "
                    "presses Countersign in the Checklist tab.",
                    ref=self.name,
                    count=len(missing),
                    items=self._items_and_people(missing, "countersigner_id"),
                )
            )
        return problems

    def _signature_problems(self, stage):
        self.ensure_one()
        unsigned = self.signature_ids.filtered(
            lambda sig: sig.stage == stage and not sig.signed_on
        )
        if not unsigned:
            return []
        return [
            self.env._(
                "Waiting for %(count)s signature(s) (%(names)s). Each of them "
                "signs in the Sign-off tab first.",
                count=len(unsigned),
                names=", ".join(unsigned.mapped("user_id.name")),
            )
        ]
