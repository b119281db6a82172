"""Smoke check of the addon installed from its wheel (``make test-wheel``).

Run by ``scripts/test_wheel.sh`` with the fresh virtual environment's Python,
after the addon was installed from the wheel into DATABASE: checks that Odoo
loaded it from that environment's ``odoo/addons`` (not from the source tree),
then creates a departing salesperson with customers, a handover, and generates
its lines. Prints ``wheel: N passed, M failed``; exit status 1 on a failure.

Usage: python scripts/wheel_smoke.py CONFIG DATABASE SITE_PACKAGES SOURCE_TREE
"""

import os
import re
import sys
import traceback
from importlib import metadata

from checks import Verdicts, configure


def within(version, requirement):
    """Whether ``version`` meets ``requirement`` (``name>=a,<b`` clauses; the
    fresh environment has no ``packaging``)."""

    def key(text):
        return tuple(int(part) for part in re.findall(r"\d+", text)[:3])

    clauses = re.findall(r"(>=|<)\s*([\d.]+)", requirement)
    compare = {">=": lambda a, b: a >= b, "<": lambda a, b: a < b}
    return bool(clauses) and all(
        compare[op](key(version), key(bound)) for op, bound in clauses
    )


def check_stamping(check, pypdf_version):
    """The filed documents' page stamping works with the installed pypdf (the
    newest the addon's bound allows)."""
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    from odoo.addons.hr_client_handover.models.ir_actions_report import stamp_pages

    # Two parts of one page each, as a large document is printed: joined and
    # numbered as one.
    parts = []
    for page in range(2):
        pdf = io.BytesIO()
        sheet = canvas.Canvas(pdf)
        sheet.drawString(72, 720, f"Body {page + 1}")
        sheet.showPage()
        sheet.save()
        pdf.seek(0)
        parts.append(pdf)
    try:
        stamped = PdfReader(
            stamp_pages(parts, lambda page, total: f"HO {page}/{total}")
        )
        texts = [page.extract_text() for page in stamped.pages]
        ok = len(texts) == 2 and all(
            f"Body {n}" in text and f"HO {n}/2" in text
            for n, text in enumerate(texts, start=1)
        )
        detail = " | ".join(" ".join(text.split()) for text in texts)
    except Exception as error:  # report the failure as a failed check
        ok, detail = False, repr(error)
    check(f"the pages are stamped with pypdf {pypdf_version}", ok, detail)


def main(conf, db, site_packages, source_tree):
    import odoo
    from odoo import Command, api
    from odoo.modules.module import get_module_path
    from odoo.modules.registry import Registry

    configure(conf, db)
    check = Verdicts("wheel")
    # whool writes Odoo's release and the manifest's Python dependencies.
    requires = metadata.distribution("odoo-addon-hr_client_handover").requires
    odoo_version = metadata.version("odoo")
    pypdf_version = metadata.version("pypdf")
    bound = next((r for r in requires if r.startswith("pypdf")), "")
    check(
        "the wheel's requirements are met",
        "odoo==19.0.*" in requires
        and odoo_version.split(".")[:2] == ["19", "0"]
        and within(pypdf_version, bound),
        f"{requires}, odoo {odoo_version}, pypdf {pypdf_version}",
    )
    check_stamping(check, pypdf_version)
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
    return check.summary()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
