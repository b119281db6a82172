"""Pytest hooks for the whole repository."""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Report a skipped test as failed.

    Odoo skips a browser tour when Chromium or websocket-client is missing, so a
    skip would let a broken set-up pass unnoticed.
    """
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr
        if isinstance(reason, tuple):
            reason = reason[2]
        report.outcome = "failed"
        report.longrepr = f"skipped, which this project counts as a failure: {reason}"
    return report
