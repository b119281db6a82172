#!/usr/bin/env python3
"""Retake the README screenshots from a running demo database.

    make demo                                  # in another terminal, or:
    DEMO_DB=mydemo DEMO_PORT=8070 make demo
    python3 scripts/screenshots.py [--url http://127.0.0.1:8069] [--db handover_demo]

Each screen is taken twice, in Simplified Chinese and in English, as the demo
person who works on it (their language is switched to English by admin for
the English pass and restored afterwards). Headless Chromium is driven over
its DevTools pipe (standard library only); the PNGs are written 1600x1000 to
hr_client_handover/static/description/screenshots/<name>_<zh|en>.png and
reduced with pngquant when it is installed, else with Pillow when the Python
running this script has it. The PDF page needs pdftoppm (poppler-utils).
"""

# pylint: disable=print-used
import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "hr_client_handover" / "static" / "description" / "screenshots"
ADDON = "hr_client_handover"
WIDTH, HEIGHT = 1600, 1000
LANGS = {"zh": "zh_CN", "en": "en_US"}

HANDOVERS = f"/odoo/action-{ADDON}.hr_client_handover_action"
RETENTION = f"/odoo/action-{ADDON}.hr_client_handover_retention_action"
RETENTION_RISK = f"/odoo/action-{ADDON}.hr_client_handover_retention_risk_action"

# Each screen: name, the login of the demo person who takes it, the path (with
# {handover_wang_lei} etc. for the ids of RECORDS) or a report, and steps.
# A step is ("click", css), ("click_text", css, {"zh": text, "en": text}),
# ("type", css, text: into an input, as typed), ("wait", css: until it shows),
# ("column", field: an optional list column shown, if it is not already),
# ("scroll", css: to the top of its pane) or ("zoom", factor); "view" is the
# selector to wait for, with no request pending, before and after each step.
SHOTS = [
    {
        "name": "kanban",
        "login": "ma.li",
        "path": HANDOVERS + "?view_type=kanban",
        "view": ".o_kanban_view .o_kanban_record",
    },
    {
        "name": "list",
        "login": "ma.li",
        "path": HANDOVERS + "?view_type=list",
        "view": ".o_list_view .o_data_row",
    },
    {
        "name": "form_visits",
        "login": "zhao.min",
        "path": HANDOVERS + "/{handover_wang_lei}",
        "view": ".o_form_view .o_form_sheet",
    },
    {
        "name": "visits_tab",
        "login": "zhao.min",
        "path": HANDOVERS + "/{handover_wang_lei}",
        "view": ".o_form_view .o_form_sheet",
        "steps": [
            ("click", '.o_notebook_headers a[name="visits"]'),
            ("scroll", ".o_notebook_headers"),
        ],
    },
    {
        "name": "materials_tab",
        "login": "zhang.wei",
        "path": HANDOVERS + "/{handover_wang_lei}",
        "view": ".o_form_view .o_form_sheet",
        "steps": [
            ("click", '.o_notebook_headers a[name="materials"]'),
            ("scroll", ".o_notebook_headers"),
        ],
    },
    {
        "name": "signoff_tab",
        "login": "zheng.xue",
        "path": HANDOVERS + "/{handover_zheng_xue}",
        "view": ".o_form_view .o_form_sheet",
        "steps": [
            ("click", '.o_notebook_headers a[name="sign_off"]'),
            ("scroll", ".o_notebook_headers"),
        ],
    },
    {
        "name": "form_draft",
        "login": "wu.gang",
        "path": HANDOVERS + "/{handover_wu_gang}",
        "view": ".o_form_view .o_form_sheet",
    },
    {
        # After refusing the plan, the direct supervisor shares wu.gang's
        # customers between two successors: the portfolios before assigning.
        "name": "assign_successors",
        "login": "zhang.wei",
        "path": HANDOVERS + "/{handover_wu_gang}",
        "view": ".o_form_view .o_form_sheet",
        "steps": [
            ("click", 'button[name="action_open_assign_successors"]'),
            ("wait", ".modal .o_form_view"),
            ("click", '.modal input[data-value="split"]'),
            ("type", '.modal div[name="successor_ids"] input', "Zhao Min"),
            ("wait", ".o-autocomplete--dropdown-item"),
            ("click", ".o-autocomplete--dropdown-item a"),
            ("type", '.modal div[name="successor_ids"] input', "Sun Hao"),
            ("wait", ".o-autocomplete--dropdown-item"),
            ("click", ".o-autocomplete--dropdown-item a"),
            ("wait", ".modal div[name='preview_ids'] .o_data_row"),
        ],
    },
    {
        "name": "form_plan_approval",
        "login": "chen.jing",
        "path": HANDOVERS + "/{handover_zhou_ting}",
        "view": ".o_form_view .o_form_sheet",
    },
    {
        "name": "form_done",
        "login": "ma.li",
        "path": HANDOVERS + "/{handover_zheng_xue}",
        "view": ".o_form_view .o_form_sheet",
        "steps": [
            ("click", '.o_notebook_headers a[name="transfers"]'),
            ("scroll", ".o_notebook_headers"),
        ],
    },
    {
        "name": "activity",
        "login": "zhang.wei",
        "path": HANDOVERS + "?view_type=activity",
        "view": ".o_activity_view table",
        # Every activity type is a column: zoom out to show the handover's own.
        "steps": [("zoom", "0.75")],
    },
    {
        "name": "retention_pivot",
        "login": "chen.jing",
        "path": RETENTION + "?view_type=pivot",
        "view": ".o_pivot table",
        # Sales before the transfer and the count beside the sales after it
        # (the measures menu is opened, used and closed again).
        "steps": [
            (
                "click",
                ".o_control_panel ~ * button.btn-primary.dropdown-toggle,"
                " .o_pivot_buttons button.dropdown-toggle",
            ),
            (
                "click_text",
                ".dropdown-item",
                {"zh": "转移前销售额", "en": "Sales Before"},
            ),
            ("click_text", ".dropdown-item", {"zh": "计数", "en": "Count"}),
            (
                "click",
                ".o_control_panel ~ * button.btn-primary.dropdown-toggle,"
                " .o_pivot_buttons button.dropdown-toggle",
            ),
        ],
    },
    {
        "name": "retention_list",
        "login": "chen.jing",
        "path": RETENTION + "?view_type=list",
        "view": ".o_list_view .o_data_row",
        # The same list view as the customers at risk: the same columns.
        "steps": [("column", "risk_notified_on")],
    },
    {
        # The customers at risk, with the column saying when their successor's
        # manager was given an activity (the daily job's).
        "name": "retention_risk",
        "login": "chen.jing",
        "path": RETENTION_RISK + "?view_type=list",
        "view": ".o_list_view .o_data_row",
        "steps": [("column", "risk_notified_on")],
    },
    {
        "name": "report_visits",
        "login": "zhang.wei",
        "report": f"{ADDON}.report_handover_visits",
        "record": "handover_wang_lei",
    },
]
# Scroll the element to the top of its scrolling pane, below the sticky
# control panel and status bar.
SCROLL = """(() => {
    const element = document.querySelector(%s);
    element.scrollIntoView({block: "start"});
    let pane = element.parentElement;
    while (pane && pane.scrollHeight <= pane.clientHeight) pane = pane.parentElement;
    const bar = document.querySelector(".o_form_view .o_form_statusbar");
    const hidden = bar ? bar.getBoundingClientRect().bottom : 0;
    if (pane && hidden > 0) {
        pane.scrollTop -= hidden - element.getBoundingClientRect().top + 8;
    }
})()"""
# Show an optional list column (the choice is remembered by the browser, so
# only when it is hidden).
COLUMN = """(async () => {
    const field = %s;
    if (document.querySelector(`th[data-name="${field}"]`)) return;
    const toggle = () =>
        document.querySelector(".o_optional_columns_dropdown button").click();
    const pause = () => new Promise(resolve => setTimeout(resolve, 500));
    toggle();
    await pause();
    document.querySelector(`.o-dropdown--menu input[name="${%s}"]`)
        .closest(".dropdown-item").click();
    await pause();
    toggle();
})()"""
RECORDS = [
    "handover_wang_lei",
    "handover_wu_gang",
    "handover_zhou_ting",
    "handover_zheng_xue",
]


class Odoo:
    """A JSON-RPC session on the demo server, as one user."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        result = self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = result["uid"]

    @property
    def session_id(self):
        return next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url + path,
            body.encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            data = json.load(response)
        if data.get("error"):
            raise RuntimeError(json.dumps(data["error"], indent=1)[:2000])
        return data["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def get(self, path):
        with self.opener.open(self.url + path, timeout=300) as response:
            return response.read()


class Chromium:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="screenshots-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # dup() first: a pipe end may already sit on fd 3 or 4.
            read, write = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.proc = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn
            [
                binary,
                "--headless=new",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-extensions",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "--force-device-scale-factor=1",
                "--lang=en-US",
                "about:blank",
            ],
            preexec_fn=fds,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.errors = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send(
            "Target.attachToTarget", targetId=target, flatten=True
        )["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable", session=True)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, session=False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if reply.get("method") == "Runtime.exceptionThrown":
                details = reply["params"]["exceptionDetails"]
                self.errors.append(
                    details.get("exception", {}).get("description")
                    or details.get("text")
                )
            elif reply.get("method") == "Runtime.consoleAPICalled":
                if reply["params"]["type"] == "error":
                    self.errors.append(
                        " ".join(
                            str(a.get("value", a.get("description", "")))
                            for a in reply["params"]["args"]
                        )
                    )

    def evaluate(self, expression, timeout=60):
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
            timeout=timeout * 1000,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, selector, timeout=60):
        """Wait for selector, with no request or loading indicator pending."""
        ok = self.evaluate(
            f"""new Promise(resolve => {{
                const start = Date.now();
                let calm = 0;
                (function check() {{
                    const ready = document.querySelector({json.dumps(selector)})
                        && !document.querySelector('.o_loading_indicator, .o_blockUI');
                    calm = ready ? calm + 1 : 0;
                    if (calm >= 5) resolve(true);
                    else if (Date.now() - start > {timeout * 1000}) resolve(false);
                    else setTimeout(check, 200);
                }})();
            }})""",
            timeout=timeout + 5,
        )
        if not ok:
            raise RuntimeError(f"{selector} did not show within {timeout}s")

    def login(self, url, session_id):
        self.send("Network.clearBrowserCookies", session=True)
        self.send(
            "Network.setCookie",
            session=True,
            name="session_id",
            value=session_id,
            url=url,
        )

    def goto(self, url):
        self.send("Page.navigate", session=True, url=url)
        time.sleep(1)

    def screenshot(self, path):
        data = self.send(
            "Page.captureScreenshot",
            session=True,
            format="png",
            clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "scale": 1},
        )["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close")
        except RuntimeError:  # already gone: nothing left to close
            self.proc.kill()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def optimise(path):
    """Reduce the PNG to a 256-colour palette, keeping the text sharp."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--ext", ".png", str(path)],
            check=False,
        )
        return
    try:
        from PIL import Image  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    reduced.save(path, optimize=True)


def pdf_page(pdf, path):
    """First page of the PDF, 1600 pixels wide, cropped to 1600x1000."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "report.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-q",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to-x",
                str(WIDTH),
                "-scale-to-y",
                "-1",
                "-singlefile",
                str(Path(tmp) / "report.pdf"),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
        page = Path(tmp) / "page.png"
        try:
            from PIL import Image, ImageOps  # pylint: disable=import-outside-toplevel
        except ImportError:
            shutil.copy(page, path)
            return
        with Image.open(page) as image:
            # Start just above the printed content, below the page's top margin.
            ink = ImageOps.invert(image.convert("L")).getbbox()
            top = max(0, ink[1] - 40) if ink else 0
            shot = Image.new("RGB", (WIDTH, HEIGHT), "white")
            bottom = min(image.height, top + HEIGHT)
            shot.paste(image.convert("RGB").crop((0, top, WIDTH, bottom)))
            shot.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{os.environ.get('DEMO_PORT', '8069')}",
    )
    parser.add_argument("--db", default=os.environ.get("DEMO_DB", "handover_demo"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--only", nargs="*", help="names of the screens to retake")
    parser.add_argument("--lang", nargs="*", choices=sorted(LANGS), default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    admin = Odoo(args.url, args.db, "admin", "admin")
    ids = {
        d["name"]: d["res_id"]
        for d in admin.call(
            "ir.model.data",
            "search_read",
            [("module", "=", ADDON), ("name", "in", RECORDS)],
            ["name", "res_id"],
        )
    }
    shots = [s for s in SHOTS if not args.only or s["name"] in args.only]
    logins = sorted({s["login"] for s in shots})
    users = admin.call(
        "res.users", "search_read", [("login", "in", logins)], ["login", "lang"]
    )
    original = {u["id"]: u["lang"] for u in users}
    browser = Chromium(args.chromium)
    failed = []
    try:
        for suffix, lang in LANGS.items():
            if args.lang and suffix not in args.lang:
                continue
            for user_id in original:
                admin.call("res.users", "write", [user_id], {"lang": lang})
            for shot in shots:
                path = OUT / f"{shot['name']}_{suffix}.png"
                session = Odoo(args.url, args.db, shot["login"], shot["login"])
                if "report" in shot:
                    pdf = session.get(
                        f"/report/pdf/{shot['report']}/{ids[shot['record']]}"
                    )
                    pdf_page(pdf, path)
                else:
                    browser.errors.clear()
                    browser.login(args.url, session.session_id)
                    browser.goto(args.url + shot["path"].format(**ids))
                    browser.wait_for(shot["view"])
                    for action, selector, *text in shot.get("steps", []):
                        sel = json.dumps(selector)
                        if action == "click_text":
                            label = json.dumps(text[0][suffix])
                            browser.evaluate(
                                f"[...document.querySelectorAll({sel})]"
                                f".find(e => e.textContent.trim() === {label}).click()"
                            )
                        elif action == "zoom":
                            browser.evaluate(f"document.body.style.zoom = {sel}")
                        elif action == "type":
                            value = json.dumps(text[0])
                            browser.evaluate(
                                "(() => { const input ="
                                f" document.querySelector({sel});"
                                f" input.focus(); input.value = {value};"
                                " input.dispatchEvent(new Event('input',"
                                " {bubbles: true})); })()"
                            )
                        elif action == "wait":
                            browser.wait_for(selector)
                        elif action == "column":
                            browser.evaluate(COLUMN % (sel, sel))
                        elif action == "click":
                            browser.evaluate(f"document.querySelector({sel}).click()")
                        else:
                            browser.evaluate(SCROLL % sel)
                        browser.wait_for(shot["view"])
                    time.sleep(1)
                    browser.screenshot(path)
                    if browser.errors:
                        failed.append((path.name, browser.errors[:3]))
                optimise(path)
                print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    finally:
        for user_id, lang in original.items():
            admin.call("res.users", "write", [user_id], {"lang": lang})
        browser.close()
    for name, errors in failed:
        print(f"{name}: browser errors: {errors}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
