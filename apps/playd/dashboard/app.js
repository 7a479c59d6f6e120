// playd's dashboard: one script, no framework, no build step, nothing from
// another origin. It reads playd's JSON endpoints (docs/operations.md, "Reading playd over HTTP",
// plus the DLQ, traces and /v1/decisions) and draws them with the DOM and
// SVG. Every value from the server goes in as text (text nodes, attributes),
// never as markup.
'use strict';

(function () {
  const main = document.getElementById('main');
  const statusLine = document.getElementById('status');
  const SVG = 'http://www.w3.org/2000/svg';
  const REFRESH_MS = 30000;

  // ------------------------------------------------------------------ DOM

  function build(el, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
  const s = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);
  // Replaces an element's children (nested arrays flattened, null skipped).
  const fill = (el, ...children) => {
    el.replaceChildren();
    return build(el, null, children);
  };

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(path, status, message, unrouted) {
      super(message);
      this.path = path;
      this.status = status;
      this.unrouted = !!unrouted; // not asked for: this playd has no such route
    }
  }

  function toLogin() {
    location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
  }

  // The JSON endpoints this playd routes (the shell's data-api); one it does
  // not is not asked for, so its section says "not available" and the
  // console stays clean. Without the attribute, everything is asked for.
  const listed = document.body.dataset.api;
  const routed = listed === undefined || listed.includes('{{') ? null : new Set(listed.split(' ').filter((x) => x));
  const CONTRACT = ['/v1/overview', '/v1/plays', '/v1/history', '/v1/alerts', '/v1/review', '/v1/decisions'];

  async function api(path, method) {
    const endpoint = path.split('?')[0];
    if (routed && CONTRACT.includes(endpoint) && !routed.has(endpoint)) throw new ApiError(path, 404, 'not served', true);
    let res;
    try {
      res = await fetch(path, {
        method: method || 'GET',
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(path, 0, 'playd did not answer (' + e.message + ')');
    }
    if (res.status === 401) {
      toLogin();
      throw new ApiError(path, 401, 'the admin token is needed');
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (!res.ok) throw new ApiError(path, res.status, (body && body.error) || 'HTTP ' + res.status);
    if (body === null) throw new ApiError(path, res.status, 'the answer is not JSON');
    return body;
  }

  // A promise's outcome as a value, so that one section's failure leaves the others.
  const settle = (p) => p.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));

  // At most four requests at once: the per-row charts of a page are many.
  const waiting = [];
  let active = 0;
  function limited(fn) {
    return new Promise((resolve, reject) => {
      waiting.push([fn, resolve, reject]);
      pump();
    });
  }
  function pump() {
    while (active < 4 && waiting.length) {
      const [fn, resolve, reject] = waiting.shift();
      active++;
      fn()
        .then(resolve, reject)
        .finally(() => {
          active--;
          pump();
        });
    }
  }

  // A section that could not be drawn, and why.
  function problem(what, error) {
    const path = error && error.path ? error.path.split('?')[0] : '';
    const text =
      error && error.status === 404 && path && !path.startsWith('/v1/signals/') && !path.startsWith('/v1/admin/dlq/')
        ? `${what}: not available: this playd does not serve GET ${path}${error.unrouted ? '' : ' (404)'}.`
        : `${what}: ${error ? error.message : 'failed'}${path ? ` (${path})` : ''}.`;
    return h('p', { class: 'problem', 'data-problem': path || what }, text);
  }

  // ------------------------------------------------------------------ formats

  const numbers = new Intl.NumberFormat('en-US');
  const int = (n) => (n === null || n === undefined || !isFinite(n) ? '–' : numbers.format(Math.round(n)));
  const ratio = (num, den) => (den > 0 ? num / den : null);
  const pct = (r) => (r === null || r === undefined ? '–' : (100 * r).toFixed(r > 0 && r < 0.001 ? 2 : 1) + '%');

  function duration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    const sec = ms / 1000;
    if (sec < 59.5) return (sec < 9.95 ? sec.toFixed(1) : Math.round(sec)) + ' s';
    const whole = Math.round(sec); // 599.6 s is 10m, not 9m 60s
    const min = Math.floor(whole / 60);
    const restSec = whole % 60;
    if (min < 60) return min + 'm' + (restSec ? ' ' + restSec + 's' : '');
    const hr = Math.floor(min / 60);
    const restMin = min % 60;
    if (hr < 48) return hr + 'h' + (restMin ? ' ' + restMin + 'm' : '');
    return Math.floor(hr / 24) + 'd ' + (hr % 24) + 'h';
  }

  // An RFC 3339 string or Unix milliseconds -> "2026-06-20 10:00:05 UTC".
  function when(t) {
    if (t === null || t === undefined || t === '') return '–';
    const d = new Date(t);
    if (isNaN(d)) return String(t);
    return d.toISOString().replace('T', ' ').replace(/(\.\d+)?Z$/, '') + ' UTC';
  }
  const iso = (d) => new Date(d).toISOString().replace('.000Z', 'Z');
  const hourLabel = (t) => new Date(t).toISOString().slice(11, 16);
  const dayLabel = (t) => new Date(t).toISOString().slice(5, 10);

  // The windows the charts show, on the service's clock (`now` from /v1/overview).
  function windows(nowText) {
    const now = nowText ? new Date(nowText) : new Date();
    const hour = new Date(now);
    hour.setUTCMinutes(0, 0, 0);
    const day = new Date(now);
    day.setUTCHours(0, 0, 0, 0);
    return {
      now: iso(Math.floor(now.getTime() / 1000) * 1000), // whole seconds
      hours: (n) => iso(hour.getTime() - (n - 1) * 3600e3),
      days: (n) => iso(day.getTime() - (n - 1) * 86400e3),
    };
  }
  const historyUrl = (params) => '/v1/history?' + new URLSearchParams(params).toString();

  // ------------------------------------------------------------------ small parts

  const link = (href, text, attrs) => h('a', Object.assign({ href }, attrs || {}), text);
  const playLink = (name) => link('/plays/' + encodeURIComponent(name), name, { class: 'play' });
  const traceLink = (id) => link('/trace?id=' + encodeURIComponent(id), id, { class: 'signal' });
  const badge = (text, cls) => h('span', { class: 'badge ' + (cls || text) }, text);

  function section(title, ...children) {
    return h('section', { 'data-section': title }, h('h2', null, title), children);
  }

  function tile(metric, label, value, sub, state, href) {
    const body = [h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null];
    return href
      ? h('a', { class: 'tile ' + (state || ''), 'data-metric': metric, href }, body)
      : h('div', { class: 'tile ' + (state || ''), 'data-metric': metric }, body);
  }

  function table(headers, rows, attrs) {
    return h(
      'table',
      attrs || null,
      h('thead', null, h('tr', null, headers.map((x) => h('th', typeof x === 'object' ? x : null, typeof x === 'object' ? x.text : x)))),
      h('tbody', null, rows),
    );
  }

  function definitionList(pairs) {
    return h(
      'dl',
      { class: 'registry' },
      pairs
        .filter((p) => p)
        .map(([k, v]) => h('div', { class: 'pair' }, h('dt', null, k), h('dd', { 'data-field': k }, v === '' || v === null || v === undefined ? '–' : v))),
    );
  }

  function updated(text) {
    statusLine.textContent = text;
  }

  // ------------------------------------------------------------------ charts (SVG)

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // A round duration at or above `ms`, so that the axis reads 5m, 10m, 1h.
  function niceDuration(ms) {
    const steps = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14400, 21600, 43200, 86400, 172800];
    for (const s of steps) if (s * 1000 >= ms) return s * 1000;
    return niceMax(ms);
  }

  function legend(series, extra) {
    return h(
      'span',
      { class: 'legend' },
      series.map((sr) => h('span', null, h('i', { class: 'sw ' + sr.cls }), sr.label)),
      extra || null,
    );
  }

  function figure(title, svg, series, extra, attrs) {
    return h('figure', Object.assign({ class: 'chart-box' }, attrs || {}), h('figcaption', null, h('span', { class: 'title' }, title), legend(series, extra)), svg);
  }

  // Bars per bucket: side by side (grouped) or stacked.
  function barChart({ title, buckets, label, series, stacked, format, attrs, width }) {
    const fmt = format || int;
    const W = width || 640, H = 170, L = 48, R = 8, T = 10, B = 22;
    const n = buckets.length;
    const heights = buckets.map((b) =>
      stacked ? series.reduce((a, sr) => a + (sr.value(b) || 0), 0) : Math.max(0, ...series.map((sr) => sr.value(b) || 0)),
    );
    const max = niceMax(Math.max(0, ...heights));
    const step = (W - L - R) / Math.max(n, 1);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
    const marks = Number.isInteger(max / 2) || fmt !== int ? [0, max / 2, max] : [0, max];
    for (const g of marks) {
      svg.append(s('line', { x1: L, x2: W - R, y1: y(g), y2: y(g), class: 'grid' }));
      svg.append(s('text', { x: L - 5, y: y(g) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(g)));
    }
    const every = Math.max(1, Math.ceil(n / 8));
    buckets.forEach((b, i) => {
      const g = s('g', { class: 'bucket', 'data-i': i });
      const bw = Math.max(1, step * 0.78);
      const x = L + i * step + (step - bw) / 2;
      let base = 0;
      series.forEach((sr, k) => {
        const v = sr.value(b) || 0;
        if (v <= 0) return;
        if (stacked) {
          g.append(s('rect', { x, y: y(base + v), width: bw, height: y(base) - y(base + v), class: 'bar ' + sr.cls }));
          base += v;
        } else {
          const w = bw / series.length;
          g.append(s('rect', { x: x + k * w, y: y(v), width: w, height: y(0) - y(v), class: 'bar ' + sr.cls }));
        }
      });
      const tip = label(b) + '\n' + series.map((sr) => `${sr.label}: ${fmt(sr.value(b) || 0)}`).join('\n');
      g.append(s('rect', { x: L + i * step, y: T, width: step, height: H - T - B, class: 'hit' }, s('title', null, tip)));
      svg.append(g);
      if (i % every === 0) svg.append(s('text', { x: L + i * step + step / 2, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, label(b)));
    });
    return figure(title, svg, series, null, attrs);
  }

  // Lines per bucket (null: no value there), with an optional reference line (an SLA).
  function lineChart({ title, buckets, label, series, ref, attrs, width }) {
    const W = width || 640, H = 170, L = 56, R = 8, T = 10, B = 22;
    const n = buckets.length;
    const values = buckets.flatMap((b) => series.map((sr) => sr.value(b))).filter((v) => v !== null && v !== undefined && isFinite(v));
    const max = niceDuration(Math.max(0, ...values, ref ? ref.value * 1.15 : 0));
    const step = (W - L - R) / Math.max(n, 1);
    const cx = (i) => L + i * step + step / 2;
    const y = (v) => T + (H - T - B) * (1 - Math.min(v, max) / max);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
    for (const g of [0, max / 2, max]) {
      svg.append(s('line', { x1: L, x2: W - R, y1: y(g), y2: y(g), class: 'grid' }));
      svg.append(s('text', { x: L - 5, y: y(g) + 4, class: 'axis', 'text-anchor': 'end' }, duration(g)));
    }
    if (ref) {
      svg.append(s('line', { x1: L, x2: W - R, y1: y(ref.value), y2: y(ref.value), class: 'ref' }));
      svg.append(s('text', { x: W - R - 4, y: y(ref.value) - 4, class: 'axis ref-label', 'text-anchor': 'end' }, ref.label));
    }
    const lines = s('g', null);
    const dots = s('g', null);
    svg.append(lines, dots);
    for (const sr of series) {
      let d = '';
      let open = false;
      buckets.forEach((b, i) => {
        const v = sr.value(b);
        if (v === null || v === undefined || !isFinite(v)) {
          open = false;
          return;
        }
        d += (open ? 'L' : 'M') + cx(i).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
        open = true;
        dots.append(s('circle', { cx: cx(i), cy: y(v), r: 2.5, class: 'dot ' + sr.cls }));
      });
      if (d) lines.append(s('path', { d, class: 'line ' + sr.cls }));
    }
    const every = Math.max(1, Math.ceil(n / 8));
    buckets.forEach((b, i) => {
      const tip = label(b) + '\n' + series.map((sr) => `${sr.label}: ${duration(sr.value(b))}`).join('\n');
      svg.append(s('rect', { x: L + i * step, y: T, width: step, height: H - T - B, class: 'hit' }, s('title', null, tip)));
      if (i % every === 0) svg.append(s('text', { x: cx(i), y: H - 6, class: 'axis', 'text-anchor': 'middle' }, label(b)));
    });
    const extra = ref ? h('span', null, h('i', { class: 'sw ref' }), ref.label) : null;
    return figure(title, svg, series, extra, attrs);
  }

  // A row's small bar chart: counts per bucket, the last one (now) marked.
  function sparkline(buckets, label, cls) {
    const n = buckets.length;
    const W = n * 5, H = 22;
    const max = Math.max(1, ...buckets.map((b) => b.signals || 0));
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark', preserveAspectRatio: 'none', role: 'img' });
    svg.append(s('line', { x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, class: 'grid' }));
    buckets.forEach((b, i) => {
      const v = b.signals || 0;
      const bh = v > 0 ? Math.max(1.5, (H - 2) * (v / max)) : 0;
      if (bh) svg.append(s('rect', { x: i * 5 + 0.5, y: H - bh, width: 4, height: bh, class: 'bar ' + cls + (i === n - 1 ? ' now' : '') }));
    });
    const total = buckets.reduce((a, b) => a + (b.signals || 0), 0);
    svg.append(s('title', null, `${label}: ${int(total)} signals (${buckets.map((b) => b.signals || 0).join(', ')})`));
    return svg;
  }

  // ------------------------------------------------------------------ shared sections

  function outcomeKinds() {
    return ['fired', 'no_match', 'not_icp', 'excluded', 'suppressed', 'deduplicated', 'error'];
  }

  // An alert's value or threshold in its rule's unit: a drop or a success rate
  // as a percentage, a spike as a multiple, ages and latencies as durations
  // (GET /v1/alerts sends those in seconds: docs/operations.md).
  const ALERT_DURATION_MS = 1000;
  function alertValue(rule, v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    if (rule === 'volume_drop' || rule === 'success_rate') return pct(v);
    if (rule === 'volume_spike') return (v >= 100 ? Math.round(v) : Number(v.toFixed(1))) + '×';
    if (['lag', 'latency_p95', 'undelivered'].includes(rule)) return duration(v * ALERT_DURATION_MS);
    return String(v);
  }

  function alertRows(alerts) {
    return alerts.map((a) =>
      h(
        'tr',
        { 'data-alert': a.key, class: a.state },
        h('td', null, badge(a.state)),
        h('td', null, h('code', null, a.rule)),
        h(
          'td',
          null,
          a.play ? playLink(a.play) : null,
          a.subject && a.subject !== 'play ' + a.play ? h('div', { class: a.play ? 'muted small' : '' }, a.subject) : null,
          !a.play && !a.subject ? '–' : null,
        ),
        h('td', null, a.summary || ''),
        h('td', { class: 'num', 'data-col': 'value' }, alertValue(a.rule, a.value)),
        h('td', { class: 'num', 'data-col': 'threshold' }, alertValue(a.rule, a.threshold)),
        h('td', null, when(a.since)),
        h('td', null, a.until ? when(a.until) : '–'),
      ),
    );
  }

  function alertsTable(alerts, empty, which) {
    if (!alerts.length) return h('p', { class: 'ok-note', 'data-empty': 'alerts' + (which ? '-' + which : '') }, empty);
    return table(['state', 'rule', 'play / subject', 'summary', 'value', 'threshold', 'since', 'until'], alertRows(alerts), {
      class: 'alerts' + (which ? ' ' + which : ''),
    });
  }

  // Sum of the outcome counts of several history buckets.
  function sumBuckets(buckets) {
    const out = { signals: 0, outcomes: {}, suppressed_by: {}, actions: { issued: 0, delivered: 0, failed: 0 } };
    for (const b of buckets) {
      out.signals += b.signals || 0;
      for (const [k, v] of Object.entries(b.outcomes || {})) out.outcomes[k] = (out.outcomes[k] || 0) + v;
      for (const [k, v] of Object.entries(b.suppressed_by || {})) out.suppressed_by[k] = (out.suppressed_by[k] || 0) + v;
      for (const k of ['issued', 'delivered', 'failed']) out.actions[k] += (b.actions && b.actions[k]) || 0;
    }
    return out;
  }

  const latency = (b, which, q) => {
    const l = b.latency_ms && b.latency_ms[which];
    return l && l.count > 0 ? l[q] : null;
  };

  // ------------------------------------------------------------------ overview

  async function overviewPage() {
    const [ov, plays, alerts] = await Promise.all([settle(api('/v1/overview')), settle(api('/v1/plays')), settle(api('/v1/alerts'))]);
    const w = windows(ov.ok ? ov.value.now : null);
    // The overview has the last 24 hours; without it, the history's.
    const [hourly, daily] = await Promise.all([
      ov.ok ? null : settle(api(historyUrl({ step: 'hour', from: w.hours(24), to: w.now }))),
      settle(api(historyUrl({ step: 'day', from: w.days(14), to: w.now }))),
    ]);
    const playList = plays.ok ? plays.value.plays : [];
    const alertList = alerts.ok ? alerts.value.alerts : [];
    const firing = alertList.filter((a) => a.state === 'firing');
    updated(ov.ok ? `${when(ov.value.now)} · play set ${ov.value.play_set}` : `${when(new Date())} (browser clock)`);

    const content = [h('h1', null, 'Overview')];
    content.push(ov.ok ? overviewTiles(ov.value, daily, playList) : problem('The overview', ov.error));

    content.push(
      section(
        'Alerts',
        alerts.ok
          ? [
              h('h3', null, 'Firing'),
              alertsTable(firing, 'No alert is firing.', 'firing'),
              h('h3', null, 'Resolved in the last 7 days'),
              alertsTable(
                alertList.filter((a) => a.state !== 'firing'),
                'No alert resolved in the last 7 days.',
                'resolved',
              ),
            ]
          : problem('Alerts', alerts.error),
      ),
    );
    if (ov.ok) content.push(section('Today, all plays', todayOutcomes(ov.value.today || {})));

    const charts = [];
    if (ov.ok) charts.push(...last24hCharts(ov.value, playList));
    if (daily.ok) {
      charts.push(
        barChart({
          title: 'Signals and fires per day (14 days, all plays)',
          buckets: daily.value.buckets,
          label: (b) => dayLabel(b.start),
          series: [
            { label: 'signals', cls: 'signals', value: (b) => b.signals },
            { label: 'fired', cls: 'fired', value: (b) => (b.outcomes || {}).fired },
          ],
          attrs: { 'data-chart': 'daily-volume' },
        }),
      );
    } else {
      charts.push(problem('Daily volume', daily.error));
    }
    if (hourly && hourly.ok) charts.unshift(hourlyFromHistory(hourly.value));
    content.push(section('Volume, actions and latency', h('div', { class: 'charts' }, charts)));

    content.push(section('Queues', ov.ok ? queueTables(ov.value, firing) : problem('Queues', ov.error)));

    const playsBox = h('div', null);
    const typesBox = h('div', null);
    content.push(section('Plays', plays.ok ? playsBox : problem('The plays', plays.error)));
    content.push(section('Signal types', plays.ok ? typesBox : problem('The signal types', plays.error)));
    main.replaceChildren(...content);
    if (plays.ok) {
      fillPlaysTable(playsBox, playList, firing, w);
      fillTypesTable(typesBox, playList, w);
    }
  }

  function overviewTiles(ov, daily, plays) {
    const t = ov.today || {};
    const finished = (t.actions_delivered || 0) + (t.actions_failed || 0);
    const failure = ratio(t.actions_failed || 0, finished);
    const execution = ratio(t.fired || 0, t.signals || 0);
    const today = daily.ok && daily.value.buckets.length ? daily.value.buckets[daily.value.buckets.length - 1] : null;
    const p50 = today ? latency(today, 'from_occurred', 'p50') : null;
    const p95 = today ? latency(today, 'from_occurred', 'p95') : null;
    const slas = plays.filter((p) => p.sla_ms).map((p) => p.sla_ms);
    const tightest = slas.length ? Math.min(...slas) : null;
    const lanes = Object.entries(ov.lanes || {});
    const oldest = lanes.reduce((m, [, l]) => Math.max(m, l.oldest_age_ms || 0), 0);
    const depth = lanes.reduce((m, [, l]) => m + (l.depth || 0), 0);
    const store = ov.store || { state: 'ok' };
    return h(
      'div',
      { class: 'tiles' },
      tile('signals_today', 'Signals today', int(t.signals), `${int(t.fired)} fired · ${int(t.suppressed)} suppressed`),
      tile('execution_rate', 'Action execution rate', pct(execution), `${int(t.fired)} of ${int(t.signals)} signals produced an action`),
      tile('failure_rate', 'Failure rate', pct(failure), `${int(t.actions_failed)} failed attempts · ${int(t.actions_delivered)} delivered`, failure > 0.05 ? 'bad' : ''),
      tile(
        'latency',
        'Latency today (p50 / p95)',
        `${duration(p50)} / ${duration(p95)}`,
        tightest ? `signal → delivered; tightest SLA ${duration(tightest)}` : 'signal → delivered',
        p95 !== null && tightest !== null && p95 > tightest ? 'warn' : '',
      ),
      tile('alerts_firing', 'Alerts firing', int(ov.alerts_firing), ov.alerts_firing ? 'see below' : 'all quiet', ov.alerts_firing > 0 ? 'bad' : 'good'),
      tile('queue', 'Signals queued', int(depth), `oldest waiting ${duration(oldest)}`, ''),
      tile('dlq', 'DLQ', int(ov.dlq), ov.dlq ? 'actions that gave up: replay them' : 'empty', ov.dlq > 0 ? 'bad' : 'good', '/dlq'),
      tile('pending', 'Actions pending', int(ov.pending_actions), `${int(ov.undelivered)} undelivered past the alert age`, ov.undelivered > 0 ? 'bad' : ''),
      tile('store', 'Store', store.state, store.reason || (ov.play_set ? 'play set ' + ov.play_set : ''), store.state === 'ok' ? 'good' : 'bad'),
    );
  }

  // Today's counts over all plays: every outcome and the actions.
  function todayOutcomes(t) {
    const rows = outcomeKinds().map((k) =>
      h('tr', { 'data-today': k }, h('td', null, badge(k)), h('td', { class: 'num' }, int(t[k])), h('td', { class: 'num' }, pct(ratio(t[k] || 0, t.signals || 0)))),
    );
    rows.unshift(h('tr', { 'data-today': 'signals', class: 'total' }, h('td', null, 'signals (each play it reached)'), h('td', { class: 'num' }, int(t.signals)), h('td', null)));
    const actions = [
      ['actions issued', 'actions_issued'],
      ['actions delivered', 'actions_delivered'],
      ['delivery attempts failed', 'actions_failed'],
      ['actions to the DLQ', 'actions_dlq'],
    ].map(([label, k]) => h('tr', { 'data-today': k }, h('td', null, label), h('td', { class: 'num' }, int(t[k])), h('td', { class: 'num' }, k === 'actions_issued' ? '' : pct(ratio(t[k] || 0, t.actions_issued || 0)))));
    return h(
      'div',
      { class: 'two' },
      table(['outcome', 'today', 'share'], rows, { class: 'today' }),
      h('div', null, stackBar(t, 'Outcomes today'), table(['actions', 'today', 'of issued'], actions, { class: 'today-actions' })),
    );
  }

  const ms = (v) => (v === undefined ? null : v);

  function last24hCharts(ov, plays) {
    const hours = ov.last_24h_by_hour || [];
    const slas = plays.filter((p) => p.sla_ms);
    const tightest = slas.length ? slas.reduce((a, p) => (p.sla_ms < a.sla_ms ? p : a)) : null;
    return [
      barChart({
        title: 'Signals and fires per hour (24 h)',
        buckets: hours,
        label: (b) => hourLabel(b.start),
        series: [
          { label: 'signals', cls: 'signals', value: (b) => b.signals },
          { label: 'fired', cls: 'fired', value: (b) => b.fired },
        ],
        attrs: { 'data-chart': 'hourly-volume' },
      }),
      barChart({
        title: 'Actions delivered and failed per hour (24 h)',
        buckets: hours,
        label: (b) => hourLabel(b.start),
        stacked: true,
        series: [
          { label: 'delivered', cls: 'delivered', value: (b) => b.delivered },
          { label: 'failed', cls: 'failed', value: (b) => b.failed },
        ],
        attrs: { 'data-chart': 'hourly-actions' },
      }),
      lineChart({
        title: 'Latency per hour, signal → delivered (24 h)',
        buckets: hours,
        label: (b) => hourLabel(b.start),
        // The contract's p50_ms / p95_ms; playd also sends them from occurred_at
        // (p50_occurred_ms, p95_occurred_ms), and then p50_ms / p95_ms are from received_at.
        series: hours.some((b) => 'p95_occurred_ms' in b)
          ? [
              { label: 'p50 from occurred_at', cls: 'p50', value: (b) => ms(b.p50_occurred_ms) },
              { label: 'p95 from occurred_at', cls: 'p95', value: (b) => ms(b.p95_occurred_ms) },
              { label: 'p95 from received_at', cls: 'p95r', value: (b) => ms(b.p95_ms) },
            ]
          : [
              { label: 'p50', cls: 'p50', value: (b) => ms(b.p50_ms) },
              { label: 'p95', cls: 'p95', value: (b) => ms(b.p95_ms) },
            ],
        ref: tightest ? { value: tightest.sla_ms, label: `SLA ${duration(tightest.sla_ms)} (${tightest.name})` } : null,
        attrs: { 'data-chart': 'hourly-latency' },
      }),
    ];
  }

  function hourlyFromHistory(history) {
    return barChart({
      title: 'Signals and fires per hour (24 h)',
      buckets: history.buckets,
      label: (b) => hourLabel(b.start),
      series: [
        { label: 'signals', cls: 'signals', value: (b) => b.signals },
        { label: 'fired', cls: 'fired', value: (b) => (b.outcomes || {}).fired },
      ],
      attrs: { 'data-chart': 'hourly-volume' },
    });
  }

  function queueTables(ov, firing) {
    const lagging = new Set(firing.filter((a) => a.rule === 'lag').map((a) => a.subject));
    const lanes = Object.entries(ov.lanes || {}).map(([name, l]) =>
      h(
        'tr',
        { 'data-lane': name },
        h('td', null, name),
        h('td', { class: 'num' }, int(l.depth)),
        h('td', { class: 'num' }, duration(l.oldest_age_ms)),
        h('td', null, lagging.has('lane ' + name) ? badge('lag alert', 'firing') : badge('ok', 'good')),
      ),
    );
    const outbox = (ov.outbox || []).map((o) =>
      h('tr', { 'data-sink': o.sink }, h('td', null, o.sink), h('td', { class: 'num' }, int(o.depth)), h('td', { class: 'num' }, duration(o.oldest_age_ms))),
    );
    return h(
      'div',
      { class: 'two' },
      h('div', null, h('h3', null, 'Signal lanes'), table(['lane', 'queued', 'oldest waiting', ''], lanes, { class: 'lanes' })),
      h(
        'div',
        null,
        h('h3', null, 'Actions waiting per sink'),
        outbox.length ? table(['sink', 'waiting', 'oldest'], outbox, { class: 'outbox' }) : h('p', { class: 'ok-note' }, 'No action is waiting for a sink.'),
      ),
    );
  }

  function fillPlaysTable(box, plays, firing, w) {
    const rows = plays.map((p) => {
      const c = (p.counts && p.counts['24h']) || {};
      const finished = (c.actions_delivered || 0) + (c.actions_failed || 0);
      const failure = ratio(c.actions_failed || 0, finished);
      const alertsOf = firing.filter((a) => a.play === p.name).length;
      const hourCell = h('td', { class: 'spark-cell' });
      const dayCell = h('td', { class: 'spark-cell' });
      const p95Cell = h('td', { class: 'num' }, '…');
      limited(() => api(historyUrl({ play: p.name, step: 'hour', from: w.hours(24), to: w.now }))).then(
        (r) => hourCell.replaceChildren(sparkline(r.buckets, p.name + ', 24 h by hour', 'signals')),
        () => hourCell.replaceChildren('–'),
      );
      limited(() => api(historyUrl({ play: p.name, step: 'day', from: w.days(14), to: w.now }))).then(
        (r) => {
          dayCell.replaceChildren(sparkline(r.buckets, p.name + ', 14 days by day', 'signals'));
          const today = r.buckets[r.buckets.length - 1];
          const p95 = today ? latency(today, 'from_occurred', 'p95') : null;
          const over = p95 !== null && p.sla_ms && p95 > p.sla_ms;
          p95Cell.replaceChildren(h('span', { class: over ? 'over' : '' }, duration(p95)));
          if (over) p95Cell.append(' ', badge('over SLA', 'firing'));
        },
        () => {
          dayCell.replaceChildren('–');
          p95Cell.replaceChildren('–');
        },
      );
      return h(
        'tr',
        { 'data-play': p.name },
        h('td', null, playLink(p.name), h('div', { class: 'muted small' }, p.title || '')),
        h('td', null, badge(p.priority || 'normal', 'prio-' + (p.priority || 'normal')), ' ', p.mode === 'shadow' ? badge('shadow') : null),
        h('td', { class: 'num', 'data-col': 'signals' }, int(c.signals)),
        h('td', { class: 'num', 'data-col': 'fired' }, int(c.fired)),
        h('td', { class: 'num', 'data-col': 'execution' }, pct(ratio(c.fired || 0, c.signals || 0))),
        h('td', { class: 'num', 'data-col': 'failure' }, h('span', { class: failure > 0.05 ? 'over' : '' }, pct(failure))),
        p95Cell,
        h('td', { class: 'num' }, p.sla_ms ? duration(p.sla_ms) : '–'),
        hourCell,
        dayCell,
        h('td', { class: 'num' }, alertsOf ? badge(String(alertsOf), 'firing') : ''),
      );
    });
    box.replaceChildren(
      table(
        ['play', '', 'signals 24 h', 'fired 24 h', 'execution', 'failures', 'p95 today', 'SLA', 'by hour (24 h)', 'by day (14 d)', 'alerts'],
        rows,
        { class: 'plays' },
      ),
    );
  }

  function fillTypesTable(box, plays, w) {
    const types = new Map();
    for (const p of plays) for (const t of p.signals || []) types.set(t, (types.get(t) || []).concat(p.name));
    const rows = [...types.keys()].sort().map((type) => {
      const hourCell = h('td', { class: 'spark-cell' });
      const dayCell = h('td', { class: 'spark-cell' });
      const total = h('td', { class: 'num', 'data-col': '24h' }, '…');
      const today = h('td', { class: 'num', 'data-col': 'today' }, '…');
      const avg = h('td', { class: 'num', 'data-col': 'avg7' }, '…');
      const vs = h('td', { class: 'num', 'data-col': 'vs' }, '…');
      limited(() => api(historyUrl({ signal_type: type, step: 'hour', from: w.hours(24), to: w.now }))).then(
        (r) => {
          hourCell.replaceChildren(sparkline(r.buckets, type + ', 24 h by hour', 'signals'));
          total.replaceChildren(int(r.buckets.reduce((a, b) => a + (b.signals || 0), 0)));
        },
        () => {
          hourCell.replaceChildren('–');
          total.replaceChildren('–');
        },
      );
      limited(() => api(historyUrl({ signal_type: type, step: 'day', from: w.days(8), to: w.now }))).then(
        (r) => {
          dayCell.replaceChildren(sparkline(r.buckets, type + ', 8 days by day', 'signals'));
          const days = r.buckets.map((b) => b.signals || 0);
          const now = days.length ? days[days.length - 1] : 0;
          const before = days.slice(0, -1);
          const mean = before.length ? before.reduce((a, b) => a + b, 0) / before.length : null;
          today.replaceChildren(int(now));
          avg.replaceChildren(mean === null ? '–' : mean.toFixed(1));
          const r2 = mean ? now / mean : null;
          vs.replaceChildren(h('span', { class: r2 !== null && (r2 < 0.5 || r2 > 10) ? 'over' : '' }, r2 === null ? '–' : pct(r2)));
        },
        () => [dayCell, today, avg, vs].forEach((c) => c.replaceChildren('–')),
      );
      return h('tr', { 'data-type': type }, h('td', null, h('code', null, type)), h('td', null, types.get(type).map((n, i) => [i ? ', ' : '', playLink(n)])), total, today, avg, vs, hourCell, dayCell);
    });
    box.replaceChildren(
      table(['signal type', 'plays', 'signals 24 h', 'today', '7-day average', 'today / average', 'by hour (24 h)', 'by day (8 d)'], rows, { class: 'types' }),
    );
  }

  // ------------------------------------------------------------------ one play

  async function playPage(name) {
    const decisionsBox = h('div', null);
    const [plays, alerts] = await Promise.all([settle(api('/v1/plays')), settle(api('/v1/alerts'))]);
    const ov = await settle(api('/v1/overview'));
    const w = windows(ov.ok ? ov.value.now : null);
    const [hourly, daily] = await Promise.all([
      settle(api(historyUrl({ play: name, step: 'hour', from: w.hours(24), to: w.now }))),
      settle(api(historyUrl({ play: name, step: 'day', from: w.days(30), to: w.now }))),
    ]);
    const play = plays.ok ? plays.value.plays.find((p) => p.name === name) : null;
    updated(ov.ok ? `${when(ov.value.now)} · play set ${ov.value.play_set}` : `${when(new Date())} (browser clock)`);
    const content = [];
    content.push(
      h(
        'h1',
        null,
        play && play.title ? play.title + ' ' : '',
        h('code', { class: 'name' }, name),
        ' ',
        play ? [badge(play.mode || 'live', play.mode === 'shadow' ? 'shadow' : 'live'), ' ', badge(play.priority || 'normal', 'prio-' + (play.priority || 'normal'))] : null,
      ),
    );
    if (plays.ok && !play) content.push(h('p', { class: 'problem', 'data-problem': 'unknown-play' }, `No play named ${name} in the running play set ${plays.value.play_set}.`));
    if (!plays.ok) content.push(problem('The registry', plays.error));
    if (play) content.push(section('Registry', registry(play, plays.value)));
    if (play) content.push(section('Outcomes', outcomes(play, daily)));
    const charts = [];
    if (hourly.ok) charts.push(...playCharts(hourly.value.buckets, play, (b) => hourLabel(b.start), '24 h, by hour', 'hourly'));
    else charts.push(problem('Hourly history', hourly.error));
    if (daily.ok) charts.push(...playCharts(daily.value.buckets, play, (b) => dayLabel(b.start), '30 days, by day', 'daily'));
    else charts.push(problem('Daily history', daily.error));
    content.push(section('Volume and latency', h('div', { class: 'charts three' }, charts)));
    const mine = alerts.ok ? alerts.value.alerts.filter((a) => a.play === name) : [];
    content.push(section('Alerts', alerts.ok ? alertsTable(mine, 'No alert for this play in the last 7 days.', 'mine') : problem('Alerts', alerts.error)));
    content.push(section('Recent decisions', decisionsBox));
    main.replaceChildren(...content);
    await decisions(decisionsBox, name, decisionFilter);
  }

  let decisionFilter = ''; // kept across the page's refreshes

  function registry(p, set) {
    const dedup = (p.dedup || []).map((d) => `within ${d.within}${d.per ? ' per ' + d.per : ''}`).join('; ');
    return definitionList([
      ['id', h('code', null, p.id)],
      ['file', h('code', null, p.file + (p.line ? ':' + p.line : ''))],
      ['title', p.title],
      ['signals', (p.signals || []).map((t, i) => [i ? ', ' : '', h('code', null, t)])],
      ['ICP', (p.icps || []).join(', ')],
      ['suppression', p.suppression ? 'central suppress block: ' + (p.suppression_rules || []).join(', ') : 'not applied'],
      ['exclusions', (p.exclusions || []).join('; ')],
      ['dedup', dedup],
      ['actions', (p.actions || []).map((a, i) => [i ? ', ' : '', h('code', null, a.action), ' → ', a.sink])],
      ['owner', p.owner],
      ['on-call', p.oncall],
      ['SLA', p.sla_ms ? duration(p.sla_ms) : 'none'],
      ['priority', p.priority],
      ['mode', p.mode],
      ['tags', (p.tags || []).join(', ')],
      ['runbook', !p.runbook ? 'none' : /^https?:\/\//i.test(p.runbook) ? link(p.runbook, p.runbook, { rel: 'noopener noreferrer', class: 'runbook' }) : p.runbook],
      ['play set', set.play_set ? `${set.play_set} (loaded ${when(set.loaded_at)})` : ''],
    ]);
  }

  function outcomes(p, daily) {
    const kinds = outcomeKinds();
    const c24 = (p.counts && p.counts['24h']) || {};
    const c7 = (p.counts && p.counts['7d']) || {};
    const rows = kinds.map((k) =>
      h(
        'tr',
        { 'data-outcome': k },
        h('td', null, badge(k)),
        h('td', { class: 'num' }, int(c24[k])),
        h('td', { class: 'num' }, pct(ratio(c24[k] || 0, c24.signals || 0))),
        h('td', { class: 'num' }, int(c7[k])),
        h('td', { class: 'num' }, pct(ratio(c7[k] || 0, c7.signals || 0))),
      ),
    );
    rows.unshift(h('tr', { 'data-outcome': 'signals', class: 'total' }, h('td', null, 'signals reaching the play'), h('td', { class: 'num' }, int(c24.signals)), h('td', null), h('td', { class: 'num' }, int(c7.signals)), h('td', null)));
    const actionRows = [
      ['actions issued', 'actions_issued'],
      ['actions delivered', 'actions_delivered'],
      ['delivery attempts failed', 'actions_failed'],
      ['actions to the DLQ', 'actions_dlq'],
    ].map(([label, k]) => h('tr', { 'data-outcome': k }, h('td', null, label), h('td', { class: 'num' }, int(c24[k])), h('td', null), h('td', { class: 'num' }, int(c7[k])), h('td', null)));
    // Rates over 7 days, as the seed defines them.
    const passedWhere = (c7.signals || 0) - (c7.no_match || 0);
    const finished = (c7.actions_delivered || 0) + (c7.actions_failed || 0);
    const rates = h(
      'div',
      { class: 'tiles small' },
      tile('fire_rate', 'Fire rate (7 d)', pct(ratio(c7.fired || 0, c7.signals || 0)), 'fired / signals'),
      tile('icp_pass_rate', 'ICP pass rate (7 d)', pct(ratio(passedWhere - (c7.not_icp || 0), passedWhere)), 'past `where`, in the ICP'),
      tile('suppression_rate', 'Suppression rate (7 d)', pct(ratio(c7.suppressed || 0, c7.signals || 0)), 'suppressed / signals'),
      tile('dedup_rate', 'Dedup rate (7 d)', pct(ratio(c7.deduplicated || 0, c7.signals || 0)), 'already handled'),
      tile('failure_rate', 'Failure rate (7 d)', pct(ratio(c7.actions_failed || 0, finished)), 'failed / (delivered + failed) attempts', ratio(c7.actions_failed || 0, finished) > 0.05 ? 'bad' : ''),
    );
    let reasons;
    if (daily.ok) {
      const week = sumBuckets(daily.value.buckets.slice(-7));
      const entries = Object.entries(week.suppressed_by).sort((a, b) => b[1] - a[1]);
      reasons = entries.length
        ? table(
            ['suppression reason (7 d)', 'signals', 'share of suppressed'],
            entries.map(([r, n]) => h('tr', { 'data-reason': r }, h('td', null, r), h('td', { class: 'num' }, int(n)), h('td', { class: 'num' }, pct(ratio(n, week.outcomes.suppressed || 0))))),
            { class: 'reasons' },
          )
        : h('p', { class: 'muted', 'data-empty': 'reasons' }, 'Nothing was suppressed in the last 7 days.');
    } else {
      reasons = problem('Suppression reasons', daily.error);
    }
    return [
      rates,
      h('div', { class: 'two' }, table(['outcome', '24 h', 'share', '7 d', 'share'], [rows, actionRows], { class: 'outcomes' }), h('div', null, stackBar(c7), reasons, sinkTable(p, daily))),
    ];
  }

  // The play's actions per sink over the last 7 days (the history's by_sink).
  function sinkTable(p, daily) {
    if (!daily.ok) return problem('Actions per sink', daily.error);
    const zero = () => ({ issued: 0, delivered: 0, failed: 0, dlq: 0 });
    const sinks = new Map((p.actions || []).map((a) => [a.sink, zero()]));
    for (const b of daily.value.buckets.slice(-7))
      for (const [sink, n] of Object.entries(b.by_sink || {})) {
        const t = sinks.get(sink) || zero();
        for (const k of ['issued', 'delivered', 'failed', 'dlq']) t[k] += n[k] || 0;
        sinks.set(sink, t);
      }
    if (!sinks.size) return h('p', { class: 'muted', 'data-empty': 'sinks' }, 'This play has no action.');
    return table(
      ['sink (7 d)', 'issued', 'delivered', 'failed attempts', 'to the DLQ', 'success rate'],
      [...sinks].map(([sink, t]) => {
        const rate = ratio(t.delivered, t.delivered + t.failed);
        return h(
          'tr',
          { 'data-sink': sink },
          h('td', null, sink),
          h('td', { class: 'num' }, int(t.issued)),
          h('td', { class: 'num' }, int(t.delivered)),
          h('td', { class: 'num' }, int(t.failed)),
          h('td', { class: 'num' }, h('span', { class: t.dlq > 0 ? 'over' : '' }, int(t.dlq))),
          h('td', { class: 'num' }, h('span', { class: rate !== null && rate < 0.95 ? 'over' : '' }, pct(rate))),
        );
      }),
      { class: 'sinks' },
    );
  }

  // The 7 days' outcomes as one horizontal bar.
  function stackBar(c, title) {
    const kinds = outcomeKinds();
    const total = kinds.reduce((a, k) => a + (c[k] || 0), 0);
    const svg = s('svg', { viewBox: '0 0 400 24', class: 'stack', role: 'img', 'aria-label': title || 'outcomes, 7 days', preserveAspectRatio: 'none' });
    let x = 0;
    for (const k of kinds) {
      const v = c[k] || 0;
      if (!v || !total) continue;
      const wd = (400 * v) / total;
      svg.append(s('rect', { x, y: 0, width: wd, height: 24, class: 'bar ' + k }, s('title', null, `${k}: ${int(v)} (${pct(v / total)})`)));
      x += wd;
    }
    if (!total) svg.append(s('rect', { x: 0, y: 0, width: 400, height: 24, class: 'empty' }));
    return h('figure', { class: 'chart-box' }, h('figcaption', null, h('span', { class: 'title' }, title || 'Outcomes, 7 days'), legend(kinds.map((k) => ({ label: k, cls: k })))), svg);
  }

  function playCharts(buckets, play, label, span, key) {
    const volume = barChart({
      title: `Signals and fires (${span})`,
      buckets,
      label,
      series: [
        { label: 'signals', cls: 'signals', value: (b) => b.signals },
        { label: 'fired', cls: 'fired', value: (b) => (b.outcomes || {}).fired },
        { label: 'suppressed', cls: 'suppressed', value: (b) => (b.outcomes || {}).suppressed },
      ],
      attrs: { 'data-chart': key + '-volume' },
      width: 440,
    });
    const actions = barChart({
      title: `Actions delivered and failed (${span})`,
      buckets,
      label,
      stacked: true,
      series: [
        { label: 'delivered', cls: 'delivered', value: (b) => (b.actions || {}).delivered },
        { label: 'failed', cls: 'failed', value: (b) => (b.actions || {}).failed },
      ],
      attrs: { 'data-chart': key + '-actions' },
      width: 440,
    });
    const lat = lineChart({
      title: `Latency, signal → delivered (${span})`,
      buckets,
      label,
      series: [
        { label: 'p50 from occurred_at', cls: 'p50', value: (b) => latency(b, 'from_occurred', 'p50') },
        { label: 'p95 from occurred_at', cls: 'p95', value: (b) => latency(b, 'from_occurred', 'p95') },
        { label: 'p95 from received_at', cls: 'p95r', value: (b) => latency(b, 'from_received', 'p95') },
      ],
      ref: play && play.sla_ms ? { value: play.sla_ms, label: `SLA ${duration(play.sla_ms)}` } : null,
      attrs: { 'data-chart': key + '-latency' },
      width: 440,
    });
    return [volume, actions, lat];
  }

  async function decisions(box, name, outcome) {
    decisionFilter = outcome;
    const filters = h(
      'div',
      { class: 'filters' },
      ['', ...outcomeKinds()].map((k) =>
        h('button', { type: 'button', class: k === outcome ? 'chip on' : 'chip', 'data-filter': k || 'all', onclick: () => decisions(box, name, k) }, k || 'all'),
      ),
    );
    const r = await settle(api('/v1/decisions?' + new URLSearchParams(Object.assign({ play: name, limit: '50' }, outcome ? { outcome } : {})).toString()));
    if (!r.ok) return box.replaceChildren(filters, problem('Recent decisions', r.error));
    const list = r.value.decisions;
    box.replaceChildren(
      filters,
      list.length
        ? table(
            ['decided at', 'signal (trace)', 'type', 'outcome', 'reason', 'deciding clause'],
            list.map((d) =>
              h(
                'tr',
                { 'data-signal': d.signal },
                h('td', null, when(d.at)),
                h('td', null, traceLink(d.signal)),
                h('td', null, h('code', null, d.type || '–')),
                h('td', null, badge(d.outcome), d.shadow ? [' ', badge('shadow')] : null),
                h('td', null, d.error || d.reason || ''),
                h('td', null, d.clause ? h('code', null, d.clause) : ''),
              ),
            ),
            { class: 'decisions' },
          )
        : h('p', { class: 'muted', 'data-empty': 'decisions' }, outcome ? `No ${outcome} decision kept.` : 'No decision kept for this play (traces are kept for trace_ttl).'),
    );
  }

  // ------------------------------------------------------------------ DLQ

  async function dlqPage(notice) {
    const r = await settle(api('/v1/admin/dlq'));
    updated(`${when(new Date())} (browser clock)`);
    const content = [h('h1', null, 'Dead-letter queue')];
    if (notice) content.push(h('p', { class: 'notice', 'data-notice': 'replay' }, notice));
    if (!r.ok) {
      main.replaceChildren(...content, problem('The DLQ', r.error));
      return;
    }
    const actions = r.value.actions;
    content.push(
      h(
        'p',
        { class: 'muted' },
        'Actions that gave up (a 4xx answer, or every retry used). Replay keeps the idempotency key, gives a fresh attempt budget and checks suppression again before the send.',
      ),
    );
    if (!actions.length) {
      content.push(h('p', { class: 'ok-note', 'data-empty': 'dlq' }, 'The DLQ is empty.'));
      main.replaceChildren(...content);
      return;
    }
    const all = h('button', { type: 'button', class: 'danger', 'data-action': 'replay-all' }, `Replay all ${actions.length}`);
    let armed = false;
    all.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        all.textContent = `Confirm: replay all ${actions.length} actions`;
        return;
      }
      all.disabled = true;
      const res = await settle(api('/v1/admin/dlq/all/replay', 'POST'));
      dlqPage(res.ok ? `Replayed ${res.value.replayed} actions: they are pending again.` : 'Replay failed: ' + res.error.message);
    });
    const rows = [];
    for (const a of actions) {
      const detail = h('tr', { class: 'detail', hidden: true }, h('td', { colspan: 8 }));
      const replay = h('button', { type: 'button', 'data-action': 'replay' }, 'Replay');
      replay.addEventListener('click', async () => {
        replay.disabled = true;
        const res = await settle(api('/v1/admin/dlq/' + encodeURIComponent(a.key) + '/replay', 'POST'));
        dlqPage(res.ok ? `Replayed ${a.play} ${a.action} (${a.key}): pending again.` : `Replay of ${a.key} failed: ${res.error.message}`);
      });
      const more = h('button', { type: 'button', class: 'quiet', 'data-action': 'details' }, 'Details');
      more.addEventListener('click', async () => {
        if (!detail.hidden) {
          detail.hidden = true;
          return;
        }
        detail.hidden = false;
        const d = await settle(api('/v1/admin/dlq/' + encodeURIComponent(a.key)));
        detail.firstChild.replaceChildren(d.ok ? actionDetail(d.value) : problem('The action', d.error));
      });
      rows.push(
        h(
          'tr',
          { 'data-key': a.key },
          h('td', null, playLink(a.play)),
          h('td', null, h('code', null, a.action)),
          h('td', null, a.sink),
          h('td', null, traceLink(a.signal)),
          h('td', { class: 'num' }, int(a.attempts)),
          h('td', { class: 'error-text' }, a.last_error),
          h('td', null, h('code', { class: 'key', title: a.key }, a.key.slice(0, 12) + '…')),
          h('td', { class: 'buttons' }, more, ' ', replay),
        ),
        detail,
      );
    }
    content.push(
      h('div', { class: 'toolbar' }, h('span', { 'data-count': 'dlq' }, `${actions.length} action${actions.length === 1 ? '' : 's'} in the DLQ`), all),
      table(['play', 'action', 'sink', 'signal', 'attempts', 'last error', 'key', ''], rows, { class: 'dlq' }),
    );
    main.replaceChildren(...content);
  }

  function attemptsTable(attempts) {
    return table(
      ['#', 'at', 'result', 'HTTP', 'detail'],
      attempts.map((t) =>
        h('tr', null, h('td', { class: 'num' }, t.n), h('td', null, when(t.at_ms)), h('td', null, badge(t.result)), h('td', { class: 'num' }, t.http_status || '–'), h('td', { class: 'error-text' }, t.detail)),
      ),
      { class: 'attempts' },
    );
  }

  function actionDetail(a) {
    return h(
      'div',
      { class: 'action-detail' },
      h('p', null, 'key ', h('code', null, a.key), ' · status ', badge(a.status), a.flagged ? [' ', badge('undelivered past the alert age', 'firing')] : null),
      attemptsTable(a.attempts || []),
      h('pre', null, JSON.stringify(a.action_line, null, 2)),
    );
  }

  // ------------------------------------------------------------------ review queue

  // Open items per queue, each with a Done button; done items (kept a trace TTL) folded below.
  async function reviewPage(notice) {
    const [r, d] = await Promise.all([settle(api('/v1/review?status=open&limit=1000')), settle(api('/v1/review?status=done&limit=200'))]);
    updated(`${when(new Date())} (browser clock)`);
    const content = [
      h('h1', null, 'Review queue'),
      h('p', { class: 'muted' }, 'Accounts the plays queued for a person to look at with review(...), newest first per queue. Done marks an item reviewed; it is kept, folded below, for the trace TTL.'),
    ];
    if (notice) content.push(h('p', { class: 'notice', 'data-notice': 'review' }, notice));
    if (!r.ok) content.push(problem('The review queue', r.error));
    else if (!r.value.items.length) content.push(h('p', { class: 'ok-note', 'data-empty': 'review' }, 'Nothing to review.'));
    else {
      const queues = new Map();
      for (const i of r.value.items) {
        if (!queues.has(i.queue)) queues.set(i.queue, []);
        queues.get(i.queue).push(i);
      }
      for (const [queue, items] of [...queues].sort((a, b) => a[0].localeCompare(b[0]))) {
        content.push(h('h2', { 'data-queue': queue }, queue || '(no queue)', ' ', h('span', { class: 'muted' }, `${items.length} open`)));
        content.push(
          table(
            ['created', 'play', 'account', 'contact', 'note', 'delivery', 'signal', ''],
            items.map((i) => {
              const button = h('button', { type: 'button', 'data-action': 'done' }, 'Done');
              button.addEventListener('click', async () => {
                button.disabled = true;
                const res = await settle(api('/v1/review/' + encodeURIComponent(i.key) + '/done', 'POST'));
                reviewPage(res.ok ? `Marked done: ${i.account || i.key} (${i.queue}).` : `Marking ${i.key} done failed: ${res.error.message}`);
              });
              return h(
                'tr',
                { 'data-key': i.key },
                h('td', null, when(i.created_at)),
                h('td', null, playLink(i.play)),
                h('td', null, i.account || '–'),
                h('td', null, i.contact || '–'),
                h('td', null, i.note || ''),
                h('td', null, i.delivery ? badge(i.delivery) : '–'),
                h('td', null, i.signal ? traceLink(i.signal) : '–'),
                h('td', { class: 'buttons' }, button),
              );
            }),
            { class: 'review', 'data-queue': queue },
          ),
        );
      }
    }
    if (!d.ok) content.push(problem('The done review items', d.error));
    else if (d.value.items.length)
      content.push(
        h(
          'details',
          { class: 'review-done' },
          h('summary', null, `Done (${d.value.items.length})`),
          table(
            ['done', 'by', 'comment', 'queue', 'play', 'account', 'signal'],
            d.value.items.map((i) =>
              h(
                'tr',
                { 'data-key': i.key },
                h('td', null, i.done_at ? when(i.done_at) : '–'),
                h('td', null, i.done_by || '–'),
                h('td', null, i.comment || ''),
                h('td', null, i.queue),
                h('td', null, playLink(i.play)),
                h('td', null, i.account || '–'),
                h('td', null, i.signal ? traceLink(i.signal) : '–'),
              ),
            ),
            { class: 'review-done' },
          ),
        ),
      );
    main.replaceChildren(...content);
  }

  // ------------------------------------------------------------------ trace

  async function tracePage() {
    const id = new URLSearchParams(location.search).get('id') || '';
    const input = h('input', { type: 'search', name: 'id', id: 'signal-id', placeholder: 'a signal id, e.g. evt_003', value: id, required: true, autocomplete: 'off' });
    const form = h('form', { class: 'search', 'data-form': 'trace' }, h('label', { for: 'signal-id' }, 'Signal id'), input, h('button', { type: 'submit' }, 'Trace'));
    const out = h('div', { id: 'trace' });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (!v) return;
      history.replaceState(null, '', '/trace?id=' + encodeURIComponent(v));
      showTrace(out, v);
    });
    updated(`${when(new Date())} (browser clock)`);
    main.replaceChildren(
      h('h1', null, 'Signal trace'),
      h('p', { class: 'muted' }, 'What became of one signal: every play it reached, the outcome and why, and each action with its delivery attempts.'),
      form,
      out,
    );
    if (id) await showTrace(out, id);
  }

  async function showTrace(out, id) {
    out.replaceChildren(h('p', { class: 'muted' }, 'Looking up ' + id + '…'));
    const r = await settle(api('/v1/signals/' + encodeURIComponent(id) + '/trace'));
    if (!r.ok) {
      out.replaceChildren(
        r.error.status === 404
          ? h('p', { class: 'problem', 'data-problem': 'no-signal' }, `No signal with id ${id}: unknown, or older than the trace TTL.`)
          : problem('The trace', r.error),
      );
      return;
    }
    const t = r.value;
    const plays = t.plays || [];
    fill(
      out,
      h(
        'div',
        { class: 'trace-head', 'data-signal': t.signal },
        h('h2', null, h('code', null, t.signal), ' ', badge(t.status)),
        definitionList([
          ['lane', t.lane],
          ['received at', when(t.received_at_ms)],
          ['evaluated at', t.evaluated_at_ms ? when(t.evaluated_at_ms) : 'not yet: waiting in its lane'],
          ['play set', t.play_set || '–'],
          ['plays reached', String(plays.length)],
        ]),
      ),
      t.status === 'evaluated' && !plays.length ? h('p', { class: 'muted' }, 'No play is on this signal type.') : null,
      plays.map((p) =>
        h(
          'article',
          { class: 'trace-play ' + p.outcome, 'data-play': p.play },
          h('h3', null, playLink(p.play), ' ', badge(p.outcome), p.shadow ? [' ', badge('shadow')] : null),
          definitionList([
            p.reason ? ['reason', p.reason] : null,
            p.clause ? ['deciding clause', h('code', null, p.clause)] : null,
            p.error ? ['error', h('span', { class: 'error-text' }, p.error)] : null,
          ]),
          (p.actions || []).map((a) =>
            h(
              'div',
              { class: 'trace-action', 'data-key': a.key },
              h('h4', null, h('code', null, a.action), ' → ', a.sink, ' ', badge(a.status), ' ', h('code', { class: 'key muted' }, a.key)),
              a.attempts && a.attempts.length ? attemptsTable(a.attempts) : h('p', { class: 'muted' }, 'No attempt yet.'),
            ),
          ),
        ),
      ),
    );
  }

  // ------------------------------------------------------------------ routing

  function markNav(which) {
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('on', a.dataset.nav === which);
  }

  async function route() {
    if (document.body.dataset.auth === 'token') document.getElementById('logout').hidden = false;
    const path = location.pathname;
    let page;
    let refresh = false;
    if (path === '/') {
      markNav('overview');
      page = overviewPage;
      refresh = true;
    } else if (path.startsWith('/plays/')) {
      const name = decodeURIComponent(path.slice('/plays/'.length));
      document.title = name + ' · playd';
      page = () => playPage(name);
      refresh = true;
    } else if (path === '/dlq') {
      markNav('dlq');
      document.title = 'DLQ · playd';
      page = () => dlqPage('');
    } else if (path === '/review') {
      markNav('review');
      document.title = 'Review queue · playd';
      page = reviewPage;
    } else if (path === '/trace') {
      markNav('trace');
      document.title = 'Trace · playd';
      page = tracePage;
    } else {
      main.replaceChildren(h('p', { class: 'problem' }, 'No such page.'));
      return;
    }
    const run = async () => {
      try {
        await page();
      } catch (e) {
        main.replaceChildren(problem('This page', e));
      }
      document.body.dataset.ready = '1';
    };
    await run();
    if (refresh)
      setInterval(() => {
        if (document.visibilityState === 'visible') run();
      }, REFRESH_MS);
  }

  route();
})();
