"""End-to-end tests of the dashboard in headless Debian Chromium, driven by playwright.

A real uvicorn server runs on a free loopback port in a thread. Every request the browser
makes is intercepted: anything not addressed to that server fails the test, so the pages
provably need nothing from the internet. Screenshots go to the test's tmp dir and must not
be blank. Without /usr/bin/chromium (or $FRIENDSHORE_CHROMIUM) these tests skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FRIENDSHORE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a live server on a private copy of the built store."""
    import uvicorn

    from friendshore.web.app import create_app

    db = tmp_path_factory.mktemp("web") / "friendshore.duckdb"
    shutil.copy(built_store_path, db)
    port = _free_port()
    app = create_app(store_path=db, loopback_only_hosts=True)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium, or a skip saying why there is none."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def only_allow(context, prefix: str) -> list[str]:
    """Abort every request of ``context`` whose URL does not start with ``prefix``; the
    returned list collects the aborted URLs, for the test to assert it stays empty."""
    blocked: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(prefix):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return blocked


@pytest.fixture()
def page(browser, server: str) -> Iterator[object]:
    """A fresh page whose requests may only go to the test server; errors fail the test.

    The server's CSP allows no eval, so ``wait_for_function`` gets a function, never an
    expression string: Playwright re-evaluates a polled expression with eval in the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    foreign = only_allow(context, server + "/")
    errors: list[str] = []
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    pg.base = server
    yield pg
    context.close()
    assert not foreign, f"requests left the machine: {foreign}"
    assert not errors, f"page errors: {errors}"


def assert_not_blank(path: Path) -> None:
    """A screenshot with real content has many distinct pixel values, not one flat colour."""
    from PIL import Image, ImageStat

    img = Image.open(path).convert("L")
    stat = ImageStat.Stat(img)
    assert stat.stddev[0] > 10, f"{path} looks blank (stddev {stat.stddev[0]:.1f})"
    assert len(img.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20


def shoot(page, tmp_path: Path, name: str) -> Path:
    out = Path(os.environ.get("FRIENDSHORE_SHOTS", tmp_path)) / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert_not_blank(out)
    return out


def plotted(page, selector: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until Plotly has drawn at least one trace into ``selector``; fail at once, with
    its text, if the page shows an error instead."""
    page.wait_for_function(
        "sel => { const el = document.querySelector(sel);"
        " const err = document.querySelector('#error');"
        " return (err && !err.classList.contains('hidden'))"
        " || (el && el.data && el.data.length > 0 && el.querySelector('.main-svg')); }",
        arg=selector, timeout=timeout_ms,
    )
    error = page.query_selector("#error:not(.hidden)")
    assert error is None, f"the page shows an error: {error.inner_text()}"


def test_atlas_shows_rare_earth_producers(page, tmp_path: Path) -> None:
    page.goto(page.base + "/")
    page.wait_for_selector("#commodity option[value=rare_earths]", state="attached")
    page.select_option("#commodity", "rare_earths")
    page.select_option("#stage", "mine")
    page.wait_for_function(
        "() => document.querySelector('#producers-title').textContent.includes('Rare')")
    plotted(page, "#producers")
    countries = page.evaluate("document.querySelector('#producers').data[0].y")
    assert "CHN" in countries
    page.wait_for_selector("#risk table tbody tr")
    page.wait_for_function("() => document.querySelector('#trade-note').textContent.length > 0")
    shoot(page, tmp_path, "atlas")


def test_landing_view_has_trade_data_and_state_in_the_url(page) -> None:
    page.goto(page.base + "/")
    plotted(page, "#trade")  # rare earths at the mine stage: imports shown at a traded stage
    note = page.locator("#trade-note").inner_text()
    assert "shown: the component stage" in note and "HS 850511" in note
    page.wait_for_function("() => location.search.includes('stage=mine')")
    page.select_option("#commodity", "gallium")
    page.select_option("#importer", "JPN")
    page.wait_for_function("() => location.search.includes('commodity=gallium') && "
                           "location.search.includes('importer=JPN')")
    shared = page.evaluate("location.href")
    page.goto(shared)  # the shared address opens the same view
    page.wait_for_function("() => document.querySelector('#producers-title').textContent"
                           ".includes('Gallium')")
    assert page.eval_on_selector("#importer", "e => e.value") == "JPN"
    assert page.eval_on_selector("#commodity", "e => e.value") == "gallium"
    page.goto(page.base + "/?commodity=rare_earths&stage=component&measure=production")
    page.wait_for_function("() => document.querySelector('#producers-title').textContent"
                           ".includes('component')")
    assert page.eval_on_selector("#stage", "e => e.value") == "component"
    page.goto(page.base + "/stress?scenario=hormuz-closure")
    page.wait_for_function("() => document.querySelector('#scenario').value === 'hormuz-closure'")
    page.select_option("#scenario", "sakhalin-cutoff")
    page.wait_for_function("() => location.search === '?scenario=sakhalin-cutoff'")


def test_every_table_downloads_as_csv(page, tmp_path: Path) -> None:
    page.goto(page.base + "/")
    page.wait_for_selector("#risk table tbody tr")
    shown = page.locator("#risk table tbody tr").count()
    with page.expect_download() as info:
        page.click("#risk .csv-download")
    target = tmp_path / "risk.csv"
    info.value.save_as(target)
    assert info.value.suggested_filename == "risk.csv"
    import csv

    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == shown
    assert list(rows[0])[:3] == ["commodity", "stage", "year"]
    shares = [float(r["china_share"]) for r in rows if r["china_share"]]
    assert shares and all(0.0 <= v <= 1.0 for v in shares)  # raw fractions, not "54.6%"


def test_methods_page_explains_each_metric_with_sources(page) -> None:
    page.goto(page.base + "/methods")
    text = page.locator("main").inner_text()
    for term in ("Herfindahl", "WGI", "net import reliance", "EU supply risk", "CVaR95",
                 "dependent-output", "Pareto"):
        assert term in text, term
    assert "doi:10.3133/ofr20241057" in text and "doi:10.5066/P1WKQ63T" in text  # sources
    assert page.locator("header.top nav a.active").inner_text() == "Methods"


def test_dashboard_opens_with_navigation(page, tmp_path: Path) -> None:
    page.goto(page.base + "/runs")
    page.wait_for_selector("header.top nav a")
    labels = page.locator("header.top nav a").all_inner_texts()
    assert labels == ["Supply atlas", "Stress test", "Investment planner", "Runs", "Alliance",
                      "Methods"]
    assert page.evaluate("typeof Plotly") == "object"
    shoot(page, tmp_path, "runs")


def test_alliance_page_shows_ships_and_defense(page, tmp_path: Path) -> None:
    page.goto(page.base + "/alliance")
    plotted(page, "#ships")
    plotted(page, "#defense")
    page.wait_for_function("() => document.querySelector('#lng-note').textContent.length > 0")
    assert "CHN" in page.evaluate("document.querySelector('#ships').data.map(t => t.name)")
    # aggregates are not countries: no "OTH"/"WLD" in the LNG charts; the table names EI's
    # residual in words, in its last row, whatever the sort
    plotted(page, "#lng")
    for chart in ("#lng", "#lng-capacity"):
        xs = page.evaluate(f"document.querySelector('{chart}').data.flatMap(t => t.x)")
        assert xs and not {"OTH", "WLD"} & set(xs), chart
    cells = page.locator("#lng-table tbody td").all_inner_texts()
    assert "OTH" not in cells
    for _ in range(2):  # sorted by imports, then by importer
        last = page.locator("#lng-table tbody tr").last
        assert last.locator("td").first.inner_text().startswith("Other countries")
        page.locator("#lng-table th", has_text="importer").click()
    shoot(page, tmp_path, "alliance")


def test_stress_run_shows_cards_and_histogram(page, tmp_path: Path) -> None:
    page.goto(page.base + "/stress")
    page.wait_for_selector("#scenario option[value=china-rare-earth-ban]", state="attached")
    page.select_option("#scenario", "china-rare-earth-ban")
    page.wait_for_function(
        "() => document.querySelector('#yaml').value.includes('china-rare-earth-ban')")
    page.fill("#draws", "2000")
    page.click("#run")
    page.wait_for_selector("#progress-box:not(.hidden)")
    page.wait_for_selector("#cards .card")
    plotted(page, "#histogram")
    plotted(page, "#cover")
    cards = page.locator("#cards .card h3").all_inner_texts()
    assert cards == ["USA", "JPN"]
    # the months-of-cover fan: per country two filled bands and a median line, month by month
    fan = page.evaluate("document.querySelector('#cover').data"
                        ".map(t => [t.name || '', t.fill || '', t.x.length])")
    names = [name for name, _, _ in fan]
    assert "USA median" in names and "JPN median" in names
    assert sum(fill == "tonexty" for _, fill, _ in fan) == 4
    assert {n for _, _, n in fan} == {12}  # the scenario's 12-month horizon
    assert page.locator("#cover path.js-fill").count() >= 4
    assert page.inner_text("#cover-title") == "Months of stockpile cover, by month"
    assert "saved as run" in page.inner_text("#progress-text")
    assert page.evaluate("document.querySelector('#progress-bar').style.width") == "100%"
    shoot(page, tmp_path, "stress")


def test_stress_page_sweep_shows_ranked_table_and_chart(page, tmp_path: Path) -> None:
    page.goto(page.base + "/stress")
    page.fill("#sweep-draws", "50")
    page.fill("#sweep-countries", "USA,JPN")
    page.click("#sweep-run")
    page.wait_for_selector("#sweep-progress-box:not(.hidden)")
    page.wait_for_selector(".sweep-country[data-country=JPN] .sweep-table tbody tr")
    assert page.query_selector("#sweep-error:not(.hidden)") is None
    assert page.inner_text("#sweep-progress-text") == "done"
    assert page.evaluate("document.querySelector('#sweep-progress-bar').style.width") == "100%"
    countries = page.evaluate("[...document.querySelectorAll('.sweep-country')]"
                              ".map(d => d.dataset.country)")
    assert countries == ["USA", "JPN"]
    for country in countries:
        section = f".sweep-country[data-country={country}]"
        rows = page.locator(f"{section} .sweep-table tbody tr")
        assert rows.count() > 15
        head = [h.rstrip(" ▲▼") for h in
                page.locator(f"{section} .sweep-table thead th").all_inner_texts()]
        assert head[:4] == ["#", "exporter", "commodity", "stage"]
        assert "shortfall % (mean)" in head and "price ×" in head
        plotted(page, f"{section} .sweep-chart")
        bars = page.evaluate(f"document.querySelector('{section} .sweep-chart').data[0]")
        assert bars["orientation"] == "h" and len(bars["x"]) == 15
        assert bars["x"] == sorted(bars["x"])  # worst at the top: Plotly draws bottom-up
        first = rows.first.locator("td").all_inner_texts()
        assert bars["y"][-1] == f"{first[1]} · {first[2]} ({first[3]})"
    shoot(page, tmp_path, "sweep")


def test_planner_shows_pareto_chart(page, tmp_path: Path) -> None:
    page.goto(page.base + "/planner")
    page.wait_for_selector("#catalog table tbody tr")
    page.click("#run")
    page.wait_for_function("() => /optimising… [1-9][0-9]*%/.test(document.querySelector('#status')"
                           ".textContent)", timeout=300_000)  # the job's progress shows
    plotted(page, "#pareto", timeout_ms=300_000)  # the plan solves MIPs: slow on 2 busy cores
    names = page.evaluate("document.querySelector('#pareto').data.map(t => t.name)")
    assert names == ["Pareto front", "chosen portfolio", "greedy"]
    assert page.locator("#catalog tr.chosen").count() >= 1
    # the chosen portfolio's contributions: benefit alone and at the margin, then a total row
    portfolio = page.locator("#portfolio tbody tr")
    assert portfolio.count() >= 2
    assert portfolio.last.locator("td").first.inner_text() == "total"
    # a project's appraisal, opened from the portfolio: cash flows, strategic value, ripple
    portfolio.filter(has_text="mp-mountain-pass-hree").click()
    page.wait_for_selector("#detail-loading", state="hidden")
    page.wait_for_selector("#strategic-table tbody tr")
    plotted(page, "#cashflows")
    strategic = page.locator("#strategic-table tbody tr").all_inner_texts()
    assert any(r.startswith("china-rare-earth-ban") for r in strategic)  # the ban it relieves
    assert strategic[-1].startswith("present value") and "$" in strategic[-1]
    assert page.locator("#strategic-table thead th").all_inner_texts()[2:] == [
        "USA shortfall avoided (% of demand)", "USA GDP loss avoided",
        "JPN shortfall avoided (% of demand)", "JPN GDP loss avoided"]
    assert page.locator("#appraisal-table tbody tr").count() == 2  # USA and JPN
    ripple = page.locator("#ripple-table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in ripple] == ["construction (once)", "operation (per year)"]
    # its support: the DoD price floor, what the US pays for it, NPVs with and without it
    assert page.locator("#support").is_visible()
    instruments = page.locator("#support-instruments tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in instruments] == [["price floor", "USA"]]
    assert "US$110/kg" in instruments[0]
    assert page.locator("#support-source a").get_attribute("href").startswith("https://")
    cost = page.locator("#support-cost tbody tr").all_inner_texts()
    assert len(cost) == 1 and cost[0].startswith("USA\t")
    assert float(cost[0].split("\t")[2]) > 0  # mean PV cost to the US, US$ bn
    npv = [r.split("\t") for r in page.locator("#support-npv tbody tr").all_inner_texts()]
    assert [r[0] for r in npv] == ["JPN", "USA", "project, all investors"]
    assert all(float(r[1]) > float(r[3]) for r in npv)  # the floor raises every mean NPV
    plotted(page, "#support-chart")
    # the chosen portfolio's support column: the US pays for Mountain Pass's floor
    head = page.locator("#portfolio thead th").all_inner_texts()
    col = [h.rstrip(" ▲▼") for h in head].index("support paid (bn)")
    row = portfolio.filter(has_text="mp-mountain-pass-hree").locator("td").all_inner_texts()
    assert row[col].startswith("USA ") and float(row[col].split()[1]) > 0
    shoot(page, tmp_path, "planner")
    # a project without support terms shows no Support section
    page.locator("#catalog tbody tr").filter(has_text="lynas-seadrift-texas").click()
    page.wait_for_selector("#detail-loading", state="hidden")
    page.wait_for_selector("#appraisal-table tbody tr")
    assert not page.locator("#support").is_visible()


def test_runs_reopen_and_compare(page, tmp_path: Path) -> None:
    import httpx

    ids = []
    for seed in (1, 2):
        body = {"scenario": "china-rare-earth-ban", "draws": 500, "seed": seed, "save": True,
                "wait": True}
        ids.append(httpx.post(page.base + "/api/stress", json=body, timeout=120).json()["run_id"])
    page.goto(page.base + "/runs")
    for run_id in ids:
        page.check(f"#runs input[data-id='{run_id}']")
    page.click("#compare")
    plotted(page, "#compare-chart")
    assert len(page.evaluate("document.querySelector('#compare-chart').data")) == 2
    page.locator("#runs tbody tr", has_text=ids[0]).locator("td").nth(1).click()
    page.wait_for_selector("#cards .card")
    page.click("#rerun")
    plotted(page, "#histogram")
    page.wait_for_function(
        "() => document.querySelector('#rerun-status').textContent.includes('match')")
    assert "match the saved run exactly" in page.inner_text("#rerun-status")
    shoot(page, tmp_path, "runs")


def test_report_opens_offline(browser, tmp_path: Path) -> None:
    from friendshore.reports.render import write_report

    report = tmp_path / "report.html"
    write_report("china-rare-earth-ban", report, draws=300, seed=1)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    remote = only_allow(context, "file://")
    pg = context.new_page()
    pg.goto(report.as_uri())
    pg.wait_for_function("document.querySelectorAll('.plotly-graph-div .main-svg').length >= 2")
    shoot(pg, tmp_path, "report")
    context.close()
    assert not remote, remote
