/* cbstats case explorer: filters, case codings, predictions from posterior draws, timeline.
 *
 * Everything the page needs is inside it: the data (JSON in #cbx-data, written by
 * cbstats.explorer) and Plotly (inlined). Predicted probabilities are computed here from
 * the exported posterior draws, the way cbstats.models.predict does for fitted rows:
 *   eta = X.b + sum_m b_m * D_m * sum(simplex_m[0 .. level-1]) + sum_g r_g[level_g] * z_g
 *   cumulative: P(y <= k) = expit(c_k - eta);  bernoulli: P(y = 1) = expit(eta + intercept)
 * window.cbExplorer exposes predict() so that tests can compare it with BayesResult.predict.
 */
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("cbx-data").textContent);
  const M = DATA.model;
  const S = M.draw_index.length;
  const PROB = DATA.meta.prob;
  const CASES = DATA.cases;
  const BY_ID = Object.fromEntries(CASES.map((c) => [c.id, c]));
  const OUTCOME = Object.fromEntries(DATA.outcomes.map((o) => [o.level, o]));
  const COND_LABEL = Object.fromEntries(DATA.conditions.map((c) => [c.name, c.label]));
  const state = { region: "", decade: "", outcome: "", selected: null, overrides: {} };
  const PLOT_CONFIG = { displayModeBar: false, responsive: true };

  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]));
  const fmt = (x, d) => (x === null || x === undefined ? "missing" : Number(x).toFixed(d === undefined ? 2 : d));
  const expit = (x) => 1 / (1 + Math.exp(-x));

  // ------------------------------------------------------------------ model
  function eta(row, s, levels) {
    const x = M.X[row];
    const b = M.b[s];
    const p = x.length;
    let v = 0;
    for (let j = 0; j < p; j++) v += b[j] * x[j];
    M.mono.forEach((m, i) => {
      const level = levels && m.var in levels ? levels[m.var] : m.index[row];
      const z = m.simplex[s];
      let cum = 0;
      for (let k = 0; k < level; k++) cum += z[k];
      v += b[p + i] * m.D * cum;
    });
    M.groups.forEach((g) => {
      const idx = g.index[row];
      const r = g.r[s];
      if (g.mm) {
        let sum = 0;
        for (const l of idx) sum += r[l];
        v += sum / idx.length;
      } else {
        v += r[idx[0]] * g.z[row];
      }
    });
    return v;
  }

  function probs(row, s, levels) {
    const e = eta(row, s, levels);
    if (M.family === "cumulative") {
      const c = M.cutpoints[s];
      const out = [];
      let prev = 0;
      for (let k = 0; k < c.length; k++) {
        const cdf = expit(c[k] - e);
        out.push(cdf - prev);
        prev = cdf;
      }
      out.push(1 - prev);
      return out;
    }
    const p1 = expit(e + M.intercept[s]);
    return [1 - p1, p1];
  }

  function quantile(sorted, q) { // numpy's default (linear interpolation)
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  function levelIndex(variable, score) {
    const m = M.mono.find((t) => t.var === variable);
    if (!m) throw new Error("no mo() term for " + variable);
    let best = 0;
    m.levels.forEach((lv, i) => { if (Math.abs(lv - score) < Math.abs(m.levels[best] - score)) best = i; });
    return best;
  }

  /* Predicted probabilities of a case: mean and interval over the exported draws.
   * scores: optional {condition: score} to set (e.g. {forum: 0}). */
  function predict(caseId, scores) {
    const c = BY_ID[caseId];
    if (!c || c.row === null) throw new Error("case not in the model: " + caseId);
    const levels = {};
    Object.entries(scores || {}).forEach(([k, v]) => { levels[k] = levelIndex(k, v); });
    return summarise(c.row, levels);
  }

  function summarise(row, levels) {
    const draws = [];
    for (let s = 0; s < S; s++) draws.push(probs(row, s, levels));
    const K = draws[0].length;
    const a = (1 - PROB) / 2;
    const mean = [], lower = [], upper = [];
    for (let k = 0; k < K; k++) {
      const col = draws.map((d) => d[k]);
      mean.push(col.reduce((x, y) => x + y, 0) / S);
      col.sort((x, y) => x - y);
      lower.push(quantile(col, a));
      upper.push(quantile(col, 1 - a));
    }
    return { categories: M.categories, mean, lower, upper };
  }

  // ------------------------------------------------------------------ filters and list
  function visibleCases() {
    return CASES.filter((c) => (!state.region || c.region === state.region)
      && (!state.decade || String(c.decade) === state.decade)
      && (state.outcome === "" || String(c.outcome) === state.outcome));
  }

  function fillSelect(id, options) {
    $(id).innerHTML = '<option value="">all</option>' + options.map(([v, t]) =>
      `<option value="${esc(v)}">${esc(t)}</option>`).join("");
  }

  function renderList() {
    const rows = visibleCases();
    $("cbx-count").textContent = `${rows.length} of ${CASES.length} cases`;
    $("cbx-list").innerHTML = rows.map((c) => `<tr data-case="${esc(c.id)}" class="${c.id === state.selected ? "sel" : ""}">`
      + `<td><span class="dot" style="background:${OUTCOME[c.outcome].color}"></span>${esc(c.label)}</td>`
      + `<td>${esc(regionLabel(c.region))}</td><td>${c.outcome}</td></tr>`).join("");
  }

  function regionLabel(id) {
    const r = DATA.regions.find((x) => x.id === id);
    return r ? r.label : id;
  }

  // ------------------------------------------------------------------ one case
  function selectCase(id) {
    state.selected = id;
    state.overrides = {};
    renderList();
    renderCase();
    renderWhere();
    renderTimeline();
  }

  function renderCase() {
    const c = BY_ID[state.selected];
    if (!c) return;
    $("cbx-case-title").textContent = c.label;
    $("cbx-case-meta").innerHTML = `${esc(c.dyad)} · ${esc(c.arrangement)} · signed ${c.year} · `
      + `${esc(regionLabel(c.region))} · observed outcome: <strong class="outcome" style="border-color:`
      + `${OUTCOME[c.outcome].color}">${esc(OUTCOME[c.outcome].label)}</strong>`;
    $("cbx-codings").innerHTML = c.codings.map((k) => `<tr class="conf-${esc(k.confidence)}">`
      + `<td>${esc(k.label)}</td><td class="n">${k.coding === "transformation" ? fmt(k.value, 0) : fmt(k.value)}</td>`
      + `<td>${esc(k.confidence)}</td><td>${esc(k.rationale)}<ol class="src">`
      + k.sources.map((s) => `<li><code>${esc(s.id)}</code> ${esc(s.reference)}</li>`).join("")
      + "</ol></td></tr>").join("");
    renderControls(c);
    renderPrediction();
  }

  function renderControls(c) {
    if (c.row === null) {
      $("cbx-controls").innerHTML = '<p class="muted">This case is not in the model: '
        + "a condition score is missing, so the model cannot predict it.</p>";
      return;
    }
    $("cbx-controls").innerHTML = M.mono.map((m) => {
      const observed = m.index[c.row];
      return `<label class="slider"><span>${esc(COND_LABEL[m.var] || m.var)}</span>`
        + `<input type="range" min="0" max="${m.levels.length - 1}" step="1" value="${observed}" `
        + `data-var="${esc(m.var)}" id="cbx-score-${esc(m.var)}" aria-label="score of ${esc(m.var)}">`
        + `<output id="cbx-out-${esc(m.var)}">${fmt(m.levels[observed])}</output></label>`;
    }).join("") + '<button type="button" id="cbx-reset">Reset to the coded scores</button>';
    $("cbx-controls").querySelectorAll("input[type=range]").forEach((el) => {
      el.addEventListener("input", () => {
        const m = M.mono.find((t) => t.var === el.dataset.var);
        const level = Number(el.value);
        if (level === m.index[c.row]) delete state.overrides[m.var]; else state.overrides[m.var] = level;
        $("cbx-out-" + m.var).textContent = fmt(m.levels[level]) + (level === m.index[c.row] ? "" : " *");
        renderPrediction();
      });
    });
    $("cbx-reset").addEventListener("click", () => { state.overrides = {}; renderCase(); });
  }

  function renderPrediction() {
    const c = BY_ID[state.selected];
    const box = $("cbx-pred-text");
    if (!c || c.row === null) {
      box.textContent = "";
      Plotly.purge("cbx-pred-plot");
      return;
    }
    const coded = summarise(c.row, {});
    const now = summarise(c.row, state.overrides);
    const changed = Object.keys(state.overrides).length > 0;
    const cats = M.categories.map(Number);
    const labels = cats.map((k) => (OUTCOME[k] ? OUTCOME[k].label : String(k)));
    const axisLabels = cats.map((k) => (OUTCOME[k] ? OUTCOME[k].axis_label : String(k)));
    const traces = [{
      type: "bar", x: axisLabels, y: now.mean, customdata: labels, name: changed ? "with the changed scores" : "as coded",
      marker: { color: cats.map((k) => (OUTCOME[k] ? OUTCOME[k].color : "#0072B2")),
        line: { color: cats.map((k) => (k === c.outcome ? "#000" : "rgba(0,0,0,0)")), width: 3 } },
      error_y: { type: "data", symmetric: false, array: now.upper.map((u, i) => u - now.mean[i]),
        arrayminus: now.mean.map((m, i) => m - now.lower[i]), color: "#333" },
      hovertemplate: "%{customdata}: %{y:.2f}<extra></extra>",
    }];
    if (changed) {
      traces.push({ type: "scatter", mode: "markers", x: axisLabels, y: coded.mean, name: "as coded",
        marker: { symbol: "line-ew-open", size: 30, color: "#000", line: { width: 3 } },
        hovertemplate: "as coded %{x}: %{y:.2f}<extra></extra>" });
    }
    Plotly.react("cbx-pred-plot", traces, {
      margin: { l: 50, r: 10, t: 24, b: 58 }, height: 260, showlegend: changed,
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", font: { size: 11 } },
      yaxis: { range: [0, 1], title: "predicted probability" },
      xaxis: { tickfont: { size: 10 }, tickangle: 0 }, bargap: 0.35,
    }, PLOT_CONFIG);
    const top = now.mean.length - 1;
    const pct = Math.round(PROB * 100);
    const moved = Object.entries(state.overrides).map(([v, l]) =>
      `${COND_LABEL[v] || v} ${fmt(M.mono.find((t) => t.var === v).levels[l])}`).join(", ");
    box.innerHTML = `P(${esc(labels[top])}) = <strong id="cbx-p-top">${fmt(now.mean[top])}</strong> `
      + `[${fmt(now.lower[top])}, ${fmt(now.upper[top])}] (${pct}% interval)`
      + (changed ? ` with ${esc(moved)}; as coded ${fmt(coded.mean[top])}.` : ", as coded.")
      + ` Observed: ${esc(OUTCOME[c.outcome] ? OUTCOME[c.outcome].label : c.outcome)} (black outline).`;
  }

  // ------------------------------------------------------------------ all cases in the model
  let expected = null;
  function expectedLevels() {
    if (expected) return expected;
    expected = {};
    CASES.forEach((c) => {
      if (c.row === null) return;
      const s = summarise(c.row, {});
      expected[c.id] = s.mean.reduce((acc, p, k) => acc + p * Number(M.categories[k]), 0);
    });
    return expected;
  }

  function renderWhere() {
    const ex = expectedLevels();
    const fitted = CASES.filter((c) => c.row !== null);
    const jitter = (i) => ((i * 0.6180339887) % 1 - 0.5) * 0.35;
    const x = fitted.map((c) => ex[c.id]);
    const y = fitted.map((c, i) => c.outcome + jitter(i));
    const sel = BY_ID[state.selected];
    const traces = [{
      type: "scatter", mode: "markers", x, y, customdata: fitted.map((c) => c.id),
      text: fitted.map((c) => c.label), hovertemplate: "%{text}<br>expected level %{x:.2f}<extra></extra>",
      marker: { size: 7, color: fitted.map((c) => OUTCOME[c.outcome].color), opacity: 0.75 }, name: "cases",
    }];
    if (sel && sel.row !== null) {
      traces.push({ type: "scatter", mode: "markers+text", x: [ex[sel.id]], y: [sel.outcome],
        text: ["selected"], textposition: "top center", hoverinfo: "skip", name: "selected",
        marker: { size: 16, color: "rgba(0,0,0,0)", line: { color: "#000", width: 2.5 } } });
    }
    Plotly.react("cbx-where", traces, {
      margin: { l: 130, r: 10, t: 10, b: 45 }, height: 270, showlegend: false,
      xaxis: { title: "expected transformation level predicted by the model (posterior mean)",
        range: [-0.1, 3.1] },
      yaxis: { title: "", tickvals: [0, 1, 2, 3], ticktext: DATA.outcomes.map((o) => o.axis_label),
        range: [-0.5, 3.5], tickfont: { size: 10 } },
    }, PLOT_CONFIG);
  }

  // ------------------------------------------------------------------ timeline
  function renderTimeline() {
    const items = DATA.timeline.filter((t) => !state.region || t.region === state.region);
    const sel = BY_ID[state.selected];
    const names = items.map((t) => `${t.name} (${t.start})`);
    const traces = DATA.outcomes.map((o) => {
      const xs = [], ys = [], texts = [];
      items.forEach((t, i) => {
        if (t.outcome !== o.level) return;
        xs.push(t.start, Math.max(t.end, t.start + 0.5), null);
        ys.push(names[i], names[i], null);
        const txt = `${t.name}: ${t.start}–${t.end}, ${regionLabel(t.region)}, ${t.n_cases} case(s)`;
        texts.push(txt, txt, null);
      });
      return { type: "scatter", mode: "lines", x: xs, y: ys, text: texts, hoverinfo: "text",
        line: { color: o.color, width: 6 }, name: o.label, connectgaps: false };
    });
    const shapes = [];
    if (sel) {
      const hit = items.findIndex((t) => t.name === sel.arrangement);
      if (hit >= 0) {
        shapes.push({ type: "rect", xref: "paper", x0: 0, x1: 1, yref: "y", y0: hit - 0.5, y1: hit + 0.5,
          fillcolor: "rgba(0,0,0,0.08)", line: { width: 0 } });
      }
    }
    Plotly.react("cbx-timeline", traces, {
      margin: { l: 330, r: 10, t: 10, b: 40 }, height: Math.max(260, 13 * items.length + 90),
      xaxis: { title: "year (bar: signature to end, or to last observed year)" },
      yaxis: { type: "category", categoryorder: "array", categoryarray: names, autorange: "reversed",
        tickfont: { size: 9 } },
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", title: { text: "best outcome among its cases: " } },
      shapes,
    }, PLOT_CONFIG);
  }

  // ------------------------------------------------------------------ start
  function init() {
    const meta = DATA.meta;
    if (meta.banner) { $("cbx-banner").textContent = meta.banner; $("cbx-banner").hidden = false; }
    $("cbx-meta").textContent = `${meta.dataset}, version ${meta.version}: ${meta.n_cases} cases, `
      + `${meta.n_fitted} in the model. Predictions: ${meta.model} (${meta.family}; fit seed ${meta.seed}), `
      + `${meta.n_draws} of its ${meta.n_total_draws} posterior draws.`;
    $("cbx-formula").textContent = meta.formula;
    fillSelect("cbx-region", DATA.regions.map((r) => [r.id, r.label]));
    const decades = [...new Set(CASES.map((c) => c.decade))].sort();
    fillSelect("cbx-decade", decades.map((d) => [String(d), d + "s"]));
    fillSelect("cbx-outcome", DATA.outcomes.map((o) => [String(o.level), o.label]));
    ["region", "decade", "outcome"].forEach((k) => {
      $("cbx-" + k).addEventListener("change", (ev) => {
        state[k] = ev.target.value;
        renderList();
        if (k === "region") renderTimeline();
      });
    });
    $("cbx-list").addEventListener("click", (ev) => {
      const tr = ev.target.closest("tr[data-case]");
      if (tr) selectCase(tr.dataset.case);
    });
    const first = CASES.find((c) => c.row !== null) || CASES[0];
    selectCase(first.id);
    $("cbx-where").on("plotly_click", (ev) => {
      const id = ev.points && ev.points[0] && ev.points[0].customdata;
      if (id) selectCase(id);
    });
    document.body.dataset.ready = "1";
  }

  window.cbExplorer = { predict, selectCase, state, data: DATA };
  init();
})();
