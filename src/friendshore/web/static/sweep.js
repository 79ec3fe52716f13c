// Stress page, Sweep section: run POST /api/sweep as a job, then per country of interest a
// table of commodities by expected GDP change, a bar chart of the 15 restrictions with the largest
// GDP loss and the ranked table of all of them.
"use strict";

(() => {
  const el = (id) => document.getElementById(id);
  const TOP = 15;
  const label = (r) => `${r.exporter} · ${r.commodity} (${r.stage})`;

  function request() {
    const body = { draws: Number(el("sweep-draws").value) || undefined };
    if (el("sweep-seed").value !== "") body.seed = Number(el("sweep-seed").value);
    const countries = el("sweep-countries").value.split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
    if (countries.length) body.countries = countries;
    return body;
  }

  function chart(div, rows) {
    const top = rows.slice(0, TOP).reverse();  // Plotly draws the first bar at the bottom
    FS.plot(div, [{
      type: "bar", orientation: "h", x: top.map((r) => -(r.gdp_change_usd_mean || 0) / 1e6),
      y: top.map(label), marker: { color: "#b3261e" },
      customdata: top.map((r) => [100 * r.world_share, r.price_multiplier_mean, r.shortfall_pct_mean]),
      hovertemplate: "%{y}<br>GDP loss US$ %{x:,.0f} M<br>shortfall %{customdata[2]:.1f} % of demand"
        + "<br>world share %{customdata[0]:.0f} %<br>price ×%{customdata[1]:.2f}<extra></extra>",
    }], {
      height: 60 + 24 * top.length, margin: { t: 10, r: 20, b: 45, l: 220 },
      xaxis: { title: { text: "GDP loss, US$ M (mean over draws)" }, rangemode: "tozero" },
      yaxis: { automargin: true },
    });
  }

  function show(out) {
    const box = el("sweep-results");
    box.innerHTML = `<p class="note">${FS.fmt(out.scenario_count)} scenarios × ${FS.fmt(out.draws)} draws, seed ${out.seed}.
      Expected GDP change of a commodity: the sum over its scenarios of annual probability × mean GDP change.</p>`;
    for (const [country, rows] of Object.entries(out.scenario_ranking)) {
      const section = document.createElement("div");
      section.className = "sweep-country";
      section.dataset.country = country;
      section.innerHTML = `<h3 class="section">${FS.escapeHtml(country)}: restrictions, worst first</h3>
        <div class="scroll sweep-gdp"></div>
        <div class="chart sweep-chart"></div>
        <p class="note">Commodities by expected GDP change, then the ${TOP} restrictions with the largest GDP loss; all of them
        below (click a heading to sort).</p>
        <div class="scroll sweep-table"></div>`;
      box.appendChild(section);
      FS.table(section.querySelector(".sweep-gdp"),
        out.ranking[country].map((r, i) => ({ rank: i + 1, ...r, musd: r.expected_gdp_change_usd / 1e6 })), [
          { key: "rank", label: "#" }, { key: "commodity" },
          { key: "musd", label: "expected GDP change, US$ M/yr", format: (v) => v.toFixed(1) },
          { key: "whole_industry_share", label: "whole-industry rows %",
            format: (v) => (v === null || v === undefined ? "—" : (100 * v).toFixed(0)) },
        ]);
      const ranked = rows.map((r, i) => ({ rank: i + 1, ...r, world_pct: 100 * r.world_share,
        gdp_musd: r.gdp_change_usd_mean === null ? null : r.gdp_change_usd_mean / 1e6 }));
      FS.table(section.querySelector(".sweep-table"), ranked, [
        { key: "rank", label: "#" }, { key: "exporter" }, { key: "commodity" }, { key: "stage" },
        { key: "world_pct", label: "world share %", format: (v) => v.toFixed(0) },
        { key: "probability", label: "p /yr", format: (v) => v.toFixed(2) },
        { key: "gdp_musd", label: "GDP change US$ M (mean)", format: (v) => (v === null ? "—" : v.toFixed(1)) },
        { key: "shortfall_pct_mean", label: "shortfall % (mean)", format: (v) => v.toFixed(1) },
        { key: "shortfall_pct_cvar95", label: "shortfall % (CVaR95)", format: (v) => v.toFixed(1) },
        { key: "shortfall_t_mean", label: "shortfall t (mean)" },
        { key: "price_multiplier_mean", label: "price ×", format: (v) => v.toFixed(2) },
      ]);
      chart(section.querySelector(".sweep-chart"), rows);
    }
  }

  async function run() {
    el("sweep-error").classList.add("hidden");
    el("sweep-run").disabled = true;
    el("sweep-progress-box").classList.remove("hidden");
    const bar = el("sweep-progress-bar"), text = el("sweep-progress-text");
    bar.style.width = "0%"; text.textContent = "queued…";
    try {
      const job = await FS.api("/api/sweep", { json: request() });
      const out = await FS.waitJob(job.job, FS.progressTo(bar, text));
      text.textContent = "done";
      show(out);
    } catch (err) {
      FS.showError(el("sweep-error"), err);
      text.textContent = "failed";
    } finally {
      el("sweep-run").disabled = false;
    }
  }

  el("sweep-run").addEventListener("click", run);
})();
