// A fake playd for the dashboard: the dashboard's own files from
// apps/playd/dashboard/ (served as playd serves them: the same shell for
// every page, the same headers), and canned JSON shaped exactly like the
// contract (docs/operations.md, "Reading playd over HTTP") with an in-memory DLQ whose
// replay works. For developing the pages without building playd, and for
// the test's contract phase (run.mjs), which asserts the numbers below.
//
//   node tests/dashboard/fake_api.mjs [PORT]     then open http://127.0.0.1:PORT/
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ASSETS = join(here, '..', '..', 'apps', 'playd', 'dashboard');
const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const NOW = '2026-06-20T10:30:00Z';
const HOUR = 3600e3;
const DAY = 24 * HOUR;

const counts = (signals, fired, extra = {}) =>
  Object.assign(
    { signals, fired, no_match: 0, not_icp: 0, excluded: 0, suppressed: 0, deduplicated: 0, error: 0, actions_issued: fired, actions_delivered: fired, actions_failed: 0, actions_dlq: 0 },
    extra,
  );

// Three plays: one healthy, one whose tracking broke today (volume_drop
// firing), one whose sink fails (success_rate firing, DLQ).
export const PLAYS = {
  version: 1,
  play_set: '3db5c418',
  loaded_at: '2026-06-20T08:00:00Z',
  plays: [
    {
      name: 'pricing_visit_enterprise',
      id: 'pricing_visit_enterprise',
      title: 'Enterprise pricing-page visit',
      file: 'plays/website/pricing_visit.play',
      line: 3,
      signals: ['website.page_viewed'],
      icps: ['enterprise'],
      suppression: true,
      suppression_rules: ['do not contact', 'active sequence', 'open opportunity'],
      exclusions: ['strategic accounts are hand-run'],
      dedup: [{ within: '4h', per: 'contact' }],
      actions: [{ action: 'enroll', sink: 'sequencer' }],
      owner: 'revops@acme.com',
      oncall: '#gtm-oncall',
      sla_ms: 900000,
      priority: 'high',
      mode: 'live',
      tags: ['website', 'enterprise'],
      runbook: 'https://wiki.acme.com/runbooks/pricing-visit',
      dashboard: '/plays/pricing_visit_enterprise',
      counts: {
        '24h': counts(12, 4, { no_match: 2, not_icp: 2, suppressed: 3, deduplicated: 1, actions_issued: 4, actions_delivered: 4 }),
        '7d': counts(700, 240, { no_match: 120, not_icp: 100, excluded: 20, suppressed: 150, deduplicated: 70, actions_issued: 240, actions_delivered: 238, actions_failed: 2, actions_dlq: 1 }),
      },
    },
    {
      name: 'demo_request',
      id: 'demo_request',
      title: 'Demo or sales-contact request',
      file: 'plays/website/demo_request.play',
      line: 7,
      signals: ['website.form_submitted'],
      icps: ['addressable'],
      suppression: false,
      suppression_rules: [],
      exclusions: ['customers go to customer success'],
      dedup: [{ within: '1d', per: 'contact' }],
      actions: [
        { action: 'task', sink: 'crm' },
        { action: 'notify', sink: 'chat' },
      ],
      owner: 'sales-dev@acme.com',
      oncall: '#gtm-oncall',
      sla_ms: 300000,
      priority: 'high',
      mode: 'live',
      tags: ['website', 'form', 'rep-alert'],
      runbook: 'https://wiki.acme.com/runbooks/demo-request',
      dashboard: '/plays/demo_request',
      counts: {
        '24h': counts(200, 150, { no_match: 30, not_icp: 20, actions_issued: 300, actions_delivered: 270, actions_failed: 30 }),
        '7d': counts(1400, 1050, { no_match: 210, not_icp: 140, actions_issued: 2100, actions_delivered: 2050, actions_failed: 50 }),
      },
    },
    {
      name: 'intent_surge',
      id: 'intent_surge',
      title: 'Third-party intent surge',
      file: 'plays/third_party/intent_surge.play',
      line: 5,
      signals: ['intent.topic_surge'],
      icps: ['enterprise', 'midmarket'],
      suppression: true,
      suppression_rules: ['do not contact', 'active sequence'],
      exclusions: [],
      dedup: [{ within: '7d', per: 'account' }],
      actions: [{ action: 'review', sink: 'review' }],
      owner: 'revops@acme.com',
      oncall: '#gtm-oncall',
      sla_ms: null,
      priority: 'normal',
      mode: 'shadow',
      tags: ['third-party'],
      runbook: '',
      dashboard: '/plays/intent_surge',
      counts: { '24h': counts(1022, 46, { no_match: 900, suppressed: 76 }), '7d': counts(7000, 300, { no_match: 6200, suppressed: 500 }) },
    },
  ],
};

// Today (from 00:00 UTC) over all plays: what the overview's tiles show.
export const TODAY = counts(1234, 200, { no_match: 932, not_icp: 22, suppressed: 79, actions_issued: 304, actions_delivered: 274, actions_failed: 30, actions_dlq: 3 });

export const ALERTS = {
  alerts: [
    {
      rule: 'volume_drop',
      play: 'pricing_visit_enterprise',
      subject: 'play pricing_visit_enterprise',
      key: 'playd/volume_drop/pricing_visit_enterprise',
      state: 'firing',
      since: '2026-06-20T09:00:00Z',
      until: null,
      value: 0.12,
      threshold: 0.5,
      summary: 'pricing_visit_enterprise: 12 signals today, 12% of its 7-day average (threshold 50%)',
    },
    {
      rule: 'success_rate',
      play: 'demo_request',
      subject: 'sink crm',
      key: 'playd/success_rate/demo_request/crm',
      state: 'firing',
      since: '2026-06-20T10:05:00Z',
      until: null,
      value: 0.9,
      threshold: 0.95,
      summary: 'demo_request: 90% of actions to crm succeeded over 1h (threshold 95%)',
    },
    {
      rule: 'volume_spike',
      play: 'intent_surge',
      subject: null,
      key: 'playd/volume_spike/intent_surge',
      state: 'resolved',
      since: '2026-06-18T09:00:00Z',
      until: '2026-06-18T15:00:00Z',
      value: 14.5,
      threshold: 10,
      summary: 'intent_surge: 14,500 signals in the last 24h, 14.5x its 7-day daily average (threshold 10x)',
    },
    {
      rule: 'lag',
      play: null,
      subject: 'lane normal',
      key: 'playd/lag/normal',
      state: 'resolved',
      since: '2026-06-19T22:00:00Z',
      until: '2026-06-19T22:40:00Z',
      value: 1500,
      threshold: 900,
      summary: 'lane normal: oldest signal waited 25m (SLA 15m)',
    },
  ],
};

export const OVERVIEW_EXTRA = {
  lanes: { high: { depth: 3, oldest_age_ms: 125000 }, normal: { depth: 41, oldest_age_ms: 5000 } },
  outbox: [
    { sink: 'crm', depth: 7, oldest_age_ms: 610000 },
    { sink: 'sequencer', depth: 0, oldest_age_ms: 0 },
  ],
  pending_actions: 7,
  undelivered: 1,
  alerts_firing: 2,
  store: { state: 'ok', reason: '' },
};

// Per hour and per day signals of each play (older days steady; today as the scenario says).
const PROFILE = {
  pricing_visit_enterprise: { perDay: 100, today: 12, fireShare: 0.33, p50: 60e3, p95: 240e3 },
  demo_request: { perDay: 200, today: 200, fireShare: 0.75, p50: 90e3, p95: 420e3 }, // p95 7m > SLA 5m
  intent_surge: { perDay: 1000, today: 1022, fireShare: 0.045, p50: 30e3, p95: 120e3 },
};
const TYPES = { 'website.page_viewed': 'pricing_visit_enterprise', 'website.form_submitted': 'demo_request', 'intent.topic_surge': 'intent_surge' };

function bucket(start, play, step) {
  const p = PROFILE[play];
  const t = Date.parse(start);
  const today = t >= Date.parse('2026-06-20T00:00:00Z');
  const hourOfDay = new Date(t).getUTCHours();
  let signals;
  if (step === 'day') signals = today ? p.today : p.perDay;
  else if (t > Date.parse(NOW)) signals = 0;
  else signals = Math.round((today ? p.today : p.perDay) / 24 * (hourOfDay >= 8 && hourOfDay <= 18 ? 1.6 : 0.5));
  const fired = Math.round(signals * p.fireShare);
  const suppressed = play === 'demo_request' ? 0 : Math.round(signals * 0.2);
  const failed = play === 'demo_request' ? Math.round(fired * 0.1) : 0;
  // One action per fire and sink: demo_request's task to the CRM (10% fail) and its chat notice.
  const sinks = { pricing_visit_enterprise: ['sequencer'], demo_request: ['crm', 'chat'], intent_surge: ['review'] }[play];
  // One of the CRM's failures a day gave up (the DLQ).
  const by_sink = Object.fromEntries(
    sinks.map((k) => [k, { issued: fired, delivered: fired - (k === 'crm' ? failed : 0), failed: k === 'crm' ? failed : 0, dlq: k === 'crm' && step === 'day' ? 1 : 0 }]),
  );
  return {
    start,
    signals,
    outcomes: { fired, no_match: signals - fired - suppressed, not_icp: 0, excluded: 0, suppressed, deduplicated: 0, error: 0 },
    suppressed_by: suppressed ? { 'do not contact': Math.ceil(suppressed * 0.6), 'active sequence': suppressed - Math.ceil(suppressed * 0.6) } : {},
    actions: { issued: fired * sinks.length, delivered: fired * sinks.length - failed, failed },
    by_sink,
    latency_ms: {
      from_occurred: { count: fired, p50: fired ? p.p50 : 0, p95: fired ? p.p95 : 0 },
      from_received: { count: fired, p50: fired ? p.p50 / 2 : 0, p95: fired ? p.p95 / 2 : 0 },
    },
  };
}

function add(a, b) {
  const out = JSON.parse(JSON.stringify(a));
  out.signals += b.signals;
  for (const k of Object.keys(b.outcomes)) out.outcomes[k] += b.outcomes[k];
  for (const [k, v] of Object.entries(b.suppressed_by)) out.suppressed_by[k] = (out.suppressed_by[k] || 0) + v;
  for (const k of ['issued', 'delivered', 'failed']) out.actions[k] += b.actions[k];
  for (const [sink, n] of Object.entries(b.by_sink)) {
    const t = (out.by_sink[sink] = out.by_sink[sink] || { issued: 0, delivered: 0, failed: 0 });
    for (const k of ['issued', 'delivered', 'failed', 'dlq']) t[k] = (t[k] || 0) + n[k];
  }
  out.latency_ms.from_occurred.count += b.latency_ms.from_occurred.count;
  out.latency_ms.from_occurred.p95 = Math.max(out.latency_ms.from_occurred.p95, b.latency_ms.from_occurred.p95);
  out.latency_ms.from_occurred.p50 = Math.max(out.latency_ms.from_occurred.p50, b.latency_ms.from_occurred.p50);
  return out;
}

export function history(query) {
  const step = query.get('step') || 'hour';
  const size = step === 'day' ? DAY : HOUR;
  const from = Math.floor(Date.parse(query.get('from')) / size) * size;
  const to = Date.parse(query.get('to'));
  const play = query.get('play');
  const type = query.get('signal_type');
  const plays = play ? [play] : type ? [TYPES[type]].filter(Boolean) : Object.keys(PROFILE);
  const buckets = [];
  for (let t = from; t <= to; t += size) {
    const start = new Date(t).toISOString().replace('.000Z', 'Z');
    const parts = plays.filter((p) => PROFILE[p]).map((p) => bucket(start, p, step));
    buckets.push(parts.length ? parts.slice(1).reduce(add, parts[0]) : emptyBucket(start));
  }
  return { play: play || null, signal_type: type || null, step, from: query.get('from'), to: query.get('to'), buckets };
}

function emptyBucket(start) {
  return {
    start,
    signals: 0,
    outcomes: { fired: 0, no_match: 0, not_icp: 0, excluded: 0, suppressed: 0, deduplicated: 0, error: 0 },
    suppressed_by: {},
    actions: { issued: 0, delivered: 0, failed: 0 },
    by_sink: {},
    latency_ms: { from_occurred: { count: 0, p50: 0, p95: 0 }, from_received: { count: 0, p50: 0, p95: 0 } },
  };
}

export function overview() {
  const hours = [];
  const end = Math.floor(Date.parse(NOW) / HOUR) * HOUR;
  for (let t = end - 23 * HOUR; t <= end; t += HOUR) {
    const start = new Date(t).toISOString().replace('.000Z', 'Z');
    const b = Object.keys(PROFILE).map((p) => bucket(start, p, 'hour')).reduce(add);
    hours.push({
      start,
      signals: b.signals,
      fired: b.outcomes.fired,
      delivered: b.actions.delivered,
      failed: b.actions.failed,
      p50_ms: b.latency_ms.from_occurred.count ? b.latency_ms.from_occurred.p50 : null,
      p95_ms: b.latency_ms.from_occurred.count ? b.latency_ms.from_occurred.p95 : null,
    });
  }
  return Object.assign({ now: NOW, play_set: PLAYS.play_set, dlq: dlq.length, today: TODAY, last_24h_by_hour: hours }, OVERVIEW_EXTRA);
}

export const REVIEW = {
  items: [
    { key: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', play: 'intent_surge', signal: 'evt_intent_9', account: 'bigco.com', contact: '', queue: 'weekly-intent', note: 'surge on revenue operations (score 88)', status: 'open', created_at: '2026-06-20T10:12:00Z', done_at: null, done_by: null, comment: null, delivery: 'sent' },
    { key: 'b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', play: 'intent_surge', signal: 'evt_intent_4', account: 'midco.io', contact: '', queue: 'weekly-intent', note: 'surge on sales automation (score 74)', status: 'open', created_at: '2026-06-20T07:40:00Z', done_at: null, done_by: null, comment: null, delivery: 'dlq' },
    { key: 'c1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', play: 'revops_hiring_review', signal: 'evt_hire_2', account: 'smallco.dev', contact: 'ops@smallco.dev', queue: 'hiring', note: null, status: 'open', created_at: '2026-06-20T06:00:00Z', done_at: null, done_by: null, comment: null, delivery: 'pending' },
    { key: 'd1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', play: 'intent_surge', signal: 'evt_intent_1', account: 'oldco.com', contact: '', queue: 'weekly-intent', note: 'surge on pipeline (score 70)', status: 'done', created_at: '2026-06-19T09:00:00Z', done_at: '2026-06-19T15:30:00Z', done_by: 'rita', comment: 'called them', delivery: 'sent' },
  ],
};

// The review queue as the fake holds it: POST /v1/review/KEY/done marks an item done.
let review = [];
export function resetReview() {
  review = REVIEW.items.map((i) => ({ ...i }));
}
resetReview();

let dlq = [];
// The endpoints the shell lists as routed (<body data-api>): a test drops some
// to see the pages without them.
const API = ['/v1/overview', '/v1/plays', '/v1/history', '/v1/alerts', '/v1/review', '/v1/decisions'];
let routed = new Set(API);
export function setRouted(paths) {
  routed = new Set(paths || API);
}

export function resetDlq() {
  dlq = ['k1', 'k2', 'k3'].map((k, i) => ({
    key: k + '0000000000000000000000000000000'.slice(k.length - 1),
    play: 'demo_request',
    action: i === 2 ? 'notify' : 'task',
    sink: i === 2 ? 'chat' : 'crm',
    signal: 'evt_dlq_' + i,
    attempts: 1,
    last_error: 'HTTP 400: {"error":"owner is not a CRM user"}',
    action_line: { kind: 'action', play: 'demo_request', action: 'task', signal: 'evt_dlq_' + i, args: { subject: 'Demo request', owner: 'kim@acme.com' } },
  }));
}
resetDlq();

export const DECISIONS = [
  { signal: 'evt_201', type: 'website.page_viewed', at: '2026-06-20T10:20:00Z', outcome: 'fired', reason: '', clause: '', error: '', shadow: false },
  { signal: 'evt_200', type: 'website.page_viewed', at: '2026-06-20T10:10:00Z', outcome: 'suppressed', reason: 'do not contact', clause: 'plays/project.play:61:3', error: '', shadow: false },
];

function trace(id) {
  if (id !== 'evt_201') return null;
  return {
    signal: 'evt_201',
    status: 'evaluated',
    lane: 'high',
    received_at_ms: Date.parse('2026-06-20T10:19:59Z'),
    evaluated_at_ms: Date.parse('2026-06-20T10:20:00Z'),
    play_set: PLAYS.play_set,
    plays: [
      {
        play: 'pricing_visit_enterprise',
        outcome: 'fired',
        shadow: false,
        actions: [{ key: 'feed00000000000000000000000000ab', action: 'enroll', sink: 'sequencer', status: 'sent', attempts: [{ n: 1, at_ms: Date.parse('2026-06-20T10:20:01Z'), result: 'sent', http_status: 200, detail: '' }] }],
      },
      { play: 'research_pages', outcome: 'no_match', clause: 'plays/website/research_pages.play:14:3', shadow: false, actions: [] },
    ],
  };
}

function send(res, status, body, type, extra) {
  res.writeHead(status, Object.assign({ 'Content-Type': type || 'application/json', 'Content-Security-Policy': POLICY, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }, extra || {}));
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const TYPES_BY_EXT = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p.startsWith('/assets/')) {
    const name = p.slice('/assets/'.length);
    const ext = name.slice(name.lastIndexOf('.'));
    if (!TYPES_BY_EXT[ext] || name.includes('/')) return send(res, 404, 'no such dashboard file\n', 'text/plain');
    try {
      return send(res, 200, readFileSync(join(ASSETS, name), 'utf8'), TYPES_BY_EXT[ext]);
    } catch {
      return send(res, 404, 'no such dashboard file\n', 'text/plain');
    }
  }
  if (p === '/' || p === '/dlq' || p === '/review' || p === '/trace' || /^\/plays\/[^/]+$/.test(p))
    return send(res, 200, readFileSync(join(ASSETS, 'index.html'), 'utf8').replaceAll('{{auth}}', 'open').replaceAll('{{api}}', [...routed].join(' ')), 'text/html; charset=utf-8');
  if (p === '/v1/overview') return send(res, 200, overview());
  if (p === '/v1/plays') return send(res, 200, PLAYS);
  if (p === '/v1/alerts') return send(res, 200, ALERTS);
  if (p === '/v1/history') return send(res, 200, history(url.searchParams));
  if (p === '/v1/review') {
    const status = url.searchParams.get('status') || 'open';
    const queue = url.searchParams.get('queue');
    return send(res, 200, { items: review.filter((i) => (status === 'all' || i.status === status) && (!queue || i.queue === queue)) });
  }
  const reviewDone = p.match(/^\/v1\/review\/([^/]+)\/done$/);
  if (reviewDone && req.method === 'POST') {
    const item = review.find((i) => i.key === decodeURIComponent(reviewDone[1]));
    if (!item) return send(res, 404, { error: 'no review item with key ' + reviewDone[1] });
    if (item.status === 'open') Object.assign(item, { status: 'done', done_at: '2026-06-20T10:30:00Z', done_by: null, comment: null });
    return send(res, 200, item);
  }
  if (p === '/v1/decisions') {
    const outcome = url.searchParams.get('outcome');
    const list = url.searchParams.get('play') === 'pricing_visit_enterprise' ? DECISIONS : [];
    return send(res, 200, { play: url.searchParams.get('play'), outcome: outcome || null, decisions: list.filter((d) => !outcome || d.outcome === outcome) });
  }
  if (p === '/v1/admin/dlq') return send(res, 200, { actions: dlq });
  const replay = p.match(/^\/v1\/admin\/dlq\/([^/]+)\/replay$/);
  if (replay && req.method === 'POST') {
    const key = decodeURIComponent(replay[1]);
    const n = key === 'all' ? dlq.length : dlq.filter((a) => a.key === key).length;
    dlq = key === 'all' ? [] : dlq.filter((a) => a.key !== key);
    return n || key === 'all' ? send(res, 200, { replayed: n }) : send(res, 404, { error: 'no action with key ' + key + ' in the DLQ' });
  }
  const one = p.match(/^\/v1\/admin\/dlq\/([^/]+)$/);
  if (one) {
    const a = dlq.find((x) => x.key === decodeURIComponent(one[1]));
    if (!a) return send(res, 404, { error: 'no action with this key' });
    return send(res, 200, Object.assign({}, a, { status: 'dlq', attempts_count: 1, flagged: false, attempts: [{ n: 1, at_ms: Date.parse('2026-06-20T09:00:00Z'), result: 'dlq', http_status: 400, detail: '{"error":"owner is not a CRM user"}' }] }));
  }
  const t = p.match(/^\/v1\/signals\/([^/]+)\/trace$/);
  if (t) {
    const body = trace(decodeURIComponent(t[1]));
    return body ? send(res, 200, body) : send(res, 404, { error: 'no signal with this id (unknown, or older than the trace TTL)' });
  }
  send(res, 404, { error: 'no route for ' + req.method + ' ' + p });
}

export function startFake(port = 0) {
  return new Promise((resolve) => {
    const server = createServer(handle);
    server.listen(port, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = await startFake(Number(process.argv[2] || 8090));
  console.log(`fake playd API with the dashboard's files: ${f.url}/`);
}
