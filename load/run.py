"""Load test: people at work on an Odoo server while a big transfer runs.

Builds (once; --keep/--reuse) the benchmark's data set, one departing
salesperson with N customers and their handover in plan approval
(bench/builder.py), plus 30 people of the procedure's roles and their
handovers of 10,000 lines (load/odoo_side.py). Then, --repeat times, on a fresh
copy of it, with an Odoo server as production runs it (--workers 2, one cron
thread, on the loopback):

* quiet: the plan is approved and the server's background job moves the
  customers; the transfer's time from approval to its last commit;
* loaded: the same, while the people (Locust, load/people.py, over JSON-2 with
  an API key each) do their day for --duration seconds (or --max-requests
  requests): open their activities and handovers, open a form of 10,000 lines,
  confirm materials and visits, record phone checks, countersign, sign, print
  a visit sheet. Then what the users did (counted by the client) is compared
  with the database, the seals and the transfer's ledger.

Prints p50/p95/p99 per action (medians of the runs), the error count, the
transfer's time loaded against quiet and the targets; exit status 1 when one is
missed. Writes JSON under var/load/.

Usage: python load/run.py [--customers N | --quick] [--users N] [--duration S]
       [--repeat N] [--db-prefix NAME] [--keep] [--reuse] [--port N]
"""

# A command-line tool outside Odoo's request cycle: it prints its report and
# commits the databases it builds.
# pylint: disable=print-used,invalid-commit

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "suites"), str(ROOT / "bench")]

# pylint: disable=wrong-import-position
import harness  # noqa: E402
from common import BASE_DB, check_sizes, run_in_odoo, run_phase  # noqa: E402

VAR = ROOT / "var" / "load"

FORM_OPENS = ("open form (their handover)", "open form (transfer running)")
BUTTONS = (
    "confirm materials",
    "confirm visit",
    "record phone check",
    "countersign",
    "sign (open the pad)",
    "sign (adopt and sign)",
)
WRITES = ("materials", "visit_successor", "visit_departing", "check", "countersign")
FORM_P95_MS = 2000
BUTTON_P95_MS = 3000
TRANSFER_RATIO = 2.0


def say(line):
    print(line, flush=True)


# ----------------------------------------------------------------------
# Orchestration
# ----------------------------------------------------------------------
def _phase(phase, db, args, **extra):
    options = {"customers": args.customers, "work_lines": args.work_lines, **extra}
    return run_phase("load", __file__, phase, db, options)


def _odoo(db, *args):
    log = VAR / f"odoo-{db}.log"
    if harness.odoo("-d", db, *args, "--stop-after-init", log=log):
        raise SystemExit(f"load: odoo {' '.join(args)} failed on {db}; see {log}")


def _template(args):
    """The built data set: kept from an earlier --keep run (--reuse), else new."""
    template = args.template_db
    built = VAR / f"{template}-{args.customers}-{args.work_lines}.json"
    if args.reuse and built.exists():
        say(f"load: reusing {template} ({args.customers} customers)")
        _odoo(template, "-u", "hr_client_handover")
        return json.loads(built.read_text())
    built.unlink(missing_ok=True)
    harness.drop_database(template, force=True)
    problem = harness.copy_database(args.base, template)
    if problem:
        raise SystemExit(f"load: {problem}")
    _odoo(template, "-i", "hr_client_handover")
    say(f"load: building {args.customers} customers and the people's handovers ...")
    build = _phase("build", template, args)
    built.write_text(json.dumps(build))
    say(f"load: built in {build['seconds']:.0f} s")
    return build


def _fresh_copy(args):
    harness.drop_database(args.run_db, force=True)
    problem = harness.copy_database(args.template_db, args.run_db)
    if problem:
        raise SystemExit(f"load: {problem}")


def _serve(args, name):
    """The server as production runs it: 2 HTTP workers, one cron worker."""
    log = VAR / f"server-{name}.log"
    server = harness.start_server(
        args.run_db,
        args.port,
        log,
        "--workers=2",
        "--max-cron-threads=1",
        f"--gevent-port={args.port + 1}",
        "--log-level=warn",
    )
    harness.wait_until_ready(server, f"http://127.0.0.1:{args.port}")
    return server, log


# A request that met a concurrent update is run again by Odoo (up to 5 times):
# the failed statement is logged as an error, the user sees none.
RETRIED = "ERROR: could not serialize access due to concurrent update"


def _server_errors(log):
    """The server log's errors, but for the statements Odoo ran again."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    errors = []
    for index, line in enumerate(lines):
        if " ERROR " not in line and " CRITICAL " not in line:
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "odoo.sql_db: bad query" in line and following.startswith(RETRIED):
            continue
        errors.append(line)
    return errors


def _wait_transfer(args, handover, approved_at):
    """Seconds from the approval to the transfer's end (None: timed out)."""
    deadline = time.time() + args.transfer_timeout
    while time.time() < deadline:
        state = harness.psql(
            args.run_db,
            f"SELECT transfer_state FROM hr_client_handover WHERE id = {handover}",
        )
        if state == "done":
            return time.time() - approved_at
        if state not in ("running", "pending", ""):
            raise SystemExit(f"load: the transfer ended {state}")
        time.sleep(1)
    return None


def _transfer(args, build):
    """The manager approves the big plan: the seconds its transfer takes from
    then (None: timed out)."""
    handover = build["transfer_handover"]
    approved = _phase("approve", args.run_db, args, handover=handover)
    return _wait_transfer(args, handover, approved["approved_at"])


def quiet_run(args, build, attempt):
    _fresh_copy(args)
    server, log = _serve(args, f"quiet{attempt}")
    try:
        seconds = _transfer(args, build)
    finally:
        harness.stop_server(server)
    return {"transfer_seconds": seconds, "server_errors": _server_errors(log)}


def loaded_run(args, build, attempt):
    _fresh_copy(args)
    keys = _phase("keys", args.run_db, args)
    count = min(args.users, len(build["roster"]))
    config = {
        "database": args.run_db,
        "handovers": build["handovers"],
        "transfer_handover": build["transfer_handover"],
        "users": build["users"],
        "roster": build["roster"][:count],
        "keys": keys,
        "think": args.think,
        "max_requests": args.max_requests,
        "signature_png": harness.SIGNATURE_PNG,
    }
    config_file = VAR / "people.json"
    config_file.write_text(json.dumps(config))
    out_file = VAR / f"client-{attempt}.json"
    out_file.unlink(missing_ok=True)
    server, log = _serve(args, f"loaded{attempt}")
    try:
        people = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "people.py"),
                "--headless",
                "--users",
                str(count),
                "--spawn-rate",
                "5",
                "--run-time",
                f"{args.duration}s",
                "--stop-timeout",
                "60",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(VAR / f"locust-{attempt}"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_CONFIG": str(config_file),
                "LOAD_OUT": str(out_file),
            },
            stdout=open(VAR / f"locust-{attempt}.log", "w", encoding="utf-8"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        # The people log in; the manager approves the big plan meanwhile.
        seconds = _transfer(args, build)
        try:
            people.wait(timeout=args.duration + 180)
        except subprocess.TimeoutExpired:
            people.kill()
            people.wait()
            raise SystemExit("load: Locust did not stop by itself") from None
    finally:
        harness.stop_server(server)
    client = json.loads(out_file.read_text())
    built_file = VAR / "built.json"
    built_file.write_text(json.dumps(build))
    client_done = VAR / f"client-done-{attempt}.json"
    client_done.write_text(json.dumps(client["done"]))
    check = _phase("check", args.run_db, args, client=client_done, built=built_file)
    return {
        "transfer_seconds": seconds,
        "server_errors": _server_errors(log),
        "client": client,
        "check": check,
        "users": count,
    }


def _percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(args, build, quiet, loaded, seconds):
    say("")
    say(
        f"load: {args.customers:,} customers in the transfer, {loaded[0]['users']}"
        f" people for {args.duration} s, {len(loaded)} run(s)"
    )
    actions = sorted({name for run in loaded for name in run["client"]["times"]})
    rows = {}
    say(f"{'action':34} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name in actions:
        per_run = [run["client"]["times"].get(name, []) for run in loaded]
        stats = [
            [_percentile(times, share) for share in (0.5, 0.95, 0.99)]
            for times in per_run
            if times
        ]
        p50, p95, p99 = (statistics.median(col) for col in zip(*stats, strict=True))
        count = sum(len(times) for times in per_run)
        rows[name] = {"count": count, "p50": p50, "p95": p95, "p99": p99}
        say(f"{name:34} {count:>7} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")
    errors = [e for run in loaded for e in run["client"]["errors"]]
    server_errors = [e for run in loaded + quiet for e in run["server_errors"]]
    problems = [p for run in loaded for p in run["check"]["problems"]]
    quiet_s = [run["transfer_seconds"] for run in quiet]
    loaded_s = [run["transfer_seconds"] for run in loaded]
    done = {
        kind: sum(len(run["client"]["done"][kind]) for run in loaded)
        for kind in (*WRITES, "sign")
    }
    say(f"writes accepted (client side, all runs): {done}")
    say(f"checked against the database: {loaded[-1]['check']['counts']}")
    for line in (errors + server_errors)[:10]:
        say(f"  error: {line}")
    for line in problems[:10]:
        say(f"  lost or doubled: {line}")
    timed_out = None in quiet_s or None in loaded_s
    quiet_m = None if None in quiet_s else statistics.median(quiet_s)
    loaded_m = None if None in loaded_s else statistics.median(loaded_s)
    ratio = loaded_m / quiet_m if quiet_m and loaded_m else None
    say(
        f"transfer: quiet {_secs(quiet_s)}, under load {_secs(loaded_s)}"
        + (f", {ratio:.2f}x" if ratio else "")
    )
    form_p95 = max((rows[n]["p95"] for n in FORM_OPENS if n in rows), default=None)
    button_p95 = max((rows[n]["p95"] for n in BUTTONS if n in rows), default=None)
    targets = [
        (
            "no error (client and server log)",
            not errors and not server_errors,
            f"{len(errors)} client, {len(server_errors)} server",
        ),
        (
            "no lost or doubled write (database, seals, ledger)",
            not problems,
            f"{len(problems)} problem(s)",
        ),
        (
            "every kind of write done",
            all(done[k] for k in WRITES),
            ", ".join(f"{k} {v}" for k, v in done.items()),
        ),
        (
            f"p95 form open <= {FORM_P95_MS} ms",
            form_p95 is not None and form_p95 <= FORM_P95_MS,
            f"{form_p95} ms",
        ),
        (
            f"p95 button <= {BUTTON_P95_MS} ms",
            button_p95 is not None and button_p95 <= BUTTON_P95_MS,
            f"{button_p95} ms",
        ),
        (
            f"transfer under load <= {TRANSFER_RATIO}x quiet",
            not timed_out and ratio is not None and ratio <= TRANSFER_RATIO,
            f"{ratio:.2f}x" if ratio else "timed out",
        ),
    ]
    say("")
    missed = 0
    for title, met, value in targets:
        say(f"{'met   ' if met else 'MISSED'} {title}: {value}")
        missed += not met
    result = {
        "args": {k: v for k, v in vars(args).items() if k != "phase"},
        "actions": rows,
        "errors": errors,
        "server_errors": server_errors,
        "problems": problems,
        "writes": done,
        "transfer": {"quiet": quiet_s, "loaded": loaded_s, "ratio": ratio},
        "targets": {title: met for title, met, _v in targets},
        "seconds": seconds,
        "uptime": subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip(),
    }
    out = VAR / f"result-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1))
    say(f"load: {len(targets) - missed} targets met, {missed} missed ({out.name})")
    return 1 if missed else 0


def _secs(values):
    return ", ".join("timed out" if v is None else f"{v:.1f} s" for v in values)


def orchestrate(args):
    started = time.time()
    VAR.mkdir(parents=True, exist_ok=True)
    harness.configure("load", VAR)
    with harness.database_lock(args.template_db):
        build = _template(args)
        quiet, loaded = [], []
        for attempt in range(1, args.repeat + 1):
            say(f"load: quiet transfer ({attempt}/{args.repeat}) ...")
            quiet.append(quiet_run(args, build, attempt))
            say(f"load: {_secs([quiet[-1]['transfer_seconds']])}")
            say(f"load: people at work ({attempt}/{args.repeat}) ...")
            loaded.append(loaded_run(args, build, attempt))
            say(f"load: {_secs([loaded[-1]['transfer_seconds']])}")
        harness.drop_database(args.run_db, force=True)
        if not args.keep:
            harness.drop_database(args.template_db, force=True)
    return report(args, build, quiet, loaded, time.time() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="for development: 10,000 customers, 10 people for 60 s, one run",
    )
    parser.add_argument("--users", type=int, default=30, help="people (at most 30)")
    parser.add_argument("--duration", type=int, default=300, help="seconds of work")
    parser.add_argument(
        "--max-requests", type=int, default=20000, help="stop after these requests"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(2.0, 6.0),
        metavar=("MIN", "MAX"),
        help="seconds a person waits between two actions",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind")
    parser.add_argument("--work-lines", type=int, default=10000, help=argparse.SUPPRESS)
    parser.add_argument("--db-prefix", default="handover_load")
    parser.add_argument("--keep", action="store_true", help="keep the built data")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the data a --keep run built"
    )
    parser.add_argument(
        "--base", default=BASE_DB, help="database the build starts from"
    )
    parser.add_argument(
        "--port", type=int, default=8186, help="HTTP port (the next one: gevent)"
    )
    parser.add_argument(
        "--transfer-timeout", type=int, default=1800, help="seconds (per transfer)"
    )
    parser.add_argument("--phase")
    parser.add_argument("--db")
    parser.add_argument("--handover", type=int)
    parser.add_argument("--client")
    parser.add_argument("--built")
    args = parser.parse_args()
    check_sizes(parser, args)
    if args.quick:
        if "--users" not in sys.argv:
            args.users = 10
        if "--duration" not in sys.argv:
            args.duration = 60
        if "--repeat" not in sys.argv:
            args.repeat = 1
    if not args.phase:
        sys.exit(orchestrate(args))
    import odoo_side  # noqa: PLC0415 - imports Odoo

    run_in_odoo(odoo_side.PHASES, args)


if __name__ == "__main__":
    main()
