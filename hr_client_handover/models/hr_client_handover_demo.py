import base64
import io
import math
import random
from datetime import timedelta

from PIL import Image, ImageDraw

from odoo import api, fields, models

# The stages a demo handover goes through: the work done inside each one, and
# the role and button that close it.
DEMO_STAGES = [
    ("draft", "_work_draft", "departing", "action_submit_plan"),
    ("plan_review", None, "supervisor", "action_review_plan"),
    ("plan_approval", None, "approver", "action_approve_plan"),
    ("materials", "_work_materials", "supervisor", "action_complete_materials"),
    ("visits", "_work_visits", "supervisor", "action_complete_visits"),
    (
        "verification",
        "_work_verification",
        "witness",
        "action_complete_verification",
    ),
    ("summary", "_work_summary", "departing", "action_submit_summary"),
    ("summary_review", None, "supervisor", "action_review_summary"),
    ("summary_approval", None, "approver", "action_approve_summary"),
]


def signature_image(seed):
    """A hand-written looking stroke, the same for the same seed (base64 PNG)."""
    rng = random.Random(seed)
    width, height = 360, 120
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    waves = [
        (rng.uniform(18, 30), rng.uniform(2.5, 5.5), rng.uniform(0, math.tau))
        for _wave in range(3)
    ]
    points = []
    for step in range(241):
        t = step / 240
        x = 24 + (width - 48) * t + 14 * math.sin(math.tau * 6 * t)
        y = height / 2 + sum(
            amplitude * math.sin(math.tau * frequency * t + phase)
            for amplitude, frequency, phase in waves
        ) * math.sin(math.pi * t)
        points.append((x, y))
    ink = (25, 35, 110, 255)
    draw.line(points, fill=ink, width=3, joint="curve")
    draw.line(
        [(width * 0.15, height * 0.82), (width * 0.8, height * 0.74)],
        fill=ink,
        width=2,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


class HrClientHandoverDemo(models.AbstractModel):
    _name = "hr.client.handover.demo"
    _description = "Client Handover Demo Data"

    @api.model
    def _load_terms(self, lang):
        """Demo data: this addon's terms in `lang` now, for the demo people to act
        in it; Odoo loads them only after the addon's demo data."""
        self.env["ir.module.module"]._load_module_terms(["hr_client_handover"], [lang])

    @api.model
    def _use_currency(self, company_id, currency_id):
        """Demo data: make `currency_id` the currency of the company.

        Odoo refuses to change the currency of a company with journal items, and
        the accounting demo has already posted its invoices (in the old currency)
        by the time this addon's demo loads. Those demo entries go first: drafted
        and deleted, with the bank statements and their lines behind some of them."""
        company = self.env["res.company"].browse(company_id)
        currency = self.env["res.currency"].browse(currency_id)
        if company.currency_id == currency:
            return
        currency.action_unarchive()
        if "account.move" in self.env:
            domain = [("company_id", "child_of", company.id)]
            self.env["account.bank.statement"].search(domain).unlink()
            self.env["account.bank.statement.line"].search(domain).unlink()
            moves = self.env["account.move"].search(domain)
            moves.filtered(lambda move: move.state != "draft").button_draft()
            moves.with_context(force_delete=True).unlink()
        company.currency_id = currency

    @api.model
    def _walk(self, handover_id, target, **story):
        """Demo data: bring a handover to the stage `target` through its public
        buttons, each pressed by the user who holds the role, so that the chatter,
        activities, signatures and transfer ledger show a real history.

        The stages before `target` are completed; in `target` itself the work is
        done as far as the story says (customer visits: only those listed).

        Story (all optional):

        - ``successors``: ids of the users the supervisor shares the customers
          between (a single one receives them all)
        - ``plan``: {customer id: line values} the departing employee fills in
        - ``refusal``: reason for which the supervisor refuses the first plan
        - ``visits``: {customer id: visit notes} of the customers visited
        - ``half_visits``: customer ids whose visit only the successor confirmed
        - ``waivers``: {customer id: (reason, approved)} visits to waive
        - ``check_notes``: notes of the witness's confirmed phone checks
        - ``summary``: html summary written by the departing employee
        - ``meeting``: the handover meeting the supervisor holds in the
          materials stage: {"days": days from now (negative: held), "hour":
          hour (UTC), "location", "minutes": html}
        - ``training``: a training session, scheduled once the walk is over
          (same keys)
        """
        handover = self.env["hr.client.handover"].browse(handover_id)
        for state, work, role, button in DEMO_STAGES:
            if work:
                getattr(self, work)(handover, story, finish=state != target)
            if state == target:
                break
            self._act(handover._users_for_role(role), handover, button)
        if story.get("training"):
            self._hold_event(handover, "training", story["training"])
        return True

    def _hold_event(self, handover, kind, spec):
        """The supervisor schedules the handover meeting or a training session
        from the handover, with its participants, and writes its minutes; no
        invitation is mailed from the demo."""
        supervisor = handover._users_for_role("supervisor")
        as_supervisor = handover.with_user(supervisor).with_context(
            lang=supervisor.lang
        )
        action = getattr(as_supervisor, f"action_schedule_{kind}")()
        start = fields.Datetime.now().replace(
            hour=spec.get("hour", 2), minute=0, second=0, microsecond=0
        ) + timedelta(days=spec.get("days", 0))
        event = (
            self.env["calendar.event"]
            .with_user(supervisor)
            .with_context(**action["context"], lang=supervisor.lang)
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "start": start,
                    "stop": start + timedelta(hours=spec.get("duration", 1.5)),
                    "location": spec.get("location", False),
                }
            )
        )
        if spec.get("minutes"):
            event.with_user(supervisor).write({"notes": spec["minutes"]})
        self.env.flush_all()
        return event

    def _work_draft(self, handover, story, finish):
        """The departing employee lists and describes the customers, the
        supervisor shares them between the successors (and may refuse)."""
        departing = handover._users_for_role("departing")
        supervisor = handover._users_for_role("supervisor")
        self._act(departing, handover, "action_generate_lines")
        plan = story.get("plan", {})
        for line in handover.line_ids:
            if line.partner_id.id in plan:
                self._act(departing, line, "write", plan[line.partner_id.id])
        successors = story.get("successors")
        if successors:
            wizard = (
                self.env["hr.client.handover.assign"]
                .with_user(supervisor)
                .with_context(default_handover_id=handover.id)
                .create(
                    {
                        "mode": "split" if len(successors) > 1 else "single",
                        "successor_id": successors[0],
                        "successor_ids": [fields.Command.set(successors)],
                    }
                )
            )
            self._act(supervisor, wizard, "action_assign")
        if story.get("refusal"):
            self._act(departing, handover, "action_submit_plan")
            wizard = (
                self.env["hr.client.handover.refuse"]
                .with_user(supervisor)
                .create({"handover_id": handover.id, "reason": story["refusal"]})
            )
            self._act(supervisor, wizard, "action_refuse")

    def _work_materials(self, handover, story, finish):
        """Each successor confirms their customers' files, the checklist is
        worked through and countersigned, and everyone signs."""
        departing = handover._users_for_role("departing")
        for successor, lines in handover.line_ids.grouped("successor_id").items():
            self._act(successor, lines, "action_confirm_materials")
        for item in handover.item_ids:
            self._act(item.responsible_id or departing, item, "action_mark_done")
        # The receiver confirms what was handed over by the last working day.
        self._act(
            handover._users_for_role("witness"),
            handover.item_ids.filtered(lambda item: not item.post_departure),
            "action_confirm",
        )
        if story.get("meeting"):
            self._hold_event(handover, "meeting", story["meeting"])
        self._sign(handover, "materials")

    def _work_visits(self, handover, story, finish):
        """The successor and the departing employee visit each customer
        together, noting the contact met; distant customers get a waiver the
        supervisor approves; the witness confirms the stage to finish it."""
        departing = handover._users_for_role("departing")
        supervisor = handover._users_for_role("supervisor")
        visits = story.get("visits", {})
        half_visits = story.get("half_visits", [])
        waivers = story.get("waivers", {})
        for line in handover.line_ids:
            customer = line.partner_id
            if customer.id in waivers:
                reason, approved = waivers[customer.id]
                dialog = self.env["hr.client.handover.line.reason"].create(
                    {"line_id": line.id, "action": "request_waiver", "reason": reason}
                )
                self._act(departing, dialog, "action_confirm")
                if approved or finish:
                    self._act(supervisor, line, "action_approve_waiver")
                continue
            if not (finish or customer.id in visits or customer.id in half_visits):
                continue
            successor = line.successor_id
            contact = customer.child_ids[:1]
            self._act(
                successor,
                line,
                "write",
                {
                    "visit_contact_id": contact.id,
                    "visit_contact": False if contact else customer.name,
                    "visit_notes": visits.get(customer.id, False),
                },
            )
            self._act(successor, line, "action_confirm_visit")
            if finish or customer.id not in half_visits:
                self._act(departing, line, "action_confirm_visit")
        if finish:
            self._act(
                handover._users_for_role("witness"), handover, "action_witness_visits"
            )

    def _work_verification(self, handover, story, finish):
        """The witness phones the sampled customers, who all confirm."""
        witness = handover._users_for_role("witness")
        for line in handover.line_ids.filtered("spot_check_selected"):
            values = {
                "check_result": "confirmed",
                "check_notes": story.get("check_notes"),
            }
            self._act(witness, line, "write", values)
            self._act(witness, line, "action_record_check")

    def _work_summary(self, handover, story, finish):
        """The departing employee writes the summary, then everyone signs it."""
        if story.get("summary"):
            self._act(
                handover._users_for_role("departing"),
                handover,
                "write",
                {"summary": story["summary"]},
            )
        self._sign(handover, "summary")

    def _sign(self, handover, stage):
        """Every signer of `stage` signs, as themselves."""
        for signature in handover.signature_ids.filtered(
            lambda sig: sig.stage == stage and not sig.signed_on
        ):
            self._act(
                signature.user_id,
                signature,
                "write",
                {"signature": signature_image(signature.user_id.login)},
            )

    def _act(self, user, records, method, *args):
        """Call `method` on `records` as `user`, in their language as from their
        browser, then end the step as a web request would: the pending tracking
        becomes its own chatter message."""
        records = records.with_user(user).with_context(lang=user[:1].lang)
        getattr(records, method)(*args)
        self.env.flush_all()
        self.env.cr.precommit.run()
