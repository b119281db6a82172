"""What the RPC, security and fault suites share.

Paths of the checkout, the databases (drop, copy, build with demo data, a lock
against a second run on the same name), an Odoo server of the checkout on a
loopback port, the two clients an integration uses (XML-RPC with a password,
JSON-2 with an API key), the demo logins and their keys, the addon's stage
table, and the tally of passed and failed checks that closes every suite with
``<suite>: N passed, M failed``.

A suite names itself and its log folder first (``configure``); the messages and
logs of these helpers then carry its name.
"""

import argparse
import base64
import configparser
import contextlib
import fcntl
import importlib.util
import io
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ODOO = ROOT / "scripts" / "odoo"
ADDON = "hr_client_handover"
LOGINS = ROOT / ADDON / "demo" / "LOGINS.txt"
STAGES_FILE = ROOT / ADDON / "models" / "hr_client_handover_stages.py"
# The suite using these helpers, and where their logs go (see configure).
NAME = "suite"
VAR = ROOT / "var"

SERVER_START_TIMEOUT = 180  # seconds until /web/login answers
RPC_TIMEOUT = 120  # seconds per call (an approval runs the transfer)

# faultCode of the /xmlrpc/2 endpoints (odoo/addons/rpc/controllers/xmlrpc.py).
FAULT_SERVER_ERROR = 1
FAULT_USER_ERROR = 2
FAULT_ACCESS_ERROR = 4

# HTTP status of a refused /json/2 call (the exception's http_status in
# odoo/exceptions.py): UserError and its subclasses 422, AccessError 403.
HTTP_USER_ERROR = 422
HTTP_ACCESS_ERROR = 403


def configure(name, var=None):
    """The suite's name (the prefix of its messages) and its log folder."""
    global NAME, VAR  # noqa: PLW0603 - set once, by the suite's main()
    NAME = name
    VAR = var or ROOT / "var"
    VAR.mkdir(parents=True, exist_ok=True)


def parser(doc, database, reuse_help):
    """The options every RPC suite takes: its database, --reuse, --port."""
    arguments = argparse.ArgumentParser(description=doc.split("\n\n", 1)[0])
    arguments.add_argument("--database", default=database)
    arguments.add_argument("--reuse", action="store_true", help=reuse_help)
    arguments.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    return arguments


def _drawn_signature():
    """A hand-drawn looking stroke as the signature widget sends it (base64 PNG):
    the server refuses a blank image."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    points = [
        (24 + 312 * t / 240, 60 + 28 * math.sin(math.tau * 3 * t / 240))
        for t in range(241)
    ]
    ImageDraw.Draw(image).line(points, fill=(25, 35, 110, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


SIGNATURE_PNG = _drawn_signature()


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def say(line):
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


class Tally:
    """The checks of a suite: one PASS or FAIL line each, then the summary."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []  # (title, problem)

    @property
    def failed(self):
        return len(self.failures)

    def record(self, title, problem=None, note=""):
        """A check passed (no `problem`) or failed; `note`: said of a pass."""
        if problem:
            self.failures.append((title, problem))
            say(f"FAIL  {title}: {problem}")
        else:
            self.passed += 1
            say(f"PASS  {title}" + (f" ({note})" if note else ""))

    def close(self):
        """Print the summary; the exit status: 1 when a check failed."""
        say(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failures else 0


def describe(exc):
    """What went wrong, in one line: the server's answer or the exception."""
    if isinstance(exc, Json2Error):
        return f"HTTP {exc.status} {exc.name}: {exc.message}"
    if isinstance(exc, xmlrpc.client.Fault):
        lines = [line for line in str(exc.faultString).splitlines() if line.strip()]
        if exc.faultCode == FAULT_SERVER_ERROR:
            lines = lines[-1:]  # a traceback: its last line names the error
        return f"server fault {exc.faultCode}: {' '.join(lines)}"
    if isinstance(exc, AssertionError):
        return str(exc) or "assertion failed"
    return f"{type(exc).__name__}: {exc}"


def expect_fault(code, call):
    """Run `call`, which the server must refuse with faultCode `code` (XML-RPC)."""
    try:
        call()
    except xmlrpc.client.Fault as fault:
        assert (
            fault.faultCode == code
        ), f"expected fault {code}, got {fault.faultCode}: {describe(fault)}"
        return fault
    raise AssertionError("the server accepted a call it must refuse")


def expect_refusal(status, call):
    """Run `call`, which the server must refuse with HTTP `status` (JSON-2)."""
    try:
        call()
    except Json2Error as error:
        assert error.status == status, f"expected HTTP {status}, got {describe(error)}"
        return error
    raise AssertionError("the server accepted a call it must refuse")


# ----------------------------------------------------------------------
# The addon's stage table and Odoo's sources
# ----------------------------------------------------------------------
def odoo_root():
    """The Odoo sources of the set-up (ODOO_ROOT of .odoo.env), or None."""
    env_file = ROOT / ".odoo.env"
    if not env_file.exists():
        return None
    for line in env_file.read_text(encoding="utf-8").splitlines():
        name, _eq, value = line.partition("=")
        if name == "ODOO_ROOT":
            return value
    return None


def _load_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_stages():
    """The addon's stage table (models/hr_client_handover_stages.py), loaded by
    its path: it imports only Odoo's translation marker, so neither the addon
    nor a database is needed."""
    try:
        import odoo.tools.translate  # noqa: F401, PLC0415
    except ImportError:
        root = odoo_root()
        if root:
            sys.path.insert(0, root)
    return _load_by_path("hr_client_handover_stages", STAGES_FILE)


def plain_duty_record(duty, today):
    """What a departure duty records when done plainly: the addon's own
    helper (demo/duty_records.py, which imports nothing), loaded by its path."""
    module = _load_by_path(
        "hr_client_handover_duty_records", ROOT / ADDON / "demo" / "duty_records.py"
    )
    return module.plain_duty_record(duty, today)


# ----------------------------------------------------------------------
# Databases and servers
# ----------------------------------------------------------------------
def run(command, **kwargs):
    """`command`, its output captured as text; never raises on its exit status."""
    return subprocess.run(
        command, capture_output=True, text=True, check=False, **kwargs
    )


def psql(db, query):
    out = run(["psql", "-d", db, "-Atqc", query])
    return out.stdout.strip() if out.returncode == 0 else ""


def data_dir():
    config = configparser.ConfigParser()
    config.read(ROOT / ".odoo.conf")
    return Path(config["options"]["data_dir"])


def filestore(db):
    return data_dir() / "filestore" / db


@contextlib.contextmanager
def database_lock(db):
    """Wait until no other run (another checkout, another engineer) uses `db`:
    it would drop and recreate the same database (as scripts/lib.sh does)."""
    path = data_dir() / f"{db}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{NAME}: waiting for another run that uses {db} to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def drop_database(db, force=False):
    """Drop `db` and its filestore (`force`: close its connections first)."""
    command = ["dropdb", "--if-exists", *(["--force"] if force else []), db]
    dropped = run(
        command, env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"}
    )
    if dropped.returncode:
        raise SystemExit(
            f"{NAME}: could not drop {db} ({dropped.stderr.strip()}): "
            "close what is connected to it."
        )
    shutil.rmtree(filestore(db), ignore_errors=True)


def copy_database(source, db):
    """`db` as a copy of `source`, its filestore too; the error text or None."""
    copied = run(["createdb", "-T", source, db])
    if copied.returncode:
        return copied.stderr.strip() or f"createdb exited with {copied.returncode}"
    if filestore(source).is_dir():
        shutil.copytree(filestore(source), filestore(db))
    return None


def odoo(*args, log):
    """Run Odoo of this checkout with `args`, its output in `log`; exit code."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.run(
            [str(ODOO), *args], stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode


def build_database(db, reuse):
    """The addon with its demo data in a fresh `db` (or the existing one: --reuse)."""
    installed = psql(
        db,
        f"SELECT 1 FROM ir_module_module WHERE name = '{ADDON}' "
        "AND state = 'installed'",
    )
    if reuse and installed == "1":
        say(f"{NAME}: reusing database {db}")
        return
    drop_database(db)
    log = VAR / "rpc-install.log"
    say(f"{NAME}: installing {ADDON} with demo data into {db} (log: {_shown(log)})")
    started = time.monotonic()
    rc = odoo("-d", db, "-i", ADDON, "--with-demo", "--stop-after-init", log=log)
    if rc:
        sys.stderr.write(
            "".join(log.read_text(encoding="utf-8").splitlines(True)[-40:])
        )
        raise SystemExit(
            f"{NAME}: installing {ADDON} failed (exit {rc}); see {_shown(log)}"
        )
    say(f"{NAME}: installed in {time.monotonic() - started:.0f} s")


def _shown(path):
    """`path` as the messages name it: from the checkout's root."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db, port, log, *options):
    """An Odoo server of this checkout serving `db` alone on 127.0.0.1:`port`,
    with its output in `log`. Its PDFs are printed with the styles of this
    server: wkhtmltopdf loads them from `report.url` (else `web.base.url`,
    port 8069 from the install), which is pointed here, as a deployment on
    another port would set it; without them nothing is filed."""
    psql(
        db,
        "INSERT INTO ir_config_parameter (key, value, create_date, write_date) "
        f"VALUES ('report.url', 'http://127.0.0.1:{port}', NOW(), NOW()) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen(
            [
                str(ODOO),
                "-d",
                db,
                f"--db-filter=^{db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                *options,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server):
    """Stop the server: SIGTERM, then SIGKILL after 30 seconds."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def odoo_server(db, port):
    """Serve `db` alone on 127.0.0.1:`port`; stop the server on exit."""
    log = VAR / "rpc-server.log"
    server = start_server(
        db,
        port,
        log,
        # No cron thread: the suite alone changes the database.
        "--max-cron-threads=0",
        # Odoo 19 warns on every XML-RPC call that the endpoint is
        # deprecated (kept until Odoo 20): one line per call is noise here.
        "--log-handler=odoo.addons.rpc.controllers.xmlrpc:ERROR",
    )
    try:
        yield server
    finally:
        stop_server(server)
        say(f"{NAME}: server stopped (log: {_shown(log)})")


def wait_until_ready(server, url):
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(1)  # not listening yet
    raise AssertionError(f"/web/login did not answer within {SERVER_START_TIMEOUT} s")


# ----------------------------------------------------------------------
# XML-RPC client
# ----------------------------------------------------------------------
class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _proxy(url):
    return xmlrpc.client.ServerProxy(url, transport=_Transport(RPC_TIMEOUT))


class _Client:
    """What both clients build on `call` and `search_read`."""

    # The context every call of this client carries unless it gives its own
    # (``work_in_company_of``).
    context = None

    def search_read(self, model, domain, fields):
        raise NotImplementedError

    def work_in_company_of(self, uid):
        """Every later call works in the company of the user `uid` first (where
        it creates people, customers and deals), then in this user's other
        ones, as an integration picks its company: the demo's people work in a
        company of their own. Returns that company's id."""
        rows = self.search_read(
            "res.users", [("id", "in", [self.uid, uid])], ["company_id", "company_ids"]
        )
        by_id = {row["id"]: row for row in rows}
        company = by_id[uid]["company_id"][0]
        others = [cid for cid in by_id[self.uid]["company_ids"] if cid != company]
        self.context = {"allowed_company_ids": [company, *others]}
        return company

    def xmlid(self, name):
        module, _dot, xml_name = name.partition(".")
        rows = self.search_read(
            "ir.model.data",
            [("module", "=", module), ("name", "=", xml_name)],
            ["res_id"],
        )
        assert rows, f"no record {name}"
        return rows[0]["res_id"]


class Session(_Client):
    """One user logged in over XML-RPC, as an integration would be."""

    def __init__(self, url, db, login, password):
        self.db, self.login, self.password = db, login, password
        self.uid = _proxy(f"{url}/xmlrpc/2/common").authenticate(
            db, login, password, {}
        )
        assert self.uid, f"{login} could not log in with the password of LOGINS.txt"
        self._object = _proxy(f"{url}/xmlrpc/2/object")

    def call(self, model, method, *args, **kwargs):
        if self.context and "context" not in kwargs:
            kwargs["context"] = self.context
        return self._object.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def search(self, model, domain):
        return self.call(model, "search", domain)

    def search_read(self, model, domain, fields):
        return self.call(model, "search_read", domain, fields=fields)


class Json2Error(Exception):
    """A /json/2 call answered with an error: HTTP status and Odoo's exception."""

    def __init__(self, status, name, message):
        super().__init__(f"{status} {name}: {message}")
        self.status, self.name, self.message = status, name, message


class Json2Session(_Client):
    """One user of Odoo 19's JSON-2 API, with their API key, as an integration
    would be: every call is ``POST /json/2/<model>/<method>`` whose JSON body
    holds the record ids and the method's arguments by name."""

    def __init__(self, url, db, login, key):
        self.url, self.db, self.login, self._key = url, db, login, key
        rows = self.search_read("res.users", [("login", "=", login)], ["id"])
        assert rows, f"{login} cannot read their own user with their API key"
        self.uid = rows[0]["id"]

    def call(self, model, method, ids=None, **params):
        if self.context and "context" not in params:
            params = {**params, "context": self.context}
        body = {"ids": ids, **params} if ids is not None else params
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"bearer {self._key}",
                "Content-Type": "application/json; charset=utf-8",
                "X-Odoo-Database": self.db,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=RPC_TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            try:
                detail = json.load(error)
            except ValueError:
                detail = {}
            raise Json2Error(
                error.code,
                detail.get("name", "?"),
                detail.get("message", error.reason),
            ) from None

    def search(self, model, domain):
        return self.call(model, "search", domain=domain)

    def search_read(self, model, domain, fields):
        return self.call(model, "search_read", domain=domain, fields=fields)

    def read_ids(self, model, ids, fields):
        return self.call(model, "read", ids, fields=fields)

    def create_one(self, model, values):
        return self.call(model, "create", vals_list=[values])[0]

    def write_ids(self, model, ids, values):
        return self.call(model, "write", ids, vals=values)


# ----------------------------------------------------------------------
# The demo users
# ----------------------------------------------------------------------
def generate_api_keys(db, logins):
    """{login: key}: a new API key for each of `logins` (scripts/api_keys.py)."""
    env = dict(os.environ)
    root = odoo_root()
    if root:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    out = run(
        [sys.executable, str(ROOT / "scripts" / "api_keys.py"), "--days", "1", db]
        + list(logins),
        env=env,
    )
    assert out.returncode == 0, f"api_keys.py failed: {out.stderr.strip()[-500:]}"
    keys = {}
    for line in out.stdout.splitlines():
        login, _uid, key = line.split()
        keys[login] = key
    return keys


def m2o(value):
    """The id of a many2one value as read over RPC ([id, name] or False)."""
    return value[0] if value else False


def read_logins():
    """(role, login, password) per line of LOGINS.txt."""
    users = []
    for line in LOGINS.read_text(encoding="utf-8").splitlines():
        role, _colon, credentials = line.rpartition(":")
        login, _slash, password = credentials.partition(" / ")
        if role and login.strip() and password.strip():
            users.append((role.strip(), login.strip(), password.strip()))
    return users
