"""Gives users an API key for Odoo 19's JSON-2 API (``make api-keys``).

Creates one new key per login in DATABASE, as the user would in Preferences >
Account Security > New API Key (scope: any RPC; expiring after DAYS days), and
prints ``login uid key`` per line. The keys are shown once: Odoo stores only
their hash. Run with the project's venv and Odoo on PYTHONPATH.

Usage: python scripts/api_keys.py [--days N] DATABASE LOGIN...
"""

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(db, logins, days, name="hr_client_handover integration"):
    """{login: (uid, key)} for `logins` of `db`."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", str(ROOT / ".odoo.conf"), "-d", db, "--no-http", "--log-level=warn"]
    )
    expiration = datetime.datetime.now() + datetime.timedelta(days=days)
    keys = {}
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        for login in logins:
            user = env["res.users"].search([("login", "=", login)])
            if not user:
                raise SystemExit(f"api-keys: no user {login!r} in {db}")
            # As the user, in sudo: the key is theirs, the expiry beyond their
            # group's maximum duration is allowed (as res.users.apikeys says).
            apikeys = env["res.users.apikeys"].with_user(user).sudo()
            keys[login] = (user.id, apikeys._generate(None, name, expiration))
    return keys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("database")
    parser.add_argument("logins", nargs="+", metavar="login")
    parser.add_argument("--days", type=int, default=30, help="validity (30)")
    args = parser.parse_args()
    for login, (uid, key) in generate(args.database, args.logins, args.days).items():
        sys.stdout.write(f"{login} {uid} {key}\n")


if __name__ == "__main__":
    main()
