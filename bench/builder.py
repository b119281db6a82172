"""The benchmark's data set: one departing salesperson's customers and the noise.

``phase_build`` makes, with the ORM, up to 10,000 customers of the departing
salesperson (2 contacts, 3 open opportunities and 2 activities each, a
quotation for every second customer), 5 successors in 2 sales teams, the noise
that must not move (another salesperson's customers, won, lost and archived
opportunities, confirmed orders, records of a second company) and the handover
in plan approval with a line per customer. Above 10,000 customers, ``_multiply``
copies them in SQL with every record the transfer rules give a customer; the
noise stays that of 10,000 customers. ``phase_grow`` does only the copy, from
a data set an earlier run kept.
"""

# Runs inside Odoo, outside its request cycle: it commits what it builds.
# pylint: disable=invalid-commit

import time
from datetime import datetime, timedelta

from common import BUILD_BASE

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_activity_quick_update": True,
    "no_reset_password": True,
}


def create_in_batches(Model, vals_list, size):
    """The records of `vals_list`, created `size` at a time."""
    records = Model.browse()
    for start in range(0, len(vals_list), size):
        records |= Model.create(vals_list[start : start + size])
    return records


def phase_build(env, args):
    started = time.time()
    env = env(context=dict(env.context, **QUIET))
    company = env.ref("base.main_company")
    team = env["crm.team"].create({"name": "Bench Team", "company_id": company.id})
    other_team = env["crm.team"].create(
        {"name": "Bench Team 2", "company_id": company.id}
    )

    def user(login, team_):
        u = env["res.users"].create(
            {
                "name": login.replace(".", " ").title(),
                "login": login,
                "group_ids": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        env["crm.team.member"].create({"crm_team_id": team_.id, "user_id": u.id})
        return u

    departing = user("bench.departing", team)
    successors = [
        user(f"bench.successor{i}", team if i % 2 else other_team) for i in range(5)
    ]
    supervisor = user("bench.supervisor", team)
    approver = user("bench.approver", team)
    manager_emp = env["hr.employee"].create(
        {"name": "Bench Supervisor", "user_id": supervisor.id}
    )
    employee = env["hr.employee"].create(
        {
            "name": "Bench Departing",
            "user_id": departing.id,
            "parent_id": manager_emp.id,
        }
    )
    n = min(args.customers, BUILD_BASE)
    partners = create_in_batches(
        env["res.partner"],
        [
            {
                "name": f"Bench Customer {i:05d}",
                "is_company": True,
                "user_id": departing.id,
                "email": f"c{i}@example.com",
            }
            for i in range(n)
        ],
        1000,
    )
    lead_vals = []
    for idx, partner in enumerate(partners):
        for k in range(3):
            lead_vals.append(
                {
                    "name": f"Deal {idx}-{k}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": departing.id,
                    "team_id": team.id,
                    "expected_revenue": 1000 + idx % 97 * 10,
                }
            )
    leads = create_in_batches(env["crm.lead"], lead_vals, 2000)
    orders = create_in_batches(
        env["sale.order"],
        [
            {"partner_id": p.id, "user_id": departing.id, "team_id": team.id}
            for p in partners[::2]
        ],
        1000,
    )
    todo = env.ref("mail.mail_activity_data_todo")
    partner_model = env["ir.model"]._get_id("res.partner")
    lead_model = env["ir.model"]._get_id("crm.lead")
    deadline = datetime.now().date() + timedelta(days=7)
    act_vals = []
    for idx, partner in enumerate(partners):
        act_vals.append(
            {
                "res_model_id": partner_model,
                "res_id": partner.id,
                "activity_type_id": todo.id,
                "user_id": departing.id,
                "date_deadline": deadline,
                "summary": "Call",
            }
        )
        act_vals.append(
            {
                "res_model_id": lead_model,
                "res_id": leads[3 * idx].id,
                "activity_type_id": todo.id,
                "user_id": departing.id,
                "date_deadline": deadline,
                "summary": "Follow up",
            }
        )
    create_in_batches(env["mail.activity"], act_vals, 2000)
    create_in_batches(
        env["res.partner"],
        [
            {"name": f"Bench Contact {i:05d}-{k}", "parent_id": partner.id}
            for i, partner in enumerate(partners)
            for k in range(2)
        ],
        2000,  # the contacts of 1,000 customers
    )
    noise = _build_noise(env, n, departing, team, user, partners)
    handover = env["hr.client.handover"].create(
        {
            "employee_id": employee.id,
            "supervisor_id": supervisor.id,
            "approver_id": approver.id,
            "witness_id": supervisor.id,
            "last_working_date": deadline + timedelta(days=30),
        }
    )
    env["hr.client.handover.line"].create(
        [
            {
                "handover_id": handover.id,
                "partner_id": p.id,
                "successor_id": successors[i % len(successors)].id,
            }
            for i, p in enumerate(partners)
        ]
    )
    handover.write({"state": "plan_approval"})
    env.cr.commit()
    counts = {
        "leads": len(leads),
        "orders": len(orders),
        "activities": len(act_vals),
    }
    if args.customers > n:
        counts = _multiply(env, handover, args.customers // n)
        env.cr.commit()
    return dict(
        counts,
        seconds=time.time() - started,
        customers=args.customers,
        handover_id=handover.id,
        noise=noise,
    )


def _copy_rows(cr, table, mapping, overrides):
    """Insert a copy of each row of `table` the temporary table `mapping` names
    (old id, copy number, new id), every column as it is except `overrides`
    (column: SQL expression over the source row `t` and the mapping `m`)."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            table,
        )
    )
    kept = [c for (c,) in cr.fetchall() if c != "id" and c not in overrides]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t JOIN %s m ON m.old = t.id",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in ("id", *overrides, *kept)),
            SQL(", ").join(
                [
                    SQL("m.new"),
                    *(SQL(expression) for expression in overrides.values()),
                    *(SQL.identifier("t", c) for c in kept),
                ]
            ),
            SQL.identifier(table),
            SQL.identifier(mapping),
        )
    )
    return cr.rowcount


def _map(cr, name, sequence, select, params=()):
    """Temporary table `name` (old, copy, new[, parent]) of the rows to copy."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(
        SQL(
            "CREATE TEMP TABLE %s AS SELECT s.*, nextval(%s) AS new FROM (%s) s",
            SQL.identifier(name),
            sequence,
            SQL(select, *params),
        )
    )
    cr.execute(SQL("CREATE INDEX ON %s (old)", SQL.identifier(name)))


# What the build calls the copies of a rule's model in its counts.
COUNTED_AS = {
    "crm.lead": "leads",
    "sale.order": "orders",
    "mail.activity": "activities",
}


def _rule_query(env, rule, handover):
    """The records `rule` moves for `handover`'s departing user, as the transfer
    selects them (the rule's own reading: ``_selection_domain``); activities as
    the engine queues them, by their owner and the rule's domain alone."""
    scoped = handover if rule.scope == "partner" else None
    Model = env[rule.model].with_context(active_test=False)
    return Model._search(rule._selection_domain(handover.departing_user_id, scoped))


def _partner_overrides(Model):
    """The copy's columns that point to the customer: to the customer's copy."""
    return {
        name: f'CASE WHEN t."{name}" = m.customer THEN m.parent ELSE t."{name}" END'
        for name, field in Model._fields.items()
        if field.type == "many2one" and field.comodel_name == "res.partner"
        if field.store and field.column_type
    }


def _multiply(env, handover, factor):
    """Copy each customer of `handover` `factor - 1` times with the records the
    transfer rules give it (contacts, open opportunities, quotations...), the
    activities on them, their followers and the customer's handover line."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.flush_all()
    cr = env.cr
    copies = factor - 1
    _map(
        cr,
        "bench_customers",
        "res_partner_id_seq",
        "SELECT l.partner_id AS old, g.n AS copy FROM hr_client_handover_line l,"
        " generate_series(1, %s) g(n) WHERE l.handover_id = %s",
        [copies, handover.id],
    )
    named = "t.name || ' /' || m.copy"
    _copy_rows(
        cr,
        "res_partner",
        "bench_customers",
        {
            "name": named,
            "complete_name": named,
            "email": "'c' || m.new || '@example.com'",
            "commercial_partner_id": "m.new",
        },
    )
    # (model, mapping of its copied rows): what the activities and followers
    # of the originals follow.
    copied = [("res.partner", "bench_customers")]
    counts = {}
    Rule = env["hr.client.handover.rule"]
    for index, rule in enumerate(Rule.search([("scope", "=", "partner")])):
        Model = env[rule.model]
        table = Model._table
        query = _rule_query(env, rule, handover)
        if rule.model == "res.partner":  # the customers are copied above
            query.add_where(
                SQL(
                    "%s NOT IN (SELECT old FROM bench_customers)",
                    SQL.identifier(table, "id"),
                )
            )
        mapping = f"bench_rule_{index}"
        _map(
            cr,
            mapping,
            f"{table}_id_seq",
            SQL(
                "SELECT r.id AS old, p.copy, p.new AS parent, p.old AS customer"
                " FROM %s r JOIN bench_customers p ON p.old = r.%s WHERE r.id IN %s",
                SQL.identifier(table),
                SQL.identifier(rule.partner_field),
                query.subselect(),
            ),
        )
        overrides = _partner_overrides(Model)
        if "name" in Model._fields and Model._fields["name"].store:
            overrides["name"] = named
        if rule.model == "res.partner":  # a contact's name says its company's
            overrides["complete_name"] = (
                "(SELECT name FROM res_partner WHERE id = m.parent)"
                " || ', ' || t.name || ' /' || m.copy"
            )
        rows = _copy_rows(cr, table, mapping, overrides)
        counts[rule.model] = counts.get(rule.model, 0) + rows
        copied.append((rule.model, mapping))

    def following(table):
        """SELECT of the rows of `table` (res_model, res_id) on copied records."""
        return " UNION ALL ".join(
            f"SELECT x.id AS old, m.copy, m.new AS parent FROM {table} x"  # noqa: S608
            f" JOIN {mapping} m ON m.old = x.res_id WHERE x.res_model = '{model}'"
            for model, mapping in copied
        )

    for index, rule in enumerate(Rule.search([("scope", "=", "moved_records")])):
        # The activities on the customers and on the records copied with them.
        mapping = f"bench_follow_{index}"
        table = env[rule.model]._table
        _map(
            cr,
            mapping,
            f"{table}_id_seq",
            SQL(
                "SELECT s.* FROM (%s) s WHERE s.old IN %s",
                SQL(following(table)),
                _rule_query(env, rule, handover).subselect(),
            ),
        )
        rows = _copy_rows(cr, table, mapping, {"res_id": "m.parent"})
        counts[rule.model] = counts.get(rule.model, 0) + rows
    _map(cr, "bench_followers", "mail_followers_id_seq", following("mail_followers"))
    _copy_rows(cr, "mail_followers", "bench_followers", {"res_id": "m.parent"})
    cr.execute(
        "INSERT INTO mail_followers_mail_message_subtype_rel"
        " (mail_followers_id, mail_message_subtype_id)"
        " SELECT m.new, r.mail_message_subtype_id"
        " FROM mail_followers_mail_message_subtype_rel r"
        " JOIN bench_followers m ON m.old = r.mail_followers_id"
    )
    _map(
        cr,
        "bench_lines",
        "hr_client_handover_line_id_seq",
        "SELECT l.id AS old, p.copy, p.new AS parent FROM hr_client_handover_line l"
        " JOIN bench_customers p ON p.old = l.partner_id WHERE l.handover_id = %s",
        [handover.id],
    )
    _copy_rows(cr, "hr_client_handover_line", "bench_lines", {"partner_id": "m.parent"})
    tables = {env[model]._table for model, _mapping in copied}
    tables |= {env[model]._table for model in counts}
    for table in sorted(tables | {"mail_followers", "hr_client_handover_line"}):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    # The handover's stored counters, after its lines were copied in SQL.
    handover._recount_counters()
    lines = handover.line_count
    return {
        **{
            COUNTED_AS.get(model, model): rows * factor // copies
            for model, rows in counts.items()
            if model != "res.partner"
        },
        "lines": lines,
    }


def _build_noise(env, n, departing, team, user, partners):
    """Records the transfer must leave alone: another salesperson's customers,
    won, lost and archived opportunities, confirmed orders, and the departing
    user's records in a second company."""
    other = user("bench.other", team)
    stage_won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    others = env["res.partner"].create(
        [
            {"name": f"Other Customer {i}", "is_company": True, "user_id": other.id}
            for i in range(max(n // 10, 1))
        ]
    )
    chunk = max(n // 20, 1)

    def leads(label, customers, owner=departing, **values):
        """An opportunity `label` of each of `customers`, of `owner`."""
        return env["crm.lead"].create(
            [
                dict(
                    {"type": "opportunity", "team_id": team.id},
                    name=f"{label} {p.id}",
                    partner_id=p.id,
                    user_id=owner.id,
                    **values,
                )
                for p in customers
            ]
        )

    leads("Other", others, owner=other)
    leads("Won", partners[:chunk], stage_id=stage_won.id, probability=100)
    leads("Lost", partners[chunk : 2 * chunk]).action_set_lost()
    leads("Archived", partners[2 * chunk : 3 * chunk]).action_archive()
    confirmed = env["sale.order"].create(
        [
            {"partner_id": p.id, "user_id": departing.id, "team_id": team.id}
            for p in partners[3 * chunk : 4 * chunk]
        ]
    )
    confirmed.action_confirm()
    company2 = env["res.company"].create({"name": "Bench Second Company"})
    departing.company_ids |= company2
    team2 = env["crm.team"].create({"name": "Bench Team C2", "company_id": company2.id})
    leads("C2", partners[:chunk], company_id=company2.id, team_id=team2.id)
    return {
        "other_owner_customers": len(others),
        "departing_noise_leads": 4 * chunk,
        "confirmed_orders": chunk,
    }


def phase_grow(env, args):
    started = time.time()
    counts = _multiply(env, built_handover(env), args.customers // BUILD_BASE)
    env.cr.commit()
    return dict(counts, seconds=time.time() - started)


def built_handover(env):
    """The handover the build left in plan approval."""
    return env["hr.client.handover"].search([("state", "=", "plan_approval")], limit=1)
