// Supply atlas: commodity/stage selector, producer chart, trade flows and the risk table.
"use strict";

const $ = (id) => document.getElementById(id);
let COMMODITIES = [];

function stagesOf(c) {
  const s = c.stages;
  return Array.isArray(s) ? s : String(s || "").split("|").filter(Boolean);
}

async function loadCommodities() {
  COMMODITIES = await FS.api("/api/commodities");
  const sel = $("commodity");
  sel.innerHTML = COMMODITIES.map((c) =>
    `<option value="${FS.escapeHtml(c.slug)}">${FS.escapeHtml(c.name || c.slug)}</option>`).join("");
  const wanted = new URLSearchParams(location.search).get("commodity");
  sel.value = wanted && COMMODITIES.some((c) => c.slug === wanted) ? wanted : COMMODITIES[0].slug;
  fillStages();
}

function fillStages() {
  const c = COMMODITIES.find((x) => x.slug === $("commodity").value);
  const stages = stagesOf(c);
  $("stage").innerHTML = stages.map((s) => `<option>${s}</option>`).join("");
  $("stage").value = c.main_stage && stages.includes(c.main_stage) ? c.main_stage : stages[0];
}

async function showProducers() {
  const commodity = $("commodity").value, stage = $("stage").value, year = $("year").value;
  const q = new URLSearchParams({ stage });
  if (year) q.set("year", year);
  $("status").textContent = "loading…";
  $("error").classList.add("hidden");
  try {
    const rows = await FS.api(`/api/supply/${encodeURIComponent(commodity)}?${q}`);
    const top = rows.filter((r) => r.production !== null).slice(0, 20).reverse();
    const unit = rows.length ? rows[0].unit : "";
    const yr = rows.length ? rows[0].year : "";
    const name = (COMMODITIES.find((c) => c.slug === commodity) || {}).name || commodity;
    $("producers-title").textContent = `Producers: ${name}, ${stage}, ${yr}`;
    FS.plot($("producers"), [{
      type: "bar", orientation: "h", x: top.map((r) => r.production), y: top.map((r) => r.country),
      text: top.map((r) => (r.share !== null && r.share !== undefined ? `${(100 * r.share).toFixed(1)}%` : "")),
      textposition: "auto", marker: { color: "#1f5fa8" },
      hovertemplate: "%{y}: %{x:,.0f} " + unit + "<extra></extra>",
    }], { xaxis: { title: { text: `production (${unit}${rows[0] && rows[0].basis ? ", " + rows[0].basis : ""})` } },
          margin: { t: 10, r: 20, b: 50, l: 60 } });
    const src = [...new Set(rows.map((r) => r.source).filter(Boolean))].join(", ");
    $("producers-note").textContent = rows.length
      ? `${rows.length} producing countries; source: ${src || "—"}. Labels are world shares.`
      : "No production data for this commodity, stage and year.";
    $("status").textContent = "";
  } catch (err) {
    $("status").textContent = "";
    FS.showError($("error"), err);
  }
  showTrade(commodity, stage);
}

async function showTrade(commodity, stage) {
  const el = $("trade");
  try {
    const rows = await FS.api(`/api/trade/${encodeURIComponent(commodity)}?stage=${encodeURIComponent(stage)}`);
    if (!rows.length) {
      Plotly.purge(el);
      el.innerHTML = "";
      $("trade-note").textContent = "No bilateral trade data for this commodity and stage.";
      return;
    }
    const top = rows.slice(0, 15).reverse();
    FS.plot(el, [{
      type: "bar", orientation: "h", x: top.map((r) => r.value_usd),
      y: top.map((r) => `${r.exporter} → ${r.importer}`), marker: { color: "#6a8caf" },
      hovertemplate: "%{y}: $%{x:,.0f}<extra></extra>",
    }], { xaxis: { title: { text: `value (US$, ${rows[0].year})` } }, margin: { t: 10, r: 20, b: 50, l: 110 } });
    const src = [...new Set(rows.map((r) => r.source))].join(", ");
    $("trade-note").textContent = `Largest bilateral flows${rows[0].hs6 ? " (HS " + [...new Set(rows.map((r) => r.hs6))].join(", ") + ")" : ""}; source: ${src}.`;
  } catch (err) {
    Plotly.purge(el);
    el.innerHTML = "";
    $("trade-note").textContent = err.status === 501 ? "Trade flows are not available in this build." : err.message;
  }
}

async function showRisk() {
  try {
    const rows = await FS.api("/api/risk");
    const preferred = ["commodity", "stage", "year", "world_production", "unit", "hhi", "gw_hhi",
      "top_share", "top_country", "import_reliance", "supply_risk"];
    const keys = Object.keys(rows[0] || {});
    const cols = preferred.filter((k) => keys.includes(k));
    for (const k of keys) if (!cols.includes(k) && cols.length < 12 && typeof rows[0][k] !== "object") cols.push(k);
    FS.table($("risk"), rows, cols, {
      sortKey: keys.includes("hhi") ? "hhi" : null, sortDir: -1,
      onRowClick: (r) => {
        $("commodity").value = r.commodity; fillStages();
        if (r.stage) $("stage").value = r.stage;
        showProducers(); window.scrollTo(0, 0);
      },
    });
  } catch (err) {
    $("risk").innerHTML = `<p class="note">${FS.escapeHtml(err.status === 501 ? "Risk metrics are not available in this build." : err.message)}</p>`;
  }
}

async function main() {
  try {
    await loadCommodities();
  } catch (err) {
    FS.showError($("error"), err);
    return;
  }
  $("commodity").addEventListener("change", () => { fillStages(); showProducers(); });
  $("stage").addEventListener("change", showProducers);
  $("year").addEventListener("change", showProducers);
  showProducers();
  showRisk();
}
main();
