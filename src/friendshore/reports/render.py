"""One self-contained HTML report of a stress test, and a PDF of it where a converter exists.

The HTML file carries everything inline: plotly.js (from the installed plotly package), a
one-page summary (the question, the answer per country, the three drivers), the charts, the
result tables, the scenario as YAML, the assumptions the run read with their sources, and the
data sources loaded. It opens offline, from disk, in any browser. The PDF is printed from
that file by headless Chromium when one is installed (Japanese names need a CJK font: Debian
``fonts-noto-cjk``).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import yaml

from .. import __version__
from .. import api as fs_api
from ..assumptions import Assumptions, all_assumptions, recording
from ..errors import FriendshoreError
from ..results import STATS
from ..web.app import plotly_js_path
from ..web.charts import stress_with_distributions

__all__ = ["find_pdf_converter", "render_stress_report", "write_pdf", "write_report"]

COLORS = ["#1f5fa8", "#b3261e", "#2e7d32", "#ef8f00", "#7b1fa2", "#00838f"]
#: Summary keys shown in the results table, with their labels.
METRICS = {
    "shortfall_pct": "shortfall (% of demand)",
    "shortfall_t": "shortfall (t)",
    "price_multiplier": "price multiplier",
    "stockpile_months": "stockpile cover left (months)",
    "gdp_change_usd": "GDP change (US$)",
}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CSS = """
body { font-family: system-ui, "DejaVu Sans", "Noto Sans CJK JP", "Noto Sans JP", sans-serif;
  color: #1d2733; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
section.summary { page-break-after: always; } section.summary li { margin: 0.3rem 0; }
h1 { margin-bottom: 0.2rem; } .meta { color: #5f6b7a; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #d9dee5; padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #eef2f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.over td { background: #fff6d6; }
pre { background: #f5f7fa; border: 1px solid #d9dee5; padding: 0.8rem; font-size: 0.8rem;
  overflow-x: auto; }
.chart { height: 380px; page-break-inside: avoid; }
.note { color: #5f6b7a; font-size: 0.85rem; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; }
  .modebar-container { display: none !important; } }
"""


def _num(value: Any, money: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return html.escape(str(value))
    v = float(value)
    if money:
        return f"{'−' if v < 0 else ''}${abs(v) / 1e6:,.1f} m"
    if abs(v) >= 1e4:
        return f"{v:,.0f}"
    return str(int(v)) if v.is_integer() else f"{v:.4g}"


def _table(df: pd.DataFrame, row_class: Callable[[pd.Series], str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, rec in df.iterrows():
        cls = f' class="{row_class(rec)}"' if row_class else ""
        cells = "".join(
            f'<td class="num">{_num(v)}</td>' if isinstance(v, (int, float))
            and not isinstance(v, bool) else f"<td>{html.escape('' if v is None else str(v))}</td>"
            for v in rec.tolist()
        )
        rows.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(fig: go.Figure) -> str:
    fig.update_layout(template="plotly_white", margin={"t": 30, "r": 20, "b": 60, "l": 70},
                      height=380)
    return fig.to_html(full_html=False, include_plotlyjs=False, default_height=380,
                       config={"displaylogo": False, "displayModeBar": False,
                               "responsive": True})


def _histogram_figure(dist: Mapping[str, Any]) -> go.Figure:
    fig = go.Figure()
    for i, (iso, d) in enumerate(dist.items()):
        h = d["shortfall_pct"]
        edges, counts = h["edges"], h["counts"]
        total = sum(counts) or 1
        fig.add_bar(name=iso, x=[(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)],
                    y=[100 * n / total for n in counts], width=edges[1] - edges[0],
                    opacity=0.65, marker_color=COLORS[i % len(COLORS)])
    fig.update_layout(barmode="overlay", xaxis_title="shortfall (% of demand over the horizon)",
                      yaxis_title="% of draws")
    return fig


def _cover_figure(dist: Mapping[str, Any]) -> go.Figure:
    """The monthly months-of-cover fan: P5–P95 and P25–P75 bands and the median per country."""
    fig = go.Figure()
    for i, (iso, d) in enumerate(dist.items()):
        f, color = d["cover_fan"], COLORS[i % len(COLORS)]
        for lo, hi, alpha in (("p5", "p95", 0.18), ("p25", "p75", 0.35)):
            fig.add_scatter(x=f["month"], y=f[lo], mode="lines", line_width=0,
                            showlegend=False, hoverinfo="skip")
            rgb = ",".join(str(int(color[k:k + 2], 16)) for k in (1, 3, 5))
            fig.add_scatter(x=f["month"], y=f[hi], mode="lines", line_width=0, fill="tonexty",
                            fillcolor=f"rgba({rgb},{alpha})", line_color=color,
                            name=f"{iso} {lo.upper()}–{hi.upper()}")
        fig.add_scatter(x=f["month"], y=f["p50"], mode="lines", line_color=color,
                        name=f"{iso} median")
    fig.update_layout(xaxis_title="month after the shock",
                      yaxis_title="months of demand covered")
    return fig


def _results_table(out: Mapping[str, Any]) -> pd.DataFrame:
    rows = []
    for iso, summary in out["countries"].items():
        for key, label in METRICS.items():
            if key in summary:
                stats = summary[key]
                rows.append({"country": iso, "metric": label,
                             **{s: stats.get(s) for s in STATS}})
    return pd.DataFrame(rows)


def _industries(out: Mapping[str, Any]) -> pd.DataFrame:
    """Top industries per country; ``name_ja`` (MIC sectors) next to the English name."""
    rows = [{"country": iso, **r} for iso, s in out["countries"].items()
            for r in s.get("top_industries") or []]
    df = pd.DataFrame(rows)
    if "name_ja" not in df:
        return df
    df["name_ja"] = df["name_ja"].astype(object).where(df["name_ja"].notna(), None)
    first = ["country", "industry", "name", "name_ja"]
    return df[first + [c for c in df.columns if c not in first]]


def _money(v: float) -> str:
    """US$ in billions or millions, sign first."""
    sign, a = ("−" if v < 0 else ""), abs(v)
    return f"{sign}US${a / 1e9:,.2f} B" if a >= 1e9 else f"{sign}US${a / 1e6:,.1f} M"


def _summary(out: Mapping[str, Any], spec: Any, pmax: float) -> str:
    """The report's first page: the question, the answer per country and the three drivers
    (how the GDP change splits between lost output and higher costs, the industries that
    carry it, and what buffered or capped the shock: stocks and the price cap)."""
    shocks = "; ".join(dict.fromkeys(
        f"{getattr(ev, 'exporter', None) or getattr(ev, 'country', '')} "
        f"{ev.kind.replace('_', ' ')} of {ev.commodity} ({ev.stage})" for ev in spec.shocks))
    countries = list(out["countries"])
    question = (f"{html.escape(spec.description or spec.name)} ({html.escape(shocks)}): how "
                f"short are {', '.join(countries)} over {spec.horizon_months} months, at what "
                f"price, and what does it cost their economies?")
    rows, channels, industries, buffers = [], {}, [], []
    for iso, c in out["countries"].items():
        short, price = c["shortfall_pct"], c["price_multiplier"]
        gdp, pct = c.get("gdp_change_usd") or {}, c.get("gdp_change_pct") or {}
        top = (c.get("top_industries") or [None])[0]
        rows.append({
            "country": iso,
            "shortfall, % of demand (mean; P5–P95)":
                f"{short['mean']:.1f} ({short['p5']:.1f}–{short['p95']:.1f})",
            "peak price (median)": f"×{price['p50']:.2f}",
            "GDP change (mean; % of GDP)": "—" if not gdp else
                f"{_money(gdp['mean'])} ({pct.get('mean', float('nan')):.3f} %)",
            "most affected industry": "—" if top is None else
                f"{top['industry']} {top['name']}" + (f" ({top['name_ja']})"
                                                       if top.get("name_ja") else ""),
        })
        for k, v in (c.get("gdp_channels_usd") or {}).items():
            channels[k] = channels.get(k, 0.0) + v
        industries += [(r["gdp_change_usd"], iso, r) for r in c.get("top_industries") or []]
        buffers.append(f"{iso} {c['stockpile_months']['mean']:.1f} months of stock left at "
                       f"the end (mean)" + (f", price at the ×{pmax:g} cap in at least 5 % of "
                                            f"draws" if price["p95"] >= pmax - 1e-9 else ""))
    total = sum(channels.values())
    split = ", ".join(f"{k.replace('_', ' ')} {_money(v)}" for k, v in channels.items())
    drivers = [
        f"Where the GDP change comes from (all countries): {split or 'not priced'}"
        + (f"; lost output is {100 * channels.get('quantity', 0.0) / total:.0f} % of it"
           if total else "") + ".",
        "The industries that carry it: " + ("; ".join(
            f"{iso} {html.escape(r['industry'])} {html.escape(r['name'])} {_money(v)}"
            for v, iso, r in sorted(industries, key=lambda t: t[0])[:3]) or "none priced") + ".",
        "What buffered or capped the shock: " + "; ".join(buffers) + ".",
    ]
    return (f'<section class="summary"><h2>Summary</h2><p><b>The question.</b> {question}</p>'
            f"<p><b>The answer.</b></p>{_table(pd.DataFrame(rows))}"
            f"<p><b>The three drivers.</b></p><ol>"
            + "".join(f"<li>{d}</li>" for d in drivers) + "</ol></section>")


def render_stress_report(
    scenario: Any,
    *,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    progress: Callable[[float], None] | None = None,
    store: Any = None,
) -> str:
    """Run ``scenario`` and return the whole report as one HTML string."""
    spec = fs_api.load_scenario(scenario)
    if assumptions:
        spec = spec.with_settings(assumptions={**spec.assumptions, **dict(assumptions)})
    with recording() as used:
        out = stress_with_distributions(spec, draws=draws, seed=seed, countries=countries,
                                        progress=progress, store=store)
    dist = out["distributions"]
    values = Assumptions(spec.assumptions)
    table = values.table()
    table = table[table["name"].isin(used) | table["overridden"]]
    money = {"GDP change (US$)"}
    results = _results_table(out)
    results_html = _table(results.assign(**{
        s: [_num(v, m in money) for v, m in zip(results[s], results["metric"], strict=True)]
        for s in STATS
    }))
    industries = _industries(out)
    sources = fs_api.data_status(store=store)[["source", "kind", "edition", "first_year",
                                                "last_year", "rows"]]
    title = f"friendshore stress report: {spec.name}"
    body = f"""
<h1>{html.escape(title)}</h1>
<p class="meta">{html.escape(spec.description or "")}<br>
{out['draws']:,} Monte Carlo draws, seed {out['seed']}, horizon {spec.horizon_months} months.
Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by friendshore {__version__}.</p>
{_summary(out, spec, float(values["stress_max_price_multiplier"]))}
<h2>Results per country</h2>
<p class="note">shortfall: demand not met over the horizon after stockpile release; CVaR95: the
mean of the worst 5 % of draws (lowest for stockpile cover).</p>
{results_html}
<h2>Shortfall distribution</h2>
<div class="chart">{_figure(_histogram_figure(dist))}</div>
<h2>Stockpile cover</h2>
<div class="chart">{_figure(_cover_figure(dist))}</div>
<p class="note">Months of demand left in stock at the end of each month after the shock
(stockpile release against the shortfall): P5–P95 and P25–P75 bands across draws, median
line.</p>
<h2>Most affected industries</h2>
{_table(industries) if len(industries) else
 '<p class="note">No industry effects in this result.</p>'}
<h2>Scenario</h2>
<pre>{html.escape(yaml.safe_dump(spec.model_dump(mode="json"), sort_keys=False,
                              allow_unicode=True))}</pre>
<h2>Assumptions this run used</h2>
<p class="note">Every number that is not data and that this run read, with its source:
{len(table)} of the {len(all_assumptions())} shipped (<code>friendshore assumptions</code>
lists all). Highlighted: overridden by the scenario.</p>
{_table(table, lambda r: "over" if r["overridden"] else "")}
<h2>Data sources loaded</h2>
{_table(sources)}
"""
    plotly_js = plotly_js_path().read_text(encoding="utf-8")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            f"<script>{plotly_js}</script></head><body>{body}</body></html>\n")


def write_report(
    scenario: Any,
    out: str | Path = "report.html",
    *,
    pdf: bool = False,
    **kwargs: Any,
) -> dict[str, str]:
    """Write the HTML report (atomically) and, with ``pdf``, a PDF next to it."""
    target = Path(out)
    text = render_stress_report(scenario, **kwargs)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    written = {"html": str(target)}
    if pdf:
        written["pdf"] = str(write_pdf(target, target.with_suffix(".pdf")))
    return written


def find_pdf_converter() -> str | None:
    """A headless Chromium to print with: ``$FRIENDSHORE_CHROMIUM`` or one on the PATH."""
    env = os.environ.get("FRIENDSHORE_CHROMIUM")
    if env and Path(env).exists():
        return env
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def write_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (charts drawn first)."""
    browser = find_pdf_converter()
    if browser is None:
        raise FriendshoreError(
            "no PDF converter found: install Chromium (Debian: apt-get install chromium) or set "
            "FRIENDSHORE_CHROMIUM to a Chrome/Chromium binary. The HTML report was written."
        )
    pdf_path = Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="friendshore-pdf-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={pdf_path}", Path(html_path).resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise FriendshoreError(f"{browser} did not finish printing in {timeout:.0f} s") from exc
    if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise FriendshoreError(
            f"{browser} could not print the PDF (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-400:]}"
        )
    return pdf_path
