// Saved runs: list, reopen (redrawing stress charts from the same seed), compare side by side.
"use strict";

const $ = (id) => document.getElementById(id);
const ticked = new Set();
let CURRENT = null;

async function loadRuns() {
  const kind = $("kind").value;
  const rows = await FS.api(`/api/runs${kind ? "?kind=" + encodeURIComponent(kind) : ""}`);
  rows.forEach((r) => { r.pick = ticked.has(r.id); });
  FS.table($("runs"), rows, [
    { key: "pick", label: "✓", html: true, format: (v, r) => `<input type="checkbox" data-id="${FS.escapeHtml(r.id)}" ${v ? "checked" : ""}>` },
    { key: "id" }, { key: "kind" }, { key: "name" }, { key: "created_at", label: "created (UTC)", format: (v) => String(v).slice(0, 19) },
    { key: "seed", format: (v) => (v === null ? "—" : String(v)) }, { key: "version" },
  ], { onRowClick: (r) => openRun(r.id) });
  $("runs").querySelectorAll("input[type=checkbox]").forEach((box) => {
    box.addEventListener("click", (ev) => {
      ev.stopPropagation();
      if (box.checked) ticked.add(box.dataset.id); else ticked.delete(box.dataset.id);
      $("compare").disabled = ticked.size < 2;
    });
  });
  $("status").textContent = `${rows.length} saved runs`;
  return rows;
}

async function openRun(id) {
  $("error").classList.add("hidden");
  const run = await FS.api(`/api/runs/${encodeURIComponent(id)}`);
  CURRENT = run;
  FS.setParams({ run: run.id });
  $("detail-box").classList.remove("hidden");
  $("detail-charts").classList.add("hidden");
  $("rerun-status").textContent = "";
  $("detail-title").textContent = `${run.kind} run ${run.id}: ${run.name}`;
  $("inputs").textContent = JSON.stringify(run.inputs, null, 2);
  const out = run.outputs;
  if (run.kind === "stress" && out.countries) {
    $("rerun").classList.remove("hidden");
    Results.cards($("cards"), out);
  } else {
    $("rerun").classList.add("hidden");
    $("cards").innerHTML = run.kind === "plan"
      ? `<div class="card"><h3>Portfolio</h3><div class="big">${out.portfolio.length} projects</div>
           <div class="note">${FS.escapeHtml(out.portfolio.join(", "))}</div></div>
         <div class="card"><h3>US benefit</h3><div class="big">${FS.money(out.usa_benefit)}</div></div>
         <div class="card"><h3>Japan benefit</h3><div class="big">${FS.money(out.jpn_benefit)}</div></div>
         <div class="card"><h3>Budget used</h3><div class="big">${FS.money(out.budget_used)}</div></div>`
      : `<pre class="note">${FS.escapeHtml(JSON.stringify(out, null, 2).slice(0, 4000))}</pre>`;
  }
  $("detail-box").scrollIntoView();
}

// The saved scenario and seed reproduce the run exactly; the server recomputes the draws.
async function redraw() {
  const run = CURRENT, status = $("rerun-status");
  status.textContent = "recomputing the draws…";
  try {
    const body = { scenario: run.inputs.scenario, seed: run.outputs.seed, draws: run.outputs.draws,
                   countries: Object.keys(run.outputs.countries), charts: true };
    if (run.inputs.assumptions && Object.keys(run.inputs.assumptions).length) body.assumptions = run.inputs.assumptions;
    const job = await FS.api("/api/stress", { json: body });
    const out = await FS.waitJob(job.job, (p) => { status.textContent = `recomputing the draws… ${Math.round(100 * p)}%`; });
    $("detail-charts").classList.remove("hidden");
    Results.histogram($("histogram"), out);
    Results.cover($("cover"), out, $("cover-title"), $("cover-note"));
    const same = JSON.stringify(out.countries) === JSON.stringify(run.outputs.countries);
    status.textContent = same ? "redrawn; the summaries match the saved run exactly" : "redrawn; note: the summaries differ from the saved run (data or code changed since)";
  } catch (err) {
    FS.showError($("error"), err);
    status.textContent = "";
  }
}

async function compare() {
  const runs = await Promise.all([...ticked].map((id) => FS.api(`/api/runs/${encodeURIComponent(id)}`)));
  const box = $("compare-box");
  box.classList.remove("hidden");
  const stress = runs.filter((r) => r.kind === "stress" && r.outputs.countries);
  const plans = runs.filter((r) => r.kind === "plan");
  const label = (r) => `${r.name} (${r.id.slice(9, 15)})`;
  const rows = [];
  const traces = [];
  if (stress.length) {
    const metrics = [["shortfall_pct", "shortfall % (mean)"], ["shortfall_t", "shortfall t (mean)"],
      ["price_multiplier", "price multiplier (mean)"], ["stockpile_months", "stockpile months (mean)"],
      ["gdp_change_usd", "GDP change US$ (mean)"]];
    const countries = [...new Set(stress.flatMap((r) => Object.keys(r.outputs.countries)))];
    for (const c of countries) {
      for (const [m, name] of metrics) {
        const row = { country: c, metric: name };
        stress.forEach((r) => { const s = (r.outputs.countries[c] || {})[m]; row[label(r)] = s ? s.mean : null; });
        rows.push(row);
      }
    }
    stress.forEach((r, i) => {
      const cs = Object.keys(r.outputs.countries);
      traces.push({ type: "bar", name: label(r), x: cs, y: cs.map((c) => r.outputs.countries[c].shortfall_pct.mean),
        error_y: { type: "data", symmetric: false, array: cs.map((c) => r.outputs.countries[c].shortfall_pct.p95 - r.outputs.countries[c].shortfall_pct.mean),
                   arrayminus: cs.map((c) => r.outputs.countries[c].shortfall_pct.mean - r.outputs.countries[c].shortfall_pct.p5) },
        marker: { color: Results.COLORS[i % Results.COLORS.length] } });
    });
    FS.plot($("compare-chart"), traces, { barmode: "group", yaxis: { title: { text: "shortfall % of demand (mean, P5–P95)" } },
      legend: { orientation: "h", y: 1.12 } });
  } else {
    Plotly.purge($("compare-chart"));
  }
  for (const [key, name] of [["portfolio", "projects"], ["budget_used", "budget used"], ["usa_benefit", "US benefit"], ["jpn_benefit", "Japan benefit"]]) {
    if (!plans.length) break;
    const row = { country: "", metric: name };
    plans.forEach((r) => { const v = r.outputs[key]; row[label(r)] = Array.isArray(v) ? v.join(", ") : v; });
    rows.push(row);
  }
  const cols = [{ key: "country" }, { key: "metric" }, ...[...stress, ...plans].map((r) => ({ key: label(r), num: true }))];
  FS.table($("compare-table"), rows, cols);
}

async function main() {
  try { await loadRuns(); } catch (err) { FS.showError($("error"), err); return; }
  $("kind").addEventListener("change", loadRuns);
  $("compare").addEventListener("click", () => compare().catch((err) => FS.showError($("error"), err)));
  $("rerun").addEventListener("click", redraw);
  const wanted = FS.param("run");
  if (wanted) openRun(wanted).catch((err) => FS.showError($("error"), err));
}
main();
