"""Playwright fixtures for browser tests, on Debian's Chromium against pytest-django's
``live_server``.

The root ``conftest.py`` registers them once for the whole suite (a session-scoped
Playwright driver may exist only once per process): browser tests just use them.

Every test gets a ``page`` (Italian browser locale) and its own artefacts folder,
``test-artifacts/<test>/``: ``step(page, "name")`` writes ``NN-name.png`` there (and checks
the page's current state), and the page at the end of the test is ``NN-fine.png``. The page may only talk to the live server:
any other request is aborted and fails the test, as does a request of ours that
answers an error (a missing stylesheet, font or script), a JavaScript error, or anything
the Content-Security-Policy refused (an inline script, a handler, a style it does not allow).
Every page the test visits (each load, and the last page at the end) is also checked for
form fields drawn without a visible boundary (WCAG 1.4.11): see ``_FIELD_BOUNDARIES``,
and with axe-core (npm ``axe-core``, from ``node_modules``) against WCAG 2.1 A and AA: each
URL once when it loads, each ``step`` and the last page again (an htmx answer changes the
page without a load). Any violation fails the test with its rule, impact, selectors and
help page.

``ActionCounter`` counts what a user does (clicks, choices, typed fields, keys) and the
pages loaded on the way, for the per-role walk tests and their budgets (README, "Budgets").

The ``playwright`` wheel ships its own Node driver; the browser is the system's
``/usr/bin/chromium`` (tools/system-deps.sh). Never run ``playwright install``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from corsia.accounts.services import roles_sync
from corsia.demo.users import DEMO_PASSWORD, ensure_demo_users

__all__ = [
    "ActionCounter",
    "BrowserLog",
    "assert_accessible_basics",
    "browser",
    "browser_log",
    "demo_users",
    "log_in",
    "media_browsers",
    "media_pages",
    "page",
    "playwright_driver",
    "step",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The browser's own language, not only the page's Accept-Language: Chromium draws date
    # inputs in it (gg/mm/aaaa as an Italian nurse sees them, not mm/dd/yyyy). It needs the
    # browser's Italian locale pack (Debian: chromium-l10n); without it Chromium stays en-US.
    "--lang=it-IT",
]
# A video call's two ends (telemedicine): a fake camera and microphone, the browser's
# permission prompt answered yes.
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"  # screenshots a test names itself
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Pages that are not ours to fix: Swagger UI draws the API documentation.
AXE_SKIP = ("/api/v1/docs",)


@dataclass
class BrowserLog:
    """What the page did that a test must not allow."""

    blocked: list[str] = field(default_factory=list)  # requests to anywhere but the server
    failed: list[str] = field(default_factory=list)  # requests answering >= 400
    errors: list[str] = field(default_factory=list)  # uncaught JavaScript errors
    refused: list[str] = field(default_factory=list)  # what the Content-Security-Policy blocked
    borderless: list[str] = field(default_factory=list)  # form fields with no visible boundary
    inaccessible: list[str] = field(default_factory=list)  # axe-core WCAG 2.1 A/AA violations
    axe_checked: set[str] = field(default_factory=set)  # URLs axe has checked on load
    artifacts: Path = ARTIFACTS  # the test's own folder for screenshots
    steps: int = 0  # screenshots written so far


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed: run tools/system-deps.sh")
    # The sync API runs an event loop in this thread; Django then refuses ORM calls
    # from the test body unless told that this thread is not serving async code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as driver:
        yield driver
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield launched
    launched.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def _test_folder(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")


# The log of each open page, so that ``step(page, ...)`` finds the test's folder.
_LOGS: dict[int, BrowserLog] = {}


@contextmanager
def watched_page(
    browser: Browser, live_server: LiveServer, browser_log: BrowserLog, folder: Path
) -> Iterator[Page]:
    """A fresh browser context (no cookies) of ``browser`` whose page may only reach the
    live server, watched as the module's text says; its screenshots go to ``folder``. The
    checks run when the block ends."""
    server = urlsplit(live_server.url).netloc
    context = browser.new_context(
        base_url=live_server.url, locale="it-IT", viewport={"width": 1280, "height": 900}
    )

    def only_our_server(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == server:
            route.continue_()
        else:
            browser_log.blocked.append(url)
            route.abort()

    def on_response_failed(req: Request) -> None:
        response = req.response()
        if response is not None and response.status >= 400:
            browser_log.failed.append(f"{response.status} {req.url}")

    context.set_default_timeout(10_000)
    context.route("**/*", only_our_server)
    new_page = context.new_page()
    new_page.on("requestfinished", on_response_failed)
    new_page.on("pageerror", lambda exc: browser_log.errors.append(str(exc)))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            browser_log.refused.append(message.text)

    new_page.on("console", on_console)
    new_page.on("load", lambda loaded: _check_loaded_page(loaded, browser_log))
    browser_log.artifacts = folder
    shutil.rmtree(browser_log.artifacts, ignore_errors=True)  # no steps of an earlier run
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _LOGS[id(new_page)] = browser_log
    yield new_page
    try:
        if not new_page.is_closed():
            step(new_page, "fine")
    finally:
        _LOGS.pop(id(new_page), None)
        context.close()
    assert browser_log.blocked == [], "requests outside the live server"
    assert browser_log.errors == [], "JavaScript errors"
    assert browser_log.refused == [], "blocked by the Content-Security-Policy"
    assert browser_log.borderless == [], (
        "form fields without a visible boundary (WCAG 1.4.11: a border, outline or shadow "
        "of at least 1px with 3:1 contrast against the background):\n"
        + "\n".join(browser_log.borderless)
    )
    assert browser_log.inaccessible == [], "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(
        browser_log.inaccessible
    )
    static_failures = [f for f in browser_log.failed if f" {live_server.url}/static/" in f]
    assert static_failures == [], "static files (CSS, fonts, scripts) that did not load"


@pytest.fixture
def page(
    browser: Browser,
    live_server: LiveServer,
    browser_log: BrowserLog,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose page may only reach the live server."""
    folder = ARTIFACTS / _test_folder(request.node.nodeid)
    with watched_page(browser, live_server, browser_log, folder) as new_page:
        yield new_page


@pytest.fixture(scope="session")
def media_browsers(playwright_driver: Playwright) -> Iterator[tuple[Browser, Browser]]:
    """Two Chromium instances with a fake camera and microphone, permission granted: the
    two ends of a video call (telemedicine)."""
    launched = tuple(
        playwright_driver.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *MEDIA_ARGS], headless=True
        )
        for _ in range(2)
    )
    yield launched[0], launched[1]
    for one in launched:
        one.close()


@pytest.fixture
def media_pages(
    media_browsers: tuple[Browser, Browser],
    live_server: LiveServer,
    request: pytest.FixtureRequest,
) -> Iterator[tuple[Page, Page]]:
    """Two pages, one in each of ``media_browsers``, each watched as ``page`` is (its own
    log; screenshots under ``test-artifacts/<test>/a`` and ``.../b``)."""
    folder = ARTIFACTS / _test_folder(request.node.nodeid)
    first, second = media_browsers
    with (
        watched_page(first, live_server, BrowserLog(), folder / "a") as one,
        watched_page(second, live_server, BrowserLog(), folder / "b") as two,
    ):
        yield one, two


@pytest.fixture
def demo_users(transactional_db: None) -> str:
    """Roles and the demo users (one per role); returns their password."""
    roles_sync()
    ensure_demo_users()
    return DEMO_PASSWORD


# Runs in the page: the cheap accessibility facts a test checks on every page.
_A11Y_FACTS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const labelled = (el) => (el.labels && el.labels.length > 0)
    || (el.getAttribute('aria-label') || '').trim() !== ''
    || (el.getAttribute('aria-labelledby') || '').trim() !== ''
    || (el.getAttribute('title') || '').trim() !== '';
  const inputs = [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
    .filter(visible);
  return {
    lang: document.documentElement.getAttribute('lang') || '',
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    unlabelled: inputs.filter((el) => !labelled(el)).map((el) => el.outerHTML.slice(0, 120)),
  };
}"""


# Runs in the page: every visible, enabled form field (text-like inputs, selects,
# textareas) must show its boundary (WCAG 1.4.11 non-text contrast): a border on any
# side, an outline or a box-shadow of at least 1px whose colour has 3:1 contrast against
# the background around the field, or a fill that itself has 3:1 contrast with it.
# Returns one line per field that has none: its name and what it has instead.
_FIELD_BOUNDARIES = """() => {
  const SKIP = ['hidden', 'checkbox', 'radio', 'submit', 'button', 'reset', 'image', 'file',
    'range', 'color'];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const rgba = (text) => {
    const m = /^rgba?\\(([^)]*)\\)$/.exec((text || '').trim());
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter((x) => x !== '').map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (fg, bg) => [0, 1, 2].map((i) => fg[3] * fg[i] + (1 - fg[3]) * bg[i])
    .concat([1]);
  const luminance = (c) => {
    const lin = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  // The colour behind an element: its ancestors' backgrounds composited over white.
  const behind = (el) => {
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((bg, c) => over(c, bg), [255, 255, 255, 1]);
  };
  const fmt = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
  const name = (el) => {
    const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
    const aria = el.getAttribute('aria-label') || '';
    return [el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? `[type=${el.type}]` : ''),
      el.name ? `name=${el.name}` : '', el.id ? `id=${el.id}` : '',
      label || aria ? `label "${(label || aria).replace(/\\s+/g, ' ').slice(0, 60)}"` : '']
      .filter(Boolean).join(' ');
  };
  const shadows = (text) => (text && text !== 'none')
    ? text.split(/,(?![^(]*\\))/).map((part) => {
      const colour = /rgba?\\([^)]*\\)/.exec(part);
      const lengths = (part.replace(/rgba?\\([^)]*\\)/, '').match(/-?[\\d.]+px/g) || [])
        .map(parseFloat);
      const [x = 0, y = 0, blur = 0, spread = 0] = lengths;
      return { colour: colour ? rgba(colour[0]) : null, inset: /inset/.test(part),
        wide: spread >= 1 || (blur === 0 && (Math.abs(x) >= 1 || Math.abs(y) >= 1)) };
    }) : [];
  const fields = [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !(el.tagName === 'INPUT' && SKIP.includes(el.type)))
    .filter((el) => !el.disabled)
    .filter(visible);
  const missing = [];
  for (const el of fields) {
    const style = getComputedStyle(el);
    const outside = behind(el);
    const fill = over(rgba(style.backgroundColor) || [0, 0, 0, 0], outside);
    const seen = [];
    let ok = contrast(fill, outside) >= 3;
    for (const side of ['Top', 'Right', 'Bottom', 'Left']) {
      const width = parseFloat(style[`border${side}Width`]) || 0;
      const line = style[`border${side}Style`];
      const colour = rgba(style[`border${side}Color`]);
      if (width >= 1 && line !== 'none' && line !== 'hidden' && colour) {
        const ratio = contrast(over(colour, outside), outside);
        seen.push(`${side.toLowerCase()} border ${fmt(over(colour, outside))} ${ratio.toFixed(2)}:1`);
        ok = ok || ratio >= 3;
      }
    }
    const outlineWidth = parseFloat(style.outlineWidth) || 0;
    const outlineColour = rgba(style.outlineColor);
    if (outlineWidth >= 1 && style.outlineStyle !== 'none' && outlineColour) {
      const ratio = contrast(over(outlineColour, outside), outside);
      seen.push(`outline ${ratio.toFixed(2)}:1`);
      ok = ok || ratio >= 3;
    }
    for (const s of shadows(style.boxShadow)) {
      if (!s.colour || !s.wide) continue;
      const against = s.inset ? fill : outside;
      const ratio = contrast(over(s.colour, against), against);
      seen.push(`shadow ${ratio.toFixed(2)}:1`);
      ok = ok || ratio >= 3;
    }
    if (!ok) {
      missing.push(`${name(el)}: no border, outline or shadow of 1px or more with 3:1`
        + ` contrast against ${fmt(outside)} (has: ${seen.join('; ') || 'none'})`);
    }
  }
  return missing;
}"""


def _check_loaded_page(page: Page, log: BrowserLog) -> None:
    """On every load: the field boundaries, and axe once per URL."""
    _record_borderless_fields(page, log)
    if _without_fragment(page.url) not in log.axe_checked:
        _record_axe_violations(page, log)


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (make install)")
    return AXE.read_text(encoding="utf-8")


# Runs in the page: axe-core on the whole document, the WCAG 2.1 A and AA rules only.
_AXE_RUN = """async (tags) => {
  let leaving = false;
  const left = () => { leaving = true; };
  window.addEventListener('beforeunload', left);
  window.addEventListener('pagehide', left);
  const result = await window.axe.run(document, {
    runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
  });
  window.removeEventListener('beforeunload', left);
  window.removeEventListener('pagehide', left);
  if (leaving) return [location.href, null];
  return [location.href, result.violations.map((v) => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200),
    })),
  }))];
}"""


def _record_axe_violations(page: Page, log: BrowserLog) -> None:
    """Run axe-core on the page as it is now and note its violations (once per page, rule
    and element), under the address of the document axe really ran in (a load handler may
    run when the test has already moved on: that page is checked on its own load)."""
    try:
        # evaluate, not a <script>: the Content-Security-Policy allows no inline script,
        # and the DevTools protocol is not subject to it.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {_axe_source()}\n }}")
        href, found = page.evaluate(_AXE_RUN, AXE_TAGS)
    except PlaywrightError:
        return  # the page went away meanwhile
    if found is None:
        # the test navigated away while axe ran: a document being unloaded is not what a
        # user sees (its links lose their text); it is checked when it is loaded again
        return
    where = urlsplit(href)
    log.axe_checked.add(_without_fragment(href))
    if where.scheme not in ("http", "https") or where.path.startswith(AXE_SKIP):
        return
    violation: dict[str, Any]
    for violation in found:
        for node in violation["nodes"]:
            entry = (
                f"{where.path}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} — {violation['helpUrl']}\n"
                f"    at {node['target']}: {node['summary']}"
            )
            if entry not in log.inaccessible:
                log.inaccessible.append(entry)


def step(page: Page, name: str) -> Path:
    """A step of the test worth seeing: a full-page screenshot in the test's folder
    (``test-artifacts/<test>/NN-name.png``), and the page checked as it is now (field
    boundaries and axe-core, whatever htmx changed since the load). Returns the file."""
    log = _LOGS.get(id(page))
    if log is None:
        raise RuntimeError("step() needs the page fixture's page")
    log.steps += 1
    log.artifacts.mkdir(parents=True, exist_ok=True)
    path = log.artifacts / f"{log.steps:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    _record_borderless_fields(page, log)
    _record_axe_violations(page, log)
    # a long page (the API reference draws every operation) takes a while to paint whole
    # under a loaded machine: the picture is evidence, not a timing to assert
    page.screenshot(path=str(path), full_page=True, timeout=60_000)
    return path


def _record_borderless_fields(page: Page, log: BrowserLog) -> None:
    """Note the page's form fields that show no boundary (once per page and field).

    Runs on every load; a page the test has already left (its context destroyed by the
    next navigation) is skipped, the next load or the end of the test checks again."""
    try:
        missing: list[str] = page.evaluate(_FIELD_BOUNDARIES)
        where = urlsplit(page.url).path
    except PlaywrightError:
        return
    for line in missing:
        entry = f"{where}: {line}"
        if entry not in log.borderless:
            log.borderless.append(entry)


def assert_accessible_basics(page: Page, *, lang: str = "it") -> None:
    """Cheap WCAG sanity: the page language is declared, one h1, one main landmark,
    and every visible form field has an accessible name. Read once the page's document is
    parsed (a click that navigates returns before the new document is)."""
    page.wait_for_load_state("domcontentloaded")
    facts = page.evaluate(_A11Y_FACTS)
    assert facts["lang"] == lang, (page.url, facts)
    assert facts["h1"] == 1, (page.url, facts)
    assert facts["main"] == 1, (page.url, facts)
    assert facts["unlabelled"] == [], (page.url, facts)


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Entra").click()
    page.wait_for_load_state("load")


class ActionCounter:
    """Counts what a user does on the way through a job, for the walk tests' budgets.

    An action is one thing the user does: a click (or tap), a choice in a list, a field
    typed (or a code scanned into it), a key pressed. Page loads are counted apart (each
    load of the main frame). Walk tests go through the counter for every user action, so
    that ``assert_within`` proves the budget stated in the README. Every action also writes
    a screenshot step, named after what was done.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.actions: list[str] = []
        self.loads = 0
        page.on("framenavigated", self._on_navigated)

    def _on_navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def did(self, what: str) -> None:
        """Count an action done another way (a scan through ``wedge``), once it is done."""
        self.actions.append(what)
        self.page.wait_for_load_state("load")
        step(self.page, f"{len(self.actions)}-{what}")

    def click(self, target: Locator, what: str, *, timeout: float | None = None) -> None:
        """``timeout`` (ms) for a click whose answer is slow to come (a signature)."""
        target.click(timeout=timeout)
        self.did(what)

    def choose(self, target: Locator, label: str, what: str) -> None:
        target.select_option(label=label)
        self.did(what)

    def type(self, target: Locator, text: str, what: str) -> None:
        target.fill(text)
        self.did(what)

    def press(self, target: Locator, key: str, what: str) -> None:
        target.press(key)
        self.did(what)

    def assert_within(self, *, actions: int, loads: int) -> None:
        """The job took no more actions and page loads than its budget."""
        assert len(self.actions) <= actions, (
            f"{len(self.actions)} actions, budget {actions}: " + ", ".join(self.actions)
        )
        assert self.loads <= loads, f"{self.loads} page loads, budget {loads}"
