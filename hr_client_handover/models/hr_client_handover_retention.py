"""Did the customers stay? One row per customer of a done handover: what the
customer bought and won before and after the transfer, and whether it stayed.

A customer is *retained* when it confirmed a sales order or an opportunity of
it was won in the retention window after the transfer (90 days, Settings >
Client Handover), *lost* when only lost opportunities followed, and *without
activity* when nothing followed. "Before" counts the same figures over the
window before the transfer, for comparison.
The transfer date is the first move of the handover's ledger, else the plan's
or the summary's approval.
"""

from odoo import fields, models
from odoo.tools import SQL

from .hr_client_handover_template import HANDOVER_TYPES

RETENTION_DAYS = 90
RETENTION_STATUS = [
    ("retained", "Retained"),
    ("lost", "Lost"),
    ("no_activity", "No activity"),
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

    @property
    def _table_query(self):
        setting = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("hr_client_handover.retention_days")
        )
        try:
            window = max(int(setting or RETENTION_DAYS), 1)
        except ValueError:
            window = RETENTION_DAYS
        days = SQL("%s * INTERVAL '1 day'", window)
        return SQL(
            """
            WITH moved AS (
                SELECT h.id AS handover_id,
                       COALESCE(
                           (SELECT MIN(t.transferred_at)
                              FROM hr_client_handover_transfer t
                             WHERE t.handover_id = h.id),
                           h.plan_approved_on,
                           h.summary_approved_on,
                           h.done_date::timestamp
                       ) AS transfer_date
                  FROM hr_client_handover h
                 WHERE h.state = 'done'
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
                       WHEN COALESCE(sales.after_count, 0)
                            + COALESCE(deals.won_after, 0) > 0 THEN 'retained'
                       WHEN COALESCE(deals.lost_after, 0) > 0 THEN 'lost'
                       ELSE 'no_activity'
                   END AS status,
                   CASE
                       WHEN COALESCE(sales.after_count, 0)
                            + COALESCE(deals.won_after, 0) > 0 THEN 1
                       ELSE 0
                   END AS retained
              FROM hr_client_handover_line line
              JOIN moved ON moved.handover_id = line.handover_id
              JOIN hr_client_handover h ON h.id = line.handover_id
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) FILTER (WHERE so.date_order >= moved.transfer_date)
                             AS after_count,
                         SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                             FILTER (WHERE so.date_order >= moved.transfer_date)
                             AS after_amount,
                         COUNT(*) FILTER (WHERE so.date_order < moved.transfer_date)
                             AS before_count,
                         SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                             FILTER (WHERE so.date_order < moved.transfer_date)
                             AS before_amount
                    FROM sale_order so
                    JOIN res_partner buyer ON buyer.id = so.partner_id
                   WHERE buyer.commercial_partner_id = line.partner_id
                     AND so.state = 'sale'
                     AND so.date_order >= moved.transfer_date - %(days)s
                     AND so.date_order < moved.transfer_date + %(days)s
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
                    JOIN res_partner contact ON contact.id = lead.partner_id
                   WHERE contact.commercial_partner_id = line.partner_id
              ) deals ON TRUE
            """,
            days=days,
        )
