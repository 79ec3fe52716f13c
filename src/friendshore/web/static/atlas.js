// Supply atlas: commodity/stage selector, producer chart, trade flows and the risk table.
"use strict";

const $ = (id) => document.getElementById(id);
let COMMODITIES = [];

function stagesOf(c) {
  const s = c.stages;
  return Array.isArray(s) ? s : String(s || "").split("|").filter(Boolean);
}

async function loadCommodities() {
  COMMODITIES = (await FS.api("/api/commodities")).filter((c) => (c.sources || []).length);
  const sel = $("commodity");
  sel.innerHTML = COMMODITIES.map((c) =>
    `<option value="${FS.escapeHtml(c.slug)}">${FS.escapeHtml(c.name || c.slug)}</option>`).join("");
  const wanted = FS.param("commodity");
  const fallback = COMMODITIES.some((c) => c.slug === "rare_earths") ? "rare_earths" : COMMODITIES[0].slug;
  sel.value = wanted && COMMODITIES.some((c) => c.slug === wanted) ? wanted : fallback;
  fillStages();
}

// The address's stage and year apply to the first view only; a new commodity starts afresh.
let FROM_URL = { stage: FS.param("stage"), year: FS.param("year") };

function fillStages() {
  const c = COMMODITIES.find((x) => x.slug === $("commodity").value);
  const stages = stagesOf(c);
  $("stage").innerHTML = stages.map((s) => `<option>${s}</option>`).join("");
  $("stage").value = stages.includes(FROM_URL.stage) ? FROM_URL.stage
    : c.main_stage && stages.includes(c.main_stage) ? c.main_stage : stages[0];
  const years = (c.years || []).slice().reverse();
  $("year").innerHTML = '<option value="">latest</option>' + years.map((y) => `<option>${y}</option>`).join("");
  if (years.map(String).includes(FROM_URL.year)) $("year").value = FROM_URL.year;
  FROM_URL = {};
}

let SHOWN = 0;  // the latest request wins: answers to older selections are dropped

async function showProducers() {
  const commodity = $("commodity").value, stage = $("stage").value, year = $("year").value;
  const measure = $("measure").value, ticket = ++SHOWN;
  FS.setParams({ commodity, stage, year, measure, importer: $("importer").value });
  const q = new URLSearchParams({ stage, measure, detail: "true" });
  if (year) q.set("year", year);
  $("status").textContent = "loading…";
  $("error").classList.add("hidden");
  try {
    const res = await FS.api(`/api/supply/${encodeURIComponent(commodity)}?${q}`);
    if (ticket !== SHOWN) return;
    const rows = res.rows, a = res.attrs, shown = a.measure || measure;
    const top = rows.filter((r) => r[shown] !== null).slice(0, 20).reverse();
    const unit = a.unit || "";
    const yr = a.year;
    const name = (COMMODITIES.find((c) => c.slug === commodity) || {}).name || commodity;
    const what = shown === "exports" ? "Exporters" : "Producers";
    $("producers-title").textContent = `${what}: ${name}, ${stage}, ${yr}`;
    FS.plot($("producers"), [{
      type: "bar", orientation: "h", x: top.map((r) => r[shown]), y: top.map((r) => r.country),
      text: top.map((r) => (r.share !== null && r.share !== undefined ? `${(100 * r.share).toFixed(1)}%` : "")),
      textposition: "auto", marker: { color: "#1f5fa8" },
      hovertemplate: "%{y}: %{x:,.0f} " + unit + "<extra></extra>",
    }], { xaxis: { title: { text: `${shown} (${unit}${a.basis ? ", " + a.basis : ""})` } },
          margin: { t: 10, r: 20, b: 50, l: 60 } });
    const withheld = rows.filter((r) => r.withheld).map((r) => r.country);
    $("producers-note").textContent = rows.length
      ? `${rows.length} countries; source: ${a.source}. ` +
        (shown === "exports" ? "No production data at this stage: labels are shares of world exports"
          : 'Labels are shares of the country rows plus "other countries"') + (a.world_total ? `; world total ${FS.fmt(a.world_total)} ${unit}` : "") +
        (withheld.length ? `; withheld: ${withheld.join(", ")}` : "") + "."
      : "No production data for this commodity, stage and year.";
    $("status").textContent = "";
  } catch (err) {
    if (ticket !== SHOWN) return;
    $("status").textContent = "";
    Plotly.purge($("producers"));
    $("producers-note").textContent = "";
    FS.showError($("error"), err);
  }
  if (ticket === SHOWN) showTrade(commodity, stage);
}

// Imports of the importer at the chosen stage; where the trade data have none there (rare
// earths are traded as compounds and magnets, not ore), the nearest stage that has some.
async function showTrade(commodity, stage) {
  const el = $("trade"), importer = $("importer").value;
  FS.setParams({ importer });
  const c = COMMODITIES.find((x) => x.slug === commodity);
  const order = [stage, ...stagesOf(c).filter((s) => s !== stage)];
  try {
    let rows = [], shownStage = stage;
    for (const s of order) {
      rows = await FS.api(`/api/import-sources?${new URLSearchParams({ country: importer, commodity, stage: s })}`);
      if (commodity !== $("commodity").value || stage !== $("stage").value) return;  // stale
      if (rows.length) { shownStage = s; break; }
    }
    if (!rows.length) {
      Plotly.purge(el);
      $("trade-note").textContent = `No bilateral trade data for ${importer} imports of this commodity at any stage.`;
      return;
    }
    const hs = [...new Set(rows.map((r) => r.hs6))];
    const main = rows.filter((r) => r.hs6 === hs[0]).slice(0, 15).reverse();
    FS.plot(el, [{
      type: "bar", orientation: "h", x: main.map((r) => r.value_usd), y: main.map((r) => r.exporter),
      text: main.map((r) => `${(100 * r.share).toFixed(1)}%`), textposition: "auto",
      marker: { color: "#6a8caf" }, hovertemplate: "%{y}: $%{x:,.0f}<extra></extra>",
    }], { xaxis: { title: { text: `${importer} imports, US$ (${main[0].year})` } }, margin: { t: 10, r: 20, b: 50, l: 60 } });
    $("trade-note").textContent = (shownStage === stage ? "" :
      `No ${importer} trade data at the ${stage} stage; shown: the ${shownStage} stage. `) +
      `${importer} imports by partner, HS ${hs[0]}` +
      (hs.length > 1 ? ` (also in the data: HS ${hs.slice(1).join(", ")})` : "") + "; source: BACI/Comtrade trade flows.";
  } catch (err) {
    Plotly.purge(el);
    $("trade-note").textContent = err.message;
  }
}

const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

async function showRisk() {
  try {
    const rows = await FS.api("/api/risk");
    FS.table($("risk"), rows, [
      { key: "commodity" }, { key: "stage" }, { key: "year" },
      { key: "world_production", label: "world production", num: true }, { key: "unit" },
      { key: "hhi", label: "HHI", num: true }, { key: "hhi_wgi", label: "HHI × WGI", num: true },
      { key: "top_country", label: "top" }, { key: "top_share", label: "top share", num: true, format: pct },
      { key: "china_share", label: "China", num: true, format: pct },
      { key: "allied_share", label: "allies", num: true, format: pct },
      { key: "us_net_import_reliance", label: "US import reliance", num: true, format: pct },
      { key: "jpn_import_reliance", label: "JPN import reliance", num: true, format: pct },
      { key: "eu_supply_risk", label: "EU supply risk", num: true },
    ], {
      sortKey: "hhi", sortDir: -1,
      onRowClick: (r) => {
        if (!COMMODITIES.some((c) => c.slug === r.commodity)) return;
        $("commodity").value = r.commodity; fillStages();
        if (r.stage && stagesOf(COMMODITIES.find((c) => c.slug === r.commodity)).includes(r.stage)) $("stage").value = r.stage;
        showProducers(); window.scrollTo(0, 0);
      },
    });
  } catch (err) {
    $("risk").innerHTML = `<p class="note">${FS.escapeHtml(err.message)}</p>`;
  }
}

async function main() {
  for (const key of ["measure", "importer"]) {
    const v = FS.param(key);
    if (v && [...$(key).options].some((o) => o.value === v)) $(key).value = v;
  }
  try {
    await loadCommodities();
  } catch (err) {
    FS.showError($("error"), err);
    return;
  }
  $("commodity").addEventListener("change", () => { fillStages(); showProducers(); });
  $("stage").addEventListener("change", showProducers);
  $("year").addEventListener("change", showProducers);
  $("measure").addEventListener("change", showProducers);
  $("importer").addEventListener("change", () => showTrade($("commodity").value, $("stage").value));
  showProducers();
  showRisk();
}
main();
