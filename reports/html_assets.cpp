#include "reports/html_assets.h"

namespace assay {

const char* const kReportCss = R"css(
:root { --fg:#1d2433; --muted:#667085; --line:#e4e7ec; --bg:#f8f9fb; --accent:#3a5ccc; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { padding:20px 32px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { margin:0 0 4px; font-size:22px; }
header p { margin:0; color:var(--muted); }
main { padding:16px 32px 48px; max-width:1400px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:16px 0; overflow-x:auto; }
h2 { font-size:17px; margin:0 0 12px; }
h3 { font-size:15px; margin:16px 0 8px; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#f2f4f7; font-weight:600; white-space:nowrap; }
th.sortable { cursor:pointer; user-select:none; }
th.sortable:hover { color:var(--accent); }
th[aria-sort=ascending]::after { content:" ▲"; }
th[aria-sort=descending]::after { content:" ▼"; }
td.num, th.num { text-align:right; }
.ci { color:var(--muted); font-size:12px; margin-left:4px; }
.muted { color:var(--muted); }
.charts { display:flex; flex-wrap:wrap; gap:24px; }
.chart { max-width:100%; height:auto; }
.filters { display:flex; flex-wrap:wrap; gap:8px; margin-bottom:10px; align-items:center; }
.filters select, .filters input, .pair select { padding:4px 6px; border:1px solid #c9ced6; border-radius:4px; font:inherit; }
.filters input { min-width:240px; }
tr.sample { cursor:pointer; }
tr.sample:hover { background:#f5f7ff; }
.verdict { font-weight:600; }
.v-correct { color:#2e7d32; } .v-wrong { color:#c62828; } .v-unscored, .v-error { color:#b26a00; }
pre { white-space:pre-wrap; word-break:break-word; background:#f6f7f9; border:1px solid var(--line); border-radius:4px; padding:8px; margin:4px 0 10px; max-height:360px; overflow:auto; }
.detail dt { font-weight:600; margin-top:6px; }
.detail dd { margin:0; }
.conversation { list-style:none; padding:0; }
.conversation .turn { border-left:3px solid #ccd; margin:6px 0; padding:2px 8px; }
.conversation .turn-assistant { border-color:#46a; }
.conversation .turn-tool { border-color:#999; }
.conversation .turn-end { border-color:#2a2; font-weight:600; }
.conversation .who { font-size:0.85em; color:#666; }
.conversation .call { color:#235; }
.conversation .call-error { color:#a22; }
.note { color:var(--muted); font-size:13px; }
code { background:#f2f4f7; padding:1px 4px; border-radius:3px; }
)css";

const char* const kReportJs = R"js(
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("assay-data").textContent);
  const $ = (id) => document.getElementById(id);
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  const pct = (v) => (v === null || v === undefined ? "–" : (100 * v).toFixed(1));
  // The one way the page prints an interval (as format_interval in C++): in percent, digits
  // added until a non-empty interval's ends differ.
  const interval = (lo, hi, signed) => {
    const t = (v, d) => (signed && v >= 0 ? "+" : "") + (100 * v).toFixed(d);
    let d = 1;
    while (d < 4 && hi > lo && Math.round(100 * lo * 10 ** d) === Math.round(100 * hi * 10 ** d)) d++;
    return "[" + t(lo, d) + ", " + t(hi, d) + "]";
  };
  const fixed = (v, d) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  // A score with its CI half-width; `partial` marks one over part of a suite (--limit, --sample).
  function scoreCell(s, partial) {
    const td = el("td", null, "num");
    if (!s) { td.textContent = "–"; td.dataset.sort = "-1"; return td; }
    td.dataset.sort = String(s.mean);
    td.appendChild(el("span", pct(s.mean)));
    td.appendChild(el("span", "±" + (100 * (s.ci_high - s.ci_low) / 2).toFixed(1), "ci"));
    td.title = "95% CI " + interval(s.ci_low, s.ci_high);
    if (partial) {
      td.appendChild(el("span", "partial", "ci partial"));
      td.title += "; partial: a run covered only part of its suite (see Provenance)";
    }
    return td;
  }
  // A named index: its value, or (not every member ran) the members' mean marked with the share
  // of the index's weight they cover; the tooltip names the missing members.
  function indexCell(s, partialRuns) {
    const td = scoreCell(s, partialRuns);
    if (!s || s.complete) return td;
    td.appendChild(el("span", "covers " + Math.round(100 * s.covered) + "%", "ci coverage"));
    td.title += "; partial index over the members run (" + (100 * s.covered).toFixed(1) + "% of the weight); missing: " + s.missing;
    return td;
  }
  function numCell(v, digits) {
    const td = el("td", v === null || v === undefined ? "–" : Number(v).toFixed(digits), "num");
    td.dataset.sort = v === null || v === undefined ? "-1" : String(v);
    return td;
  }
  // A median with its 90th percentile beneath and the mean on hover; the mean alone when no
  // percentiles were computed.
  function speedCell(p50, p90, mean, digits) {
    const missing = (v) => v === null || v === undefined;
    if (missing(p50)) return numCell(mean, digits);
    const td = numCell(p50, digits);
    if (!missing(p90)) td.appendChild(el("span", "p90 " + Number(p90).toFixed(digits), "ci"));
    if (!missing(mean)) td.title = "mean " + Number(mean).toFixed(digits);
    return td;
  }
  function makeSortable(table) {
    const heads = table.querySelectorAll("th.sortable");
    heads.forEach((th, col) => {
      th.addEventListener("click", () => {
        const asc = th.getAttribute("aria-sort") === "descending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        const idx = Array.prototype.indexOf.call(th.parentNode.children, th);
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = a.cells[idx].dataset.sort, y = b.cells[idx].dataset.sort;
          const nx = parseFloat(x), ny = parseFloat(y);
          const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(a.cells[idx].textContent).localeCompare(b.cells[idx].textContent);
          return asc ? c : -c;
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  }

  // Leaderboard.
  const lb = $("leaderboard");
  const lbody = lb.tBodies[0];
  data.leaderboard.forEach((row) => {
    const tr = el("tr");
    const name = el("td", row.model);
    name.dataset.sort = row.model;
    tr.appendChild(name);
    const partial = row.partial || [];
    (data.indexes || []).forEach((name) => tr.appendChild(indexCell((row.indexes || {})[name], partial.length > 0)));
    data.domains.forEach((d) => tr.appendChild(scoreCell(row.domains[d], partial.includes(d))));
    tr.appendChild(numCell(row.suites, 0));
    tr.appendChild(numCell(row.tokens_out, 0));
    tr.appendChild(speedCell(row.latency_p50, row.latency_p90, row.latency_ms, 0));
    tr.appendChild(speedCell(row.ttft_p50, row.ttft_p90, row.ttft_ms, 0));
    tr.appendChild(speedCell(row.tps_p50, row.tps_p90, row.output_tps, 1));
    tr.appendChild(numCell(row.cost, 4));
    tr.appendChild(numCell(row.cost_per_sample, 6));
    lbody.appendChild(tr);
  });
  makeSortable(lb);

  // Per-suite tables.
  const suites = $("suites");
  data.suites.forEach((s) => {
    suites.appendChild(el("h3", s.suite + " (" + s.domain + ")"));
    const t = el("table");
    const head = el("tr");
    ["Model", "Run", "n", "Scored", "Unscored", "Score", "95% CI"].forEach((h) => head.appendChild(el("th", h, h === "Model" || h === "Unscored" || h === "95% CI" ? "" : "num")));
    const thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    const tb = el("tbody");
    s.rows.forEach((r) => {
      const tr = el("tr");
      tr.appendChild(el("td", r.model));
      tr.appendChild(el("td", r.run, "num"));
      tr.appendChild(el("td", r.n, "num"));
      tr.appendChild(el("td", r.scored, "num"));
      tr.appendChild(el("td", r.unscored));
      const p = r.primary;
      tr.appendChild(el("td", pct(p.score), "num"));
      const ci = el("td", p.score === null ? "–" : interval(p.ci_low, p.ci_high));
      if (p.aggregation === "clipped_mean") {
        ci.appendChild(el("span", "clipped, bootstrap", "ci"));
        ci.title = "mean clipped to [0, 1] (unclipped " + pct(p.raw_score) + "); interval from 1,000 bootstrap resamples";
      }
      tr.appendChild(ci);
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    suites.appendChild(t);
    // Every other metric (e.g. per-axis and per-theme scores), metrics down, models across.
    const metrics = [];
    s.rows.forEach((r) => Object.keys(r.breakdown || {}).forEach((m) => { if (!metrics.includes(m)) metrics.push(m); }));
    if (metrics.length === 0) return;
    metrics.sort();
    const det = el("details", null, "breakdown");
    det.appendChild(el("summary", "Every metric (" + metrics.length + ")"));
    const bt = el("table");
    const bh = el("tr");
    bh.appendChild(el("th", "Metric"));
    s.rows.forEach((r) => bh.appendChild(el("th", r.model, "num")));
    const bhead = el("thead"); bhead.appendChild(bh); bt.appendChild(bhead);
    const bb = el("tbody");
    metrics.forEach((m) => {
      const tr = el("tr");
      tr.appendChild(el("td", m));
      s.rows.forEach((r) => {
        const c = (r.breakdown || {})[m];
        const td = el("td", c && c.score !== null ? pct(c.score) : "–", "num");
        if (c && c.note) {
          td.title = c.note;
        } else if (c && c.score !== null) {
          td.title = (c.units ? c.units + " units in " + c.n + " samples" : "n " + c.n) + ", 95% CI " + interval(c.ci_low, c.ci_high) + (c.aggregation === "clipped_mean" ? ", unclipped " + pct(c.raw_score) : "");
        }
        tr.appendChild(td);
      });
      bb.appendChild(tr);
    });
    bt.appendChild(bb);
    det.appendChild(bt);
    suites.appendChild(det);
  });

  // Paired comparison.
  const pa = $("pair-a"), pb = $("pair-b"), pbody = $("pairs").tBodies[0];
  data.models.forEach((m, i) => {
    const oa = el("option", m); oa.value = m; pa.appendChild(oa);
    const ob = el("option", m); ob.value = m; pb.appendChild(ob);
    if (i === 1) ob.selected = true;
  });
  function renderPair() {
    while (pbody.firstChild) pbody.removeChild(pbody.firstChild);
    let a = pa.value, b = pb.value, flip = false;
    const rows = data.pairs.filter((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
    if (!rows.length) {
      const tr = el("tr"); const td = el("td", a === b ? "Pick two different models." : "These models share no suite.", "muted");
      td.colSpan = 7; tr.appendChild(td); pbody.appendChild(tr); return;
    }
    rows.forEach((p) => {
      flip = p.a !== a;
      const s = flip ? -1 : 1;
      const tr = el("tr");
      tr.appendChild(el("td", p.suite));
      tr.appendChild(el("td", p.n, "num"));
      tr.appendChild(el("td", (s * p.diff >= 0 ? "+" : "") + (100 * s * p.diff).toFixed(1), "num"));
      const lo = flip ? -p.ci_high : p.ci_low, hi = flip ? -p.ci_low : p.ci_high;
      tr.appendChild(el("td", interval(lo, hi, true)));
      tr.appendChild(el("td", p.p_value < 1e-4 ? p.p_value.toExponential(1) : p.p_value.toFixed(4), "num"));
      tr.appendChild(el("td", p.test));
      tr.appendChild(el("td", "+" + (flip ? p.a_better : p.b_better) + " / −" + (flip ? p.b_better : p.a_better), "num"));
      pbody.appendChild(tr);
    });
  }
  pa.addEventListener("change", renderPair);
  pb.addEventListener("change", renderPair);
  renderPair();

  // Provenance.
  const prov = $("provenance").tBodies[0];
  data.runs.forEach((r) => {
    const tr = el("tr");
    [r.id, r.model, r.suite, r.suite_version, r.suite_hash.slice(0, 12), r.dataset_sha256.slice(0, 12), r.params, r.scoring_env || "", r.harness + " (" + r.git + ")", r.created, r.status, r.coverage + (r.partial ? " — partial" : "")].forEach((v) => tr.appendChild(el("td", v)));
    tr.cells[4].title = r.suite_hash;
    tr.cells[5].title = r.dataset_sha256;
    prov.appendChild(tr);
  });

  // Sample browser.
  const fm = $("f-model"), fs = $("f-suite"), fv = $("f-verdict"), fq = $("f-search");
  const addOpts = (sel, values) => values.forEach((v) => { const o = el("option", v); o.value = v; sel.appendChild(o); });
  addOpts(fm, data.models);
  addOpts(fs, data.suites.map((s) => s.suite));
  addOpts(fv, Array.from(new Set(data.samples.items.map((x) => x.verdict))).sort());
  const sbody = $("samples").tBodies[0];
  const detail = $("sample-detail");
  let limit = 200;
  function showDetail(x) {
    while (detail.firstChild) detail.removeChild(detail.firstChild);
    detail.appendChild(el("h3", x.model + " · " + x.suite + " · " + x.id + " (epoch " + x.epoch + ")"));
    const dl = el("dl", null, "detail");
    [["Verdict", x.verdict], ["Score", x.score === null ? "unscored" : x.score], ["Extracted answer", x.answer], ["Target", x.target], ["Scorer explanation", x.explanation], ["Prompt", x.input], ["Output", x.output], ["Reasoning", x.reasoning]].forEach(([k, v]) => {
      if (v === "" || v === undefined) return;
      dl.appendChild(el("dt", k));
      const dd = el("dd"); dd.appendChild(el("pre", v)); dl.appendChild(dd);
    });
    detail.appendChild(dl);
    if (Array.isArray(x.conversation) && x.conversation.length) detail.appendChild(conversationView(x.conversation));
    detail.hidden = false;
  }
  // An agent sample's turns: assistant text and tool calls with their arguments, tool output
  // collapsed with its size, how it ended. Every text is data (textContent), never markup.
  function conversationView(entries) {
    const ol = el("ol", null, "conversation");
    entries.forEach((e) => {
      const li = el("li", null, "turn turn-" + e.role);
      if (e.role === "tool") {
        const d = el("details");
        d.appendChild(el("summary", "tool " + e.name + " · " + e.bytes + " bytes" + (e.error ? " · error" : "")));
        d.appendChild(el("pre", e.content));
        li.appendChild(d);
      } else if (e.role === "assistant") {
        li.appendChild(el("div", "assistant · turn " + e.turn, "who"));
        if (e.reasoning) { const r = el("details"); r.appendChild(el("summary", "reasoning")); r.appendChild(el("pre", e.reasoning)); li.appendChild(r); }
        if (e.text) li.appendChild(el("pre", e.text));
        e.calls.forEach((c) => li.appendChild(el("pre", "→ " + c.name + " " + c.arguments, "call")));
        if (e.error) li.appendChild(el("pre", e.error, "call-error"));
      } else {
        li.appendChild(el("div", e.role, "who"));
        li.appendChild(el("pre", e.text));
      }
      ol.appendChild(li);
    });
    const wrap = el("section", null, "conversation-view");
    wrap.appendChild(el("h4", "Conversation (" + entries.filter((e) => e.role === "assistant").length + " turns)"));
    wrap.appendChild(ol);
    return wrap;
  }
  function renderSamples() {
    const q = fq.value.toLowerCase();
    const rows = data.samples.items.filter((x) =>
      (!fm.value || x.model === fm.value) && (!fs.value || x.suite === fs.value) &&
      (!fv.value || x.verdict === fv.value) &&
      (!q || (x.id + "\n" + x.input + "\n" + x.output + "\n" + x.answer + "\n" + x.target).toLowerCase().indexOf(q) >= 0));
    while (sbody.firstChild) sbody.removeChild(sbody.firstChild);
    rows.slice(0, limit).forEach((x) => {
      const tr = el("tr", null, "sample");
      tr.dataset.verdict = x.verdict;
      tr.appendChild(el("td", x.model));
      tr.appendChild(el("td", x.suite));
      tr.appendChild(el("td", x.id + (x.epoch ? " #" + x.epoch : "")));
      tr.appendChild(el("td", x.verdict, "verdict v-" + x.verdict.split(":")[0]));
      tr.appendChild(el("td", x.answer));
      tr.appendChild(el("td", x.target));
      tr.addEventListener("click", () => showDetail(x));
      sbody.appendChild(tr);
    });
    $("sample-count").textContent = "Showing " + Math.min(limit, rows.length) + " of " + rows.length + " matching embedded samples.";
    $("more").hidden = rows.length <= limit;
  }
  [fm, fs, fv].forEach((s) => s.addEventListener("change", () => { limit = 200; renderSamples(); }));
  fq.addEventListener("input", () => { limit = 200; renderSamples(); });
  $("more").addEventListener("click", () => { limit += 500; renderSamples(); });
  renderSamples();
  document.body.dataset.ready = "1";
})();
)js";

}  // namespace assay
