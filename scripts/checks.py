"""What the make targets' checks share (uninstall_check.py, upgrade_check.py,
wheel_smoke.py): Odoo configured for the database they check, their verdicts.

Imports Odoo only when asked to configure it, and nothing else of this
project: wheel_smoke.py runs it with the wheel's own environment.
"""

import sys


def configure(conf, db):
    """Odoo configured by the file `conf` for `db`: no HTTP, warnings only."""
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", conf, "-d", db, "--no-http", "--log-level=warn"]
    )


class Verdicts:
    """The checks of a run, each printed as it is given ("ok  " or "FAIL",
    its name, its detail); ``summary`` prints "<what>: N passed, M failed"."""

    def __init__(self, what):
        self.what = what
        self.results = []

    def __call__(self, name, condition, detail=""):
        self.results.append(bool(condition))
        state = "ok  " if condition else "FAIL"
        sys.stdout.write(f"{state} {name}{': ' + detail if detail else ''}\n")

    def summary(self):
        """Print the count of passed and failed checks; the exit status: 1
        when one failed."""
        failed = self.results.count(False)
        passed = len(self.results) - failed
        sys.stdout.write(f"{self.what}: {passed} passed, {failed} failed\n")
        return 1 if failed else 0
