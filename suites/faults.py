"""Faults of the background transfer on real Odoo server processes.

In a fresh database (default ``handover_t11_faults``), a departing salesperson's
handover is approved above the Background Transfer threshold; then:

1. an Odoo server (``--max-cron-threads 1``) runs the transfer while another
   connection edits records (a salesperson change on a record not yet moved, and
   a stream of unrelated edits that force serialization failures), and is killed
   with ``kill -9`` mid-transfer: the ledger equals reality at that point;
2. three more handovers are approved, and two Odoo server processes on the same
   database (Odoo's multi-server deployment) are started: they finish the
   interrupted transfer and share the new ones; the one running the job is
   killed with ``kill -9`` mid-way and the other carries on;
3. checks: every handover done, every moved value has exactly one ledger row and
   one chatter line, a new selection finds nothing left, the user's edit stands
   with a *kept* ledger row, the scheduled action never failed.

Prints ``faults: N passed, M failed`` and exits non-zero on a failure.

Usage: python suites/faults.py [--db NAME] [--base NAME] [--customers N] [--keep]
"""

# A command-line tool outside Odoo's request cycle: it prints its report and
# commits what it builds.
# pylint: disable=invalid-commit

import argparse
import logging
import os
import random
import signal
import sys
import threading
import time

import harness
from harness import ROOT, Tally, copy_database, drop_database, free_port, say
from psycopg2.extensions import TransactionRollbackError

BASE_DB = "handover_base"
BATCH = 50

TALLY = Tally("faults")


def check(name, ok, detail=""):
    """A check passed when `ok`; `detail`: what was seen, said either way."""
    TALLY.record(name, None if ok else detail or "failed", note=detail if ok else "")


def fresh_db(db, base):
    """`db`: a copy of `base` with the addon installed (no demo data)."""
    drop_database(db, force=True)
    problem = copy_database(base, db)
    if problem:
        raise SystemExit(f"faults: could not copy {base}: {problem}")
    log = harness.VAR / "faults-install.log"
    args = ("-d", db, "-i", "hr_client_handover", "--stop-after-init")
    if harness.odoo(*args, "--log-level=warn", log=log):
        raise SystemExit(f"faults: installing the addon in {db} failed; see {log}")


def job_runs(text):
    """Log lines of the background transfer's jobs (either scheduled action)."""
    return text.count("background transfers' (") + text.count(
        "background transfers (second worker)' ("
    )


class Server:
    """An Odoo server process with one cron thread, its log in var/."""

    def __init__(self, db, name):
        self.db = db
        self.log = harness.VAR / f"faults-{name}.log"
        self.proc = harness.start_server(
            db,
            free_port(),
            self.log,
            "--gevent-port",
            str(free_port()),
            "--max-cron-threads",
            "1",
            "--workers",
            "0",
        )
        deadline = time.monotonic() + 60
        while "running on" not in self.log.read_text():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"server did not start, see {self.log}")
            time.sleep(0.2)
        time.sleep(1)  # let the cron thread LISTEN

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        harness.stop_server(self.proc)

    def text(self):
        return self.log.read_text()


def ledger_live(cr, handover_id):
    cr.execute(
        "SELECT count(*) FROM hr_client_handover_transfer WHERE handover_id = %s"
        " AND outcome = 'moved' AND reverted_on IS NULL",
        [handover_id],
    )
    return cr.fetchone()[0]


def ledger_matches_reality(env, handover_ids):
    """(mismatches, duplicates, chatter duplicates) over the handovers."""
    cr = env.cr
    mismatches = 0
    cr.execute(
        "SELECT DISTINCT res_model, field_name FROM hr_client_handover_transfer"
        " WHERE handover_id IN %s",
        [tuple(handover_ids)],
    )
    for model, field_name in cr.fetchall():
        table = env[model]._table
        cr.execute(
            f'SELECT count(*) FROM hr_client_handover_transfer t JOIN "{table}" r'
            f" ON r.id = t.res_id WHERE t.handover_id IN %s AND t.res_model = %s"
            f" AND t.outcome = 'moved' AND t.reverted_on IS NULL"
            f' AND r."{field_name}" IS DISTINCT FROM t.new_user_id',
            [tuple(handover_ids), model],
        )
        mismatches += cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM (SELECT 1 FROM hr_client_handover_transfer"
        " WHERE handover_id IN %s GROUP BY handover_id, res_model, res_id,"
        " field_name HAVING count(*) > 1) d",
        [tuple(handover_ids)],
    )
    duplicates = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM (SELECT 1 FROM mail_message m"
        " JOIN hr_client_handover h ON m.body LIKE '%%' || h.name || ')%%'"
        " WHERE h.id IN %s AND m.message_type = 'notification'"
        " AND m.model IN ('res.partner', 'crm.lead', 'sale.order')"
        " GROUP BY m.model, m.res_id, h.id HAVING count(*) > 1) d",
        [tuple(handover_ids)],
    )
    return mismatches, duplicates, cr.fetchone()[0]


def final_checks(env, handovers, edit, logs, churn, ran):
    """After both phases: states, ledger against reality, nothing missed, the
    user's edit, the scheduled action's health."""
    edited_lead, colleague = edit
    churn_count, churn_failed = churn
    cr = env.cr
    Handover = env["hr.client.handover"]
    states = Handover.browse(handovers).mapped("transfer_state")
    check("restart completes every transfer", set(states) == {"done"}, states)
    mismatches, duplicates, chatter = ledger_matches_reality(env, handovers)
    check(
        "every moved value has exactly one ledger row and one chatter line",
        not mismatches and not duplicates and not chatter,
        f"{mismatches} mismatches, {duplicates} duplicate ledger rows, "
        f"{chatter} duplicate chatter lines",
    )
    engine = env["hr.client.handover.engine"]
    left = sum(engine._enqueue(handover) for handover in Handover.browse(handovers))
    cr.rollback()
    check("a new selection finds nothing missed", left == 0, f"{left} left")
    cr.execute(
        "SELECT count(*) FROM hr_client_handover_transfer t"
        " JOIN hr_client_handover h ON h.id = t.handover_id"
        " WHERE t.outcome = 'moved' AND t.handover_id IN %s",
        [tuple(handovers)],
    )
    moved = cr.fetchone()[0]
    cr.execute(
        "SELECT sum(transfer_total) FROM hr_client_handover WHERE id IN %s",
        [tuple(handovers)],
    )
    totals = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM hr_client_handover_transfer WHERE outcome = 'kept'"
        " AND handover_id IN %s",
        [tuple(handovers)],
    )
    kept = cr.fetchone()[0]
    check(
        "moved + kept equals the selection",
        moved + kept == totals,
        f"{moved} moved + {kept} kept vs {totals} selected",
    )
    lead = env["crm.lead"].browse(edited_lead)
    row = env["hr.client.handover.transfer"].search(
        [("res_model", "=", "crm.lead"), ("res_id", "=", edited_lead)]
    )
    check(
        "a user edit during the transfer is never overwritten; the ledger says so",
        lead.user_id.id == colleague and row.outcome == "kept",
        f"owner {lead.user_id.login}, ledger {row.mapped('outcome')}",
    )
    crons = env.ref("hr_client_handover.ir_cron_handover_transfer") | env.ref(
        "hr_client_handover.ir_cron_handover_transfer_2"
    )
    retries = logs.count("retrying")
    check(
        "serialization failures are retried; the scheduled actions never fail",
        all(cron.active and cron.failure_count == 0 for cron in crons)
        and not any(
            f"server action #{cron.ir_actions_server_id.id} failed" in logs
            for cron in crons
        )
        and churn_count > 0,
        f"{retries} batches retried, {churn_count} concurrent edits "
        f"({churn_failed} of theirs retried), "
        f"failure counts {crons.mapped('failure_count')}",
    )
    check(
        "both servers took part (the one running the job killed -9 mid-way)",
        all(ran),
        f"job runs per server: {ran}",
    )


def rounds(seconds, pause, wake):
    """A round every `pause` seconds until `seconds` have passed, `wake` called
    at the start of each (the servers' cron threads)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wake()
        yield
        time.sleep(pause)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="handover_t11_faults")
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--base", default=BASE_DB, help="database to start from (the addon's base)"
    )
    args = parser.parse_args()
    harness.configure("faults")
    db = args.db
    say(f"faults: building {db}")
    fresh_db(db, args.base)

    from odoo import SUPERUSER_ID, api, sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", str(ROOT / ".odoo.conf"), "-d", db])
    # The concurrent user's serialization failures are expected (and retried).
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    registry = Registry(db)

    from odoo.addons.hr_client_handover.tests.test_transfer_engine import (  # noqa: PLC0415
        build_portfolio,
        to_plan_approval,
    )

    def env_of(cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def notify():
        """Wake the servers' cron threads (they listen on the postgres database)."""
        with sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [db])

    def approve(prefix, customers):
        with registry.cursor() as cr:
            env = env_of(cr)
            env.company.handover_async_threshold = 100
            env["ir.config_parameter"].set_param(
                "hr_client_handover.transfer_batch_size", BATCH
            )
            data = build_portfolio(env, prefix, customers, successors_count=3)
            handover = to_plan_approval(data)
            handover.with_user(data["approver"]).action_approve_plan()
            assert handover.transfer_state == "running", handover.transfer_state
            return handover.id

    first = approve("fa", args.customers)
    # The user's edit: the opportunity queued last is given to a colleague while
    # the transfer runs.
    with registry.cursor() as cr:
        cr.execute(
            "SELECT res_id FROM hr_client_handover_queue WHERE handover_id = %s"
            " AND res_model = 'crm.lead' ORDER BY id DESC LIMIT 1",
            [first],
        )
        edited_lead = cr.fetchone()[0]
        cr.execute(
            "SELECT res_id FROM hr_client_handover_queue WHERE handover_id = %s"
            " AND res_model = 'crm.lead'",
            [first],
        )
        churn_ids = [row[0] for row in cr.fetchall() if row[0] != edited_lead]
        colleague = env_of(cr)["hr.client.handover"].browse(first).supervisor_id.id

    stop_churn = threading.Event()
    churn_count = [0]
    churn_failed = [0]

    def churn():
        """Unrelated edits on queued opportunities, committed one by one."""
        rng = random.Random(11)
        while not stop_churn.is_set():
            try:
                with registry.cursor() as cr:
                    ids = rng.sample(churn_ids, 5)
                    env_of(cr)["crm.lead"].browse(ids).write(
                        {"priority": str(rng.randint(0, 3))}
                    )
                churn_count[0] += 1
            except TransactionRollbackError:
                churn_failed[0] += 1  # as Odoo retries a request, try again
            time.sleep(0.01)

    say("faults: server 1 runs the transfer; kill -9 mid-way")
    server = Server(db, "server1")
    killed_at = None
    churner = threading.Thread(target=churn, daemon=True)
    try:
        edited = False
        for _round in rounds(120, 0.1, notify):
            with registry.cursor() as cr:
                live = ledger_live(cr, first)
            if live and not edited:
                with registry.cursor() as cr:
                    env_of(cr)["crm.lead"].browse(edited_lead).user_id = colleague
                edited = True
                churner.start()
            if live >= 600:
                server.kill9()
                killed_at = live
                break
    finally:
        server.stop()
    with registry.cursor() as cr:
        env = env_of(cr)
        total = env["hr.client.handover"].browse(first).transfer_total
        mismatches, duplicates, _chatter = ledger_matches_reality(env, [first])
    check(
        "kill -9 mid-transfer leaves the ledger equal to reality",
        killed_at and killed_at < total and not mismatches and not duplicates,
        f"killed at {killed_at}/{total} moved; {mismatches} mismatches, "
        f"{duplicates} duplicates",
    )

    others = [approve(f"fb{i}", args.customers // 2) for i in range(3)]
    handovers = [first, *others]
    say("faults: two servers on the same database finish all transfers")
    servers = [Server(db, "server2"), Server(db, "server3")]
    try:
        failover = False
        for _round in rounds(600, 1, notify):
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FILTER (WHERE transfer_state != 'done'),"
                    " (SELECT count(*) FROM hr_client_handover_transfer"
                    "  WHERE handover_id IN %s)"
                    " FROM hr_client_handover WHERE id IN %s",
                    [tuple(handovers), tuple(handovers)],
                )
                left, ledger = cr.fetchone()
            if not left:
                break
            busy = [job_runs(srv.text()) for srv in servers]
            if not failover and ledger > 4000 and any(busy):
                # The server running the job dies: the other one carries on.
                servers[busy.index(max(busy))].kill9()
                failover = True
    finally:
        stop_churn.set()
        if churner.is_alive():
            churner.join()
        for srv in servers:
            srv.stop()
    logs = server.text() + "".join(srv.text() for srv in servers)
    ran = [job_runs(srv.text()) for srv in servers]

    with registry.cursor() as cr:
        final_checks(
            env_of(cr),
            handovers,
            (edited_lead, colleague),
            logs,
            (churn_count[0], churn_failed[0]),
            ran,
        )
    if not args.keep:
        Registry.delete(db)
        drop_database(db, force=True)
    return TALLY.close()


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
