"""What the load test runs inside Odoo, each in a process of its own (see run.py):

* build: the benchmark's data set (bench/builder.py: one departing salesperson
  with N customers and everything the transfer rules move, their handover in
  plan approval), then the people of the procedure's roles with handovers of
  10,000 lines to work on: one in the materials stage (successors confirm
  materials and sign, countersigners countersign checklist items), one in the
  customer visits stage (successors and the departing employee confirm
  visits), one in the verification stage (the witness records phone checks)
  and a small one in the visits stage whose visit sheet the supervisors print;
* keys: an API key for each simulated person (scripts/api_keys.py);
* approve: the division manager approves the big handover's plan, as the
  benchmark does: the transfer then runs in the background (the server's cron);
* check: after the run, what the users did, as counted by the client, against
  the database, the seals and the transfer's ledger.

Each returns a dict, printed as JSON by the entry point.
"""

# Runs inside Odoo, outside its request cycle: it commits what it builds.
# pylint: disable=invalid-commit

import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

# pylint: disable=wrong-import-position
from builder import QUIET, create_in_batches  # noqa: E402
from builder import phase_build as bench_build  # noqa: E402

# Lines of each handover the people work on.
WORK_LINES = 10000
# Customers of the handover whose visit sheet is printed.
PRINTED_LINES = 30
# Customers of the verification handover in the phone-check sample.
SAMPLE = 2000
# Checklist items each countersigner has to countersign.
ITEMS_EACH = 300

# The 30 simulated people, in the order they join: the first N of a smaller
# run still cover every role. (login, role, handover key)
ROSTER = [
    ("load.m.successor1", "materials_successor", "materials"),
    ("load.v.successor1", "visit_successor", "visits"),
    ("load.c.witness", "phone_witness", "verification"),
    ("load.v.departing", "visit_departing", "visits"),
    ("load.m.supervisor", "supervisor", "materials"),
    ("load.manager", "manager", "materials"),
    ("load.countersigner1", "countersigner", "materials"),
    ("load.m.departing", "signer", "materials"),
    ("load.m.successor2", "materials_successor", "materials"),
    ("load.v.successor2", "visit_successor", "visits"),
    ("load.m.witness", "signer", "materials"),
    ("load.v.supervisor", "supervisor", "visits"),
    ("load.m.successor3", "materials_successor", "materials"),
    ("load.v.successor3", "visit_successor", "visits"),
    ("load.countersigner2", "countersigner", "materials"),
    ("load.m.successor4", "materials_successor", "materials"),
    ("load.v.successor4", "visit_successor", "visits"),
    ("load.c.supervisor", "supervisor", "verification"),
    ("load.m.successor5", "materials_successor", "materials"),
    ("load.v.successor5", "visit_successor", "visits"),
    ("load.v.witness", "reader", "visits"),
    ("load.m.successor6", "materials_successor", "materials"),
    ("load.v.successor6", "visit_successor", "visits"),
    ("load.c.departing", "reader", "verification"),
    ("load.m.successor7", "materials_successor", "materials"),
    ("load.v.successor7", "visit_successor", "visits"),
    ("load.c.successor1", "reader", "verification"),
    ("load.m.successor8", "materials_successor", "materials"),
    ("load.v.successor8", "visit_successor", "visits"),
    ("load.countersigner3", "countersigner", "materials"),
]
SUCCESSORS = {"materials": 8, "visits": 8, "verification": 3}


def _user(env, login, team=None):
    user = env["res.users"].create(
        {
            "name": login.replace(".", " ").title(),
            "login": login,
            # Every password is the login, as in the demo: the browser session
            # the visit sheet is printed through logs in with it.
            "password": login,
            "group_ids": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
        }
    )
    if team:
        env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id})
    return user


def _work_handover(env, key, lines, manager, team, crew=None):
    """A handover of `lines` customers of its own departing salesperson, with
    its supervisor, witness and successors (those of the handover `crew` for
    a visit sheet to print), put in its stage as if the earlier stages were
    done (their buttons are not what is measured), with what the stage's line
    buttons ask for recorded."""
    prefix = {"materials": "m", "visits": "v", "verification": "c"}[crew or key]
    if crew:
        departing = _user(env, f"load.{prefix}.printed.departing", team)
        supervisor = env["res.users"].search(
            [("login", "=", f"load.{prefix}.supervisor")]
        )
        witness = env["res.users"].search([("login", "=", f"load.{prefix}.witness")])
        successors = env["res.users"].search(
            [("login", "=", f"load.{prefix}.successor1")]
        )
    else:
        departing = _user(env, f"load.{prefix}.departing", team)
        supervisor = _user(env, f"load.{prefix}.supervisor", team)
        witness = _user(env, f"load.{prefix}.witness", team)
        successors = env["res.users"]
        for index in range(1, SUCCESSORS[key] + 1):
            successors |= _user(env, f"load.{prefix}.successor{index}", team)
    boss = env["hr.employee"].search([("user_id", "=", supervisor.id)])
    if not boss:
        boss = env["hr.employee"].create(
            {"name": supervisor.name, "user_id": supervisor.id}
        )
    employee = env["hr.employee"].create(
        {"name": departing.name, "user_id": departing.id, "parent_id": boss.id}
    )
    partners = create_in_batches(
        env["res.partner"],
        [
            {
                "name": f"Load {key.title()} Customer {i:05d}",
                "is_company": True,
                "user_id": departing.id,
                "phone": f"+86 21 5{i:07d}",
            }
            for i in range(lines)
        ],
        1000,
    )
    handover = env["hr.client.handover"].create(
        {
            "employee_id": employee.id,
            "supervisor_id": supervisor.id,
            "approver_id": manager.id,
            "witness_id": witness.id,
            "last_working_date": date.today() + timedelta(days=30),
        }
    )
    extra = {}
    if key == "materials":
        extra = {"materials_no_paper": True, "materials_no_electronic": True}
    elif key == "visits" or crew:
        extra = {
            "visit_date": date.today() - timedelta(days=1),
            "visit_place": "Customer office",
            "visit_contact": "Purchasing manager",
        }
    vals = [
        dict(
            extra,
            handover_id=handover.id,
            partner_id=partner.id,
            successor_id=successors[i % len(successors)].id,
        )
        for i, partner in enumerate(partners)
    ]
    create_in_batches(env["hr.client.handover.line"], vals, 2000)
    if key == "verification":
        handover.line_ids[:SAMPLE].write(
            {"spot_check_selected": True, "check_result": "pending"}
        )
    if crew:
        # Both visited: the sheet prints its signatures' boxes and every visit.
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        handover.line_ids.write(
            {
                "visit_successor_confirmed_on": now,
                "visit_successor_confirmed_by_id": successors.id,
                "visit_departing_confirmed_on": now,
                "visit_departing_confirmed_by_id": departing.id,
                "visit_done_on": now,
                "visit_contact_name": "Purchasing manager",
            }
        )
    handover.write({"state": "visits" if crew else key})
    handover._on_enter_stage()
    _filed_earlier(env, handover)
    return handover


def _filed_earlier(env, handover):
    """The documents of the stages the handover skipped, as filed then (a
    stand-in each): else the server's filing job would render them during the
    run, on the cron worker the transfer needs."""
    from odoo.addons.hr_client_handover.models.hr_client_handover_document import (  # noqa: PLC0415
        FILED,
    )

    for kind in env["hr.client.handover.document"]._files_due(handover):
        attachment = env["ir.attachment"].create(
            {
                "name": f"{handover.name} {kind} (filed earlier).pdf",
                "raw": b"%PDF-1.4 stand-in",
                "mimetype": "application/pdf",
                "res_model": handover._name,
                "res_id": handover.id,
            }
        )
        handover[FILED[kind].field] = attachment


def phase_build(env, args):
    started = time.time()
    bench = bench_build(env, SimpleNamespace(customers=args.customers))
    env = env(context=dict(env.context, **QUIET))
    team = env["crm.team"].create({"name": "Load Team"})
    manager = _user(env, "load.manager", team)
    handovers = {}
    for key in ("materials", "visits", "verification"):
        handovers[key] = _work_handover(env, key, args.work_lines, manager, team).id
        env.cr.commit()
    for key in ("materials", "visits", "verification"):
        # The visit sheet each supervisor prints: of a handover of theirs
        # (one of 10,000 lines holds one of the two workers for minutes).
        handovers[f"print_{key}"] = _work_handover(
            env, "print", PRINTED_LINES, manager, team, crew=key
        ).id
    # The division manager of the people approves the big plan too.
    transfer = env["hr.client.handover"].browse(bench["handover_id"])
    transfer.approver_id = manager
    materials = env["hr.client.handover"].browse(handovers["materials"])
    departing = materials.departing_user_id
    items = []
    for index in (1, 2, 3):
        signer = _user(env, f"load.countersigner{index}", team)
        items += [
            {
                "handover_id": materials.id,
                "name": f"Company asset {index}-{i:03d}",
                "category": "equipment",
                "countersigner_id": signer.id,
                "done": True,
                "done_by_id": departing.id,
                "done_on": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
            for i in range(ITEMS_EACH)
        ]
    env["hr.client.handover.item"].create(items)
    env.cr.commit()
    users = {
        u.login: u.id for u in env["res.users"].search([("login", "=like", "load.%")])
    }
    return {
        "customers": args.customers,
        "seconds": time.time() - started,
        "bench": bench,
        "transfer_handover": bench["handover_id"],
        "handovers": handovers,
        "users": users,
        "roster": ROSTER,
    }


def phase_keys(env, args):
    """{login: key}: an API key valid for a day for each simulated person."""
    expiration = datetime.now() + timedelta(days=1)
    keys = {}
    for login, _role, _key in ROSTER:
        user = env["res.users"].search([("login", "=", login)])
        # As the user, in sudo, as scripts/api_keys.py does.
        apikeys = env["res.users.apikeys"].with_user(user).sudo()
        keys[login] = apikeys._generate(None, "load test", expiration)
    return keys


def phase_approve(env, args):
    """The division manager approves the big handover's plan: the transfer
    is queued and left to the server's background job."""
    handover = env["hr.client.handover"].browse(args.handover)
    approver = handover.approver_id
    started = time.time()
    handover.with_user(approver).action_approve_plan()
    env.cr.commit()
    return {
        "approved_at": time.time(),
        "approval_seconds": time.time() - started,
        "transfer_state": handover.transfer_state,
        "transfer_total": handover.transfer_total,
    }


def phase_check(env, args):
    """No lost or doubled write: what the users did (counted by the client)
    against the database, the seals and the transfer's ledger."""
    import json  # noqa: PLC0415

    done = json.loads(Path(args.client).read_text())
    built = json.loads(Path(args.built).read_text())
    cr = env.cr
    problems = []

    def compare(what, client_ids, sql, params):
        cr.execute(sql, params)
        database = [row[0] for row in cr.fetchall()]
        client = set(client_ids)
        lost = client - set(database)
        extra = set(database) - client
        doubled = len(client_ids) - len(client)
        if lost:
            problems.append(f"{what}: {len(lost)} done by users, not in the database")
        if extra:
            problems.append(f"{what}: {len(extra)} in the database, no user did them")
        if doubled:
            problems.append(f"{what}: {doubled} accepted twice")
        return {"client": len(client_ids), "database": len(database)}

    def seals(what, kind, model, ids, per_record=1):
        cr.execute(
            "SELECT res_id, COUNT(*) FROM hr_client_handover_seal"
            " WHERE kind = %s AND res_model = %s AND res_id = ANY(%s)"
            " GROUP BY res_id",
            [kind, model, list(ids)],
        )
        counts = dict(cr.fetchall())
        wrong = [i for i in set(ids) if counts.get(i, 0) != per_record]
        if wrong:
            problems.append(
                f"{what}: {len(wrong)} records without exactly {per_record} seal(s)"
            )
        return sum(counts.values())

    h = built["handovers"]
    line = "hr.client.handover.line"
    result = {}
    result["materials"] = compare(
        "materials confirmed",
        done["materials"],
        "SELECT id FROM hr_client_handover_line"
        " WHERE handover_id = %s AND materials_confirmed_on IS NOT NULL",
        [h["materials"]],
    )
    result["materials"]["seals"] = seals(
        "materials confirmed", "materials", line, done["materials"]
    )
    for who, column in (
        ("visit_successor", "visit_successor_confirmed_on"),
        ("visit_departing", "visit_departing_confirmed_on"),
    ):
        result[who] = compare(
            who.replace("_", " ") + " confirmations",
            done[who],
            f"SELECT id FROM hr_client_handover_line"  # noqa: S608
            f" WHERE handover_id = %s AND {column} IS NOT NULL",
            [h["visits"]],
        )
    both = set(done["visit_successor"]) & set(done["visit_departing"])
    result["visits_done"] = compare(
        "visits done (both confirmed)",
        sorted(both),
        "SELECT id FROM hr_client_handover_line"
        " WHERE handover_id = %s AND visit_done_on IS NOT NULL",
        [h["visits"]],
    )
    visit_ids = done["visit_successor"] + done["visit_departing"]
    cr.execute(
        "SELECT res_id, COUNT(*) FROM hr_client_handover_seal WHERE kind = 'visit'"
        " AND res_model = %s AND handover_id = %s GROUP BY res_id",
        [line, h["visits"]],
    )
    visit_seals = dict(cr.fetchall())
    expected = {}
    for line_id in visit_ids:
        expected[line_id] = expected.get(line_id, 0) + 1
    if visit_seals != expected:
        problems.append("visit confirmations: the seals differ from what users did")
    result["visit_seals"] = sum(visit_seals.values())
    result["checks"] = compare(
        "phone checks",
        done["check"],
        "SELECT id FROM hr_client_handover_line"
        " WHERE handover_id = %s AND checked_on IS NOT NULL",
        [h["verification"]],
    )
    result["checks"]["seals"] = seals("phone checks", "check", line, done["check"])
    result["countersigned"] = compare(
        "countersigned items",
        done["countersign"],
        "SELECT id FROM hr_client_handover_item"
        " WHERE handover_id = %s AND countersigned_on IS NOT NULL",
        [h["materials"]],
    )
    result["signatures"] = compare(
        "signatures",
        done["sign"],
        "SELECT id FROM hr_client_handover_signature"
        " WHERE handover_id = %s AND signed_on IS NOT NULL",
        [h["materials"]],
    )
    Seal = env["hr.client.handover.seal"]
    for key in ("materials", "visits", "verification"):
        broken, _why = Seal._verify_integrity(env["hr.client.handover"].browse(h[key]))
        if broken:
            problems.append(f"the seals of the {key} handover do not verify")
    # The transfer: every record moved once, none left with the departing user.
    transfer = env["hr.client.handover"].browse(built["transfer_handover"])
    cr.execute(
        "SELECT COUNT(*), COUNT(DISTINCT (res_model, res_id, field_name))"
        " FROM hr_client_handover_transfer"
        " WHERE handover_id = %s AND outcome = 'moved'",
        [transfer.id],
    )
    moved, distinct = cr.fetchone()
    if moved != distinct:
        problems.append(f"transfer: {moved - distinct} ledger rows doubled")
    if transfer.transfer_state != "done":
        problems.append(f"transfer: {transfer.transfer_state}, not done")
    if moved != transfer.transfer_total:
        problems.append(
            f"transfer: {moved} records moved of the {transfer.transfer_total} queued"
        )
    cr.execute(
        "SELECT COUNT(*) FROM hr_client_handover_transfer t"
        " JOIN res_partner p ON t.res_model = 'res.partner' AND p.id = t.res_id"
        " WHERE t.handover_id = %s AND t.outcome = 'moved' AND p.user_id = %s",
        [transfer.id, transfer.departing_user_id.id],
    )
    left = cr.fetchone()[0]
    if left:
        problems.append(f"transfer: {left} moved customers back with the departing")
    result["transfer"] = {
        "moved": moved,
        "total": transfer.transfer_total,
        "state": transfer.transfer_state,
    }
    env.cr.rollback()
    return {"counts": result, "problems": problems}


PHASES = {
    "build": phase_build,
    "keys": phase_keys,
    "approve": phase_approve,
    "check": phase_check,
}
