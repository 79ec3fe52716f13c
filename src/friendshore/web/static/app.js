// friendshore dashboard: shared helpers (navigation, API calls, tables, jobs). No build step.
"use strict";

const FS = (() => {
  const PAGES = [["/", "Supply atlas"], ["/stress", "Stress test"], ["/planner", "Investment planner"],
                 ["/runs", "Runs"], ["/alliance", "Alliance"], ["/methods", "Methods"]];

  // A page keeps its state (commodity, stage, scenario, run …) in the address, so a view can
  // be shared by its URL: read it with param(), write it with setParams() on every change.
  function param(key) { return new URLSearchParams(location.search).get(key); }
  function setParams(values) {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(values)) {
      if (v === null || v === undefined || v === "") q.delete(k); else q.set(k, v);
    }
    const s = q.toString();
    history.replaceState(null, "", location.pathname + (s ? `?${s}` : "") + location.hash);
  }

  // CSV of a table's rows in its column order, raw values (shares as fractions), RFC 4180 quoting.
  function toCsv(rows, cols) {
    const cell = (v) => {
      if (v === null || v === undefined) return "";
      const s = typeof v === "object" ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [cols.map((c) => cell(c.key)).join(","),
            ...rows.map((r) => cols.map((c) => cell(r[c.key])).join(","))].join("\r\n") + "\r\n";
  }

  function download(name, text) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = name;
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  function header() {
    const top = document.createElement("header");
    top.className = "top";
    const links = PAGES.map(([href, label]) => {
      const active = location.pathname === href ? ' class="active"' : "";
      return `<a href="${href}"${active}>${label}</a>`;
    }).join("");
    top.innerHTML = `<span class="brand">friendshore</span><nav>${links}</nav>`;
    document.body.prepend(top);
  }

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.error ? body.error : `HTTP ${status}`);
      this.status = status; this.body = body;
    }
  }

  async function api(path, options = {}) {
    const init = { headers: { Accept: "application/json" }, ...options };
    if (options.json !== undefined) {
      init.method = init.method || "POST";
      init.body = JSON.stringify(options.json);
      init.headers["Content-Type"] = "application/json";
      delete init.json;
    }
    const resp = await fetch(path, init);
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (!resp.ok) throw new ApiError(resp.status, body);
    return body;
  }

  // Poll a job until it ends; onProgress(fraction) is called on every poll.
  async function waitJob(jobId, onProgress) {
    for (;;) {
      const job = await api(`/api/jobs/${jobId}`);
      onProgress(job.progress || 0, job.status);
      if (job.status === "done") return job.result;
      if (job.status === "error") throw new ApiError(400, { error: job.error.message });
      if (job.status === "cancelled") throw new ApiError(409, { error: job.error.message });
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  // A waitJob progress callback that fills the bar `bar` and writes the percentage in `text`.
  function progressTo(bar, text) {
    return (p, status) => {
      bar.style.width = `${Math.round(100 * p)}%`;
      text.textContent = status === "queued" ? "queued…" : `${Math.round(100 * p)}%`;
    };
  }

  function showError(el, err) {
    el.classList.remove("hidden");
    el.textContent = err instanceof Error ? err.message : String(err);
  }

  function fmt(v, digits = 3) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "—";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v !== "number") return String(v);
    const a = Math.abs(v);
    if (a !== 0 && a < 1e-3) return v.toExponential(2);
    if (Number.isInteger(v) || a >= 1e4) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
    return v.toLocaleString("en-US", { maximumSignificantDigits: digits + 1 });
  }

  function money(v) {
    if (v === null || v === undefined || !isFinite(v)) return "—";
    const a = Math.abs(v);
    const [d, s] = a >= 1e12 ? [1e12, " tn"] : a >= 1e9 ? [1e9, " bn"] : a >= 1e6 ? [1e6, " m"] : [1, ""];
    return `${v < 0 ? "−" : ""}$${(a / d).toLocaleString("en-US", { maximumFractionDigits: 1 })}${s}`;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  // Pseudo-codes that stand for groups, not countries (friendshore.conventions.countries.AGGREGATES):
  // label them in words and keep them out of country rankings.
  const AGGREGATES = { OTH: "Other countries", WLD: "World" };
  const isAggregate = (code) => Object.prototype.hasOwnProperty.call(AGGREGATES, code);
  const country = (code) => (isAggregate(code) ? AGGREGATES[code] : code);

  const YEARISH = /(^|_)(year|by)$/;

  // A sortable table of `rows` (objects). columns: [{key, label, num, format}] or keys.
  // opts: sortKey, sortDir, rowClass(r), onRowClick(r), pinned(r) (kept below the sorted rows).
  function table(el, rows, columns, opts = {}) {
    const cols = (columns || Object.keys(rows[0] || {})).map((c) => (typeof c === "string" ? { key: c } : c));
    for (const c of cols) {
      if (c.num === undefined) c.num = rows.some((r) => typeof r[c.key] === "number");
      c.label = c.label || c.key;
    }
    let sortKey = opts.sortKey || null, dir = opts.sortDir || -1;
    function render() {
      const data = rows.slice();
      const pinned = opts.pinned || (() => false);  // rows kept last whatever the sort (totals)
      if (sortKey) {
        data.sort((a, b) => {
          const pa = pinned(a), pb = pinned(b);
          if (pa !== pb) return pa ? 1 : -1;
          if (pa) return 0;
          const x = a[sortKey], y = b[sortKey];
          if (x === y) return 0;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (x < y ? -1 : 1) * dir;
        });
      }
      const head = cols.map((c) => {
        const cls = [c.num ? "num" : "", c.key === sortKey ? (dir > 0 ? "sorted-asc" : "sorted-desc") : ""].join(" ");
        return `<th class="${cls}" data-key="${escapeHtml(c.key)}">${escapeHtml(c.label)}</th>`;
      }).join("");
      const body = data.map((r, i) => {
        const cls = [opts.rowClass ? opts.rowClass(r) : "", opts.onRowClick ? "clickable" : ""].join(" ");
        const cells = cols.map((c) => {
          const v = r[c.key];
          const text = c.format ? c.format(v, r) : YEARISH.test(c.key) && Number.isInteger(v) ? String(v) : fmt(v);
          return `<td class="${c.num ? "num" : ""}">${c.html ? text : escapeHtml(text)}</td>`;
        }).join("");
        return `<tr class="${cls}" data-i="${i}">${cells}</tr>`;
      }).join("");
      el.innerHTML = `<table class="data"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
        '<p class="csv"><button type="button" class="link csv-download">Download CSV</button></p>';
      el.querySelector(".csv-download").addEventListener("click", () =>
        download(`${opts.csvName || el.id || "table"}.csv`, toCsv(data, cols.filter((c) => !c.html))));
      el.querySelectorAll("th").forEach((th) => th.addEventListener("click", () => {
        const k = th.dataset.key;
        dir = sortKey === k ? -dir : (cols.find((c) => c.key === k).num ? -1 : 1);
        sortKey = k; render();
      }));
      if (opts.onRowClick) {
        el.querySelectorAll("tbody tr").forEach((tr) =>
          tr.addEventListener("click", () => opts.onRowClick(data[Number(tr.dataset.i)])));
      }
    }
    render();
  }

  const LAYOUT = { margin: { t: 30, r: 20, b: 60, l: 70 }, font: { size: 12 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff" };
  const CONFIG = { displaylogo: false, responsive: true };

  function plot(el, traces, layout) {
    return Plotly.react(el, traces, { ...LAYOUT, ...layout }, CONFIG);
  }

  document.addEventListener("DOMContentLoaded", header);
  return { api, waitJob, progressTo, showError, fmt, money, escapeHtml, table, plot, ApiError, isAggregate, country,
           param, setParams, toCsv };
})();
