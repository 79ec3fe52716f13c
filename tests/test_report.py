"""The HTML report: self-contained, faithful to the stress results, with every assumption."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import friendshore.api as fs_api
from friendshore.assumptions import all_assumptions, recording
from friendshore.errors import FriendshoreError
from friendshore.reports import render

pytestmark = pytest.mark.skipif(
    not all(callable(getattr(fs_api, n, None)) for n in ("stress", "run_stress", "load_scenario")),
    reason="the stress layer has not landed",
)
DRAWS = 300


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    render.write_report("china-rare-earth-ban", out, draws=DRAWS, seed=5)
    return out


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""<script[^>]+src=""", text), "scripts must be inline"
    assert not re.search(r"""<link[^>]+href=""", text), "no external stylesheets"
    markup = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup), "nothing remote"
    assert "plotly.js v" in text  # the library itself, inline
    assert text.count('class="plotly-graph-div"') == 2


def test_report_holds_results_scenario_and_every_assumption(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    out = fs_api.stress("china-rare-earth-ban", draws=DRAWS, seed=5)
    assert f"{DRAWS:,} Monte Carlo draws, seed 5" in text
    usa = out["countries"]["USA"]["shortfall_pct"]
    assert f"<td>{usa['mean']:.4g}</td>" in text
    assert "exporter: CHN" in text and "commodity: rare_earths" in text
    assert "usgs-mcs-2025" in text


def test_report_lists_the_assumptions_its_run_read(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    with recording() as used:
        render.stress_with_distributions("china-rare-earth-ban", draws=DRAWS, seed=5)
    assert {"stress_spare_utilisation", "ripple_downstream_multiple"} <= used
    for name in all_assumptions():
        assert (f"<td>{name}</td>" in text) == (name in used), name
    assert f"{len(used)} of the {len(all_assumptions())} shipped" in text


def test_a_warm_run_records_the_assumptions_a_cold_one_does() -> None:
    with recording() as first:
        fs_api.stress("hormuz-closure", draws=100, seed=2)
    with recording() as second:
        fs_api.stress("hormuz-closure", draws=100, seed=2)
    assert first == second and "lng_stockpile_months_by_country" in first
    assert "rare_earths_magnet_production_t" in first  # the network's own key


def test_report_opens_on_a_summary_that_answers_the_question(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    start, results = text.index('<section class="summary">'), text.index("Results per country")
    assert start < results
    summary = text[start:text.index("</section>", start)]
    out = fs_api.stress("china-rare-earth-ban", draws=DRAWS, seed=5)
    for iso in ("USA", "JPN"):
        c = out["countries"][iso]
        assert f"{c['shortfall_pct']['mean']:.1f} ({c['shortfall_pct']['p5']:.1f}" in summary
        assert c["top_industries"][0]["industry"] in summary
    assert "The three drivers" in summary and summary.count("<li>") == 3
    assert "lost output is" in summary
    assert '"displayModeBar": false' in text  # no chart toolbars, on screen or in print


def test_report_histogram_holds_every_draw() -> None:
    out = render.stress_with_distributions("china-rare-earth-ban", draws=DRAWS, seed=5)
    for country in ("USA", "JPN"):
        assert sum(out["distributions"][country]["shortfall_pct"]["counts"]) == DRAWS
    plain = fs_api.stress("china-rare-earth-ban", draws=DRAWS, seed=5)
    assert json.dumps(plain["countries"], sort_keys=True) == json.dumps(
        out["countries"], sort_keys=True)


def test_cli_writes_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from friendshore.cli import app

    target = tmp_path / "r.html"
    name, value = "stress_spare_utilisation", 0.3
    result = CliRunner().invoke(app, ["report", "china-rare-earth-ban", "--out", str(target),
                                      "--draws", "200", "--set", f"{name}={value}", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"html": str(target)}
    text = target.read_text(encoding="utf-8")
    assert len(text) > 1_000_000
    assert f'<tr class="over"><td>{name}</td>' in text  # the override is marked


def test_pdf_without_converter_says_what_to_install(
    report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "find_pdf_converter", lambda: None)
    with pytest.raises(FriendshoreError, match="install Chromium"):
        render.write_pdf(report, tmp_path / "r.pdf")


@pytest.mark.browser
def test_pdf_is_printed_where_chromium_exists(report: Path, tmp_path: Path) -> None:
    if render.find_pdf_converter() is None:
        pytest.skip("no chromium to print with")
    pdf = render.write_pdf(report, tmp_path / "r.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(pdf).pages
    out = fs_api.stress("china-rare-earth-ban", draws=DRAWS, seed=5)
    name_ja = out["countries"]["JPN"]["top_industries"][0]["name_ja"]
    assert name_ja and name_ja in pages[0].extract_text()  # a CJK font renders it (fonts-noto-cjk)
    assert "Summary" in pages[0].extract_text()
