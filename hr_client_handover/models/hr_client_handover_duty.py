"""The duties of a departure besides the customers (离职面谈, 情感关怀, 复盘,
personal data, social media, equipment damage): checklist items of the
template with what each must record before it is ticked; the notice the
template asks for; the new position's effective date of a transfer or a
promotion."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

DUTIES = [
    ("exit_interview", "Exit interview"),
    ("care_talk", "Care talk"),
    ("team_review", "Team review"),
    ("personal_data", "Personal data"),
    ("social_media", "Social media"),
    ("equipment_damage", "Equipment check"),
]
# Duties whose record is a date and notes: the talks held and the review.
DATED_DUTIES = ("exit_interview", "care_talk", "team_review")
NEW_POSITION_TYPES = ("transfer", "promotion")


class HrClientHandoverTemplate(models.Model):
    _inherit = "hr.client.handover.template"

    notice_days = fields.Integer(
        string="Minimum Notice (days)",
        help="Days of notice the policy asks for between the notice date and the "
        "last working day (one month for a resignation): a shorter notice is "
        "flagged on the handover. 0: no minimum.",
    )

    _notice_days_positive = models.Constraint(
        "CHECK (notice_days >= 0)",
        lambda env, diag: env._("The minimum notice cannot be negative."),
    )


class HrClientHandoverTemplateItem(models.Model):
    _inherit = "hr.client.handover.template.item"

    duty = fields.Selection(
        DUTIES,
        help="What the item records before it is ticked: the date and notes of "
        "a talk or of the team review, the consent and what was done with the "
        "personal data, the damage or loss found and who is accountable.",
    )


class HrClientHandoverItem(models.Model):
    _inherit = "hr.client.handover.item"

    duty = fields.Selection(DUTIES, readonly=True)
    duty_date = fields.Date(string="Held On")
    duty_notes = fields.Text(string="Record")
    data_consent = fields.Selection(
        [("given", "Consent given"), ("refused", "Consent refused")],
        string="Consent",
        help="Whether the employee consents to the deletion or anonymisation of "
        "their personal data (PIPL).",
    )
    data_consent_date = fields.Date(string="Consent Date")
    data_action = fields.Selection(
        [
            ("deleted", "Deleted"),
            ("anonymised", "Anonymised"),
            ("kept", "Kept (no consent, or retention required by law)"),
        ],
        string="Personal Data",
    )
    damage_found = fields.Boolean(string="Damage or Loss Found")
    damage_accountable_id = fields.Many2one(
        "res.users",
        string="Accountable for the Damage",
        help="Recorded in the incident register with the damage or loss.",
    )
    incident_id = fields.Many2one(
        "hr.client.handover.incident", readonly=True, copy=False
    )

    def _policy_not_done(self):
        return not self.done

    def _policy_frozen_message(self, condition):
        if condition == "not_done":
            return self.env._(
                "'%(item)s' is done: reset it to change its record. Nothing was "
                "changed.",
                item=self.name,
            )
        return super()._policy_frozen_message(condition)

    @api.model
    def _create_from_template(self, handover):
        items = super()._create_from_template(handover)
        for item, tmpl in zip(
            items, handover.template_id.item_template_ids, strict=True
        ):
            if tmpl.duty:
                # As superuser: the item's duty comes from the template, a field no user
                # writes.
                item.sudo().duty = tmpl.duty
        return items

    def write(self, vals):
        result = super().write(vals)
        if vals.get("done"):
            for item in self.filtered("duty"):
                item._check_duty_recorded()
            self.filtered(
                lambda item: item.damage_found and not item.incident_id
            )._record_damage()
        return result

    def _check_duty_recorded(self):
        """Refuse to tick a duty whose record is missing."""
        self.ensure_one()
        missing = None
        if self.duty in DATED_DUTIES and not (self.duty_date and self.duty_notes):
            missing = self.env._(
                "Record the date it was held and its notes (button Record)."
            )
        elif self.duty == "personal_data":
            if not (self.data_consent and self.data_consent_date):
                missing = self.env._(
                    "Record whether the employee consents and the date of the "
                    "consent or refusal."
                )
            elif not self.data_action:
                missing = self.env._("Record what was done with the personal data.")
            elif self.data_consent == "given" and self.data_action == "kept":
                missing = self.env._(
                    "The employee consented: delete or anonymise the personal "
                    "data, or record why it is kept in the notes and choose "
                    "another answer."
                )
        elif self.duty == "equipment_damage" and self.damage_found:
            if not (self.damage_accountable_id and self.duty_notes):
                missing = self.env._(
                    "A damage or loss was found: record what was damaged or lost "
                    "and who is accountable."
                )
        if missing:
            raise UserError(
                self.env._(
                    "'%(item)s' cannot be marked done yet: %(missing)s Nothing was "
                    "changed.",
                    item=self.name,
                    missing=missing,
                )
            )

    def _record_damage(self):
        for item in self:
            incident = item.handover_id._record_incident(
                "damage",
                item.duty_notes,
                user=item.damage_accountable_id,
                item_id=item.id,
            )
            # As superuser: the link to the incident is the workflow's own field, which
            # no user writes.
            item.sudo().incident_id = incident

    def action_open_duty(self):
        """The item's record (the talk, the review, the consent, the damage),
        in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "hr_client_handover.hr_client_handover_item_view_form_duty"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "name": self.name,
        }


class HrClientHandover(models.Model):
    _inherit = "hr.client.handover"

    new_position_date = fields.Date(
        tracking=True,
        help="Transfer or promotion: the day the new position takes effect. The "
        "last day in the current role is the working day before, and the "
        "deadlines follow it.",
    )
    notice_days = fields.Integer(related="template_id.notice_days")
    short_notice = fields.Boolean(
        compute="_compute_short_notice",
        store=True,
        help="The notice is shorter than the template's minimum.",
    )

    incident_ids = fields.One2many(
        "hr.client.handover.incident", "handover_id", string="Incidents"
    )
    incident_count = fields.Integer(compute="_compute_incident_count")

    @api.depends("incident_ids")
    def _compute_incident_count(self):
        for handover in self:
            handover.incident_count = len(handover.incident_ids)

    def _record_incident(self, kind, description, user=None, **values):
        """Record an incident of ``kind`` on this handover, ``user`` (by
        default the departing user) accountable for it; for the workflow (the
        lateness of a handover, an omission found at the phone check, a damage
        found at the equipment check), which checked its caller already."""
        self.ensure_one()
        if user is None:
            user = self.departing_user_id
        # As superuser: the workflow records the incident (a lateness, a
        # finding), not the user whose action found it; the register's policy
        # is for what people record by hand.
        incident = (
            self.env["hr.client.handover.incident"]
            .sudo()
            .create(
                {
                    "handover_id": self.id,
                    "kind": kind,
                    "description": description,
                    "accountable_user_id": user.id,
                    "recorded_by_id": self.env.uid,
                    **values,
                }
            )
        )
        return incident.with_env(self.env)

    def action_open_incidents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hr_client_handover.hr_client_handover_incident_action"
        )
        action["domain"] = [("handover_id", "=", self.id)]
        action["context"] = {"default_handover_id": self.id}
        action["views"] = [(False, "list"), (False, "form")]
        return action

    @api.depends("notice_date", "last_working_date", "template_id.notice_days")
    def _compute_short_notice(self):
        for handover in self:
            minimum = handover.template_id.notice_days
            handover.short_notice = bool(
                minimum
                and handover.notice_date
                and handover.last_working_date
                and (handover.last_working_date - handover.notice_date).days < minimum
            )

    @api.model
    def _day_before_new_position(self, day):
        """The last working day (Monday to Friday) before ``day``."""
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def _with_new_position_deadline(self, vals):
        new_date = vals.get("new_position_date")
        if not new_date:
            return vals
        day = self._day_before_new_position(fields.Date.to_date(new_date))
        return dict(vals, last_working_date=day)

    @api.onchange("new_position_date")
    def _onchange_new_position_date(self):
        for handover in self:
            if handover.new_position_date:
                handover.last_working_date = self._day_before_new_position(
                    handover.new_position_date
                )

    @api.constrains("new_position_date", "handover_type", "notice_date")
    def _check_new_position_date(self):
        for handover in self.filtered("new_position_date"):
            if handover.handover_type not in NEW_POSITION_TYPES:
                raise ValidationError(
                    self.env._(
                        "Only a transfer or a promotion has a new position date. "
                        "Clear it or change the type."
                    )
                )
            if (
                handover.notice_date
                and handover.new_position_date <= handover.notice_date
            ):
                raise ValidationError(
                    self.env._(
                        "The new position must take effect after the notice date "
                        "(%(notice)s).",
                        notice=handover.notice_date,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._with_new_position_deadline(v) for v in vals_list])

    def write(self, vals):
        return super().write(self._with_new_position_deadline(vals))
