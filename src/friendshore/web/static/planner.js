// Investment planner: catalog, portfolio job, Pareto chart and per-project appraisal.
"use strict";

const $ = (id) => document.getElementById(id);
let PROJECTS = [], PLAN = null;
const bn = (v) => (v === null || v === undefined ? "—" : `${(v / 1e9).toFixed(2)}`);
const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

function renderCatalog() {
  const byId = {};
  if (PLAN) for (const r of PLAN.projects) byId[r.id] = r;
  const rows = PROJECTS.map((p) => ({ ...p, ...(byId[p.id] || {}) }));
  const cols = [
    { key: "id" }, { key: "name" }, { key: "type" }, { key: "host" }, { key: "commodity" },
    { key: "capex_usd", label: "capex (US$ bn)", num: true, format: bn },
    { key: "lead_time_years", label: "lead time (yr)" }, { key: "financing" },
  ];
  if (PLAN) {
    cols.push({ key: "cost_usd", label: "funder cost (bn)", num: true, format: bn },
      { key: "npv_usa", label: "NPV USA (bn)", num: true, format: bn },
      { key: "npv_jpn", label: "NPV JPN (bn)", num: true, format: bn },
      { key: "avoided_gdp_usa", label: "avoided GDP loss USA (bn)", num: true, format: bn },
      { key: "avoided_gdp_jpn", label: "avoided GDP loss JPN (bn)", num: true, format: bn },
      { key: "excluded", label: "excluded because", format: (v) => v || "" });
  }
  FS.table($("catalog"), rows, cols, {
    rowClass: (r) => (r.chosen ? "chosen" : ""), onRowClick: (r) => appraise(r.id),
    sortKey: PLAN ? "cost_usd" : null,
  });
}

function renderPlan(out) {
  PLAN = out;
  const s = $("summary");
  s.classList.remove("hidden");
  s.innerHTML = `
    <div class="card"><h3>Portfolio</h3><div class="big">${out.portfolio.length} projects</div>
      <div class="note">${FS.money(out.budget_used)} of ${FS.money(out.budget)} (${out.agreement})</div></div>
    <div class="card"><h3>US benefit</h3><div class="big">${FS.money(out.usa_benefit)}</div>
      <div class="note">expected NPV + avoided GDP loss</div></div>
    <div class="card" style="border-left-color:#b3261e"><h3>Japan benefit</h3><div class="big">${FS.money(out.jpn_benefit)}</div>
      <div class="note">expected NPV + avoided GDP loss</div></div>
    <div class="card" style="border-left-color:#5f6b7a"><h3>Solver</h3><div class="big">${FS.escapeHtml(out.status)}</div>
      <div class="note">MIP gap ${FS.fmt(out.mip_gap)}; ${FS.fmt(out.draws)} appraisal draws${out.run_id ? "; saved as run " + FS.escapeHtml(out.run_id) : ""}</div></div>`;
  const front = out.pareto.slice().sort((a, b) => a.usa - b.usa);
  const hover = (p) => `${p.projects.length} projects: ${p.projects.join(", ")}`;
  FS.plot($("pareto"), [
    { type: "scatter", mode: "lines+markers", name: "Pareto front", x: front.map((p) => p.usa / 1e9),
      y: front.map((p) => p.jpn / 1e9), text: front.map(hover), marker: { size: 8, color: "#1f5fa8" },
      hovertemplate: "USA %{x:.2f} bn, JPN %{y:.2f} bn<br>%{text}<extra></extra>" },
    { type: "scatter", mode: "markers", name: "chosen portfolio", x: [out.usa_benefit / 1e9], y: [out.jpn_benefit / 1e9],
      text: [hover({ projects: out.portfolio })], marker: { symbol: "star", size: 18, color: "#ef8f00", line: { color: "#000", width: 1 } },
      hovertemplate: "chosen: USA %{x:.2f} bn, JPN %{y:.2f} bn<br>%{text}<extra></extra>" },
    { type: "scatter", mode: "markers", name: "greedy", x: [out.greedy.usa / 1e9], y: [out.greedy.jpn / 1e9],
      text: [hover(out.greedy)], marker: { symbol: "diamond", size: 11, color: "#5f6b7a" },
      hovertemplate: "greedy: USA %{x:.2f} bn, JPN %{y:.2f} bn<br>%{text}<extra></extra>" },
  ], { xaxis: { title: { text: "US benefit (US$ bn)" } }, yaxis: { title: { text: "Japanese benefit (US$ bn)" } },
       legend: { orientation: "h", y: -0.2 } });
  renderCatalog();
}

async function appraise(id) {
  const p = PROJECTS.find((x) => x.id === id);
  $("detail-title").textContent = `Appraisal: ${p.name}`;
  $("detail").innerHTML = '<p class="status">appraising…</p>';
  try {
    const a = await FS.api(`/api/projects/${encodeURIComponent(id)}`);
    const rows = Object.keys(a.base).map((c) => {
      const mc = (a.monte_carlo[c] || {}).npv || {};
      return { country: c, npv: a.base[c].npv, irr: a.base[c].irr, payback: a.base[c].payback_years,
               mean: mc.mean, p5: mc.p5, p95: mc.p95 };
    });
    const r = a.ripple || {};
    const est = (p.estimated || []).join(", ");
    $("detail").innerHTML = `<div id="appraisal-table"></div>
      <p class="note">Host ${FS.escapeHtml(p.host)}; ${FS.escapeHtml(p.type)} of ${FS.escapeHtml(p.commodity)} (${FS.escapeHtml(p.stage)}),
        ${FS.fmt(p.capacity)} ${FS.escapeHtml(p.unit)}; expected online ${a.online_year.expected.toFixed(1)} (announced ${a.online_year.announced});
        capex P5–P95 ${FS.money(a.capex.p5)} – ${FS.money(a.capex.p95)} over ${FS.fmt(a.draws)} draws.
        ${r.country ? `Ripple in ${FS.escapeHtml(r.country)} (industry ${FS.escapeHtml(r.industry)}): value added ${FS.money(r.construction_value_added_usd)} from construction, ${FS.money(r.operation_value_added_usd)} a year from operation.` : ""}
        ${est ? `Estimated fields: ${FS.escapeHtml(est)}.` : ""} Source: ${FS.escapeHtml(p.source_url)} (${FS.escapeHtml(p.source_date)}).</p>`;
    FS.table($("appraisal-table"), rows, [
      { key: "country" }, { key: "npv", label: "NPV announced (bn)", num: true, format: bn },
      { key: "irr", label: "IRR", num: true, format: pct }, { key: "payback", label: "payback (yr)", num: true },
      { key: "mean", label: "NPV mean (bn)", num: true, format: bn },
      { key: "p5", label: "NPV P5 (bn)", num: true, format: bn }, { key: "p95", label: "NPV P95 (bn)", num: true, format: bn },
    ]);
    const el = $("cashflows");
    el.classList.remove("hidden");
    FS.plot(el, Object.entries(a.base_cash_flows).map(([c, flows]) => ({
      type: "bar", name: c, x: flows.map((_, i) => i), y: flows.map((v) => v / 1e6),
    })), { barmode: "group", title: { text: "Announced-case cash flows by country", font: { size: 13 } },
           xaxis: { title: { text: "year from notice" } }, yaxis: { title: { text: "US$ m" } }, margin: { t: 40, r: 20, b: 50, l: 60 } });
  } catch (err) {
    $("detail").innerHTML = "";
    FS.showError($("error"), err);
  }
}

async function runPlan() {
  $("error").classList.add("hidden");
  $("run").disabled = true;
  const started = Date.now();
  const tick = setInterval(() => { $("status").textContent = `optimising… ${Math.round((Date.now() - started) / 1000)} s`; }, 500);
  const body = { save: $("save").checked, opt_out: $("opt-out").checked };
  if ($("budget").value) body.budget = Number($("budget").value) * 1e9;
  if ($("share-jpn").value) body.share_jpn = Number($("share-jpn").value);
  const chosen = [...$("scenarios").selectedOptions].map((o) => o.value);
  if (chosen.length) body.scenarios = chosen;
  try {
    const job = await FS.api("/api/plan", { json: body });
    renderPlan(await FS.waitJob(job.job, () => {}));
    $("status").textContent = `done in ${Math.round((Date.now() - started) / 1000)} s`;
  } catch (err) {
    FS.showError($("error"), err);
    $("status").textContent = "failed";
  } finally {
    clearInterval(tick);
    $("run").disabled = false;
  }
}

async function main() {
  try {
    PROJECTS = await FS.api("/api/projects");
    renderCatalog();
    const scen = await FS.api("/api/scenarios");
    $("scenarios").innerHTML = scen.map((s) => `<option value="${FS.escapeHtml(s.name)}">${FS.escapeHtml(s.name)}</option>`).join("");
  } catch (err) {
    FS.showError($("error"), err);
    return;
  }
  $("run").addEventListener("click", runPlan);
}
main();
