"""Smoke check of the addon installed from its wheel (``make test-wheel``).

Run by ``scripts/test_wheel.sh`` with the fresh virtual environment's Python,
after the addon was installed from the wheel into DATABASE: checks that Odoo
loaded it from that environment's ``odoo/addons`` (not from the source tree),
then creates a departing salesperson with customers, a handover, and generates
its lines. Prints ``wheel: N passed, M failed``; exit status 1 on a failure.

Usage: python scripts/wheel_smoke.py CONFIG DATABASE SITE_PACKAGES SOURCE_TREE
"""

import os
import sys
import traceback
from importlib import metadata


def main(conf, db, site_packages, source_tree):
    import odoo
    from odoo import Command, api
    from odoo.modules.module import get_module_path
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", conf, "-d", db, "--no-http", "--log-level=warn"]
    )
    results = []

    def check(name, condition, detail=""):
        results.append(bool(condition))
        state = "ok  " if condition else "FAIL"
        sys.stdout.write(f"{state} {name}{': ' + detail if detail else ''}\n")

    # whool writes one requirement for an addon depending on core addons only.
    requires = metadata.distribution("odoo-addon-hr_client_handover").requires
    odoo_version = metadata.version("odoo")
    check(
        "the wheel's requirements are met",
        requires == ["odoo==19.0.*"] and odoo_version.split(".")[:2] == ["19", "0"],
        f"{requires}, odoo {odoo_version}",
    )
    path = os.path.realpath(get_module_path("hr_client_handover") or "")
    check(
        "the addon comes from the wheel",
        path.startswith(os.path.realpath(site_packages) + os.sep)
        and path != os.path.realpath(os.path.join(source_tree, "hr_client_handover")),
        path,
    )
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", "hr_client_handover")])
        check("the addon is installed", module.state == "installed", module.state)
        check(
            "its version is the manifest's",
            module.latest_version
            == odoo.modules.module.get_manifest("hr_client_handover")["version"],
            module.latest_version or "",
        )
        try:
            user = env["res.users"].create(
                {
                    "name": "Wheel Departing",
                    "login": "wheel_departing",
                    "group_ids": [
                        Command.set(
                            [
                                env.ref("base.group_user").id,
                                env.ref("sales_team.group_sale_salesman").id,
                            ]
                        )
                    ],
                }
            )
            employee = env["hr.employee"].create(
                {"name": user.name, "user_id": user.id}
            )
            customers = env["res.partner"].create(
                [{"name": f"Wheel Customer {i}", "is_company": True} for i in range(3)]
            )
            customers.user_id = user
            handover = env["hr.client.handover"].create({"employee_id": employee.id})
            check(
                "a handover is created in draft",
                handover.state == "draft" and handover.name != "New",
                f"{handover.name} {handover.state}",
            )
            handover.with_user(user).action_generate_lines()
            lines = handover.line_ids
            check(
                "Generate Lines lists the departing user's customers",
                set(lines.partner_id.ids) == set(customers.ids),
                f"{len(lines)} lines",
            )
        except Exception:  # report any failure as a failed check
            traceback.print_exc()
            check("the smoke scenario runs", False)
        finally:
            cr.rollback()

    failed = results.count(False)
    sys.stdout.write(f"wheel: {len(results) - failed} passed, {failed} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
