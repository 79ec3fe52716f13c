// Rendering of stress results, shared by the stress page and the runs page.
"use strict";

const Results = (() => {
  const COLORS = ["#1f5fa8", "#b3261e", "#2e7d32", "#ef8f00", "#7b1fa2", "#00838f"];
  const span = (s, f = FS.fmt) => (s ? `${f(s.p5)} – ${f(s.p95)}` : "—");

  // One card per country: shortfall, price, stockpile cover and GDP.
  function cards(el, out) {
    el.innerHTML = Object.entries(out.countries).map(([iso, c], i) => {
      const gdp = c.gdp_change_usd;
      return `<div class="card" style="border-left-color:${COLORS[i % COLORS.length]}">
        <h3>${FS.escapeHtml(iso)}</h3>
        <div class="big">${FS.fmt(c.shortfall_pct.mean)}%</div>
        <div class="note">mean shortfall of demand (P5–P95 ${span(c.shortfall_pct)}%)</div>
        <dl>
          <dt>shortfall (t)</dt><dd>${FS.fmt(c.shortfall_t.mean)}</dd>
          <dt>CVaR95 shortfall</dt><dd>${FS.fmt(c.shortfall_pct.cvar95)}%</dd>
          <dt>price multiplier</dt><dd>×${FS.fmt(c.price_multiplier.mean)} (P95 ×${FS.fmt(c.price_multiplier.p95)})</dd>
          <dt>stockpile cover left</dt><dd>${FS.fmt(c.stockpile_months.mean)} months</dd>
          <dt>GDP change</dt><dd>${gdp ? `${FS.money(gdp.mean)} (P5 ${FS.money(gdp.p5)})` : "not computed"}</dd>
        </dl></div>`;
    }).join("");
  }

  function histogram(el, out) {
    const traces = Object.entries(out.distributions || {}).map(([iso, d], i) => {
      const h = d.shortfall_pct, mids = h.counts.map((_, k) => (h.edges[k] + h.edges[k + 1]) / 2);
      const total = h.counts.reduce((a, b) => a + b, 0) || 1;
      return { type: "bar", name: iso, x: mids, y: h.counts.map((n) => (100 * n) / total),
               width: h.edges[1] - h.edges[0], opacity: 0.65, marker: { color: COLORS[i % COLORS.length] },
               hovertemplate: iso + " %{x:.1f}%: %{y:.1f}% of draws<extra></extra>" };
    });
    FS.plot(el, traces, { barmode: "overlay", xaxis: { title: { text: "shortfall (% of demand over the horizon)" } },
                          yaxis: { title: { text: "% of draws" } }, legend: { orientation: "h", y: 1.1 } });
  }

  // Fan chart of the months of stockpile cover left at the end of each month.
  function cover(el, out, titleEl, noteEl) {
    const traces = [];
    Object.entries(out.distributions || {}).forEach(([iso, d], i) => {
      const f = d.cover_fan, c = COLORS[i % COLORS.length];
      const band = (lo, hi, alpha, label) => [
        { x: f.month, y: f[lo], mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
        { x: f.month, y: f[hi], mode: "lines", line: { width: 0 }, fill: "tonexty",
          fillcolor: hexA(c, alpha), name: `${iso} ${label}` },
      ];
      traces.push(...band("p5", "p95", 0.18, "P5–P95"), ...band("p25", "p75", 0.35, "P25–P75"));
      traces.push({ x: f.month, y: f.p50, mode: "lines", line: { color: c, width: 2 }, name: `${iso} median` });
    });
    titleEl.textContent = "Months of stockpile cover, by month";
    FS.plot(el, traces, { xaxis: { title: { text: "month after the shock" } }, yaxis: { title: { text: "months of demand covered" }, rangemode: "tozero" } });
    noteEl.textContent = "Months of demand left in stock at the end of each month. Bands: P5–P95 and P25–P75 across draws; line: median.";
  }

  function industries(el, out) {
    const rows = [];
    for (const [iso, c] of Object.entries(out.countries)) {
      for (const r of c.top_industries || []) rows.push({ country: iso, ...r });
    }
    if (!rows.length) {
      el.innerHTML = '<p class="note">Industry effects are not in this result (the ripple layer adds ' +
        "<code>top_industries</code> to each country when it is available).</p>";
      return;
    }
    const keys = Object.keys(rows[0]).filter((k) => !["country", "industry", "name", "name_ja"].includes(k));
    // English names (MIC sectors: friendshore's translation); the official Japanese one on hover
    const named = (v, r) => (r.name_ja ? `<span title="${FS.escapeHtml(r.name_ja)}">${FS.escapeHtml(v)}</span>` : FS.escapeHtml(v));
    FS.table(el, rows, [{ key: "country" }, { key: "industry", label: "code" }, { key: "name", label: "industry", format: named, html: true },
      ...keys.map((k) => ({ key: k, label: k.replace(/_usd$/, " (US$)").replace(/_/g, " "), num: true,
                            format: k.endsWith("_usd") ? FS.money : undefined }))]);
  }

  function hexA(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
  }

  return { cards, histogram, cover, industries, COLORS };
})();
