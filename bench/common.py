"""What the benchmark (bench/run.py) and the load test (load/run.py) share: the
database they build from, the sizes of a run, a phase run in a process of its
own and, in that process, the phase run inside Odoo; the handover form's
customer lines as they are read (bench/phases.py, load/people.py).

Imports no Odoo at load time: the orchestration and the Locust users run
without it.
"""

# A command-line tool's helpers: the phase prints its result; it commits what
# it builds or measures.
# pylint: disable=print-used,invalid-commit

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The template database with the addon's dependencies (scripts/lib.sh builds it).
BASE_DB = "handover_base"
# The ORM builds 10,000 customers in about 9 minutes on this machine; larger
# data sets copy those customers in SQL, with everything that moves with them
# (builder.py).
BUILD_BASE = 10000

# The customer lines of the handover form with their counts.
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


def check_sizes(parser, args):
    """--quick (the ORM's 10,000 customers) and --customers checked against
    the build; the names of the template's and the run's databases."""
    if args.quick:
        args.customers = BUILD_BASE
    if args.customers > BUILD_BASE and args.customers % BUILD_BASE:
        parser.error(f"above {BUILD_BASE}, --customers must be a multiple of it")
    args.template_db = f"{args.db_prefix}_tpl"
    args.run_db = f"{args.db_prefix}_run"


def run_phase(tool, script, phase, db, options):
    """`phase` of `script` on `db` in a process of its own, with `options`
    ({name: value}, passed as --name value): the JSON it prints last. A failed
    phase shows the end of its errors and stops `tool`'s run."""
    command = [sys.executable, str(script), "--phase", phase, "--db", db]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    out = subprocess.run(command, check=False, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr[-5000:])
        raise SystemExit(f"{tool}: the {phase} phase failed on {db}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def odoo_env(db):
    """A superuser environment on `db` and its cursor."""
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".odoo.conf"), "-d", db, "--log-level=warn"]
    )
    registry = Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, api.SUPERUSER_ID, {}), cr


def run_in_odoo(phases, args):
    """This process's phase (`args.phase` of `phases`) on `args.db`: run,
    committed, its result printed as JSON for `run_phase`."""
    env, cr = odoo_env(args.db)
    try:
        result = phases[args.phase](env, args)
        cr.commit()
    finally:
        cr.close()
    print(json.dumps(result))
