// Stress page, Sweep section: run POST /api/sweep as a job, then per country of interest a
// horizontal bar chart of the 15 worst restrictions and the ranked table of all of them.
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
      type: "bar", orientation: "h", x: top.map((r) => r.shortfall_pct_mean), y: top.map(label),
      marker: { color: "#b3261e" },
      customdata: top.map((r) => [100 * r.world_share, r.price_multiplier_mean]),
      hovertemplate: "%{y}<br>shortfall %{x:.1f} % of demand<br>world share %{customdata[0]:.0f} %"
        + "<br>price ×%{customdata[1]:.2f}<extra></extra>",
    }], {
      height: 60 + 24 * top.length, margin: { t: 10, r: 20, b: 45, l: 220 },
      xaxis: { title: { text: "expected shortfall, % of demand" }, rangemode: "tozero" },
      yaxis: { automargin: true },
    });
  }

  function show(out) {
    const box = el("sweep-results");
    box.innerHTML = `<p class="note">${FS.fmt(out.scenarios)} scenarios × ${FS.fmt(out.draws)} draws, seed ${out.seed}.</p>`;
    for (const [country, rows] of Object.entries(out.ranking)) {
      const section = document.createElement("div");
      section.className = "sweep-country";
      section.dataset.country = country;
      section.innerHTML = `<h3 class="section">${FS.escapeHtml(country)}: restrictions, worst first</h3>
        <div class="chart sweep-chart"></div>
        <p class="note">The ${TOP} restrictions with the largest expected shortfall; all of them
        below (click a heading to sort).</p>
        <div class="scroll sweep-table"></div>`;
      box.appendChild(section);
      const ranked = rows.map((r, i) => ({ rank: i + 1, ...r, world_pct: 100 * r.world_share }));
      FS.table(section.querySelector(".sweep-table"), ranked, [
        { key: "rank", label: "#" }, { key: "exporter" }, { key: "commodity" }, { key: "stage" },
        { key: "world_pct", label: "world share %", format: (v) => v.toFixed(0) },
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
