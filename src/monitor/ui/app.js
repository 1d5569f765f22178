// Sluice monitor page: polls the REST API (docs/ui.md) and draws one query's progress with uPlot.
// Plain JS, no framework, nothing fetched from outside the server that serves this page.
"use strict";
(function () {
  const API = "/api/v1";
  const POLL_MS = 2000;
  const KEEP = 1000;  // records kept per query in the page, as the server keeps by default
  const PHASES_SKIP = new Set(["triggerExecution"]);  // the whole trigger: not a phase of it

  // A bearer token given as ?token=... is kept for this tab and sent on every request.
  const params = new URLSearchParams(location.search);
  if (params.get("token")) sessionStorage.setItem("sluiceToken", params.get("token"));
  const token = sessionStorage.getItem("sluiceToken");

  const state = { queries: [], selected: params.get("query"), records: [], lastBatch: -1, charts: {}, planFor: null };

  function $(id) { return document.getElementById(id); }
  function setStatus(text, error) { const s = $("status"); s.textContent = text; s.className = error ? "status error" : "status"; }

  async function getJson(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const r = await fetch(path, { headers, cache: "no-store" });
    if (r.status === 401) throw new Error("this server needs its token (--ui-token): open the page as /?token=<token>");
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  // The server's list may be a bare array or wrapped ({"queries": [...]}); the same for progress.
  function listOf(v, key) { return Array.isArray(v) ? v : (v && Array.isArray(v[key]) ? v[key] : []); }

  function num(v) { const n = Number(v); return Number.isFinite(n) ? n : null; }
  function fmt(v, digits) { return v == null ? "" : (digits != null ? Number(v).toFixed(digits) : String(v)); }
  function td(text) { const c = document.createElement("td"); c.textContent = text; return c; }
  function row(cells) { const r = document.createElement("tr"); cells.forEach(c => r.appendChild(td(c))); return r; }

  function stateRows(p) {
    const ops = p.stateOperators || [];
    return ops.length ? ops.reduce((a, o) => a + (num(o.numRowsTotal) || 0), 0) : null;
  }
  // The watermark's lag as Spark's UI shows it (the "global watermark gap"): the batch's trigger
  // time minus its watermark, the same figure as /metrics' sluice_watermark_lag_seconds.
  function watermarkLagMs(p) {
    const e = p.eventTime || {};
    if (!e.watermark || !p.timestamp) return null;
    const lag = Date.parse(p.timestamp) - Date.parse(e.watermark);
    return Number.isFinite(lag) ? Math.max(lag, 0) : null;
  }
  function offsets(v) {  // a source offset is JSON or JSON text: {"topic": {"0": 12, ...}}
    if (typeof v === "string") { try { v = JSON.parse(v); } catch (e) { return null; } }
    return v && typeof v === "object" ? v : null;
  }
  // Kafka lag per topic-partition: the source's latest offset minus the batch's end offset.
  function kafkaLag(p) {
    const lag = {};
    for (const s of p.sources || []) {
      const end = offsets(s.endOffset), latest = offsets(s.latestOffset);
      if (!end || !latest || !/kafka/i.test(s.description || "")) continue;
      for (const topic of Object.keys(latest)) {
        if (typeof latest[topic] !== "object") continue;
        for (const part of Object.keys(latest[topic])) {
          const l = num(latest[topic][part]), e = num((end[topic] || {})[part]);
          if (l != null && e != null) lag[topic + "-" + part] = Math.max(l - e, 0);
        }
      }
    }
    return lag;
  }

  // ---- charts ----
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                  "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];

  // Draws (or updates) the chart in element `id`: xs are batch ids, series is [{label, values, fill}].
  // The element carries data-points (number of batches drawn) and data-series for tests and tools.
  function chart(id, xs, series, opts) {
    const el = $(id);
    el.dataset.points = String(xs.length);
    el.dataset.series = series.map(s => s.label).join(",");
    const key = series.map(s => s.label).join("|");
    const old = state.charts[id];
    if (!xs.length || !series.length || typeof uPlot === "undefined") {
      if (old) { old.plot.destroy(); delete state.charts[id]; }
      el.innerHTML = '<div class="empty">' + (typeof uPlot === "undefined" ? "uPlot missing" : "no data") + "</div>";
      return;
    }
    const data = [xs].concat(series.map(s => s.values));
    if (old && old.key === key) { old.plot.setData(data); return; }
    if (old) old.plot.destroy();
    el.innerHTML = "";
    const stacked = opts && opts.stacked;
    const plot = new uPlot({
      width: Math.max(el.clientWidth, 300), height: 220,
      scales: { x: { time: false } },
      axes: [{ label: "batch" }, { size: 70 }],  // room for "1,000,000" beside the y axis
      cursor: { drag: { x: true, y: false } },
      series: [{ label: "batch" }].concat(series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5,
        fill: stacked ? COLORS[i % COLORS.length] + "cc" : undefined, points: { show: xs.length < 60 },
      }))),
    }, data, el);
    state.charts[id] = { plot, key };
  }

  // Stacked phases: each series holds the running sum, so the areas lie on top of each other.
  function stack(series) {
    const acc = new Array(series.length ? series[0].values.length : 0).fill(0);
    return series.map(s => ({ label: s.label, values: s.values.map((v, i) => (acc[i] += v || 0)) }));
  }

  function phaseKeys(records) {
    const total = {};
    for (const p of records) for (const [k, v] of Object.entries(p.durationMs || {})) {
      if (!PHASES_SKIP.has(k)) total[k] = (total[k] || 0) + (num(v) || 0);
    }
    // Spark's top-level phases of a trigger; the finer runner and connector keys are nested inside
    // addBatch etc., so stacking them all would count time twice.
    const top = ["latestOffset", "getBatch", "queryPlanning", "walCommit", "addBatch", "commitOffsets"];
    const keys = top.filter(k => k in total);
    return keys.length ? keys : Object.keys(total).sort((a, b) => total[b] - total[a]).slice(0, 8);
  }

  function drawCharts() {
    const rs = state.records;
    const xs = rs.map(p => num(p.batchId));
    chart("chart-rates", xs, [
      { label: "input rows/s", values: rs.map(p => num(p.inputRowsPerSecond)) },
      { label: "process rows/s", values: rs.map(p => num(p.processedRowsPerSecond)) },
    ]);
    const phases = phaseKeys(rs);
    // Drawn from the top of the stack down, so each phase's area covers the ones above it only.
    chart("chart-duration", xs, stack(phases.map(k => ({ label: k, values: rs.map(p => num((p.durationMs || {})[k]) || 0) })))
          .reverse(), { stacked: true });
    chart("chart-input", xs, [{ label: "input rows", values: rs.map(p => num(p.numInputRows)) }]);
    const hasState = rs.some(p => (p.stateOperators || []).length);
    chart("chart-state", hasState ? xs : [], hasState ? [{ label: "state rows", values: rs.map(stateRows) }] : []);
    const hasWm = rs.some(p => watermarkLagMs(p) != null);
    chart("chart-watermark", hasWm ? xs : [], hasWm ? [{ label: "watermark lag ms", values: rs.map(watermarkLagMs) }] : []);
    const lags = rs.map(kafkaLag);
    const parts = [...new Set(lags.flatMap(l => Object.keys(l)))].sort();
    chart("chart-kafka", parts.length ? xs : [], parts.map(k => ({ label: k, values: lags.map(l => (k in l ? l[k] : null)) })));
  }

  function drawBatches() {
    const body = $("batches").querySelector("tbody");
    const frag = document.createDocumentFragment();
    const last = state.records.slice(-50).reverse();  // the table shows the newest 50; the charts hold all
    for (const p of last) {
      frag.appendChild(row([fmt(p.batchId), p.timestamp || "", fmt(p.numInputRows), fmt(num(p.inputRowsPerSecond), 1),
        fmt(num(p.processedRowsPerSecond), 1), fmt((p.durationMs || {}).triggerExecution), fmt(stateRows(p)),
        (p.eventTime || {}).watermark || ""]));
    }
    body.replaceChildren(frag);
  }

  // ---- plan ----
  // The plan endpoint gives operators ({"operators": [{name, detail, numOutputRows, timeMs}]}, possibly
  // nested under "children"), or plan text ({"physical": "...", "logical": "..."}): both are shown as a table.
  function flattenOps(ops, depth, out) {
    for (const o of ops || []) {
      out.push({ depth, name: o.name || o.operator || o.nodeName || "?", detail: o.detail || o.description || "",
                 rows: o.numOutputRows != null ? o.numOutputRows : (o.rows != null ? o.rows : (o.metrics || {}).numOutputRows),
                 time: o.timeMs != null ? o.timeMs : (o.metrics || {}).timeMs });
      flattenOps(o.children, depth + 1, out);
    }
    return out;
  }
  // One operator per line of explain()'s tree ("+- HashAggregate(keys=[...], ...)"); "== ... ==" headings
  // are skipped. The name ends where its arguments begin.
  function opsFromText(text) {
    return String(text).split("\n").filter(l => l.trim() && !/^\s*==/.test(l)).map(l => {
      const m = l.match(/^([\s:+\-*|`]*)([A-Za-z_][\w$]*)(.*)$/);
      return m ? { depth: Math.floor(m[1].length / 3), name: m[2], detail: m[3].trim() }
               : { depth: 0, name: l.trim(), detail: "" };
    });
  }
  function drawPlan(plan) {
    const body = $("plan").querySelector("tbody");
    let ops = flattenOps(listOf(plan, "operators"), 0, []);
    const text = plan && (plan.physical || plan.physicalPlan || plan.executedPlan || plan.text || plan.plan ||
                          (typeof plan === "string" ? plan : ""));
    if (!ops.length && typeof text === "string" && text) ops = opsFromText(text);
    const frag = document.createDocumentFragment();
    for (const o of ops) {
      const r = row(["\u00a0\u00a0".repeat(o.depth) + o.name, o.detail || "", fmt(o.rows), fmt(o.time, 3)]);
      r.dataset.operator = o.name;
      frag.appendChild(r);
    }
    body.replaceChildren(frag);
    $("plan").dataset.operators = String(ops.length);
    $("plan-text").textContent = typeof text === "string" ? text : "";
  }

  // ---- queries and polling ----
  function queryId(q) { return q.id || q.queryId; }
  function drawQueries() {
    const body = $("queries").querySelector("tbody");
    const frag = document.createDocumentFragment();
    for (const q of state.queries) {
      const lp = q.lastProgress || (queryId(q) === state.selected && state.records.length ? state.records[state.records.length - 1] : {});
      const active = q.isActive != null ? q.isActive : q.active;
      const r = row([q.name || "(unnamed)", queryId(q), active === false ? "stopped" : (q.status && q.status.message) || "active",
        fmt(lp.batchId != null ? lp.batchId : q.lastBatchId), fmt(num(lp.inputRowsPerSecond), 1), fmt(num(lp.processedRowsPerSecond), 1)]);
      r.dataset.query = queryId(q);
      if (queryId(q) === state.selected) r.className = "selected";
      r.addEventListener("click", () => select(queryId(q)));
      frag.appendChild(r);
    }
    body.replaceChildren(frag);
  }

  function select(id) {
    if (id === state.selected) return;
    state.selected = id;
    state.records = [];
    state.lastBatch = -1;
    state.planFor = null;
    drawQueries();
    poll();
  }

  async function pollQuery(id) {
    const enc = encodeURIComponent(id);
    const got = listOf(await getJson(API + "/streaming/queries/" + enc + "/progress?from=" + (state.lastBatch + 1)), "progress");
    for (const p of got) {
      const b = num(p.batchId);
      if (b == null || b <= state.lastBatch) continue;
      state.records.push(p);
      state.lastBatch = b;
    }
    if (state.records.length > KEEP) state.records.splice(0, state.records.length - KEEP);
    const q = state.queries.find(x => queryId(x) === id) || {};
    drawQueries();
    $("detail").hidden = false;
    $("detail-title").textContent = (q.name || id) + " \u2014 " + state.records.length + " batches";
    const t0 = performance.now();
    drawCharts();
    drawBatches();
    document.body.dataset.drawMs = (performance.now() - t0).toFixed(1);  // one redraw, for tests
    if (state.planFor !== state.lastBatch) {
      drawPlan(await getJson(API + "/streaming/queries/" + enc + "/plan"));
      state.planFor = state.lastBatch;
    }
  }

  let busy = false;
  async function poll() {
    if (busy) return;
    busy = true;
    try {
      state.queries = listOf(await getJson(API + "/streaming/queries"), "queries");
      if (!state.selected && state.queries.length) state.selected = queryId(state.queries[0]);
      drawQueries();
      if (state.selected) await pollQuery(state.selected);
      document.body.dataset.ready = "true";
      setStatus("updated " + new Date().toLocaleTimeString() + " \u00b7 " + state.queries.length + " queries");
    } catch (e) {
      setStatus(String(e.message || e), true);
    } finally {
      busy = false;
    }
  }

  // For tests and for timing in a console: redraws everything from the kept records, returns ms.
  window.sluiceUi = {
    redraw() { const t0 = performance.now(); drawCharts(); drawBatches(); return performance.now() - t0; },
    records() { return state.records.length; },
  };

  window.addEventListener("resize", () => {
    for (const [id, c] of Object.entries(state.charts)) c.plot.setSize({ width: Math.max($(id).clientWidth, 300), height: 220 });
  });
  poll();
  setInterval(poll, POLL_MS);
})();
