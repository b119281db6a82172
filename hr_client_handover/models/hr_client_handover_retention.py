"""Did the customers stay? One row per customer of a done handover: what the
customer bought and won before and after the transfer, and whether it stayed.

A customer is *retained* when it confirmed a sales order or an opportunity of
it was won in the retention window after the transfer (90 days, Settings >
Client Handover), *lost* when only lost opportunities followed, and *without
activity* when nothing followed. "Before" counts the same figures over the
window before the transfer, for comparison.
What belongs to a customer is what the transfer rules give it (its contacts,
opportunities, orders and the records of any rule added): the orders and deals
counted are those of the rules on sales orders and opportunities, whoever owns
them. Activity since the transfer is any message or email written on those
records (done activities included) and any calendar event the customer
attends; the successor *met* the customer when they confirmed its visit on the
handover line or attended a calendar event with it after the transfer. A
customer is *at risk* once the window has passed since the transfer with no
confirmed order, no won opportunity, no activity and no meeting: one activity
goes to the successor's manager, once.
The transfer date is the first move of the handover's ledger, else the plan's
or the summary's approval.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from .hr_client_handover_stages import DONE
from .hr_client_handover_template import HANDOVER_TYPES

RETENTION_DAYS = 90
RETENTION_STATUS = [
    ("retained", "Retained"),
    ("lost", "Lost"),
    ("no_activity", "No business"),
]


class HrClientHandoverRetention(models.Model):
    _name = "hr.client.handover.retention"
    _description = "Client Handover Retention"
    _auto = False
    _order = "transfer_date desc, id"
    _rec_name = "partner_id"

    handover_id = fields.Many2one("hr.client.handover", readonly=True)
    line_id = fields.Many2one("hr.client.handover.line", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    successor_id = fields.Many2one("res.users", readonly=True)
    departing_user_id = fields.Many2one("res.users", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    handover_type = fields.Selection(HANDOVER_TYPES, string="Type", readonly=True)
    transfer_date = fields.Datetime(readonly=True)
    status = fields.Selection(RETENTION_STATUS, readonly=True)
    retained = fields.Integer(
        string="Retained Customers",
        readonly=True,
        aggregator="sum",
        help="1 when the customer bought or won in the retention window after "
        "the transfer.",
    )
    order_count = fields.Integer(string="Orders After", readonly=True, aggregator="sum")
    order_amount = fields.Monetary(
        string="Sales After",
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="Untaxed amount of the orders confirmed in the retention window after "
        "the transfer, in the company's currency.",
    )
    order_count_before = fields.Integer(
        string="Orders Before", readonly=True, aggregator="sum"
    )
    order_amount_before = fields.Monetary(
        string="Sales Before",
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="Untaxed amount of the orders confirmed in the retention window "
        "before the transfer, in the company's currency.",
    )
    won_count = fields.Integer(string="Won After", readonly=True, aggregator="sum")
    won_count_before = fields.Integer(
        string="Won Before", readonly=True, aggregator="sum"
    )
    lost_count = fields.Integer(string="Lost After", readonly=True, aggregator="sum")
    activity_count = fields.Integer(
        string="Activity Since",
        readonly=True,
        aggregator="sum",
        help="Messages, emails and done activities on the customer, its contacts, "
        "opportunities and orders, and calendar events it attends, since the "
        "transfer.",
    )
    last_activity_date = fields.Datetime(
        string="Last Activity", readonly=True, aggregator="max"
    )
    met_by_successor = fields.Boolean(
        string="Met by Successor",
        readonly=True,
        help="The successor confirmed the visit of the customer on the handover, "
        "or attended a calendar event with it after the transfer.",
    )
    met_count = fields.Integer(string="Met Customers", readonly=True, aggregator="sum")
    last_meeting_date = fields.Datetime(
        string="Last Meeting",
        readonly=True,
        aggregator="max",
        help="The successor's last visit or calendar event with the customer "
        "since the transfer.",
    )
    at_risk = fields.Boolean(
        readonly=True,
        help="The retention window has passed since the transfer without a "
        "confirmed order, a won opportunity, any activity or a meeting.",
    )
    at_risk_count = fields.Integer(
        string="Customers at Risk", readonly=True, aggregator="sum"
    )
    risk_notified_on = fields.Datetime(
        string="Manager Notified On",
        readonly=True,
        help="When the successor's manager was given an activity for this "
        "customer at risk.",
    )

    @api.model
    def _retention_window(self):
        # A system parameter, read for every reader of the report.
        setting = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("hr_client_handover.retention_days")
        )
        try:
            return max(int(setting or RETENTION_DAYS), 1)
        except ValueError:
            return RETENTION_DAYS

    @property
    def _table_query(self):
        """What belongs to a line's customer (its orders, deals and every
        record whose messages count as activity) is what the transfer rules
        give it, read as SQL from the rules' models and customer fields."""
        days = SQL("%s * INTERVAL '1 day'", self._retention_window())
        # The report's readers need not read the rules: they are configuration.
        Rule = self.env["hr.client.handover.rule"].sudo()
        customer = SQL.identifier("line", "partner_id")
        return SQL(
            """
            WITH moved AS (
                SELECT h.id AS handover_id,
                       COALESCE(
                           (SELECT MIN(t.transferred_on)
                              FROM hr_client_handover_transfer t
                             WHERE t.handover_id = h.id),
                           h.plan_approved_on,
                           h.summary_approved_on,
                           h.done_date::timestamp
                       ) AS transfer_date
                  FROM hr_client_handover h
                 WHERE h.state = %(done)s
            )
            SELECT line.id AS id,
                   line.id AS line_id,
                   line.handover_id,
                   line.partner_id,
                   line.successor_id,
                   h.departing_user_id,
                   h.department_id,
                   h.company_id,
                   h.handover_type,
                   moved.transfer_date,
                   COALESCE(sales.after_count, 0) AS order_count,
                   COALESCE(sales.after_amount, 0) AS order_amount,
                   COALESCE(sales.before_count, 0) AS order_count_before,
                   COALESCE(sales.before_amount, 0) AS order_amount_before,
                   COALESCE(deals.won_after, 0) AS won_count,
                   COALESCE(deals.won_before, 0) AS won_count_before,
                   COALESCE(deals.lost_after, 0) AS lost_count,
                   CASE
                       WHEN outcome.retained THEN 'retained'
                       WHEN COALESCE(deals.lost_after, 0) > 0 THEN 'lost'
                       ELSE 'no_activity'
                   END AS status,
                   outcome.retained::int AS retained,
                   touch.activity_count,
                   touch.last_activity_date,
                   met.met_by_successor,
                   met.met_by_successor::int AS met_count,
                   met.last_meeting_date,
                   risk.at_risk,
                   risk.at_risk::int AS at_risk_count,
                   alert.create_date AS risk_notified_on
              FROM hr_client_handover_line line
              JOIN moved ON moved.handover_id = line.handover_id
              JOIN hr_client_handover h ON h.id = line.handover_id
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) FILTER (WHERE so.date_order >= moved.transfer_date
                                            AND so.date_order
                                                < moved.transfer_date + %(days)s)
                             AS after_count,
                         SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                             FILTER (WHERE so.date_order >= moved.transfer_date
                                       AND so.date_order
                                           < moved.transfer_date + %(days)s)
                             AS after_amount,
                         COUNT(*) FILTER (WHERE so.date_order < moved.transfer_date)
                             AS before_count,
                         SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                             FILTER (WHERE so.date_order < moved.transfer_date)
                             AS before_amount,
                         COUNT(*) FILTER (WHERE so.date_order >= moved.transfer_date)
                             AS since_count
                    FROM sale_order so
                   WHERE so.id IN (SELECT mine.id FROM (%(orders)s) mine)
                     AND so.state = 'sale'
                     AND so.date_order >= moved.transfer_date - %(days)s
              ) sales ON TRUE
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) FILTER (
                             WHERE lead.won_status = 'won'
                               AND lead.date_closed >= moved.transfer_date
                               AND lead.date_closed
                                   < moved.transfer_date + %(days)s
                         ) AS won_after,
                         COUNT(*) FILTER (
                             WHERE lead.won_status = 'won'
                               AND lead.date_closed < moved.transfer_date
                               AND lead.date_closed
                                   >= moved.transfer_date - %(days)s
                         ) AS won_before,
                         COUNT(*) FILTER (
                             WHERE lead.won_status = 'lost'
                               AND COALESCE(lead.date_closed, lead.write_date)
                                   >= moved.transfer_date
                               AND COALESCE(lead.date_closed, lead.write_date)
                                   < moved.transfer_date + %(days)s
                         ) AS lost_after
                    FROM crm_lead lead
                   WHERE lead.id IN (SELECT mine.id FROM (%(deals)s) mine)
              ) deals ON TRUE
              CROSS JOIN LATERAL (
                  SELECT COALESCE(sales.after_count, 0)
                         + COALESCE(deals.won_after, 0) > 0 AS retained
              ) outcome
              LEFT JOIN res_users successor ON successor.id = line.successor_id
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) AS event_count,
                         MAX(event.start) AS last_event_on,
                         MAX(event.start) FILTER (
                             WHERE event.user_id = line.successor_id OR EXISTS (
                                 SELECT 1 FROM calendar_attendee host
                                  WHERE host.event_id = event.id
                                    AND host.partner_id = successor.partner_id
                                    AND host.state IS DISTINCT FROM 'declined')
                         ) AS met_on
                    FROM calendar_event event
                   WHERE event.active
                     AND event.start >= moved.transfer_date
                     AND event.start <= NOW() AT TIME ZONE 'UTC'
                     AND event.id IN (
                         SELECT guest.calendar_event_id
                           FROM res_partner contact
                           JOIN calendar_event_res_partner_rel guest
                             ON guest.res_partner_id = contact.id
                          WHERE contact.commercial_partner_id = line.partner_id)
              ) events ON TRUE
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) AS message_count, MAX(msg.date) AS last_message_on
                    FROM (%(records)s) rec
                    JOIN mail_message msg
                      ON msg.model = rec.model AND msg.res_id = rec.id
                   WHERE msg.date >= moved.transfer_date
                     AND (msg.message_type IN ('comment', 'email')
                          OR msg.mail_activity_type_id IS NOT NULL)
              ) messages ON TRUE
              CROSS JOIN LATERAL (
                  SELECT events.event_count + messages.message_count AS activity_count,
                         GREATEST(events.last_event_on, messages.last_message_on)
                             AS last_activity_date
              ) touch
              CROSS JOIN LATERAL (
                  SELECT (line.visit_successor_confirmed_on IS NOT NULL
                          AND NOT COALESCE(line.visit_waived, FALSE))
                         OR events.met_on IS NOT NULL AS met_by_successor,
                         GREATEST(
                             CASE
                                 WHEN NOT COALESCE(line.visit_waived, FALSE)
                                  AND line.visit_successor_confirmed_on
                                      >= moved.transfer_date
                                 THEN line.visit_successor_confirmed_on
                             END,
                             events.met_on
                         ) AS last_meeting_date
              ) met
              CROSS JOIN LATERAL (
                  SELECT moved.transfer_date + %(days)s <= NOW() AT TIME ZONE 'UTC'
                         AND COALESCE(deals.won_after, 0) = 0
                         AND touch.activity_count = 0
                         AND met.last_meeting_date IS NULL
                         AND sales.since_count = 0 AS at_risk
              ) risk
              LEFT JOIN hr_client_handover_risk_alert alert ON alert.line_id = line.id
            """,
            days=days,
            done=DONE,
            orders=Rule._customer_records_sql(customer, ["sale.order"]),
            deals=Rule._customer_records_sql(customer, ["crm.lead"]),
            records=Rule._customer_records_sql(customer),
        )

    def action_notify_risk_managers(self):
        """List button: give the successor's manager an activity for each
        selected customer at risk, unless one was given already."""
        self.check_access("read")
        scheduled = self._schedule_risk_activities()
        if not scheduled:
            message = self.env._(
                "No new activity: the selected customers are not at risk or "
                "their managers were already told."
            )
        else:
            message = self.env._(
                "%(count)s customers at risk sent to their managers.",
                count=len(scheduled),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success" if scheduled else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_notify_risk_managers(self):
        """Daily: every customer at risk not yet reported to a manager."""
        # The scheduled action's run covers every company and department.
        rows = self.sudo().search(
            [("at_risk", "=", True), ("risk_notified_on", "=", False)]
        )
        rows._schedule_risk_activities()

    def _risk_manager(self):
        """The successor's manager (their employee's parent), else the
        handover's direct supervisor."""
        self.ensure_one()
        # The successor's manager from the organisation chart, whose private
        # fields the officer need not read.
        employee = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.successor_id.id),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                limit=1,
            )
        )
        manager = employee.parent_id.user_id
        if not manager or not manager.active:
            # (sudo: the handover's supervisor, as above.)
            manager = self.handover_id.sudo().supervisor_id
        return manager if manager.active else self.env["res.users"]

    def _schedule_risk_activities(self):
        """One activity per customer at risk and handover line, ever: the
        alert row (unique per line) is taken first, so concurrent runs and
        repeated presses schedule nothing twice. Returns the rows scheduled."""
        # The rows were read (check_access) by whoever pressed the button or
        # run as the scheduled action; the alerts and the customer's activity
        # are the system's record, written by no user's right.
        rows = self.sudo().filtered(lambda row: row.at_risk)
        scheduled = self.browse()
        # (sudo: the alerts, the system's record, as above.)
        Alert = self.env["hr.client.handover.risk.alert"].sudo()
        for row in rows:
            manager = row._risk_manager()
            if not manager:
                continue
            self.env.cr.execute(
                SQL(
                    "INSERT INTO hr_client_handover_risk_alert"
                    " (line_id, partner_id, company_id, user_id, create_uid,"
                    "  create_date, write_uid, write_date)"
                    " VALUES (%s, %s, %s, %s, %s, NOW() AT TIME ZONE 'UTC', %s,"
                    "  NOW() AT TIME ZONE 'UTC')"
                    " ON CONFLICT (line_id) DO NOTHING RETURNING id",
                    row.line_id.id,
                    row.partner_id.id,
                    row.company_id.id,
                    manager.id,
                    self.env.uid,
                    self.env.uid,
                )
            )
            alert_ids = [alert_id for (alert_id,) in self.env.cr.fetchall()]
            if not alert_ids:
                continue
            lang_env = row.with_context(lang=manager.lang).env
            summary = lang_env._("Customer at risk since the handover")
            note = Markup("<p>%s</p>") % lang_env._(
                "%(customer)s was handed over to %(successor)s on %(date)s "
                "(%(handover)s): since then no confirmed order, no activity and "
                "no meeting. Please check with the successor.",
                customer=row.partner_id.display_name,
                successor=row.successor_id.name,
                date=format_date(lang_env, row.transfer_date),
                handover=row.handover_id.display_name,
            )
            # (sudo: on the customer, for their manager, as above.)
            activity = row.partner_id.sudo().activity_schedule(
                "hr_client_handover.mail_act_handover_customer_risk",
                user_id=manager.id,
                summary=summary,
                note=note,
            )
            Alert.browse(alert_ids).activity_id = activity
            scheduled |= row
        self.env.invalidate_all()
        return scheduled


class HrClientHandoverRiskAlert(models.Model):
    """A customer at risk whose successor's manager was given an activity:
    kept so that it is never given twice, even once the activity is done."""

    _name = "hr.client.handover.risk.alert"
    _description = "Client Handover Customer at Risk Alert"
    _rec_name = "partner_id"

    line_id = fields.Many2one(
        "hr.client.handover.line", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Manager", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    company_id = fields.Many2one(related="line_id.company_id", store=True)

    _line_unique = models.Constraint(
        "UNIQUE (line_id)", "A customer at risk is reported to its manager once."
    )
