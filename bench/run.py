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
* mass edit: Odoo's list multi-edit of the salesperson, one save per model, on
  the records of a sample of customers (``--mass-sample``);
* screens: what a user waits for on a handover of 10,000 customers: generating
  its lines, assigning successors (balanced split), opening the form;
* pdf: printing each PDF of the handover of all the run's customers (seconds,
  pages, peak memory of the rendering process plus its wkhtmltopdf);
* reorganisation: the customers split into handovers of ``--reorg-size``
  customers (100 of 1,000 at 100,000), approved one after the other, moved by
  one, then two, cron workers (reorg.py).

Prints a table and the targets (exit status 1 when one is missed), writes JSON
under bench/results/.

Above 10,000 customers the build copies the 10,000 it made with the ORM in SQL
(customers, contacts, open deals, quotations, activities, followers, lines);
the noise stays that of 10,000 customers.

The data builder is builder.py, the phases phases.py, the table and the
targets report.py, what the load test shares with it common.py; this entry
point runs each phase in its own process.

Usage: python bench/run.py [--customers N | --quick] [--repeat N] [--sample N]
       [--db-prefix NAME] [--keep] [--reuse] [--grow TEMPLATE] [--base NAME]
       [--port N] [--only PHASE,...] [--reorg-size N]
"""


# A command-line tool outside Odoo's request cycle: it prints its report and
# commits the databases it builds.
# pylint: disable=print-used,invalid-commit

import argparse
import json
import subprocess
import sys
import time

# None imports Odoo at load time: the orchestration runs without it.
from common import BASE_DB, BUILD_BASE, ROOT, check_sizes, run_in_odoo, run_phase
from phases import PHASES, REPORTS, SCREEN_LINES
from reorg import phase_reorg1, phase_reorg2, phase_reorg_build
from report import median_result, report

PHASES = dict(
    PHASES,
    reorg_build=phase_reorg_build,
    reorg1=phase_reorg1,
    reorg2=phase_reorg2,
)
# What --only names, and the phases each runs.
MEASURED = {
    "engine": ("engine",),
    "mass_edit": ("mass_edit",),
    "naive": ("naive",),
    "floor": ("floor",),
    "screens": ("screens",),
    "pdf": ("pdf",),
    "reorg": ("reorg1", "reorg2"),
}


# ----------------------------------------------------------------------
# Orchestration: each phase in its own process (the phase runs Odoo)
# ----------------------------------------------------------------------
def _run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def _odoo(*args):
    _run(
        [str(ROOT / "scripts" / "odoo"), *args, "--log-level=warn"],
        stdout=subprocess.DEVNULL,
    )


# The options a phase's process is given, as the orchestration's.
PHASE_OPTIONS = (
    "customers",
    "sample",
    "mass_sample",
    "port",
    "reorg_size",
    "reorg_timeout",
)


def _phase(phase, db, args):
    options = {name: getattr(args, name) for name in PHASE_OPTIONS}
    return run_phase("bench", __file__, phase, db, options)


def _fresh_copy(args, template=None):
    _run(["dropdb", "--if-exists", args.run_db])
    _run(["createdb", "-T", template or args.template_db, args.run_db])


def _reorg_template(args):
    """The data set split into the reorganisation's handovers: built once from
    the template, kept and reused as the template is."""
    reorg_db = f"{args.db_prefix}_reorg_tpl"
    built = ROOT / "var" / f"bench-{reorg_db}-{args.customers}-{args.reorg_size}.json"
    if args.reuse and built.exists():
        _odoo("-d", reorg_db, "-u", "hr_client_handover", "--stop-after-init")
        return reorg_db, json.loads(built.read_text())
    built.unlink(missing_ok=True)
    _run(["dropdb", "--if-exists", reorg_db])
    _run(["createdb", "-T", args.template_db, reorg_db])
    print(
        f"bench: splitting into handovers of {args.reorg_size} customers ...",
        flush=True,
    )
    split = _phase("reorg_build", reorg_db, args)
    built.write_text(json.dumps(split))
    return reorg_db, split


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
        _run(["createdb", "-T", args.base, template])
        _odoo("-d", template, "-i", "hr_client_handover", "--stop-after-init")
        print(f"bench: building {args.customers} customers ...", flush=True)
        build = _phase("build", template, args)
        built.parent.mkdir(exist_ok=True)
        built.write_text(json.dumps(build))
    results = {"build": build}
    runs = {phase: [] for name in args.only for phase in MEASURED[name]}
    sources = {phase: template for phase in runs}
    if "reorg" in args.only:
        reorg_db, results["reorg_build"] = _reorg_template(args)
        sources.update(reorg1=reorg_db, reorg2=reorg_db)
    # Each path in turn, on a fresh copy, `repeat` times: the paths share the
    # machine's noise instead of one of them getting a quiet minute.
    for attempt in range(args.repeat):
        for phase in runs:
            print(
                f"bench: measuring {phase} ({attempt + 1}/{args.repeat}) ...",
                flush=True,
            )
            _fresh_copy(args, sources[phase])
            runs[phase].append(_phase(phase, run_db, args))
    for phase, phase_runs in runs.items():
        results[phase] = median_result(phase_runs)
    _run(["dropdb", "--if-exists", run_db])
    if not args.keep:
        for db in set(sources.values()):
            _run(["dropdb", "--if-exists", db])
        built.unlink(missing_ok=True)
    return report(args, results, time.time() - started, SCREEN_LINES, REPORTS)


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
        "--mass-sample",
        type=int,
        default=2000,
        help="customers whose records the mass-edit path edits (every model)",
    )
    parser.add_argument(
        "--grow",
        metavar="TEMPLATE",
        help="above 10,000 customers: start from the 10,000 customers a --keep run"
        " left in TEMPLATE instead of building them",
    )
    parser.add_argument(
        "--base",
        default=BASE_DB,
        help="database the build starts from (the addon's dependencies installed)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8100,
        help="HTTP port of the server the pdf phase prints the PDFs through",
    )
    parser.add_argument(
        "--only",
        default=",".join(MEASURED),
        help="comma-separated paths to measure (default: all): " + ", ".join(MEASURED),
    )
    parser.add_argument(
        "--reorg-size",
        type=int,
        default=1000,
        help="customers per handover of the reorganisation",
    )
    parser.add_argument(
        "--reorg-timeout",
        type=int,
        default=3600,
        help="seconds a reorganisation run may take before it is given up",
    )
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--db")
    args = parser.parse_args()
    check_sizes(parser, args)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(MEASURED)
    if unknown:
        parser.error(f"--only: unknown path(s) {', '.join(sorted(unknown))}")
    if args.customers % args.reorg_size:
        parser.error("--customers must be a multiple of --reorg-size")
    if not args.phase:
        sys.exit(orchestrate(args))
    run_in_odoo(PHASES, args)


if __name__ == "__main__":
    main()
