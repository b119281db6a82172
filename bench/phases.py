"""What the benchmark measures, each phase in a process of its own on a fresh
copy of the built data set (see builder.py):

* engine: as a user gets it, the background path from approval until the last
  batch is committed (wall seconds, every SQL statement, peak RSS); then the
  handover form's server time; then the revert, likewise in the background;
* naive:  per-record ORM ``write({'user_id': ...})`` with default tracking,
  including the commit where Odoo writes the tracking messages, on a sample;
* floor:  one raw SQL UPDATE per table on the same rows;
* mass edit: Odoo's own list multi-edit, what a user would do instead: select
  the records of a sample of customers in each list (customers, opportunities,
  quotations, activities) and set the salesperson once (one ``web_save`` per
  model, with tracking, notifications and the commit);
* screens: what a user waits for on a handover of 10,000 customers: generating
  its lines, assigning successors (balanced split), opening the form;
* pdf: printing each PDF of the handover of the run's size (wkhtmltopdf through
  a running server, as in production): seconds, pages and the peak memory of
  the process that renders plus its wkhtmltopdf.

Each returns a dict of numbers, printed as JSON by the entry point.
"""

# Runs inside Odoo, outside its request cycle: it commits what it measures.
# pylint: disable=invalid-commit

import resource
import subprocess
import time

from builder import built_handover, phase_build, phase_grow
from common import LINE_FIELDS, ROOT


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cost(cr, started, queries, records):
    """What a path took, read as soon as it ends: seconds and SQL statements
    since `started` and `queries`, the `records` it changed."""
    return {
        "seconds": time.time() - started,
        "queries": cr.sql_log_count - queries,
        "records": records,
    }


def _noise_left_alone(env, handover):
    """The noise still belongs to whom it did."""
    departing = handover.departing_user_id
    leads = (
        env["crm.lead"]
        .with_context(active_test=False)
        .search_count(
            [
                ("user_id", "=", departing.id),
                "|",
                "|",
                ("active", "=", False),
                ("won_status", "!=", "pending"),
                ("company_id", "!=", handover.company_id.id),
            ]
        )
    )
    orders = env["sale.order"].search_count(
        [("user_id", "=", departing.id), ("state", "=", "sale")]
    )
    others = env["res.partner"].search_count([("user_id.login", "=", "bench.other")])
    return {
        "departing_noise_leads": leads,
        "confirmed_orders": orders,
        "other_owner_customers": others,
    }


# Every line with its counts at once: a worst case no screen does.
ALL_LINES = {"line_ids": {"order": "sequence ASC, id ASC", "fields": LINE_FIELDS}}


def _list_spec(node, models, model):
    """What the web client reads of each row of an x2many's list."""
    fields = models[model]["fields"]
    spec = {}
    for field in node.iter("field"):
        name = field.get("name")
        if name in fields and field.getparent().tag == "list":
            kind = fields[name]["type"]
            spec[name] = (
                {"fields": {"display_name": {}}}
                if kind in ("many2one", "many2many")
                else {}
            )
    return spec


def form_spec(env, user):
    """The handover form's first read, as the web client builds it from the
    form view (for ``user``): every field of the view, each many2one with its
    name, each listed x2many with the first page (its limit, else 40) of its
    rows in the list's order, its tags with their names."""
    from lxml import etree  # noqa: PLC0415

    views = env["hr.client.handover"].with_user(user).get_views([(False, "form")])
    models = views["models"]
    fields = models["hr.client.handover"]["fields"]
    arch = etree.fromstring(views["views"]["form"]["arch"])
    spec = {}
    for node in arch.iter("field"):
        if node.xpath("ancestor::field"):
            continue
        name = node.get("name")
        info = fields.get(name, {})
        kind = info.get("type")
        if kind == "many2one":
            value = {"fields": {"display_name": {}}}
        elif kind in ("one2many", "many2many"):
            sub = node.find("list")
            if sub is not None:
                handle = sub.xpath("./field[@widget='handle']/@name")
                order = sub.get("default_order") or (
                    f"{handle[0]} ASC, id ASC" if handle else None
                )
                value = {
                    "fields": _list_spec(sub, models, info["relation"]),
                    "limit": int(node.get("limit") or sub.get("limit") or 40),
                }
                if order:
                    value["order"] = order
            elif node.get("invisible") in ("1", "True"):
                value = {}
            else:
                value = {"fields": {"display_name": {}}}
        else:
            value = {}
        old = spec.get(name)
        if old and "fields" in old:
            # A field listed in several tabs: one read of the union.
            old["fields"].update(value.get("fields", {}))
        else:
            spec[name] = value
    return spec


def _run_background(env, handover):
    """What the scheduled action does, until the handover leaves `state`."""
    Handover = env["hr.client.handover"]
    state = handover.transfer_state
    while state in ("running", "reverting"):
        Handover._cron_run_transfers()
        env.cr.commit()
        handover.invalidate_recordset()
        state = handover.transfer_state


def phase_engine(env, args):
    """The engine as a user gets it: approval, then the background job, until the
    last batch is committed; then the form; then the revert, likewise."""
    handover = built_handover(env)
    approver = handover.approver_id
    cr = env.cr
    before = {table: _max_id(cr, table) for table in MAIL_TABLES}
    env.invalidate_all()
    queries = cr.sql_log_count
    started = time.time()
    handover.with_user(approver).action_approve_plan()
    cr.commit()
    _run_background(env, handover)
    seconds = time.time() - started
    queries = cr.sql_log_count - queries
    mail = _mail_sent(cr, before)
    # The transfer's own peak, before the form reads below load every line.
    transfer_rss = _peak_rss_mb()
    noise = _noise_left_alone(env, handover)
    by_model = dict(
        env["hr.client.handover.transfer"]._read_group(
            [("handover_id", "=", handover.id), ("outcome", "=", "moved")],
            ["res_model"],
            ["__count"],
        )
    )
    moved = sum(by_model.values())
    cr.commit()
    # Server time of the form on the handover just transferred; then, as a
    # worst case, every line with its counts at once.
    timings = {}
    for key, spec in (
        ("form", form_spec(env, approver)),
        ("all_lines", ALL_LINES),
    ):
        env.invalidate_all()
        q0 = cr.sql_log_count
        t0 = time.time()
        handover.with_user(approver).web_read(spec)
        timings[key] = (time.time() - t0, cr.sql_log_count - q0)
    env.invalidate_all()
    q0 = cr.sql_log_count
    t0 = time.time()
    handover.with_user(handover.supervisor_id)._do_cancel("bench", revert=True)
    cr.commit()
    _run_background(env, handover)
    revert_seconds = time.time() - t0
    revert_queries = cr.sql_log_count - q0
    reverted = env["hr.client.handover.transfer"].search_count(
        [("handover_id", "=", handover.id), ("reverted_on", "!=", False)]
    )
    return {
        "seconds": seconds,
        "queries": queries,
        "moved": moved,
        "mail": mail,
        "successors": len(handover.line_ids.successor_id),
        "noise_after": noise,
        "revert_seconds": revert_seconds,
        "revert_queries": revert_queries,
        "reverted": reverted,
        "by_model": by_model,
        "peak_rss_mb": _peak_rss_mb(),
        "transfer_rss_mb": transfer_rss,
        "transfer_state": handover.transfer_state,
        "lines": handover.line_count,
        "form_read_seconds": timings["form"][0],
        "form_read_queries": timings["form"][1],
        "all_lines_read_seconds": timings["all_lines"][0],
        "all_lines_read_queries": timings["all_lines"][1],
    }


def phase_naive(env, args):
    """Per-record ORM writes with default tracking, as a user editing one by one."""
    handover = built_handover(env)
    departing = handover.departing_user_id
    successor = handover.line_ids[0].successor_id
    sample = args.sample
    targets = [
        env["res.partner"].search([("user_id", "=", departing.id)], limit=sample),
        env["crm.lead"].search([("user_id", "=", departing.id)], limit=sample),
        env["sale.order"].search([("user_id", "=", departing.id)], limit=sample // 2),
        env["mail.activity"].search([("user_id", "=", departing.id)], limit=sample),
    ]
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    started = time.time()
    count = 0
    for records in targets:
        for record in records:
            record.write({"user_id": successor.id})
            count += 1
    # Tracking messages are written at commit: part of the naive path's cost.
    env.cr.commit()
    return dict(_cost(cr, started, queries, count), peak_rss_mb=_peak_rss_mb())


def _sample_records(env, handover, customers):
    """What the engine moves for the first `customers` customers of the
    handover's departing user in its company, by model, as a user would select
    them in each list."""
    departing = handover.departing_user_id
    company = [("company_id", "in", [handover.company_id.id, False])]
    partners = env["res.partner"].search(
        [("user_id", "=", departing.id), ("is_company", "=", True), *company],
        limit=customers,
        order="id",
    )
    contacts = env["res.partner"].search(
        [("user_id", "=", departing.id), ("id", "child_of", partners.ids)]
    )
    leads = env["crm.lead"].search(
        [
            ("user_id", "=", departing.id),
            ("partner_id", "in", contacts.ids),
            ("won_status", "=", "pending"),
            *company,
        ]
    )
    orders = env["sale.order"].search(
        [
            ("user_id", "=", departing.id),
            ("partner_id", "in", contacts.ids),
            ("state", "in", ("draft", "sent")),
            *company,
        ]
    )
    activities = env["mail.activity"].search(
        [
            ("user_id", "=", departing.id),
            "|",
            "|",
            "&",
            ("res_model", "=", "res.partner"),
            ("res_id", "in", contacts.ids),
            "&",
            ("res_model", "=", "crm.lead"),
            ("res_id", "in", leads.ids),
            "&",
            ("res_model", "=", "sale.order"),
            ("res_id", "in", orders.ids),
        ]
    )
    return {
        "res.partner": contacts,
        "crm.lead": leads,
        "sale.order": orders,
        "mail.activity": activities,
    }


def _max_id(cr, table):
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
    return cr.fetchone()[0]


MAIL_TABLES = ("mail_message", "mail_notification", "mail_mail")


def _mail_sent(cr, before):
    """Messages, notifications and e-mails written since `before`."""
    return {table: _max_id(cr, table) - before[table] for table in MAIL_TABLES}


def phase_mass_edit(env, args):
    """Odoo's list multi-edit of the salesperson, model by model, on the records
    of a sample of customers: one ``web_save`` per list as the web client
    sends it (ids, values, the list's fields to read back), by a sales
    administrator, with tracking and notifications, then the commit."""
    handover = built_handover(env)
    successor = handover.line_ids[0].successor_id
    # Odoo's administrator, a sales administrator who may edit every list.
    editor = env.ref("base.user_admin")
    targets = _sample_records(env, handover, args.mass_sample)
    cr = env.cr
    before = {table: _max_id(cr, table) for table in MAIL_TABLES}
    env.invalidate_all()
    queries = cr.sql_log_count
    started = time.time()
    by_model = {}
    for model, records in targets.items():
        records.with_user(editor).web_save(
            {"user_id": successor.id},
            {"display_name": {}, "user_id": {"fields": {"display_name": {}}}},
        )
        by_model[model] = len(records)
    # Tracking messages and notifications are written at commit.
    env.cr.commit()
    return {
        **_cost(cr, started, queries, sum(by_model.values())),
        "by_model": by_model,
        "customers": args.mass_sample,
        "mail": _mail_sent(cr, before),
        "peak_rss_mb": _peak_rss_mb(),
    }


def phase_floor(env, args):
    """One raw UPDATE per table: the database's own lower bound."""
    handover = built_handover(env)
    departing = handover.departing_user_id.id
    successor = handover.line_ids[0].successor_id.id
    cr = env.cr
    queries = cr.sql_log_count
    started = time.time()
    count = 0
    for table, extra in (
        ("res_partner", ""),
        ("crm_lead", " AND active AND won_status = 'pending'"),
        ("sale_order", " AND state IN ('draft', 'sent')"),
        ("mail_activity", ""),
    ):
        cr.execute(
            f"UPDATE {table} SET user_id = %s WHERE user_id = %s{extra}",  # noqa: S608
            [successor, departing],
        )
        count += cr.rowcount
    return dict(_cost(cr, started, queries, count), peak_rss_mb=_peak_rss_mb())


SCREEN_LINES = 10000
REPORTS = {
    "plan": "hr_client_handover.action_report_handover_plan",
    "visits": "hr_client_handover.action_report_handover_visits",
    "summary": "hr_client_handover.action_report_handover_summary",
}


def _serve(db, port):
    """An Odoo server on `db` for wkhtmltopdf to fetch the report styles from,
    as it does in production; returned once it answers."""
    import urllib.request  # noqa: PLC0415

    server = subprocess.Popen(
        [
            str(ROOT / "scripts" / "odoo"),
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the Odoo server for {db} did not answer on port {port}")


def phase_screens(env, args):
    """What a user waits for on a handover of 10,000 customers: generating the
    lines, assigning successors with a balanced split, opening the form.
    The built handover is replaced by a draft one of the same departing
    employee; above 10,000 customers the rest go to another salesperson first."""
    from odoo import Command  # noqa: PLC0415

    built = built_handover(env)
    employee = built.employee_id
    departing = built.departing_user_id
    successors = built.line_ids.successor_id
    values = {
        "employee_id": employee.id,
        "supervisor_id": built.supervisor_id.id,
        "approver_id": built.approver_id.id,
        "witness_id": built.witness_id.id,
        "last_working_date": built.last_working_date,
    }
    cr = env.cr
    for table in ("hr_client_handover_seal", "hr_client_handover"):
        column = "handover_id" if table != "hr_client_handover" else "id"
        cr.execute(
            f"DELETE FROM {table} WHERE {column} = %s",  # noqa: S608
            [built.id],
        )
    other = env["res.users"].search([("login", "=", "bench.other")])
    # Above 10,000 customers, the rest go to another salesperson with their
    # contacts, deals, quotations and activities (the lines are generated from
    # all of them).
    cr.execute(
        "CREATE TEMP TABLE bench_away AS SELECT p.id FROM res_partner p"
        " WHERE p.commercial_partner_id IN (SELECT id FROM res_partner"
        " WHERE user_id = %s AND is_company ORDER BY id OFFSET %s)",
        [departing.id, SCREEN_LINES],
    )
    cr.execute("CREATE INDEX ON bench_away (id)")
    for table, related in (
        ("mail_activity", "res_model = 'res.partner' AND res_id"),
        ("mail_activity", "res_model = 'crm.lead' AND res_id"),
        ("mail_activity", "res_model = 'sale.order' AND res_id"),
        ("res_partner", "id"),
        ("crm_lead", "partner_id"),
        ("sale_order", "partner_id"),
    ):
        away = "SELECT id FROM bench_away"
        if table == "mail_activity" and "res.partner" not in related:
            model_table = "crm_lead" if "crm.lead" in related else "sale_order"
            away = f"SELECT id FROM {model_table} WHERE partner_id IN ({away})"
        cr.execute(
            f"UPDATE {table} SET user_id = %s"  # noqa: S608
            f" WHERE user_id = %s AND {related} IN ({away})",
            [other.id, departing.id],
        )
    env.invalidate_all()
    handover = env["hr.client.handover"].create(values)
    cr.commit()
    timings = {}

    def timed(key, func):
        env.invalidate_all()
        q0, t0 = cr.sql_log_count, time.time()
        result = func()
        env.flush_all()
        timings[key] = time.time() - t0
        timings[f"{key}_queries"] = cr.sql_log_count - q0
        cr.commit()
        return result

    as_departing = handover.with_user(departing)
    timed("generate", as_departing.action_generate_lines)
    lines = len(handover.line_ids)

    def assign():
        action = as_departing.action_open_assign_successors()
        wizard = (
            env["hr.client.handover.assign"]
            .with_user(departing)
            .with_context(**action["context"])
            .create({"mode": "split", "successor_ids": [Command.set(successors.ids)]})
        )
        wizard.preview_ids.mapped("customer_count")  # the dialog's preview
        wizard.action_assign()

    timed("assign", assign)
    # The form of the 10,000 lines just assigned, before approval: each line's
    # counts are read live from the deals, quotations and activities.
    spec = form_spec(env, departing)
    timed("form", lambda: as_departing.web_read(spec))
    balance = [
        count
        for _user, count in env["hr.client.handover.line"]._read_group(
            [("handover_id", "=", handover.id)], ["successor_id"], ["__count"]
        )
    ]
    return dict(timings, lines=lines, balance=sorted(balance))


class _PeakMemory:
    """The peak RSS, sampled every 0.1 s, of this process plus its children
    (wkhtmltopdf) but ``ignored`` (the server that serves the styles)."""

    def __init__(self, ignored):
        import psutil  # noqa: PLC0415

        self.process = psutil.Process()
        self.ignored = ignored
        self.peak = 0
        self.running = False

    def _sample(self):
        import psutil  # noqa: PLC0415

        while self.running:
            rss = self.process.memory_info().rss
            for child in self.process.children(recursive=True):
                if child.pid in self.ignored:
                    continue
                try:
                    rss += child.memory_info().rss
                except psutil.Error:
                    continue  # ended meanwhile
            self.peak = max(self.peak, rss)
            time.sleep(0.1)

    def __enter__(self):
        import threading  # noqa: PLC0415

        self.running = True
        self.peak = 0
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.running = False
        self.thread.join()


def phase_pdf(env, args):
    """Printing each PDF of the built handover (every customer of the run, in
    plan approval, with successors), as its supervisor, through wkhtmltopdf and
    a running server as in production: seconds, pages, and the peak memory of
    this process (the server's work) plus its wkhtmltopdf."""
    handover = built_handover(env)
    cr = env.cr
    port = args.port
    env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
    cr.commit()
    timings = {"lines": len(handover.line_ids)}
    server = _serve(cr.dbname, port)
    try:
        supervisor_env = env(user=handover.supervisor_id)
        memory = _PeakMemory({server.pid})
        for kind, xmlid in REPORTS.items():
            env.invalidate_all()
            started = time.time()
            with memory:
                pdf, _format = supervisor_env["ir.actions.report"]._render_qweb_pdf(
                    xmlid, handover.ids
                )
            timings[f"pdf_{kind}"] = time.time() - started
            timings[f"pdf_{kind}_rss_mb"] = memory.peak / 1024 / 1024
            timings[f"pdf_{kind}_pages"] = _pages(pdf)
            del pdf
    finally:
        server.terminate()
        server.wait()
    return timings


def _pages(pdf):
    import io  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    return len(PdfReader(io.BytesIO(pdf)).pages)


PHASES = {
    "build": phase_build,
    "grow": phase_grow,
    "screens": phase_screens,
    "pdf": phase_pdf,
    "engine": phase_engine,
    "naive": phase_naive,
    "floor": phase_floor,
    "mass_edit": phase_mass_edit,
}
