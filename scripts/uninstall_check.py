"""What uninstalling hr_client_handover leaves (``make test-uninstall``).

``owners DATABASE``: prints, as JSON, the current owner of every record the
addon's ledger moved (read with SQL, so it works with the addon installed or
not), less the addon's own demo records: Odoo deletes the records of an addon's
data files with it. ``check CONFIG DATABASE OWNERS_JSON CORE_TEST_LOG``: after
the uninstall, reads the result of Odoo's own tests run on it (their log), then
checks the addon and its tables are gone, the moved records are still where the
handover put them, and Odoo's own crm, sale and hr screens still load and work
for an administrator and a salesperson. Prints ``uninstall: N passed, M failed``.
"""

import json
import re
import subprocess
import sys
import traceback

from checks import Verdicts, configure

ADDON = "hr_client_handover"
LEDGER = "hr_client_handover_transfer"

# Screens of the modules the addon extends or moves records of: an
# administrator's, then a salesperson's (those they may open).
SCREENS = {
    "res.partner": ["form", "list", "kanban", "search"],
    "crm.lead": ["form", "list", "kanban", "search"],
    "sale.order": ["form", "list", "kanban", "search"],
    "hr.employee": ["form", "list", "kanban", "search"],
    "hr.department": ["form", "list", "kanban", "search"],
    "res.users": ["form", "list", "search"],
    "res.config.settings": ["form"],
    "hr.departure.wizard": ["form"],
    "mail.activity": ["form", "list"],
}
SALESMAN_SCREENS = {
    "res.partner": ["form", "list", "kanban", "search"],
    "crm.lead": ["form", "list", "kanban", "search"],
    "sale.order": ["form", "list", "kanban", "search"],
    "hr.employee.public": ["form", "list", "kanban", "search"],
    "mail.activity": ["form", "list"],
}


def psql(db, query):
    out = subprocess.run(
        ["psql", "-d", db, "-Atqc", query], capture_output=True, text=True, check=True
    )
    return [line.split("|") for line in out.stdout.splitlines() if line]


def owners(db, moved=None):
    """{"model,id,field": owner id or None} of the records the ledger moved."""
    if moved is None:
        moved = psql(
            db,
            f"SELECT DISTINCT res_model, res_id, field_name FROM {LEDGER} t "
            "WHERE NOT EXISTS (SELECT 1 FROM ir_model_data d WHERE d.model = "
            f"t.res_model AND d.res_id = t.res_id AND d.module = '{ADDON}') "
            "ORDER BY 1, 2, 3",
        )
    result = {}
    for model, res_id, field in moved:
        table = model.replace(".", "_")
        rows = psql(db, f'SELECT "{field}" FROM "{table}" WHERE id = {int(res_id)}')
        result[f"{model},{res_id},{field}"] = rows[0][0] if rows else "gone"
    return result


def core_tests(log_path):
    """(tests, failed, errors) from the result line of an Odoo test run's log."""
    text = open(log_path, encoding="utf-8", errors="replace").read()
    found = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", text)
    if not found:
        return None
    failed, errors, tests = (int(n) for n in found[-1])
    return tests, failed, errors


def check(conf, db, before_path, core_log):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    configure(conf, db)
    verdict = Verdicts("uninstall")
    result = core_tests(core_log)
    verdict(
        "Odoo's own crm, hr and sale_crm tests pass without the addon",
        result and result[0] and not result[1] and not result[2],
        "%s tests, %s failed, %s error(s)" % result if result else "no result line",
    )
    before = json.loads(open(before_path, encoding="utf-8").read())
    state = psql(db, f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'")
    verdict("the addon is uninstalled", state == [["uninstalled"]], str(state))
    tables = psql(
        db,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_name LIKE 'hr\\_client\\_handover%'",
    )
    verdict("its tables are dropped", not tables, str(tables)[:200])
    columns = psql(
        db,
        "SELECT table_name || '.' || column_name FROM information_schema.columns "
        "WHERE column_name LIKE '%handover%'",
    )
    verdict("no column of it is left on core tables", not columns, str(columns))
    moved = [key.split(",") for key in before]
    after = owners(db, moved)
    changed = {
        key: (before[key], after[key]) for key in before if before[key] != after[key]
    }
    verdict(
        "the records it moved stay with their new owners",
        before and not changed,
        f"{len(before)} records" + (f", changed: {changed}" if changed else ""),
    )

    with Registry(db).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        verdict(
            "no model of it is left",
            not env["ir.model"].search_count([("model", "like", "hr.client.handover")]),
        )
        admin = env.ref("base.user_admin")
        salesman = (
            env["res.users"]
            .search([("share", "=", False), ("id", "!=", admin.id)])
            .filtered(
                lambda user: user.has_group("sales_team.group_sale_salesman")
                and not user.has_group("sales_team.group_sale_manager")
            )[:1]
        )
        for user in (admin, salesman):
            uenv = env(user=user)
            screens = SCREENS if user == admin else SALESMAN_SCREENS
            for model, types in screens.items():
                try:
                    uenv[model].get_views([(False, kind) for kind in types])
                    ok, detail = True, ""
                except Exception as exc:  # any error is the finding
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                verdict(f"{user.login}: {model} views ({', '.join(types)})", ok, detail)
            try:
                uenv["ir.ui.menu"].load_menus(debug=False)
                ok, detail = True, ""
            except Exception as exc:  # any error is the finding
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            verdict(f"{user.login}: the menus load", ok, detail)
        try:
            senv = env(user=salesman)
            partner = senv["res.partner"].create(
                {"name": "After Uninstall Ltd", "is_company": True}
            )
            lead = senv["crm.lead"].create(
                {
                    "name": "After uninstall",
                    "type": "opportunity",
                    "partner_id": partner.id,
                }
            )
            order = senv["sale.order"].create({"partner_id": partner.id})
            partner.user_id = salesman
            lead.action_set_won()
            employee = env["hr.employee"].create({"name": "After Uninstall"})
            employee.action_archive()
            ok = lead.stage_id.is_won and order.user_id == salesman
            detail = f"{salesman.login}: partner, won opportunity, quotation"
        except Exception:  # any error is the finding
            ok, detail = False, traceback.format_exc(limit=3)
        finally:
            cr.rollback()
        verdict("crm, sale and hr work: create, win, quote, archive", ok, detail)
    return verdict.summary()


def main(argv):
    if len(argv) == 2 and argv[0] == "owners":
        sys.stdout.write(json.dumps(owners(argv[1]), indent=1) + "\n")
        return 0
    if len(argv) == 5 and argv[0] == "check":
        return check(*argv[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
