"""The reorganisation phase of the benchmark: many handovers approved together.

``phase_reorg_build`` splits the built data set (one departing salesperson, N
customers) into N / ``--reorg-size`` handovers of ``--reorg-size`` customers
each (100 handovers of 1,000 customers at 100,000), each of its own departing
salesperson, in plan approval: every customer's records (contacts, deals,
quotations, the activities on them, the departing user's follower rows) go to
the new departing user of its group, in SQL.

``phase_reorg`` (on a fresh copy of that data set) starts ``--workers`` cron
worker processes, each running the Odoo cron framework's own job loop for one of
the addon's two *background transfers* scheduled actions (as a server started
with ``--max-cron-threads 2`` or two servers would), then approves every
handover one after the other as its division manager, each in its own
transaction, and watches the database until every transfer is done: when each
handover's first batch is committed, when the last one ends, what each worker
did.

``worker`` (``python bench/reorg.py worker DB XMLID SECONDS``) is one such
process: it takes its scheduled action's job whenever it is due (a trigger, as
the approvals and the job itself leave them), as Odoo's cron thread does when
the database notifies it, and stops once no transfer is left or time is up.
"""

# Runs inside Odoo, outside its request cycle: it commits what it builds and
# measures, and prints what it measured.
# pylint: disable=invalid-commit,print-used

import subprocess
import sys
import time
from pathlib import Path

from builder import QUIET, built_handover

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CRONS = (
    "hr_client_handover.ir_cron_handover_transfer",
    "hr_client_handover.ir_cron_handover_transfer_2",
)
# The targets of a reorganisation (README, Performance: "A reorganisation").
REORG_TARGETS = {
    "approvals_seconds": 60,
    "first_batch_share": 0.1,
    "vs_one_handover": 1.2,
}


def phase_reorg_build(env, args):
    """Split the built handover into handovers of ``args.reorg_size`` customers,
    each of a departing salesperson of its own."""
    from odoo.tools import SQL  # noqa: PLC0415

    started = time.time()
    env = env(context=dict(env.context, **QUIET))
    cr = env.cr
    original = built_handover(env)
    departing = original.departing_user_id
    lines = original.line_ids.sorted("id")
    size = args.reorg_size
    groups = [lines[i : i + size] for i in range(0, len(lines), size)]
    team = departing.crm_team_ids[:1]
    boss = original.employee_id.parent_id
    handovers = [original]
    for index, group in enumerate(groups[1:], start=1):
        login = f"bench.departing{index:03d}"
        user = env["res.users"].create(
            {
                "name": login.replace(".", " ").title(),
                "login": login,
                "group_ids": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
                "company_ids": [(6, 0, departing.company_ids.ids)],
            }
        )
        if team:
            env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id})
        employee = env["hr.employee"].create(
            {"name": user.name, "user_id": user.id, "parent_id": boss.id}
        )
        handover = env["hr.client.handover"].create(
            {
                "employee_id": employee.id,
                "supervisor_id": original.supervisor_id.id,
                "approver_id": original.approver_id.id,
                "witness_id": original.witness_id.id,
                "last_working_date": original.last_working_date,
            }
        )
        env.flush_all()
        cr.execute(
            SQL(
                "CREATE TEMP TABLE reorg_customers ON COMMIT DROP AS"
                " SELECT partner_id AS customer FROM hr_client_handover_line"
                " WHERE id IN %s",
                tuple(group.ids),
            )
        )
        cr.execute(
            SQL(
                "UPDATE hr_client_handover_line SET handover_id = %s WHERE id IN %s",
                handover.id,
                tuple(group.ids),
            )
        )
        # The customers, their contacts, then what the departing user owns of
        # them; then the activities and follower rows on those records.
        cr.execute(
            SQL(
                "UPDATE res_partner p SET user_id = %s FROM reorg_customers c"
                " WHERE p.commercial_partner_id = c.customer AND p.user_id = %s",
                user.id,
                departing.id,
            )
        )
        for table in ("crm_lead", "sale_order"):
            cr.execute(
                SQL(
                    "UPDATE %s r SET user_id = %s FROM res_partner p"
                    " JOIN reorg_customers c ON c.customer = p.commercial_partner_id"
                    " WHERE r.partner_id = p.id AND r.user_id = %s",
                    SQL.identifier(table),
                    user.id,
                    departing.id,
                )
            )
        for model, table in (
            ("res.partner", "res_partner"),
            ("crm.lead", "crm_lead"),
            ("sale.order", "sale_order"),
        ):
            cr.execute(
                SQL(
                    "UPDATE mail_activity a SET user_id = r.user_id FROM %s r"
                    " WHERE a.res_model = %s AND a.res_id = r.id"
                    " AND a.user_id = %s AND r.user_id = %s",
                    SQL.identifier(table),
                    model,
                    departing.id,
                    user.id,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE mail_followers f SET partner_id = %s FROM %s r"
                    " WHERE f.res_model = %s AND f.res_id = r.id"
                    " AND f.partner_id = %s AND r.user_id = %s",
                    user.partner_id.id,
                    SQL.identifier(table),
                    model,
                    departing.partner_id.id,
                    user.id,
                )
            )
        env.invalidate_all()
        handover.write({"state": "plan_approval"})
        handovers.append(handover)
        cr.commit()
    Handover = env["hr.client.handover"]
    everyone = Handover.browse([h.id for h in handovers])
    # What the handover stores from its lines, computed again after the move.
    depends = Handover.pool.field_depends
    for field in Handover._fields.values():
        if (
            field.store
            and field.compute
            and any(path.split(".")[0] == "line_ids" for path in depends[field])
        ):
            env.add_to_compute(field, everyone)
    env.flush_all()
    for table in (
        "res_partner",
        "crm_lead",
        "sale_order",
        "mail_activity",
        "mail_followers",
        "hr_client_handover_line",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    cr.commit()
    return {
        "handovers": len(handovers),
        "size": size,
        "handover_ids": everyone.ids,
        "seconds": time.time() - started,
    }


def _reorg_handovers(env):
    return env["hr.client.handover"].search(
        [("state", "=", "plan_approval")], order="id"
    )


def _start_workers(db, count, seconds):
    """``count`` cron worker processes, each for one of the two scheduled
    actions; returns them once each has loaded Odoo."""
    workers = []
    for xmlid in CRONS[:count]:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, "worker", db, xmlid, str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        workers.append(proc)
    for proc in workers:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"bench: a reorganisation worker did not start: {line}")
    return workers


def phase_reorg(env, args):
    """Approve every handover of the reorganisation within a minute, then wait
    for the background workers to finish them all."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    handovers = _reorg_handovers(env)
    ids = handovers.ids
    second = env.ref(CRONS[1])
    second.active = args.workers > 1
    cr.commit()
    workers = _start_workers(cr.dbname, args.workers, args.reorg_timeout)
    approved = {}
    first = {}

    def watch():
        unseen = [hid for hid in ids if hid not in first]
        if not unseen:
            return
        cr.execute(
            SQL(
                "SELECT h.id FROM hr_client_handover h WHERE h.id IN %s AND EXISTS"
                " (SELECT 1 FROM hr_client_handover_transfer t"
                "  WHERE t.handover_id = h.id)",
                tuple(unseen),
            )
        )
        now = time.time()
        for (hid,) in cr.fetchall():
            first[hid] = now
        cr.commit()

    started = time.time()
    for handover in handovers:
        handover.with_user(handover.approver_id).action_approve_plan()
        cr.commit()
        approved[handover.id] = time.time()
        watch()
    approvals = time.time() - started
    deadline = started + args.reorg_timeout
    while time.time() < deadline:
        watch()
        cr.execute(
            SQL(
                "SELECT count(*) FROM hr_client_handover WHERE id IN %s"
                " AND transfer_state != 'done'",
                tuple(ids),
            )
        )
        left = cr.fetchone()[0]
        cr.commit()
        if not left:
            break
        time.sleep(0.25)
    seconds = time.time() - started
    for proc in workers:
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
    env.invalidate_all()
    states = handovers.mapped("transfer_state")
    cr.execute(
        SQL(
            "SELECT count(*) FILTER (WHERE outcome = 'moved'), count(*),"
            " count(DISTINCT (handover_id, res_model, res_id, field_name))"
            " FROM hr_client_handover_transfer WHERE handover_id IN %s",
            tuple(ids),
        )
    )
    moved, ledger, distinct = cr.fetchone()
    cr.execute(
        SQL(
            "SELECT count(*) FROM hr_client_handover_queue WHERE handover_id IN %s",
            tuple(ids),
        )
    )
    queued = cr.fetchone()[0]
    completions = env["mail.message"].search_count(
        [
            ("model", "=", "hr.client.handover"),
            ("res_id", "in", ids),
            ("body", "ilike", "Transfer complete"),
        ]
    )
    crons = [env.ref(xmlid).id for xmlid in CRONS]
    cr.execute(
        SQL(
            "SELECT cron_id, sum(done), count(*) FROM ir_cron_progress"
            " WHERE cron_id IN %s GROUP BY cron_id",
            tuple(crons),
        )
    )
    by_cron = {row[0]: (row[1], row[2]) for row in cr.fetchall()}
    cr.execute(
        SQL(
            "SELECT count(*) FROM ir_cron WHERE id IN %s AND failure_count > 0",
            tuple(crons),
        )
    )
    failed = cr.fetchone()[0]
    delays = sorted(first.get(hid, float("inf")) - approved[hid] for hid in ids)
    since_start = sorted(first.get(hid, float("inf")) - started for hid in ids)
    return {
        "workers": args.workers,
        "handovers": len(ids),
        "seconds": seconds,
        "approvals_seconds": approvals,
        "moved": moved,
        "ledger_rows": ledger,
        "duplicates": ledger - distinct,
        "queue_left": queued,
        "all_done": states.count("done") == len(ids),
        "completions": completions,
        "cron_failures": failed,
        "first_batch_delay_max": delays[-1],
        "first_batch_delay_median": delays[len(delays) // 2],
        "first_batch_since_start_max": since_start[-1],
        "values_by_worker": [by_cron.get(cron, (0, 0))[0] or 0 for cron in crons],
        "job_runs_by_worker": [by_cron.get(cron, (0, 0))[1] for cron in crons],
    }


def reorg_report(results, customers):
    """Print the reorganisation's lines; return its checks [(label, ok)]."""
    reorg = {key: results[key] for key in ("reorg1", "reorg2") if key in results}
    if not reorg:
        return []
    print()
    for run in reorg.values():
        print(
            f"reorganisation, {run['workers']} worker(s): {run['handovers']}"
            f" handovers approved in {run['approvals_seconds']:.1f} s, all done in"
            f" {run['seconds']:.1f} s ({run['moved']} values,"
            f" {1000 * run['seconds'] / max(run['moved'], 1):.3f} ms/value);"
            f" first batch after approval: max {run['first_batch_delay_max']:.1f} s,"
            f" median {run['first_batch_delay_median']:.1f} s; last first batch"
            f" {run['first_batch_since_start_max']:.1f} s after the first approval;"
            f" values per worker {run['values_by_worker']}"
            f" (job runs {run['job_runs_by_worker']})"
        )
    checks = []
    for run in reorg.values():
        name = f"reorganisation ({run['workers']} worker(s))"
        checks += [
            (
                f"{name}: {run['handovers']} handovers approved within"
                f" {REORG_TARGETS['approvals_seconds']} s"
                f" ({run['approvals_seconds']:.1f} s)",
                run["approvals_seconds"] <= REORG_TARGETS["approvals_seconds"],
            ),
            (
                f"{name}: all complete, each once, nothing moved twice, no job"
                f" failed ({run['completions']} completions, {run['duplicates']}"
                f" duplicates, {run['queue_left']} left in the queue)",
                run["all_done"]
                and run["completions"] == run["handovers"]
                and not run["duplicates"]
                and not run["queue_left"]
                and not run["cron_failures"],
            ),
            (
                f"{name}: every first batch committed within a tenth of the total"
                f" time after its approval (max {run['first_batch_delay_max']:.1f} s"
                f" of {run['seconds']:.1f} s)",
                run["first_batch_delay_max"]
                <= REORG_TARGETS["first_batch_share"] * run["seconds"],
            ),
        ]
    engine = results.get("engine")
    if engine:
        per_one = engine["seconds"] / engine["moved"]
        for run in reorg.values():
            ratio = (run["seconds"] / run["moved"]) / per_one
            print(
                f"reorganisation, {run['workers']} worker(s), against one handover of"
                f" {customers} customers: {ratio:.2f}x its time per value"
            )
            checks.append(
                (
                    f"reorganisation ({run['workers']} worker(s)) within"
                    f" {REORG_TARGETS['vs_one_handover']}x one handover of the same"
                    f" size per value ({ratio:.2f}x)",
                    ratio <= REORG_TARGETS["vs_one_handover"],
                )
            )
    if len(reorg) == 2:
        speedup = reorg["reorg1"]["seconds"] / reorg["reorg2"]["seconds"]
        print(f"reorganisation: 2 workers against 1: {speedup:.2f}x speed-up")
        results["reorg_speedup"] = speedup
        checks.append(
            (
                "the second worker takes work"
                f" (values per worker {reorg['reorg2']['values_by_worker']})",
                all(reorg["reorg2"]["values_by_worker"]),
            )
        )
    return checks


def worker(db, xmlid, seconds):
    """One cron worker: Odoo's own job loop for one scheduled action."""
    sys.path.insert(0, str(HERE))
    import odoo  # noqa: PLC0415
    from odoo import api, sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".odoo.conf"), "-d", db, "--log-level=warn"]
    )
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cron_id = env.ref(xmlid).id
    IrCron = registry["ir.cron"]
    connection = sql_db.db_connect(db)
    print("ready", flush=True)
    deadline = time.monotonic() + seconds
    idle_since = None
    while time.monotonic() < deadline:
        with connection.cursor() as cron_cr:
            job = IrCron._acquire_one_job(cron_cr, cron_id)
            if job:
                IrCron._process_job(cron_cr, job)
                cron_cr.commit()
                idle_since = None
                continue
            cron_cr.execute(
                "SELECT count(*) FROM hr_client_handover"
                " WHERE transfer_state IN ('running', 'reverting')"
                " OR state = 'plan_approval'"
            )
            left = cron_cr.fetchone()[0]
        if not left:
            # Nothing approved is left, nor to approve: stop once idle a moment.
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 2:
                break
        # A server's cron thread wakes when the database notifies it of a trigger
        # due now; a short poll stands in for that notification.
        time.sleep(0.2)


def phase_reorg1(env, args):
    """The reorganisation with one worker (the second scheduled action off)."""
    args.workers = 1
    return phase_reorg(env, args)


def phase_reorg2(env, args):
    """The reorganisation with both scheduled actions as workers."""
    args.workers = 2
    return phase_reorg(env, args)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
