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
    { key: "support", format: (v) => instrumentNames(v).join(", ") },
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
  $("pareto-empty").classList.add("hidden");
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
  renderPortfolio(out);
  renderCatalog();
}

// The scenario set an appraisal uses: the plan's, else those selected, else the shipped library.
function scenarioNames() {
  if (PLAN) return Object.keys(PLAN.scenarios);
  return [...$("scenarios").selectedOptions].map((o) => o.value);
}

function renderPortfolio(out) {
  const rows = out.projects_detail || [];
  if (!rows.length) {
    $("portfolio").innerHTML = '<p class="note">The chosen portfolio is empty.</p>';
    return;
  }
  const gross = {};  // the plan's rows carry each country's expected support cost
  for (const r of out.projects || []) gross[r.id] = r;
  for (const r of rows) {
    const g = gross[r.id] || {};
    r.support_usa = g.support_cost_usa || 0;
    r.support_jpn = g.support_cost_jpn || 0;
    r.support_paid = r.support_usa + r.support_jpn;
  }
  const sum = (k) => rows.reduce((s, r) => s + (r[k] || 0), 0);
  const total = { id: "total", name: `${rows.length} projects`, capex_usd: sum("capex_usd"),
                  cost_usd: sum("cost_usd"), usa_benefit: null, jpn_benefit: null,
                  usa_marginal: sum("usa_marginal"), jpn_marginal: sum("jpn_marginal"),
                  support_usa: sum("support_usa"), support_jpn: sum("support_jpn"),
                  support_paid: sum("support_paid"), total: true };
  // who pays how much, e.g. "USA 1.04"; a dash where no one does
  const paid = (v, r) => [["USA", r.support_usa], ["JPN", r.support_jpn]]
    .filter(([, x]) => x).map(([c, x]) => `${c} ${bn(x)}`).join(", ") || "—";
  FS.table($("portfolio"), rows.concat([total]), [
    { key: "id", label: "project" },
    { key: "capex_usd", label: "capex (bn)", num: true, format: bn },
    { key: "cost_usd", label: "funder cost (bn)", num: true, format: bn },
    { key: "usa_benefit", label: "USA alone (bn)", num: true, format: bn },
    { key: "usa_marginal", label: "USA marginal (bn)", num: true, format: bn },
    { key: "jpn_benefit", label: "JPN alone (bn)", num: true, format: bn },
    { key: "jpn_marginal", label: "JPN marginal (bn)", num: true, format: bn },
    { key: "support_paid", label: "support paid (bn)", num: true, format: paid },
  ], { sortKey: "usa_marginal", pinned: (r) => r.total === true,
       rowClass: (r) => (r.total ? "total" : ""),
       onRowClick: (r) => { if (!r.total) appraise(r.id); } });
}

// Rows of the strategic table: one per scenario with relief for either country, then the
// probability-weighted expectation per operating year and the present value.
function strategicRows(a, p) {
  const st = a.strategic || {};
  const market = `${p.commodity}/${p.stage}`;
  const rows = [];
  for (const [name, cell] of Object.entries(st.scenarios || {})) {
    const row = { scenario: name, probability: cell.probability };
    let any = false;
    for (const c of ["USA", "JPN"]) {
      const v = cell[c] || {};
      row[`${c}_t`] = v.shortfall_t; row[`${c}_pct`] = v.shortfall_pct; row[`${c}_gdp`] = v.gdp_loss_usd;
      row.unit = row.unit || ((v.markets || {})[market] || {}).unit;
      any = any || v.shortfall_t > 0 || v.gdp_loss_usd > 0;
    }
    if (any) rows.push(row);
  }
  const exp = { scenario: "expected, per operating year", total: true };
  const pv = { scenario: "present value", total: true };
  for (const c of ["USA", "JPN"]) {
    const v = st[c] || {};
    exp[`${c}_t`] = v.shortfall_t_per_year; exp[`${c}_pct`] = v.shortfall_pct_per_year;
    exp[`${c}_gdp`] = v.gdp_loss_avoided_per_year_usd; pv[`${c}_gdp`] = v.gdp_loss_avoided_pv_usd;
  }
  return { rows, totals: [exp, pv] };
}

function renderStrategic(a, p) {
  const { rows, totals } = strategicRows(a, p);
  const unit = (rows.find((r) => r.unit) || {}).unit || "";
  // shortfall avoided in the market's unit, with its share of the country's demand
  const avoided = (c) => (v, r) => (v === null || v === undefined ? "" :
    `${FS.fmt(v)}${unit ? " " + unit : ""} (${r[`${c}_pct`].toFixed(2)}%)`);
  FS.table($("strategic-table"), rows.concat(totals), [
    { key: "scenario" }, { key: "probability", label: "prob. / yr", num: true, format: (v) => (v === undefined ? "" : pct(v)) },
    { key: "USA_t", label: "USA shortfall avoided (% of demand)", num: true, format: avoided("USA") },
    { key: "USA_gdp", label: "USA GDP loss avoided", num: true, format: FS.money },
    { key: "JPN_t", label: "JPN shortfall avoided (% of demand)", num: true, format: avoided("JPN") },
    { key: "JPN_gdp", label: "JPN GDP loss avoided", num: true, format: FS.money },
  ], { pinned: (r) => r.total === true, rowClass: (r) => (r.total ? "total" : "") });
  const none = Object.keys(a.scenarios || {}).filter((n) => !rows.some((r) => r.scenario === n));
  $("strategic-note").textContent = `Per event: the mean shortfall the project avoids in its own market ` +
    `(${p.commodity}, ${p.stage}) over the scenario horizon, and the GDP loss it avoids over every market it relieves ` +
    `(quantity and price channels). Expected: Σ annual probability × per-event value while it operates; ` +
    `present value: what the planner counts for the project built alone.` +
    (none.length ? ` No relief in: ${none.join(", ")}.` : "");
}

function renderRipple(r) {
  if (!r || !r.country) {
    $("ripple-table").innerHTML = "";
    $("ripple-note").textContent = "No input–output table is shipped for the host country, so no ripple is computed.";
    return;
  }
  const rows = [["construction", "construction (once)"], ["operation", "operation (per year)"]].map(([k, label]) => ({
    phase: label, amount: r[`${k}_amount_usd`], output: r[`${k}_output_usd`], va: r[`${k}_value_added_usd`],
    imports: r[`${k}_imports_usd`], comp: r[`${k}_compensation_usd`],
    jobs: r[`${k}_jobs`] ?? r[`${k}_job_years_estimate`], estimated: r[`${k}_jobs`] === null,
  }));
  FS.table($("ripple-table"), rows, [
    { key: "phase" }, { key: "amount", label: "spending", num: true, format: FS.money },
    { key: "output", label: "output", num: true, format: FS.money },
    { key: "va", label: "value added", num: true, format: FS.money },
    { key: "imports", label: "imports", num: true, format: FS.money },
    { key: "comp", label: "compensation", num: true, format: FS.money },
    { key: "jobs", label: "job-years", num: true, format: (v, row) => (v === null || v === undefined ? "—" : `${FS.fmt(Math.round(v))}${row.estimated ? " (est.)" : ""}`) },
  ]);
  const name = r.industry_name ? `${r.industry_name}, ` : "";
  $("ripple-note").textContent = `${r.country}, industry ${name}${r.industry} (${r.table}). ` +
    `Construction puts the capex into the construction industries once; operation puts a year's revenue at ` +
    `full capacity into the project's industry. Job-years marked est.: compensation ÷ compensation per job ` +
    `(assumption invest_compensation_per_job_usd), as the shipped tables have no employment.`;
}

// Support instruments: a label and the key terms in words (docs/invest.md, "Support instruments").
const share = (v) => `${FS.fmt(100 * v)}%`;
const price = (v, unit, p) => `US$${FS.fmt(v)}${{ "usd/kg": "/kg", "usd/t": "/t" }[unit] || ` per ${p.unit}`}`;
const INSTRUMENTS = {
  price_floor: ["price floor", (t, p) => `${price(t.price, t.unit, p)} for the first ` +
    `${t.years} operating years on ${share(t.share ?? 1)} of the volume` +
    (t.upside_share ? `; the payer takes ${share(t.upside_share)} of any price above it` : "")],
  grant: ["grant", (t) => `${FS.money(t.amount_usd)} ${t.year ? `in ${t.year}` : "in the notice year"}, ` +
    "less capex for the financing to fund"],
  guarantee: ["guarantee", (t) => `covers ${share(t.share)} of debt-service shortfalls; fee ` +
    `${pct(t.fee_rate || 0)} a year on the guaranteed balance`],
  offtake: ["offtake", (t, p) => `buys ${share(t.share)} of the output for ${t.years} operating years at ` +
    (t.price_basis === "fixed" ? `a fixed ${price(t.price, t.unit, p)}`
      : "the market price (no transfer)")],
};
const instrumentNames = (sup) => Object.keys(sup || {}).filter((k) => k !== "source")
  .map((k) => (INSTRUMENTS[k] || [k])[0]);
// P5 – P95 on one line: no-break spaces, and minus signs (no line break after them)
const range = (s) => (s ? `${bn(s.p5)}\u00a0–\u00a0${bn(s.p95)}`.replace(/-/g, "\u2212") : "—");

function renderSupport(sup, p) {
  $("support").classList.toggle("hidden", !sup);
  if (!sup) return;
  const inst = sup.instruments || {};
  FS.table($("support-instruments"), Object.entries(inst).filter(([k]) => k !== "source").map(([k, t]) => ({
    instrument: (INSTRUMENTS[k] || [k])[0], payer: t.payer || t.country,
    terms: INSTRUMENTS[k] ? INSTRUMENTS[k][1](t, p) : JSON.stringify(t),
  })), [{ key: "instrument" }, { key: "payer" }, { key: "terms", label: "key terms" }]);
  const src = inst.source;
  const link = src && /^https?:\/\//.test(src.url || "")
    ? `<a href="${FS.escapeHtml(src.url)}" target="_blank" rel="noopener noreferrer">${FS.escapeHtml(src.title || src.url)}</a>`
    : FS.escapeHtml((src && src.title) || "");
  $("support-source").innerHTML = src ? `Terms: ${link}${src.date ? ` (${FS.escapeHtml(src.date)})` : ""}.` +
    (src.note ? ` ${FS.escapeHtml(src.note)}` : "") : "No source given for the support terms.";
  const cost = Object.entries(sup.cost || {}).map(([c, s]) => ({
    payer: c, base: (sup.cost_base || {})[c], mean: s.mean, p5: s.p5, p95: s.p95, p50: s.p50,
    p_pays: s.p_pays,
  }));
  FS.table($("support-cost"), cost, [
    { key: "payer" }, { key: "base", label: "announced case (bn)", num: true, format: bn },
    { key: "mean", label: "mean (bn)", num: true, format: bn },
    { key: "p5", label: "P5 – P95 (bn)", num: true, format: (_, r) => range(r) },
    { key: "p50", label: "P50 (bn)", num: true, format: bn },
    { key: "p_pays", label: "share of draws paying", num: true, format: pct },
  ]);
  const w = sup.npv_with || {}, wo = sup.npv_without || {};
  const rows = Object.keys(w).sort().map((c) => ({ country: c, with: w[c], without: wo[c] }));
  if (sup.project_npv) {
    rows.push({ country: "project, all investors", with: sup.project_npv.with,
                without: sup.project_npv.without, total: true });
  }
  for (const r of rows) {
    r.with_p5 = r.with.p5; r.without_p5 = r.without ? r.without.p5 : null;
    r.with_mean = r.with.mean; r.without_mean = r.without ? r.without.mean : null;
    r.effect = r.without ? r.with.mean - r.without.mean : null;
  }
  FS.table($("support-npv"), rows, [
    { key: "country" }, { key: "with_mean", label: "with: mean (bn)", num: true, format: bn },
    { key: "with_p5", label: "with: P5 – P95", num: true, format: (_, r) => range(r.with) },
    { key: "without_mean", label: "without: mean (bn)", num: true, format: bn },
    { key: "without_p5", label: "without: P5 – P95", num: true, format: (_, r) => range(r.without) },
    { key: "effect", label: "difference (bn)", num: true, format: bn },
  ], { pinned: (r) => r.total === true, rowClass: (r) => (r.total ? "total" : "") });
  // grouped bars: mean NPV with and without, whiskers from P5 to P95
  const bars = (key, name, color) => ({
    type: "bar", name, x: rows.map((r) => (r.total ? "project (all investors)" : r.country)),
    y: rows.map((r) => (r[key] ? r[key].mean / 1e9 : null)), marker: { color },
    error_y: { type: "data", symmetric: false, color: "#5f6b7a", thickness: 1,
               array: rows.map((r) => (r[key] ? (r[key].p95 - r[key].mean) / 1e9 : null)),
               arrayminus: rows.map((r) => (r[key] ? (r[key].mean - r[key].p5) / 1e9 : null)) },
    hovertemplate: `${name}: %{y:.2f} bn<extra>%{x}</extra>`,
  });
  FS.plot($("support-chart"), [bars("with", "with support", "#1f5fa8"), bars("without", "without support", "#b8c4d3")],
    { barmode: "group", title: { text: "Mean NPV with and without the support (P5–P95 whiskers)", font: { size: 13 } },
      yaxis: { title: { text: "US$ bn" }, zeroline: true }, legend: { orientation: "h", y: -0.15 },
      margin: { t: 40, r: 20, b: 60, l: 60 } });
}

let APPRAISING = null;  // the project whose appraisal is in flight; a later click supersedes it

async function appraise(id) {
  const p = PROJECTS.find((x) => x.id === id);
  APPRAISING = id;
  $("detail-title").textContent = `Appraisal: ${p.name}`;
  $("detail-grid").classList.add("hidden");
  $("support").classList.add("hidden");
  $("detail").innerHTML = "";
  $("detail-loading").classList.remove("hidden");
  $("appraisal").scrollIntoView({ behavior: "smooth", block: "start" });
  const names = scenarioNames();
  const started = Date.now();
  const say = () => {
    $("detail-status").textContent = `Appraising ${id}: Monte Carlo cash flows, then the stress engine over ` +
      `${names.length || "all shipped"} scenarios with and without the project (usually 4–7 s)… ` +
      `${Math.round((Date.now() - started) / 1000)} s`;
  };
  say();
  const tick = setInterval(say, 500);
  try {
    const query = names.map((n) => `scenario=${encodeURIComponent(n)}`).join("&");
    const a = await FS.api(`/api/projects/${encodeURIComponent(id)}${query ? "?" + query : ""}`);
    if (APPRAISING !== id) return;  // the user has moved on to another project
    const rows = Object.keys(a.base).map((c) => {
      const mc = (a.monte_carlo[c] || {}).npv || {};
      return { country: c, npv: a.base[c].npv, irr: a.base[c].irr, payback: a.base[c].payback_years,
               mean: mc.mean, p5: mc.p5, p95: mc.p95 };
    });
    const est = (p.estimated || []).join(", ");
    $("detail").innerHTML = `<p class="note">Host ${FS.escapeHtml(p.host)}; ${FS.escapeHtml(p.type)} of ${FS.escapeHtml(p.commodity)} (${FS.escapeHtml(p.stage)}),
        ${FS.fmt(p.capacity)} ${FS.escapeHtml(p.unit)}; expected online ${a.online_year.expected.toFixed(1)} (announced ${a.online_year.announced});
        capex P5–P95 ${FS.money(a.capex.p5)} – ${FS.money(a.capex.p95)} over ${FS.fmt(a.draws)} draws.
        ${est ? `Estimated fields: ${FS.escapeHtml(est)}.` : ""} Source: ${FS.escapeHtml(p.source_url)} (${FS.escapeHtml(p.source_date)})${p.source_note ? ` — ${FS.escapeHtml(p.source_note)}` : ""}.</p>`;
    $("detail-grid").classList.remove("hidden");
    FS.table($("appraisal-table"), rows, [
      { key: "country" }, { key: "npv", label: "NPV announced (bn)", num: true, format: bn },
      { key: "irr", label: "IRR", num: true, format: pct }, { key: "payback", label: "payback (yr)", num: true },
      { key: "mean", label: "NPV mean (bn)", num: true, format: bn },
      { key: "p5", label: "NPV P5 (bn)", num: true, format: bn }, { key: "p95", label: "NPV P95 (bn)", num: true, format: bn },
    ]);
    renderStrategic(a, p);
    renderRipple(a.ripple);
    renderSupport(a.support, p);
    FS.plot($("cashflows"), Object.entries(a.base_cash_flows).map(([c, flows]) => ({
      type: "bar", name: c, x: flows.map((_, i) => i), y: flows.map((v) => v / 1e6),
    })), { barmode: "group", title: { text: "Announced-case cash flows by country", font: { size: 13 } },
           xaxis: { title: { text: "year from notice" } }, yaxis: { title: { text: "US$ m" } }, margin: { t: 40, r: 20, b: 50, l: 60 } });
  } catch (err) {
    if (APPRAISING !== id) return;
    FS.showError($("error"), err);
  } finally {
    clearInterval(tick);
    if (APPRAISING === id) $("detail-loading").classList.add("hidden");
  }
}

async function runPlan() {
  $("error").classList.add("hidden");
  $("run").disabled = true;
  const started = Date.now();
  let done = 0;  // the job's own progress: strategic value per project, then the MIPs
  const tick = setInterval(() => {
    $("status").textContent = `optimising… ${Math.round(100 * done)}%, ${Math.round((Date.now() - started) / 1000)} s`;
  }, 500);
  const body = { save: $("save").checked, opt_out: $("opt-out").checked };
  if ($("budget").value) body.budget = Number($("budget").value) * 1e9;
  if ($("share-jpn").value) body.share_jpn = Number($("share-jpn").value);
  const chosen = [...$("scenarios").selectedOptions].map((o) => o.value);
  if (chosen.length) body.scenarios = chosen;
  try {
    const job = await FS.api("/api/plan", { json: body });
    renderPlan(await FS.waitJob(job.job, (p) => { done = p; }));
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
  // listen first: the scenario list may take seconds (the controls in force need the network),
  // and a plan needs none of it (no scenario chosen = the shipped library)
  $("run").addEventListener("click", runPlan);
  try {
    PROJECTS = await FS.api("/api/projects");
    renderCatalog();
    const scen = await FS.api("/api/scenarios");
    $("scenarios").innerHTML = scen.map((s) => `<option value="${FS.escapeHtml(s.name)}">${FS.escapeHtml(s.name)}</option>`).join("");
  } catch (err) {
    FS.showError($("error"), err);
  }
}
main();
