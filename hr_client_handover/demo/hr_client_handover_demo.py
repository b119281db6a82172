import base64
import contextlib
import io
import math
import random
from datetime import timedelta

from PIL import Image, ImageDraw

from odoo import api, fields, models

from ..models.hr_client_handover_stages import (
    MATERIALS,
    STAGES,
    STEP,
    SUMMARY,
    VERIFICATION,
    VISITS,
)
from .duty_records import plain_duty_record

# The stages a demo handover goes through: the work done inside each one (its
# ``_work_<stage>`` method, when it has one), and the policy action that closes
# it (its button ``action_<action>``, pressed by whom the policy lets: ``_presser``).
DEMO_STAGES = [
    (stage.key, f"_work_{stage.key}", stage.action) for stage in STAGES if stage.action
]


# A meeting or training session held yesterday, with its minutes.
HELD_EVENT = {
    "days": -1,
    "hour": 2,
    "minutes": "<p>Customers, files and open deals reviewed with the successors.</p>",
}


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
        - ``omissions``: {customer id: reason} customers the supervisor takes
          off the plan and justifies leaving out (Customers Not Handed Over)
        - ``materials_sent_back``: {customer id: reason} confirmed materials the
          supervisor sends back; the successor completes and confirms them again
        - ``visits``: {customer id: visit notes} of the customers visited
        - ``half_visits``: customer ids whose visit only the successor confirmed
        - ``waivers``: {customer id: (reason, approved)} visits to waive
        - ``check_notes``: notes of the witness's confirmed phone checks
        - ``summary``: html summary written by the departing employee
        - ``meeting``: the handover meeting the supervisor holds in the
          materials stage: {"days": days from now (negative: held), "hour":
          hour (UTC), "location", "minutes": html}
        - ``training``: a training session, scheduled once the walk is over
          (same keys); a template that requires training gets one held before
          the summary is submitted, and one that requires a meeting a meeting
          in the materials stage, when the story has none
        - ``duties``: {duty: values} what the supervisor records on the
          departure duties of the checklist (the exit interview, the care talk,
          the equipment check...) before ticking them; ``damage_handling``: how
          the damage found at the equipment check was handled
        - ``days_ago``: the walk took place this many days ago (the clock is
          set back for it), so that a done handover has a history behind it
        """
        handover = self.env["hr.client.handover"].browse(handover_id)
        with self._clock(story.get("days_ago")):
            for stage, work, action in DEMO_STAGES:
                if hasattr(self, work):
                    getattr(self, work)(handover, story, finish=stage != target)
                if stage == target:
                    break
                self._act(self._presser(handover, action), handover, f"action_{action}")
            if story.get("training") and not handover.training_held:
                self._hold_event(handover, "training", story["training"])
        return True

    @api.model
    def _presser(self, handover, action):
        """Who presses the button of ``action`` on ``handover``: the first of
        the people whose turn it may be (``_turn_people``, the administrator
        aside) whom the policy lets press it now."""
        presser = handover._policy_users_allowed(action, handover._turn_people())[:1]
        if not presser:
            # The demo's own data is wrong: no user to tell.
            raise ValueError(
                f"Demo data: nobody of {handover.name} may press {action} in the "
                f"stage {handover.state}."
            )
        return presser

    @api.model
    def _clock(self, days_ago):
        """The clock set `days_ago` days back (and running), or left alone."""
        if not days_ago:
            return contextlib.nullcontext()
        # One of Odoo 19's own requirements (requirements.txt); only the demo uses it.
        from freezegun import freeze_time  # noqa: PLC0415

        self.env.flush_all()
        return freeze_time(fields.Datetime.now() - timedelta(days=days_ago), tick=True)

    @api.model
    def _after_transfer(self, handover_id, customers, follow_up=None):
        """Demo data: what the customers of a done handover bought, won and
        heard before and after their transfer, for *Customer Retention*.

        `customers`: {customer id: story}, days counted from the transfer
        (negative: before it), each key optional:

        - ``orders``: [(days, [(product id, quantity)])] orders confirmed on
          that day, by the departing employee before, the successor after
        - ``confirm``: [(days, order id)] a quotation of the demo confirmed
        - ``won``: [(days, opportunity id)] an opportunity won
        - ``done``: [(days, activity id, feedback)] an activity done by its
          owner (the successor, since the transfer)
        - ``notes``: [(days, note)] a note the successor logs on the customer
        - ``meetings``: [(days, subject)] a meeting of the successor with the
          customer's first contact

        Customers left out have nothing since the transfer: once the retention
        window is over they are at risk, and the daily job tells the
        successor's manager.

        `follow_up`: (days, feedback) the direct supervisor's follow-up of the
        done handover, marked done that day."""
        handover = self.env["hr.client.handover"].browse(handover_id)
        departing = handover._users_for_role("departing")
        transferred = (
            min(handover.transfer_ids.mapped("transferred_on"))
            if handover.transfer_ids
            else handover.plan_approved_on
        )
        now = fields.Datetime.now()

        def on(days, hour=3):
            moment = transferred.replace(hour=hour, minute=0, second=0) + timedelta(
                days=days
            )
            return min(moment, now - timedelta(hours=1))

        for line in handover.line_ids:
            story = customers.get(line.partner_id.id)
            if not story:
                continue
            customer = line.partner_id
            successor = line.successor_id
            for days, products in story.get("orders", []):
                seller = successor if days >= 0 else departing
                order = (
                    self.env["sale.order"]
                    .with_user(seller)
                    .with_context(lang=seller.lang)
                    .create(
                        {
                            "partner_id": customer.id,
                            "user_id": seller.id,
                            "order_line": [
                                fields.Command.create(
                                    {"product_id": product, "product_uom_qty": qty}
                                )
                                for product, qty in products
                            ],
                        }
                    )
                )
                self._confirm_on(seller, order, on(days))
            for days, order_id in story.get("confirm", []):
                order = self.env["sale.order"].browse(order_id)
                self._confirm_on(order.user_id, order, on(days))
            for days, lead_id in story.get("won", []):
                lead = self.env["crm.lead"].browse(lead_id)
                # Won before the transfer: won already, by the departing employee
                # (the handover moves open business only); only dated here.
                if lead.won_status != "won":
                    with self._dated(lead, on(days)):
                        self._act(lead.user_id, lead, "action_set_won")
                lead.sudo().date_closed = on(days)
            for days, activity_id, feedback in story.get("done", []):
                activity = self.env["mail.activity"].browse(activity_id)
                record = self.env[activity.res_model].browse(activity.res_id)
                with self._dated(record, on(days)):
                    self._act(activity.user_id, activity, "action_feedback", feedback)
            for days, note in story.get("notes", []):
                with self._dated(customer, on(days)):
                    customer.with_user(successor).with_context(
                        lang=successor.lang
                    ).message_post(
                        body=note, message_type="comment", subtype_xmlid="mail.mt_note"
                    )
            for days, subject in story.get("meetings", []):
                start = on(days, hour=2)
                contact = customer.child_ids[:1] or customer
                self.env["calendar.event"].with_user(successor).with_context(
                    lang=successor.lang, no_mail_to_attendees=True
                ).create(
                    {
                        "name": subject,
                        "start": start,
                        "stop": start + timedelta(hours=1),
                        "user_id": successor.id,
                        "partner_ids": [
                            fields.Command.set([successor.partner_id.id, contact.id])
                        ],
                    }
                )
            self.env.flush_all()
        if follow_up:
            days, feedback = follow_up
            activity = handover.activity_ids.filtered(
                lambda act: act.activity_type_id
                == self.env.ref(STEP["follow_up"].activity)
            )
            with self._dated(handover, on(days)):
                self._act(activity.user_id, activity, "action_feedback", feedback)
        self.env["hr.client.handover.retention"]._cron_notify_risk_managers()
        return True

    def _confirm_on(self, user, order, moment):
        """`user` confirms `order` as if on `moment`."""
        with self._dated(order, moment):
            self._act(user, order, "action_confirm")
        order.sudo().date_order = moment

    @contextlib.contextmanager
    def _dated(self, record, moment):
        """The messages written on `record` in the block are dated `moment`."""
        before = set(record.sudo().message_ids.ids)
        yield
        self.env.flush_all()
        record.invalidate_recordset(["message_ids"])
        new = set(record.sudo().message_ids.ids) - before
        if new:
            self.env.cr.execute(
                "UPDATE mail_message SET date = %s WHERE id IN %s",
                [moment, tuple(new)],
            )
            self.env["mail.message"].browse(new).invalidate_recordset(["date"])

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
        omissions = story.get("omissions", {})
        for line in handover.line_ids.filtered(
            lambda line: line.partner_id.id in omissions
        ):
            customer = line.partner_id
            self._act(supervisor, line, "unlink")
            self._act(
                supervisor,
                self.env["hr.client.handover.omission"],
                "create",
                {
                    "handover_id": handover.id,
                    "partner_id": customer.id,
                    "reason": omissions[customer.id],
                },
            )
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
        for line in handover.line_ids:
            # What the plan did not describe: the CRM record, no paper file.
            if not (line.materials_paper and line.materials_location):
                self._act(
                    line.successor_id,
                    line,
                    "write",
                    {
                        "materials_no_paper": not line.materials_paper,
                        "materials_electronic": line.materials_electronic or "CRM",
                        "materials_location": line.materials_location or "CRM",
                    },
                )
        for successor, lines in handover.line_ids.grouped("successor_id").items():
            self._act(successor, lines, "action_confirm_materials")
        supervisor = handover._users_for_role("supervisor")
        sent_back = story.get("materials_sent_back", {})
        for line in handover.line_ids.filtered(
            lambda line: line.partner_id.id in sent_back
        ):
            # Opened by the supervisor, as from the line's button.
            dialog = (
                self.env["hr.client.handover.line.reason"]
                .with_user(supervisor)
                .create(
                    {
                        "line_id": line.id,
                        "action": "send_back_materials",
                        "reason": sent_back[line.partner_id.id],
                    }
                )
            )
            self._act(supervisor, dialog, "action_confirm")
            self._act(line.successor_id, line, "action_confirm_materials")
        # The part due after the departure waits for it (the last working day
        # passed, or the user archived).
        duties = story.get("duties", {})
        for item in handover.item_ids.filtered(
            lambda item: not item.post_departure or handover._departure_happened()
        ):
            user = item.responsible_id or departing
            if item.duty:
                self._act(user, item, "write", self._duty_record(item, duties))
            self._act(user, item, "action_mark_done")
        if story.get("damage_handling"):
            incidents = handover.sudo().incident_ids.filtered(
                lambda incident: incident.kind == "damage"
            )
            self._act(
                supervisor,
                incidents,
                "write",
                {"resolution": story["damage_handling"]},
            )
        # Each department countersigns (会签) what it answers for: HR the
        # social insurance and housing fund, and in place of a department the
        # settings do not name.
        for item in handover.item_ids.filtered(
            lambda item: item.countersigner_id and item.done
        ):
            self._act(item.countersigner_id, item, "action_countersign")
        # The receiver confirms what was handed over by the last working day:
        # the witness, or a successor where the witness ticked it.
        witness = handover._users_for_role("witness")
        receipts = handover.item_ids.filtered(lambda item: not item.post_departure)
        ticked = receipts.filtered(lambda item: item.done_by_id == witness)
        self._act(witness, receipts - ticked, "action_confirm")
        if ticked:
            self._act(handover.line_ids.successor_id[:1], ticked, "action_confirm")
        if story.get("meeting"):
            self._hold_event(handover, "meeting", story["meeting"])
        elif handover.require_meeting and not handover.meeting_held:
            self._hold_event(handover, "meeting", HELD_EVENT)
        self._sign(handover, MATERIALS)

    @api.model
    def _depart(self, handover_id, revoked_days_ago, confirmed_days_ago):
        """Demo data: the day after the last working day of a done
        resignation, `revoked_days_ago` days ago, the system revoked the
        departing user's accounts and asked the direct supervisor to confirm
        the departure, which they did `confirmed_days_ago` days ago."""
        handover = self.env["hr.client.handover"].browse(handover_id)
        with self._clock(revoked_days_ago):
            handover._revoke_departing_accounts()
            handover._schedule_departure_confirmation()
            self.env.flush_all()
        with self._clock(confirmed_days_ago):
            self._act(
                handover._users_for_role("supervisor"),
                handover,
                "action_confirm_departure",
            )
        return True

    @api.model
    def _late_departure(self, handover_id, on_behalf):
        """Demo data: a resignation not finished by its last working day. The
        day after it the daily job revoked the departing user's accounts as it
        does (``_cron_revoke_departed_accounts``): the lateness recorded as an
        incident, the user archived by the system, the direct supervisor asked
        to confirm the departure and to act in the departing employee's place
        (代签). Today the supervisor confirms, on their behalf, the visits of
        the customers `on_behalf` (ids) that the successor confirmed already."""
        handover = self.env["hr.client.handover"].browse(handover_id)
        today = fields.Date.context_today(self)
        # In the language of the company's people, as its system speaks to them.
        job = self.env["hr.client.handover"].with_context(
            lang=handover.supervisor_id.lang
        )
        with self._clock((today - handover.last_working_date).days - 1):
            job._cron_revoke_departed_accounts()
            self.env.flush_all()
        if handover.departing_user_id.active or not handover.incident_ids:
            # The demo's own data is wrong: the job left the handover alone.
            raise ValueError(
                f"Demo data: the day after the last working day of {handover.name} "
                "neither revoked the accounts nor recorded the lateness."
            )
        proxy = handover._users_for_role("departing")
        for line in handover.line_ids.filtered(
            lambda line: line.partner_id.id in on_behalf
        ):
            self._act(proxy, line, "action_confirm_visit")
        return True

    @api.model
    def _hand_everything(self, user_id, successor_id, admin_id, reason, days_ago):
        """Demo data: a salesperson left without a handover of their own.
        `days_ago` days ago the handover administrator handed everything they
        owned to one successor (Hand Everything To…: a handover of its own, its
        ledger, Give Everything Back) and registered the departure; the Odoo
        administrator then archived the user, which nothing left behind
        refuses any more. (Core lets only a sales administrator archive a
        salesperson's user: their sales team membership goes with it.)"""
        admin = self.env["res.users"].browse(admin_id)
        employee = (
            self.env["hr.employee"]
            .with_context(active_test=False)
            .search([("user_id", "=", user_id)], limit=1)
        )
        with self._clock(days_ago):
            wizard = (
                self.env["hr.client.handover.everything"]
                .with_user(admin)
                .with_context(lang=admin.lang)
                .create(
                    {
                        "user_id": user_id,
                        "successor_id": successor_id,
                        "reason": reason,
                    }
                )
            )
            self._act(admin, wizard, "action_hand_everything")
            # Registered from the employee form (Archive), as HR does.
            departure = (
                self.env["hr.departure.wizard"]
                .with_user(admin)
                .with_context(
                    lang=admin.lang, active_ids=employee.ids, employee_termination=True
                )
                .create(
                    {
                        "employee_ids": [fields.Command.set(employee.ids)],
                        "departure_reason_id": self.env.ref("hr.departure_resigned").id,
                        "departure_date": fields.Date.context_today(self),
                        "start_client_handover": False,
                    }
                )
            )
            self._act(admin, departure, "action_register_departure")
            self._act(
                self.env.ref("base.user_admin"),
                self.env["res.users"].browse(user_id),
                "action_archive",
            )
        return True

    @api.model
    def _duty_record(self, item, duties):
        """What the supervisor records on a departure duty of the checklist:
        the story's, else a plain record of it."""
        today = fields.Date.context_today(self)
        values = plain_duty_record(item.duty, today)
        values["duty_notes"] = self.env._(
            "Held and recorded with the departing employee."
        )
        return dict(values, **duties.get(item.duty, {}))

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
                # Opened by whoever asks, as from the line's button.
                dialog = (
                    self.env["hr.client.handover.line.reason"]
                    .with_user(departing)
                    .create(
                        {
                            "line_id": line.id,
                            "action": "request_waiver",
                            "reason": reason,
                        }
                    )
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
                    "visit_date": fields.Date.context_today(line),
                    "visit_place": ", ".join(
                        part for part in (customer.street, customer.city) if part
                    )
                    or customer.name,
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
            self._sign(handover, VISITS)

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
        if finish:
            self._sign(handover, VERIFICATION)

    def _work_summary(self, handover, story, finish):
        """The departing employee writes the summary, then everyone signs it;
        the successors' training is held by then."""
        if handover.require_training and not handover.training_held:
            self._hold_event(handover, "training", HELD_EVENT)
        if story.get("summary"):
            self._act(
                handover._users_for_role("departing"),
                handover,
                "write",
                {"summary": story["summary"]},
            )
        self._sign(handover, SUMMARY)

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
