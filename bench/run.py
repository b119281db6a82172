"""Benchmark of the ownership transfer engine against the naive path and the floor.

Builds, in a fresh database, one departing salesperson owning N customers (2
contacts, 3 open opportunities and 2 activities each, a quotation for every
second customer), 5 successors in 2 sales teams, and noise that must not move
(another salesperson's customers, won, lost and archived opportunities,
confirmed orders, records of a second company). Then measures each path in its
own process on a fresh copy of that database, `--repeat` times, and reports the
median:

* engine: as a user gets it, the background path from approval until the last
  batch is committed (wall seconds, every SQL statement, peak RSS); then the
  handover form's server time; then the revert, likewise in the background;
* naive:  per-record ORM ``write({'user_id': ...})`` with default tracking,
  including the commit where Odoo writes the tracking messages, on a sample;
* floor:  one raw SQL UPDATE per table on the same rows;
* screens: what a user waits for on a handover of 10,000 customers: generating
  its lines, assigning successors (balanced split), opening the form, printing
  each PDF.

Prints a table and the targets (exit status 1 when one is missed), writes JSON
under bench/results/.

Above 10,000 customers the build copies the 10,000 it made with the ORM in SQL
(customers, contacts, open deals, quotations, activities, followers, lines);
the noise stays that of 10,000 customers.

Usage: python bench/run.py [--customers N | --quick] [--repeat N] [--sample N]
       [--db-prefix NAME] [--keep] [--reuse] [--grow TEMPLATE]
"""

# A command-line tool outside Odoo's request cycle: it prints its report and
# commits the databases it builds.
# pylint: disable=print-used,invalid-commit

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE_DB = "handover_base"
TARGETS = {
    "engine_seconds_100k": 600,
    "per_record_growth": 1.25,
    "peak_rss_mb": 1024,
    "queries_per_record": 0.03,
    "vs_floor": 10,
    "vs_naive": 50,
    "revert_seconds_100k": 600,
    "generate_seconds": 10,
    "assign_seconds": 5,
    "form_seconds": 1,
    "pdf_seconds": 120,
}


# ----------------------------------------------------------------------
# Orchestration (no Odoo import here)
# ----------------------------------------------------------------------
def _run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def _odoo(*args):
    _run(
        [str(ROOT / "scripts" / "odoo"), *args, "--log-level=warn"],
        stdout=subprocess.DEVNULL,
    )


def _phase(phase, db, args):
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--db",
            db,
            "--customers",
            str(args.customers),
            "--sample",
            str(args.sample),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.stderr.write(out.stderr[-5000:])
        raise SystemExit(f"bench: the {phase} phase failed on {db}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh_copy(args):
    _run(["dropdb", "--if-exists", args.run_db])
    _run(["createdb", "-T", args.template_db, args.run_db])


def _median(values):
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def _median_result(runs):
    """Median of every number over the runs; the rest from the first run."""
    result = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            result[key] = _median([run[key] for run in runs])
    result["runs"] = runs
    return result


def orchestrate(args):
    started = time.time()
    template, run_db = args.template_db, args.run_db
    built = ROOT / "var" / f"bench-{template}-{args.customers}.json"
    if args.reuse and built.exists():
        # The data set of an earlier run with --keep, brought to the working
        # tree's code.
        print(f"bench: reusing {template} ({args.customers} customers)", flush=True)
        _odoo("-d", template, "-u", "hr_client_handover", "--stop-after-init")
        build = json.loads(built.read_text())
    elif args.grow:
        # The 10,000 customers kept by an earlier run with --keep, copied up to
        # this size in SQL (what the build does above 10,000 anyway).
        base = json.loads(
            (ROOT / "var" / f"bench-{args.grow}-{BUILD_BASE}.json").read_text()
        )
        _run(["dropdb", "--if-exists", template])
        _run(["createdb", "-T", args.grow, template])
        _odoo("-d", template, "-u", "hr_client_handover", "--stop-after-init")
        print(f"bench: growing {args.grow} to {args.customers} customers", flush=True)
        grown = _phase("grow", template, args)
        build = {
            **base,
            **grown,
            "customers": args.customers,
            "seconds": base["seconds"] + grown["seconds"],
        }
        built.write_text(json.dumps(build))
    else:
        built.unlink(missing_ok=True)
        _run(["dropdb", "--if-exists", template])
        _run(["createdb", "-T", BASE_DB, template])
        _odoo("-d", template, "-i", "hr_client_handover", "--stop-after-init")
        print(f"bench: building {args.customers} customers ...", flush=True)
        build = _phase("build", template, args)
        built.parent.mkdir(exist_ok=True)
        built.write_text(json.dumps(build))
    results = {"build": build}
    # Each path in turn, on a fresh copy, `repeat` times: the paths share the
    # machine's noise instead of one of them getting a quiet minute.
    runs = {phase: [] for phase in ("engine", "naive", "floor", "screens")}
    for attempt in range(args.repeat):
        for phase in runs:
            print(
                f"bench: measuring {phase} ({attempt + 1}/{args.repeat}) ...",
                flush=True,
            )
            _fresh_copy(args)
            runs[phase].append(_phase(phase, run_db, args))
    for phase, phase_runs in runs.items():
        results[phase] = _median_result(phase_runs)
    _run(["dropdb", "--if-exists", run_db])
    if not args.keep:
        _run(["dropdb", "--if-exists", template])
        built.unlink(missing_ok=True)
    return report(args, results, time.time() - started)


def _growth_check(args, per_engine):
    """Cost per moved record at this size against the latest 10,000 run."""
    if args.customers <= 10000:
        return []
    quick = sorted((HERE / "results").glob("bench-10000-*.json"))
    if not quick:
        return []
    engine = json.loads(quick[-1].read_text())["results"]["engine"]
    growth = per_engine / (engine["seconds"] / engine["moved"])
    return [
        (
            f"cost per record within 1.25x of 10,000 customers' ({growth:.2f}x)",
            growth <= TARGETS["per_record_growth"],
        )
    ]


def report(args, results, elapsed):
    engine, naive, floor = results["engine"], results["naive"], results["floor"]
    moved = engine["moved"]
    per_engine = engine["seconds"] / moved
    per_naive = naive["seconds"] / naive["records"]
    per_floor = floor["seconds"] / floor["records"]
    rows = [
        (
            "engine",
            moved,
            engine["seconds"],
            engine["queries"],
            engine["transfer_rss_mb"],
        ),
        (
            "naive (sample)",
            naive["records"],
            naive["seconds"],
            naive["queries"],
            naive["peak_rss_mb"],
        ),
        (
            "floor (raw SQL)",
            floor["records"],
            floor["seconds"],
            floor["queries"],
            floor["peak_rss_mb"],
        ),
    ]
    print()
    print(
        f"{'path':<18}{'records':>10}{'seconds':>10}{'ms/record':>11}"
        f"{'queries':>10}{'q/record':>10}{'peak RSS MB':>13}"
    )
    for name, count, seconds, queries, rss in rows:
        print(
            f"{name:<18}{count:>10}{seconds:>10.2f}{1000 * seconds / count:>11.4f}"
            f"{queries:>10}{queries / count:>10.3f}{rss:>13.0f}"
        )
    print()
    print(f"moved: {json.dumps(engine['by_model'])}")
    print(f"engine vs naive: {per_naive / per_engine:.1f}x faster per moved record")
    print(
        f"engine vs floor: {per_engine / per_floor:.1f}x the raw-SQL floor per record"
    )
    print(
        f"handover form opened ({engine['lines']} lines, first page of 40): "
        f"{engine['form_read_seconds']:.2f} s server time, "
        f"{engine['form_read_queries']} queries; all lines at once: "
        f"{engine['all_lines_read_seconds']:.2f} s, "
        f"{engine['all_lines_read_queries']} queries"
    )
    print(
        f"revert ({engine['reverted']} values given back, background path): "
        f"{engine['revert_seconds']:.2f} s, {engine['revert_queries']} queries"
    )
    screens = results["screens"]
    print(
        f"screens at {screens['lines']} lines: generate {screens['generate']:.2f} s,"
        f" assign (balanced split {screens['balance']}) {screens['assign']:.2f} s,"
        f" form {screens['form']:.2f} s ({screens['form_queries']} queries),"
        f" PDFs: plan {screens['pdf_plan']:.1f} s ({screens['pdf_plan_pages']} pages),"
        f" visits {screens['pdf_visits']:.1f} s ({screens['pdf_visits_pages']}),"
        f" summary {screens['pdf_summary']:.1f} s ({screens['pdf_summary_pages']})"
    )
    print(f"(build {results['build']['seconds']:.0f} s, whole run {elapsed:.0f} s)")
    scale = args.customers / 100000
    checks = [
        (
            "whole background transfer <= "
            f"{TARGETS['engine_seconds_100k'] * scale:.0f} s"
            " (10 min at 100,000 customers, pro rata)",
            engine["seconds"] <= TARGETS["engine_seconds_100k"] * scale,
        ),
        *_growth_check(args, per_engine),
        (
            f"revert <= {TARGETS['revert_seconds_100k'] * scale:.0f} s",
            engine["revert_seconds"] <= TARGETS["revert_seconds_100k"] * scale,
        ),
        (
            f"peak RSS of the transfer <= 1 GB ({engine['transfer_rss_mb']:.0f} MB;"
            f" {engine['peak_rss_mb']:.0f} MB after reading every line of the form)",
            engine["transfer_rss_mb"] <= TARGETS["peak_rss_mb"],
        ),
        (
            "<= 0.03 queries per moved record",
            engine["queries"] / moved <= TARGETS["queries_per_record"],
        ),
        ("<= 10x the raw-SQL floor", per_engine / per_floor <= TARGETS["vs_floor"]),
        (">= 50x faster than naive", per_naive / per_engine >= TARGETS["vs_naive"]),
        ("noise left alone", engine["noise_after"] == results["build"]["noise"]),
        (
            f"form of {screens['lines']} lines <= 1 s server time (before approval)",
            screens["form"] <= TARGETS["form_seconds"],
        ),
        *(
            (
                (
                    f"form of {engine['lines']} lines <= 1 s server time"
                    " (after the transfer)",
                    engine["form_read_seconds"] <= TARGETS["form_seconds"],
                ),
            )
            if engine["lines"] <= SCREEN_LINES
            else ()
        ),
        (
            f"generate {screens['lines']} lines <= 10 s",
            screens["generate"] <= TARGETS["generate_seconds"],
        ),
        ("assign successors <= 5 s", screens["assign"] <= TARGETS["assign_seconds"]),
        *(
            (
                f"{kind} PDF <= 120 s",
                screens[f"pdf_{kind}"] <= TARGETS["pdf_seconds"],
            )
            for kind in REPORTS
        ),
    ]
    missed = 0
    for label, ok in checks:
        missed += not ok
        print(f"  {'met   ' if ok else 'MISSED'}  {label}")
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "customers": args.customers,
        "repeat": args.repeat,
        "targets_met": {label: ok for label, ok in checks},
        "results": results,
        "ratios": {
            "engine_vs_naive_speedup": per_naive / per_engine,
            "engine_vs_floor": per_engine / per_floor,
            "engine_queries_per_record": engine["queries"] / moved,
        },
    }
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = out_dir / f"bench-{args.customers}-{stamp}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(f"results written to bench/results/{path.name}")
    return 1 if missed else 0


# ----------------------------------------------------------------------
# Phases (run inside Odoo)
# ----------------------------------------------------------------------
def _env(db):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".odoo.conf"), "-d", db, "--log-level=warn"]
    )
    registry = Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, api.SUPERUSER_ID, {}), cr


QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_activity_quick_update": True,
    "no_reset_password": True,
}


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


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
    partners = env["res.partner"]
    for start in range(0, n, 1000):
        partners |= env["res.partner"].create(
            [
                {
                    "name": f"Bench Customer {i:05d}",
                    "is_company": True,
                    "user_id": departing.id,
                    "email": f"c{i}@example.com",
                }
                for i in range(start, min(n, start + 1000))
            ]
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
    leads = env["crm.lead"]
    for start in range(0, len(lead_vals), 2000):
        leads |= env["crm.lead"].create(lead_vals[start : start + 2000])
    orders = env["sale.order"]
    order_vals = [
        {"partner_id": p.id, "user_id": departing.id, "team_id": team.id}
        for p in partners[::2]
    ]
    for start in range(0, len(order_vals), 1000):
        orders |= env["sale.order"].create(order_vals[start : start + 1000])
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
    for start in range(0, len(act_vals), 2000):
        env["mail.activity"].create(act_vals[start : start + 2000])
    for start in range(0, n, 1000):
        env["res.partner"].create(
            [
                {"name": f"Bench Contact {i:05d}-{k}", "parent_id": partners[i].id}
                for i in range(start, min(n, start + 1000))
                for k in range(2)
            ]
        )
    noise = _build_noise(env, n, departing, team, user, partners)
    handover = env["hr.client.handover"].create(
        {
            "employee_id": employee.id,
            "supervisor_id": supervisor.id,
            "approver_id": approver.id,
            "witness_id": supervisor.id,
            "last_working_day": deadline + timedelta(days=30),
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


# The ORM builds 10,000 customers in about 9 minutes on this machine; larger
# data sets copy those customers in SQL, with everything that moves with them.
BUILD_BASE = 10000


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


def _map(cr, name, sequence, select, params):
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


def _multiply(env, handover, factor):
    """Copy each customer of `handover` `factor - 1` times with its contacts,
    open opportunities, quotations, activities, followers and handover line."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.flush_all()
    cr = env.cr
    departing = handover.departing_user_id.id
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
    _map(
        cr,
        "bench_contacts",
        "res_partner_id_seq",
        "SELECT c.id AS old, p.copy, p.new AS parent FROM res_partner c"
        " JOIN bench_customers p ON p.old = c.parent_id",
        [],
    )
    _copy_rows(
        cr,
        "res_partner",
        "bench_contacts",
        {
            "name": named,
            "complete_name": "(SELECT name FROM res_partner WHERE id = m.parent)"
            " || ', ' || t.name || ' /' || m.copy",
            "parent_id": "m.parent",
            "commercial_partner_id": "m.parent",
        },
    )
    _map(
        cr,
        "bench_leads",
        "crm_lead_id_seq",
        "SELECT d.id AS old, p.copy, p.new AS parent FROM crm_lead d"
        " JOIN bench_customers p ON p.old = d.partner_id"
        " WHERE d.user_id = %s AND d.active AND d.won_status = 'pending'"
        " AND d.company_id = %s",
        [departing, handover.company_id.id],
    )
    leads = _copy_rows(
        cr,
        "crm_lead",
        "bench_leads",
        {"name": named, "partner_id": "m.parent"},
    )
    _map(
        cr,
        "bench_orders",
        "sale_order_id_seq",
        "SELECT o.id AS old, p.copy, p.new AS parent FROM sale_order o"
        " JOIN bench_customers p ON p.old = o.partner_id"
        " WHERE o.user_id = %s AND o.state = 'draft'",
        [departing],
    )
    orders = _copy_rows(
        cr,
        "sale_order",
        "bench_orders",
        {
            "name": named,
            "partner_id": "m.parent",
            "partner_invoice_id": "m.parent",
            "partner_shipping_id": "m.parent",
        },
    )
    records = (
        ("res.partner", "bench_customers"),
        ("crm.lead", "bench_leads"),
        ("sale.order", "bench_orders"),
    )
    activity_select = " UNION ALL ".join(
        f"SELECT a.id AS old, m.copy, m.new AS parent FROM mail_activity a"  # noqa: S608
        f" JOIN {mapping} m ON m.old = a.res_id WHERE a.res_model = '{model}'"
        for model, mapping in records
    )
    _map(cr, "bench_activities", "mail_activity_id_seq", activity_select, [])
    activities = _copy_rows(
        cr, "mail_activity", "bench_activities", {"res_id": "m.parent"}
    )
    follower_select = " UNION ALL ".join(
        f"SELECT f.id AS old, m.copy, m.new AS parent FROM mail_followers f"  # noqa: S608
        f" JOIN {mapping} m ON m.old = f.res_id WHERE f.res_model = '{model}'"
        for model, mapping in records
    )
    _map(cr, "bench_followers", "mail_followers_id_seq", follower_select, [])
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
    for table in (
        "res_partner",
        "crm_lead",
        "sale_order",
        "mail_activity",
        "mail_followers",
        "hr_client_handover_line",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    lines = len(handover.line_ids)
    return {
        "leads": leads * factor // copies,
        "orders": orders * factor // copies,
        "activities": activities * factor // copies,
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
    lead = {"type": "opportunity", "team_id": team.id}
    env["crm.lead"].create(
        [
            dict(lead, name=f"Other {p.id}", partner_id=p.id, user_id=other.id)
            for p in others
        ]
    )
    env["crm.lead"].create(
        [
            dict(
                lead,
                name=f"Won {p.id}",
                partner_id=p.id,
                user_id=departing.id,
                stage_id=stage_won.id,
                probability=100,
            )
            for p in partners[:chunk]
        ]
    )
    lost = env["crm.lead"].create(
        [
            dict(lead, name=f"Lost {p.id}", partner_id=p.id, user_id=departing.id)
            for p in partners[chunk : 2 * chunk]
        ]
    )
    lost.action_set_lost()
    archived = env["crm.lead"].create(
        [
            dict(lead, name=f"Archived {p.id}", partner_id=p.id, user_id=departing.id)
            for p in partners[2 * chunk : 3 * chunk]
        ]
    )
    archived.action_archive()
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
    env["crm.lead"].create(
        [
            dict(
                lead,
                name=f"C2 {p.id}",
                partner_id=p.id,
                user_id=departing.id,
                company_id=company2.id,
                team_id=team2.id,
            )
            for p in partners[:chunk]
        ]
    )
    return {
        "other_owner_customers": len(others),
        "departing_noise_leads": 4 * chunk,
        "confirmed_orders": chunk,
    }


def phase_grow(env, args):
    started = time.time()
    counts = _multiply(env, _handover(env), args.customers // BUILD_BASE)
    env.cr.commit()
    return dict(counts, seconds=time.time() - started)


def _noise_left_alone(env, handover):
    """The noise still belongs to whom it did."""
    departing = handover.departing_user_id
    leads = (
        env["crm.lead"]
        .with_context(active_test=False)
        .search_count(
            [
                ("user_id", "=", departing.id),
                "|",
                "|",
                ("active", "=", False),
                ("won_status", "!=", "pending"),
                ("company_id", "!=", handover.company_id.id),
            ]
        )
    )
    orders = env["sale.order"].search_count(
        [("user_id", "=", departing.id), ("state", "=", "sale")]
    )
    others = env["res.partner"].search_count([("user_id.login", "=", "bench.other")])
    return {
        "departing_noise_leads": leads,
        "confirmed_orders": orders,
        "other_owner_customers": others,
    }


# The handover form, read as the web client does: the header with its figures
# and the first page (40 rows) of the customer lines.
LINE_FIELDS = {
    "partner_id": {"fields": {"display_name": {}}},
    "successor_id": {"fields": {"display_name": {}}},
    "opportunity_count": {},
    "expected_revenue": {},
    "quotation_count": {},
    "activity_count": {},
    "line_progress": {},
    "visit_state": {},
}
FORM_LINES = {"limit": 40, "order": "sequence ASC, id ASC", "fields": LINE_FIELDS}
FORM_HEADER = {
    name: {}
    for name in (
        "name",
        "state",
        "transfer_state",
        "line_count",
        "successor_count",
        "materials_done_count",
        "visit_done_count",
        "spot_check_count",
        "progress",
        "transfer_done",
        "transfer_progress",
        "transfer_total",
        "user_roles",
        "is_overdue",
    )
}


def _handover(env):
    return env["hr.client.handover"].search([("state", "=", "plan_approval")], limit=1)


def _run_background(env, handover):
    """What the scheduled action does, until the handover leaves `state`."""
    Handover = env["hr.client.handover"]
    state = handover.transfer_state
    while state in ("running", "reverting"):
        Handover._cron_run_transfers()
        env.cr.commit()
        handover.invalidate_recordset()
        state = handover.transfer_state


def phase_engine(env, args):
    """The engine as a user gets it: approval, then the background job, until the
    last batch is committed; then the form; then the revert, likewise."""
    handover = _handover(env)
    approver = handover.approver_id
    cr = env.cr
    env.invalidate_all()
    queries = cr.sql_log_count
    started = time.time()
    handover.with_user(approver).action_approve_plan()
    cr.commit()
    _run_background(env, handover)
    seconds = time.time() - started
    queries = cr.sql_log_count - queries
    # The transfer's own peak, before the form reads below load every line.
    transfer_rss = _peak_rss_mb()
    noise = _noise_left_alone(env, handover)
    by_model = dict(
        env["hr.client.handover.transfer"]._read_group(
            [("handover_id", "=", handover.id), ("outcome", "=", "moved")],
            ["res_model"],
            ["__count"],
        )
    )
    moved = sum(by_model.values())
    cr.commit()
    # Server time of the form on the handover just transferred; then, as a
    # worst case, every line with its counts at once.
    timings = {}
    for key, lines_spec in (
        ("form", FORM_LINES),
        ("all_lines", {"fields": LINE_FIELDS}),
    ):
        env.invalidate_all()
        q0 = cr.sql_log_count
        t0 = time.time()
        handover.with_user(approver).web_read(dict(FORM_HEADER, line_ids=lines_spec))
        timings[key] = (time.time() - t0, cr.sql_log_count - q0)
    env.invalidate_all()
    q0 = cr.sql_log_count
    t0 = time.time()
    handover.with_user(handover.supervisor_id)._do_cancel("bench", revert=True)
    cr.commit()
    _run_background(env, handover)
    revert_seconds = time.time() - t0
    revert_queries = cr.sql_log_count - q0
    reverted = env["hr.client.handover.transfer"].search_count(
        [("handover_id", "=", handover.id), ("reverted_at", "!=", False)]
    )
    return {
        "seconds": seconds,
        "queries": queries,
        "moved": moved,
        "noise_after": noise,
        "revert_seconds": revert_seconds,
        "revert_queries": revert_queries,
        "reverted": reverted,
        "by_model": by_model,
        "peak_rss_mb": _peak_rss_mb(),
        "transfer_rss_mb": transfer_rss,
        "transfer_state": handover.transfer_state,
        "lines": len(handover.line_ids),
        "form_read_seconds": timings["form"][0],
        "form_read_queries": timings["form"][1],
        "all_lines_read_seconds": timings["all_lines"][0],
        "all_lines_read_queries": timings["all_lines"][1],
    }


def phase_naive(env, args):
    """Per-record ORM writes with default tracking, as a user editing one by one."""
    handover = _handover(env)
    departing = handover.departing_user_id
    successor = handover.line_ids[0].successor_id
    sample = args.sample
    targets = [
        env["res.partner"].search([("user_id", "=", departing.id)], limit=sample),
        env["crm.lead"].search([("user_id", "=", departing.id)], limit=sample),
        env["sale.order"].search([("user_id", "=", departing.id)], limit=sample // 2),
        env["mail.activity"].search([("user_id", "=", departing.id)], limit=sample),
    ]
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    started = time.time()
    count = 0
    for records in targets:
        for record in records:
            record.write({"user_id": successor.id})
            count += 1
    # Tracking messages are written at commit: part of the naive path's cost.
    env.cr.commit()
    seconds = time.time() - started
    return {
        "seconds": seconds,
        "queries": cr.sql_log_count - queries,
        "records": count,
        "peak_rss_mb": _peak_rss_mb(),
    }


def phase_floor(env, args):
    """One raw UPDATE per table: the database's own lower bound."""
    handover = _handover(env)
    departing = handover.departing_user_id.id
    successor = handover.line_ids[0].successor_id.id
    cr = env.cr
    queries = cr.sql_log_count
    started = time.time()
    count = 0
    for table, extra in (
        ("res_partner", ""),
        ("crm_lead", " AND active AND won_status = 'pending'"),
        ("sale_order", " AND state IN ('draft', 'sent')"),
        ("mail_activity", ""),
    ):
        cr.execute(
            f"UPDATE {table} SET user_id = %s WHERE user_id = %s{extra}",  # noqa: S608
            [successor, departing],
        )
        count += cr.rowcount
    seconds = time.time() - started
    return {
        "seconds": seconds,
        "queries": cr.sql_log_count - queries,
        "records": count,
        "peak_rss_mb": _peak_rss_mb(),
    }


SCREEN_LINES = 10000
REPORTS = {
    "plan": "hr_client_handover.action_report_handover_plan",
    "visits": "hr_client_handover.action_report_handover_visits",
    "summary": "hr_client_handover.action_report_handover_summary",
}


def _serve(db, port):
    """An Odoo server on `db` for wkhtmltopdf to fetch the report styles from,
    as it does in production; returned once it answers."""
    import urllib.request  # noqa: PLC0415

    server = subprocess.Popen(
        [
            str(ROOT / "scripts" / "odoo"),
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the Odoo server for {db} did not answer on port {port}")


def phase_screens(env, args):
    """What a user waits for on a handover of 10,000 customers: generating the
    lines, assigning successors with a balanced split, opening the form, and
    printing each PDF (wkhtmltopdf through a running server, as in production).
    The built handover is replaced by a draft one of the same departing
    employee; above 10,000 customers the rest go to another salesperson first."""
    from odoo import Command  # noqa: PLC0415

    built = _handover(env)
    employee = built.employee_id
    departing = built.departing_user_id
    successors = built.line_ids.successor_id
    values = {
        "employee_id": employee.id,
        "supervisor_id": built.supervisor_id.id,
        "approver_id": built.approver_id.id,
        "witness_id": built.witness_id.id,
        "last_working_day": built.last_working_day,
    }
    cr = env.cr
    for table in ("hr_client_handover_seal", "hr_client_handover"):
        column = "handover_id" if table != "hr_client_handover" else "id"
        cr.execute(
            f"DELETE FROM {table} WHERE {column} = %s",  # noqa: S608
            [built.id],
        )
    other = env["res.users"].search([("login", "=", "bench.other")])
    # Above 10,000 customers, the rest go to another salesperson with their
    # contacts, deals, quotations and activities (the lines are generated from
    # all of them).
    cr.execute(
        "CREATE TEMP TABLE bench_away AS SELECT p.id FROM res_partner p"
        " WHERE p.commercial_partner_id IN (SELECT id FROM res_partner"
        " WHERE user_id = %s AND is_company ORDER BY id OFFSET %s)",
        [departing.id, SCREEN_LINES],
    )
    cr.execute("CREATE INDEX ON bench_away (id)")
    for table, related in (
        ("mail_activity", "res_model = 'res.partner' AND res_id"),
        ("mail_activity", "res_model = 'crm.lead' AND res_id"),
        ("mail_activity", "res_model = 'sale.order' AND res_id"),
        ("res_partner", "id"),
        ("crm_lead", "partner_id"),
        ("sale_order", "partner_id"),
    ):
        away = "SELECT id FROM bench_away"
        if table == "mail_activity" and "res.partner" not in related:
            model_table = "crm_lead" if "crm.lead" in related else "sale_order"
            away = f"SELECT id FROM {model_table} WHERE partner_id IN ({away})"
        cr.execute(
            f"UPDATE {table} SET user_id = %s"  # noqa: S608
            f" WHERE user_id = %s AND {related} IN ({away})",
            [other.id, departing.id],
        )
    env.invalidate_all()
    handover = env["hr.client.handover"].create(values)
    cr.commit()
    timings = {}

    def timed(key, func):
        env.invalidate_all()
        q0, t0 = cr.sql_log_count, time.time()
        result = func()
        env.flush_all()
        timings[key] = time.time() - t0
        timings[f"{key}_queries"] = cr.sql_log_count - q0
        cr.commit()
        return result

    as_departing = handover.with_user(departing)
    timed("generate", as_departing.action_generate_lines)
    lines = len(handover.line_ids)

    def assign():
        action = as_departing.action_open_assign_successors()
        wizard = (
            env["hr.client.handover.assign"]
            .with_user(departing)
            .with_context(**action["context"])
            .create({"mode": "split", "successor_ids": [Command.set(successors.ids)]})
        )
        wizard.preview_ids.mapped("customer_count")  # the dialog's preview
        wizard.action_assign()

    timed("assign", assign)
    # The form of the 10,000 lines just assigned, before approval: each line's
    # counts are read live from the deals, quotations and activities.
    timed(
        "form",
        lambda: as_departing.web_read(dict(FORM_HEADER, line_ids=FORM_LINES)),
    )
    balance = [
        count
        for _user, count in env["hr.client.handover.line"]._read_group(
            [("handover_id", "=", handover.id)], ["successor_id"], ["__count"]
        )
    ]
    port = 8069 + 31
    env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
    cr.commit()
    server = _serve(cr.dbname, port)
    try:
        supervisor_env = env(user=handover.supervisor_id)
        for kind, xmlid in REPORTS.items():
            pdf, _format = timed(
                f"pdf_{kind}",
                lambda xmlid=xmlid: supervisor_env[
                    "ir.actions.report"
                ]._render_qweb_pdf(xmlid, handover.ids),
            )
            timings[f"pdf_{kind}_pages"] = _pages(pdf)
    finally:
        server.terminate()
        server.wait()
    return dict(timings, lines=lines, balance=sorted(balance))


def _pages(pdf):
    import io  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    return len(PdfReader(io.BytesIO(pdf)).pages)


PHASES = {
    "build": phase_build,
    "grow": phase_grow,
    "screens": phase_screens,
    "engine": phase_engine,
    "naive": phase_naive,
    "floor": phase_floor,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument(
        "--quick", action="store_true", help="10,000 customers, for development"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per path")
    parser.add_argument(
        "--db-prefix", default="handover_bench", help="prefix of the databases"
    )
    parser.add_argument("--keep", action="store_true", help="keep the template")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the template kept by an earlier --keep run of this size",
    )
    parser.add_argument(
        "--sample", type=int, default=100, help="records per model for the naive path"
    )
    parser.add_argument(
        "--grow",
        metavar="TEMPLATE",
        help="above 10,000 customers: start from the 10,000 customers a --keep run"
        " left in TEMPLATE instead of building them",
    )
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.quick:
        args.customers = BUILD_BASE
    if args.customers > BUILD_BASE and args.customers % BUILD_BASE:
        parser.error(f"above {BUILD_BASE}, --customers must be a multiple of it")
    args.template_db = f"{args.db_prefix}_tpl"
    args.run_db = f"{args.db_prefix}_run"
    if not args.phase:
        sys.exit(orchestrate(args))
    env, cr = _env(args.db)
    try:
        result = PHASES[args.phase](env, args)
        cr.commit()
    finally:
        cr.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
