"""Translation template and Simplified Chinese translation of the addon.

Run with the project's venv and Odoo on PYTHONPATH (``make i18n-export`` and
``make i18n-check`` do):

export DB  writes hr_client_handover/i18n/hr_client_handover.pot from DB, where the
           addon is installed, with Odoo's own exporter; the creation and revision
           dates are left out so that the file changes only when the terms do.
merge      brings i18n/zh_CN.po in line with the .pot: translations are kept, new
           terms are added untranslated, terms gone from the .pot are dropped.
check DB   fails, listing the terms, when the committed .pot differs from a fresh
           export of DB, or when a term of the .pot is missing, untranslated or
           fuzzy in zh_CN.po, loses a placeholder or a tag there, or zh_CN.po holds
           a term the .pot no longer has.
"""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used
import argparse
import io
import re
import sys
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDON = "hr_client_handover"
I18N = ROOT / ADDON / "i18n"
POT = I18N / f"{ADDON}.pot"
LANG = "zh_CN"
PO = I18N / f"{LANG}.po"

# Header lines whose value changes on every export.
DATED_HEADER = re.compile(r'^"(?:POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.M)
# What a translation must keep from its source: printf and format placeholders,
# inline template expressions and markup (less the attributes Odoo translates).
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{\{.*?\}\}|\{\w*\}|<[^>]+>"
)
ATTRIBUTE = re.compile(r'\s([\w:-]+)="[^"]*"')
PO_METADATA = {
    "Project-Id-Version": "",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "",
    "Language-Team": "",
    "Language": LANG,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def export_pot(db):
    """Return the addon's translation template exported from ``db``, undated."""
    # Odoo is imported by the commands that need it only: merge runs without it.
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools.translate import trans_export

    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".odoo.conf"), "-d", db, "--no-http", "--log-level=warn"]
    )
    with Registry(db).cursor(readonly=True) as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", ADDON)])
        if module.state != "installed":
            sys.exit(f"i18n: {ADDON} is not installed in database {db}.")
        if module.demo:
            # Demo records would enter the template as terms to translate.
            sys.exit(
                f"i18n: database {db} holds the demo data of {ADDON}; export from a "
                "database without it (make test leaves one: handover_test)."
            )
        buffer = io.BytesIO()
        trans_export(None, [ADDON], buffer, "po", env)
    return DATED_HEADER.sub("", buffer.getvalue().decode())


def cmd_export(args):
    I18N.mkdir(exist_ok=True)
    POT.write_text(export_pot(args.db), encoding="utf-8")
    print(
        f"i18n: {len(polib.pofile(str(POT)))} terms written to {POT.relative_to(ROOT)}"
    )


def cmd_merge(_args):
    pot = polib.pofile(str(POT))
    old = {entry.msgid: entry for entry in polib.pofile(str(PO))} if PO.exists() else {}
    po = polib.POFile(wrapwidth=pot.wrapwidth)
    po.header = pot.header
    po.metadata = dict(
        PO_METADATA, **{"Project-Id-Version": pot.metadata["Project-Id-Version"]}
    )
    added = 0
    for template in pot:
        previous = old.pop(template.msgid, None)
        if previous is None:
            added += 1
        po.append(
            polib.POEntry(
                msgid=template.msgid,
                msgstr=previous.msgstr if previous else "",
                comment=template.comment,
                occurrences=template.occurrences,
                flags=[flag for flag in template.flags if flag != "fuzzy"],
            )
        )
    po.save(str(PO))
    untranslated = sum(1 for entry in po if not entry.msgstr)
    print(
        f"i18n: {PO.relative_to(ROOT)}: {len(po)} terms, {added} new, "
        f"{len(old)} obsolete dropped, {untranslated} to translate"
    )


def _short(msgid):
    text = " ".join(msgid.split())
    return text if len(text) <= 100 else text[:97] + "..."


def _template_problems(db):
    fresh = export_pot(db)
    committed = POT.read_text(encoding="utf-8") if POT.exists() else ""
    if fresh == committed:
        return []
    fresh_entries = {entry.msgid: entry for entry in polib.pofile(fresh)}
    committed_entries = (
        {entry.msgid: entry for entry in polib.pofile(committed)} if committed else {}
    )
    problems = [
        f"new term: {_short(m)}" for m in fresh_entries if m not in committed_entries
    ]
    problems += [
        f"term gone: {_short(m)}" for m in committed_entries if m not in fresh_entries
    ]
    problems += [
        f"references changed: {_short(m)}"
        for m, entry in fresh_entries.items()
        if m in committed_entries and str(entry) != str(committed_entries[m])
    ]
    return problems or ["the header differs"]


def _markers(text):
    """The placeholders and tags of ``text``; translated attributes blanked."""
    from odoo.tools.translate import TRANSLATED_ATTRS

    def blank(match):
        return f' {match[1]}=""' if match[1] in TRANSLATED_ATTRS else match[0]

    return Counter(
        ATTRIBUTE.sub(blank, marker) if marker.startswith("<") else marker
        for marker in PLACEHOLDER.findall(text)
    )


def _translation_problems():
    if not POT.exists():
        return []
    pot = polib.pofile(str(POT))
    translations = (
        {entry.msgid: entry for entry in polib.pofile(str(PO))} if PO.exists() else {}
    )
    problems = []
    for template in pot:
        entry = translations.pop(template.msgid, None)
        if entry is None:
            problems.append(f"missing: {_short(template.msgid)}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {_short(template.msgid)}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_short(template.msgid)}")
        elif _markers(entry.msgid) != _markers(entry.msgstr):
            problems.append(f"placeholders or tags differ: {_short(template.msgid)}")
    problems += [f"obsolete: {_short(msgid)}" for msgid in translations]
    return problems


def cmd_check(args):
    rc = 0
    template = _template_problems(args.db)
    if template:
        rc = 1
        print(
            f"i18n: {POT.relative_to(ROOT)} is out of date with database {args.db} "
            f"(run 'make i18n-export I18N_DB={args.db}', then translate):",
            *(f"  {problem}" for problem in template),
            sep="\n",
            file=sys.stderr,
        )
    translation = _translation_problems()
    if translation:
        rc = 1
        print(
            f"i18n: {PO.relative_to(ROOT)} does not match the .pot:",
            *(f"  {problem}" for problem in translation),
            sep="\n",
            file=sys.stderr,
        )
    if not rc:
        print(f"i18n: {len(polib.pofile(str(POT)))} terms, all translated in {LANG}")
    return rc


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the .pot from a database")
    export.add_argument("db")
    export.set_defaults(func=cmd_export)
    merge = commands.add_parser("merge", help=f"update {LANG}.po from the .pot")
    merge.set_defaults(func=cmd_merge)
    check = commands.add_parser(
        "check", help="fail on an outdated .pot or missing terms"
    )
    check.add_argument("db")
    check.set_defaults(func=cmd_check)
    args = parser.parse_args()
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
