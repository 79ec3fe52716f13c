// Stress test page: pick or edit a scenario, run it as a job with progress, show the results.
"use strict";

const $ = (id) => document.getElementById(id);
let SCENARIOS = [], ORIGINAL_YAML = "";

async function loadScenarios() {
  SCENARIOS = await FS.api("/api/scenarios");
  $("scenario").innerHTML = SCENARIOS.map((s) => `<option value="${FS.escapeHtml(s.name)}">${FS.escapeHtml(s.name)}</option>`).join("");
  const wanted = FS.param("scenario");
  if (wanted && SCENARIOS.some((s) => s.name === wanted)) $("scenario").value = wanted;
  await pickScenario();
}

async function pickScenario() {
  const s = SCENARIOS.find((x) => x.name === $("scenario").value);
  if (!s) return;  // not loaded yet: loadScenarios picks once it is
  FS.setParams({ scenario: s.name });
  $("description").textContent = `${s.description || ""} — ${s.shocks}; horizon ${s.horizon_months} months.`;
  $("draws").value = Math.min(s.draws, 20000);
  $("seed").value = "";
  $("countries").value = (s.countries || []).join(",");
  const detail = await FS.api(`/api/scenarios/${encodeURIComponent(s.name)}`);
  ORIGINAL_YAML = detail.yaml;
  $("yaml").value = detail.yaml;
}

function request() {
  const body = { draws: Number($("draws").value) || undefined, save: $("save").checked, charts: true };
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  const countries = $("countries").value.split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (countries.length) body.countries = countries;
  const edited = !$("editor").classList.contains("hidden") && $("yaml").value !== ORIGINAL_YAML;
  if (edited) body.scenario_yaml = $("yaml").value; else body.scenario = $("scenario").value;
  return body;
}

async function run() {
  $("error").classList.add("hidden");
  $("run").disabled = true;
  $("progress-box").classList.remove("hidden");
  const bar = $("progress-bar"), text = $("progress-text");
  bar.style.width = "0%"; text.textContent = "queued…";
  try {
    const job = await FS.api("/api/stress", { json: request() });
    const out = await FS.waitJob(job.job, FS.progressTo(bar, text));
    text.textContent = out.run_id ? `done; saved as run ${out.run_id}` : "done";
    show(out);
  } catch (err) {
    FS.showError($("error"), err);
    text.textContent = "failed";
  } finally {
    $("run").disabled = false;
  }
}

function show(out) {
  $("results").classList.remove("hidden");
  $("results-title").textContent = `${out.scenario}: ${FS.fmt(out.draws)} draws, seed ${out.seed}`;
  Results.cards($("cards"), out);
  Results.histogram($("histogram"), out);
  Results.cover($("cover"), out, $("cover-title"), $("cover-note"));
  Results.industries($("industries"), out);
}

async function main() {
  // listen first: a choice made while the scenarios load must not be lost
  $("scenario").addEventListener("change", pickScenario);
  $("run").addEventListener("click", run);
  $("edit-toggle").addEventListener("click", () => $("editor").classList.toggle("hidden"));
  try { await loadScenarios(); } catch (err) { FS.showError($("error"), err); }
}
main();
