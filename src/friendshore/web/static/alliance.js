// Alliance page: shipbuilding shares, LNG supply security and defense spending.
"use strict";

const $ = (id) => document.getElementById(id);
const pct = (v) => (v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`);

async function showShips() {
  const res = await FS.api("/api/ships?detail=true");
  const rows = res.table;
  const years = [...new Set(rows.map((r) => r.year))].sort();
  const latest = rows.filter((r) => r.year === res.latest_year).sort((a, b) => b.share - a.share);
  const leaders = latest.slice(0, 6).map((r) => r.country);
  const traces = leaders.map((c) => ({
    type: "bar", name: c, x: years,
    y: years.map((y) => (rows.find((r) => r.year === y && r.country === c) || { share: 0 }).share * 100),
    hovertemplate: c + " %{x}: %{y:.1f}%<extra></extra>",
  }));
  traces.push({
    type: "bar", name: "others", x: years, marker: { color: "#c8ced6" },
    y: years.map((y) => 100 * rows.filter((r) => r.year === y && !leaders.includes(r.country))
      .reduce((s, r) => s + r.share, 0)),
  });
  FS.plot($("ships"), traces, { barmode: "stack", yaxis: { title: { text: "% of world GT" } } });
  $("ships-note").textContent = res.data_age;
  const ys = Object.keys(res.china_share).sort();
  FS.plot($("ships-bloc"), [
    { type: "scatter", mode: "lines+markers", name: "China", x: ys, y: ys.map((y) => 100 * res.china_share[y]), line: { color: "#b3261e" } },
    { type: "scatter", mode: "lines+markers", name: "Allies (US, Japan, Korea, Europe)", x: ys, y: ys.map((y) => 100 * res.allied_share[y]), line: { color: "#1f5fa8" } },
  ], { yaxis: { title: { text: "% of world GT" }, rangemode: "tozero" }, legend: { orientation: "h", y: -0.2 } });
}

async function showLng() {
  try {
    const res = await FS.api("/api/lng");
    // rankings are of countries: EI's residual "other countries" (OTH) and the world total (WLD) are
    // not ranked; the table lists the residual last, in words
    const dep = res.dependence.filter((r) => !FS.isAggregate(r.importer)).sort((a, b) => b.imports_bcm - a.imports_bcm).slice(0, 12);
    const other = dep.map((r) => 100 * Math.max(0, 1 - r.share_hormuz - r.share_russia - r.share_usa));
    FS.plot($("lng"), [
      { type: "bar", name: "via Hormuz", x: dep.map((r) => r.importer), y: dep.map((r) => 100 * r.share_hormuz), marker: { color: "#b3261e" } },
      { type: "bar", name: "Russia", x: dep.map((r) => r.importer), y: dep.map((r) => 100 * r.share_russia), marker: { color: "#7b1fa2" } },
      { type: "bar", name: "United States", x: dep.map((r) => r.importer), y: dep.map((r) => 100 * r.share_usa), marker: { color: "#1f5fa8" } },
      { type: "bar", name: "other suppliers", x: dep.map((r) => r.importer), y: other, marker: { color: "#c8ced6" } },
    ], { barmode: "stack", yaxis: { title: { text: `% of LNG imports, ${res.year}` } },
         xaxis: { title: { text: "largest importers" } } });
    const cap = res.capacity.filter((r) => !FS.isAggregate(r.country)).slice(0, 12);
    FS.plot($("lng-capacity"), ["operating", "construction", "proposed"].map((k, i) => ({
      type: "bar", name: k, x: cap.map((r) => r.country), y: cap.map((r) => r[`${k}_bcm`]),
      marker: { color: ["#2e7d32", "#81c784", "#dcedc8"][i] },
    })), { barmode: "stack", yaxis: { title: { text: "liquefaction capacity (bcm/yr)" } } });
    const residual = res.dependence.find((r) => FS.isAggregate(r.importer));
    FS.table($("lng-table"), res.dependence, [
      { key: "importer", format: (v) => (FS.isAggregate(v) ? `${FS.country(v)} (EI residual, not ranked)` : v) },
      { key: "imports_bcm", label: "imports (bcm)" },
      { key: "top_supplier", label: "top supplier", format: FS.country }, { key: "top_share", label: "top share", num: true, format: pct },
      { key: "hhi", label: "HHI" }, { key: "share_hormuz", label: "via Hormuz", num: true, format: pct },
      { key: "share_russia", label: "Russia", num: true, format: pct }, { key: "share_usa", label: "US", num: true, format: pct },
    ], { sortKey: "imports_bcm", sortDir: -1, pinned: (r) => FS.isAggregate(r.importer),
         rowClass: (r) => (FS.isAggregate(r.importer) ? "aggregate" : "") });
    $("lng-note").textContent = res.data_age + (residual ? ` "Other countries" is the Energy Institute's residual of ` +
      `importers it does not list (${FS.fmt(residual.imports_bcm)} bcm); it is kept apart from the country rankings ` +
      "and the chart." : "");
  } catch (err) {
    $("lng-note").textContent = err.message;
  }
}

async function showDefense() {
  const rows = await FS.api("/api/defense");
  rows.sort((a, b) => b.share_gdp - a.share_gdp);
  FS.plot($("defense"), [
    { type: "bar", name: `share of GDP (${rows[0] ? rows[0].year : ""})`, x: rows.map((r) => r.country), y: rows.map((r) => 100 * r.share_gdp), marker: { color: "#1f5fa8" } },
    { type: "scatter", mode: "markers", name: "target", x: rows.map((r) => r.country), y: rows.map((r) => (r.target === null ? null : 100 * r.target)), marker: { symbol: "line-ew-open", size: 16, color: "#b3261e", line: { width: 3 } } },
  ], { yaxis: { title: { text: "% of GDP" } }, legend: { orientation: "h", y: 1.08 } });
  FS.table($("defense-table"), rows, [
    { key: "country" }, { key: "year" },
    { key: "share_gdp", label: "share of GDP", num: true, format: pct },
    { key: "target", num: true, format: pct }, { key: "target_name", label: "target name" },
    { key: "target_year", label: "by" },
    { key: "gap", label: "gap", num: true, format: pct },
    { key: "required_growth", label: "required real growth / yr", num: true, format: pct },
  ], { sortKey: "gap", sortDir: -1 });
}

async function main() {
  for (const part of [showShips, showLng, showDefense]) {
    try { await part(); } catch (err) { FS.showError($("error"), err); }
  }
}
main();
