"""The benchmark's report: the medians of the runs, the table, the targets.

Prints one table and the targets (a missed one makes the exit status 1) and
writes the whole result as JSON under bench/results/.
"""

# The report is printed.
# pylint: disable=print-used

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from reorg import reorg_report

RESULTS = Path(__file__).resolve().parent / "results"
# The paths of a full run (the README's table); --only runs fewer.
FULL = {"engine", "mass_edit", "naive", "floor", "screens", "pdf"}
TARGETS = {
    "engine_seconds_100k": 600,
    "per_record_growth": 1.25,
    "peak_rss_mb": 1024,
    "queries_per_record": 0.03,
    "vs_floor": 6,
    "vs_naive": 50,
    "vs_mass_edit": 50,
    "revert_seconds_100k": 600,
    "generate_seconds": 10,
    "assign_seconds": 5,
    "form_seconds": 0.3,
    "pdf_seconds": 600,
    "pdf_rss_mb": 2048,
}


def _median(values):
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def median_result(runs):
    """Median of every number over the runs; the rest from the first run."""
    result = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            result[key] = _median([run[key] for run in runs])
    result["runs"] = runs
    return result


def _growth_check(args, per_engine):
    """Cost per moved record at this size against the latest 10,000 run."""
    if args.customers <= 10000:
        return []
    quick = sorted(RESULTS.glob("bench-10000-*.json"))
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


def partial_report(args, results, elapsed):
    """A run of some paths only (``--only``): what they measured and their
    targets; the JSON is written as a full run's. The exit status: 1 when a
    target is missed."""
    checks = []
    engine = results.get("engine")
    if engine:
        print(
            f"\nengine: {engine['moved']} values in {engine['seconds']:.2f} s"
            f" ({1000 * engine['seconds'] / engine['moved']:.4f} ms/value,"
            f" {engine['queries'] / engine['moved']:.3f} queries/value);"
            f" revert {engine['revert_seconds']:.2f} s"
        )
        scale = args.customers / 100000
        checks.append(
            (
                "whole background transfer <= "
                f"{TARGETS['engine_seconds_100k'] * scale:.0f} s"
                " (10 min at 100,000 customers, pro rata)",
                engine["seconds"] <= TARGETS["engine_seconds_100k"] * scale,
            )
        )
    checks += reorg_report(results, args.customers)
    print(f"(build {results['build']['seconds']:.0f} s, whole run {elapsed:.0f} s)")
    return _targets(args, results, checks, {})


def _targets(args, results, checks, ratios):
    """Print the targets (`checks`: label, met), write the JSON; the exit
    status: 1 when a target is missed."""
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
            "load": os.getloadavg(),
        },
        "customers": args.customers,
        "repeat": args.repeat,
        "only": args.only,
        "targets_met": {label: ok for label, ok in checks},
        "results": results,
        "ratios": ratios,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    # A partial run is not the full run the growth check compares with.
    kind = "bench" if set(args.only) >= FULL else "bench-partial"
    path = RESULTS / f"{kind}-{args.customers}-{stamp}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(f"results written to bench/results/{path.name}")
    return 1 if missed else 0


def report(args, results, elapsed, screen_lines, reports):
    """Print the table and the targets of `results` (`screen_lines`: the lines
    of the screens' handover; `reports`: the PDFs printed); write the JSON.
    The exit status: 1 when a target is missed."""
    if not FULL <= set(args.only):
        return partial_report(args, results, elapsed)
    engine, naive, floor = results["engine"], results["naive"], results["floor"]
    mass = results["mass_edit"]
    moved = engine["moved"]
    per_engine = engine["seconds"] / moved
    per_mass = mass["seconds"] / mass["records"]
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
            f"mass edit ({mass['customers']} c.)",
            mass["records"],
            mass["seconds"],
            mass["queries"],
            mass["peak_rss_mb"],
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
    print(f"mass edit: {json.dumps(mass['by_model'])}")
    print(
        "written by the engine / the mass edit: chatter lines "
        f"{engine['mail']['mail_message']} / {mass['mail']['mail_message']},"
        f" notifications {engine['mail']['mail_notification']} /"
        f" {mass['mail']['mail_notification']}, e-mails"
        f" {engine['mail']['mail_mail']} / {mass['mail']['mail_mail']}"
        f" ({engine['successors']} successors)"
    )
    print(f"engine vs mass edit: {per_mass / per_engine:.1f}x faster per moved record")
    print(f"engine vs naive: {per_naive / per_engine:.1f}x faster per moved record")
    print(
        f"engine vs floor: {per_engine / per_floor:.1f}x the raw-SQL floor per record"
    )
    print(
        f"handover form opened ({engine['lines']} lines, as the web client reads"
        " it: every field, the first page of each list): "
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
        f" form {screens['form']:.2f} s ({screens['form_queries']} queries)"
    )
    pdf = results["pdf"]
    print(
        f"PDFs at {pdf['lines']} lines (seconds, pages, peak RSS of the server"
        " and wkhtmltopdf): "
        + ", ".join(
            f"{kind} {pdf[f'pdf_{kind}']:.1f} s, {pdf[f'pdf_{kind}_pages']} pages,"
            f" {pdf[f'pdf_{kind}_rss_mb']:.0f} MB"
            for kind in reports
        )
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
        (
            f"<= {TARGETS['vs_floor']}x the raw-SQL floor per record",
            per_engine / per_floor <= TARGETS["vs_floor"],
        ),
        (
            f">= {TARGETS['vs_mass_edit']}x faster than Odoo's mass edit per record",
            per_mass / per_engine >= TARGETS["vs_mass_edit"],
        ),
        (
            "the engine notifies each successor once (notifications <= 2 per"
            f" successor + 10 for the handover's people:"
            f" {engine['mail']['mail_notification']}), the mass edit once per"
            f" record ({mass['mail']['mail_notification']} for {mass['records']})",
            engine["mail"]["mail_notification"] <= 2 * engine["successors"] + 10,
        ),
        ("noise left alone", engine["noise_after"] == results["build"]["noise"]),
        (
            f"form of {screens['lines']} lines <= {TARGETS['form_seconds']} s server"
            " time (before approval)",
            screens["form"] <= TARGETS["form_seconds"],
        ),
        (
            f"form of {engine['lines']} lines <= {TARGETS['form_seconds']} s server"
            " time (after the transfer)",
            engine["form_read_seconds"] <= TARGETS["form_seconds"],
        ),
        (
            f"generate {screens['lines']} lines <= 10 s",
            screens["generate"] <= TARGETS["generate_seconds"],
        ),
        ("assign successors <= 5 s", screens["assign"] <= TARGETS["assign_seconds"]),
        *(
            (
                f"{kind} PDF of {pdf['lines']} lines <= 10 min and 2 GB"
                f" ({pdf[f'pdf_{kind}']:.0f} s, {pdf[f'pdf_{kind}_rss_mb']:.0f} MB)",
                pdf[f"pdf_{kind}"] <= TARGETS["pdf_seconds"]
                and pdf[f"pdf_{kind}_rss_mb"] <= TARGETS["pdf_rss_mb"],
            )
            for kind in reports
        ),
    ]
    checks += reorg_report(results, args.customers)
    ratios = {
        "engine_vs_naive_speedup": per_naive / per_engine,
        "engine_vs_floor": per_engine / per_floor,
        "engine_vs_mass_edit_speedup": per_mass / per_engine,
        "engine_queries_per_record": engine["queries"] / moved,
    }
    return _targets(args, results, checks, ratios)
