// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), page by page, asserting what each page shows and that
// the browser console stays free of errors; a screenshot of every page.
//
//   node tests/dashboard/run.mjs --playd build/apps/playd/playd [--shots DIR]
//
// Needs `npm ci --prefix tests/dashboard` and the chromium package
// (scripts/install-deps.sh). Three phases:
// 1. serving: the real playd answers pages and assets with CSP, types,
//    ETag/304, 404 for an unknown asset;
// 2. the real playd on loopback, with the example plays, the sample context
//    and signals sent over HTTP and a CRM sink that answers 400 (so the DLQ
//    fills): the overview and play pages, the trace search (a signal found
//    by id, its plays and actions as the API says), recent decisions per
//    play (each linking to its trace), the DLQ page emptied by its Replay
//    and Replay all buttons (and the sink then receiving each action), the
//    review queue; then a second playd with an admin token: the login form,
//    the session cookie (HttpOnly, SameSite=Strict), the token in no URL,
//    log out. The history/alerts endpoints (docs/operations.md, "Reading playd over HTTP")
//    (/v1/overview, /v1/plays, /v1/history, /v1/alerts, /v1/review) are
//    probed first: where playd serves them, the pages' numbers are checked
//    against them and against what was sent; where it answers 404, the pages
//    must say "not available", without asking for it (the shell's data-api
//    lists what playd routes), so with no console error at all;
// 3. the contract: the same pages against fake_api.mjs (canned JSON shaped
//    like the contract), every number checked; then a shell that lists only
//    some endpoints: the others' sections say "not available", unasked.
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import * as fake from './fake_api.mjs';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('dashboard: playwright-core is missing: run `npm ci --prefix tests/dashboard` (scripts/test.sh does)');
  process.exit(1);
}
if (!existsSync('/usr/bin/chromium')) {
  console.error("dashboard: /usr/bin/chromium is missing: install Debian's chromium (scripts/install-deps.sh does)");
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const playdPath = resolve(arg('--playd', join(repo, 'build/apps/playd/playd')));
const shots = resolve(arg('--shots', join(repo, 'build/dashboard-screenshots')));
mkdirSync(shots, { recursive: true });

let checks = 0;
let failures = 0;
function check(ok, what, detail = '') {
  checks++;
  if (ok) return;
  failures++;
  console.error(`FAIL: ${what}${detail !== '' ? `\n      ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
}
const eq = (got, want, what) => check(got === want, what, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
}

function freePort() {
  return new Promise((res) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// ---------------------------------------------------------------- playd and a sink

// An HTTP sink that records each Idempotency-Key; answers `status` (a 400 sends the action to the DLQ).
function startSink() {
  const sink = { status: 400, received: [] };
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      sink.received.push({ key: req.headers['idempotency-key'], status: sink.status });
      res.writeHead(sink.status, { 'Content-Type': 'application/json' });
      res.end(sink.status < 300 ? '{"ok":true}' : '{"error":"owner is not a CRM user"}');
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res(Object.assign(sink, { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }))));
}

async function startPlayd(dir, config, extraArgs = []) {
  writeFileSync(join(dir, 'playd.toml'), config);
  const proc = spawn(playdPath, ['serve', '--plays', join(repo, 'plays'), '--data', join(dir, 'data'), '--config', join(dir, 'playd.toml'), ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr.on('data', (c) => (log += c));
  const base = await until(() => (log.match(/listening on (http:\/\/[0-9.]+:\d+)/) || [])[1], 30000, 'playd to listen: ' + log);
  return { proc, base, log: () => log };
}

async function stopPlayd(p) {
  if (p.proc.exitCode !== null) return p.proc.exitCode;
  p.proc.kill('SIGTERM');
  return new Promise((res) => p.proc.on('exit', (code) => res(code)));
}

async function http(base, method, path, body, headers = {}) {
  const res = await fetch(base + path, { method, body, headers: Object.assign({ 'Content-Type': 'application/json' }, headers), redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json, headers: res.headers };
}

// ---------------------------------------------------------------- the browser

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// A page whose console errors are collected; `allowed(message)` may excuse some.
async function newPage(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  const urls = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push({ text: m.text(), url: (m.location() || {}).url || '' });
  });
  page.on('pageerror', (e) => errors.push({ text: 'uncaught: ' + e.message, url: '' }));
  page.on('request', (r) => urls.push(r.url()));
  page.on('framenavigated', (f) => urls.push(f.url()));
  // The JSON answers the page got, by URL (path and query), to compare a chart with what it drew.
  const answers = new Map();
  page.on('response', async (r) => {
    if (!(r.headers()['content-type'] || '').startsWith('application/json')) return;
    try {
      const u = new URL(r.url());
      answers.set(u.pathname + u.search, await r.json());
    } catch {}
  });
  return { page, context, errors, urls, name, answers };
}

// Loads `path`, waits for the script to have drawn it, checks the console.
// The endpoints the real playd does not serve: no page may ask for them.
const notServed = new Set();
async function load(t, base, path, allowed = () => false) {
  const before = t.errors.length;
  const asked = t.urls.length;
  await t.page.goto(base + path);
  await t.page.waitForSelector('body[data-ready]', { timeout: 15000 });
  await t.page.waitForLoadState('networkidle');
  return () => {
    const bad = t.errors.slice(before).filter((e) => !allowed(e));
    check(bad.length === 0, `${t.name} ${path}: no console errors`, bad);
    const wasted = t.urls.slice(asked).filter((u) => notServed.has(new URL(u).pathname));
    check(wasted.length === 0, `${t.name} ${path}: no request for an endpoint playd does not serve`, wasted);
  };
}

async function shot(t, file) {
  const path = join(shots, file);
  await t.page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

const text = (t, sel) => t.page.locator(sel).first().innerText();
const svgText = (t, sel) => t.page.locator(sel).first().textContent();
const count = (t, sel) => t.page.locator(sel).count();
const tileValue = (t, metric) => text(t, `[data-metric="${metric}"] .value`);
const num = (s) => Number(String(s).replace(/[,\s]/g, ''));

// ---------------------------------------------------------------- 1. serving

async function serving(base) {
  const page = await http(base, 'GET', '/');
  eq(page.status, 200, 'GET / answers 200');
  check((page.headers.get('content-type') || '').startsWith('text/html'), 'GET / is HTML', page.headers.get('content-type'));
  const csp = page.headers.get('content-security-policy') || '';
  check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline') && csp.includes("default-src 'none'"), 'a CSP without inline script', csp);
  check(!/<script>|<script [^>]*>[^<]/.test(page.text) && !/ style=/.test(page.text) && !/ on[a-z]+=/.test(page.text), 'the shell has no inline script, style or handler');
  for (const [asset, type] of [
    ['/assets/app.js', 'text/javascript'],
    ['/assets/app.css', 'text/css'],
    ['/assets/favicon.svg', 'image/svg+xml'],
  ]) {
    const r = await http(base, 'GET', asset);
    eq(r.status, 200, `GET ${asset}`);
    check((r.headers.get('content-type') || '').startsWith(type), `${asset} is ${type}`, r.headers.get('content-type'));
    const etag = r.headers.get('etag');
    check(!!etag && (r.headers.get('cache-control') || '').includes('no-cache'), `${asset} has an ETag and revalidates`);
    const again = await http(base, 'GET', asset, undefined, { 'If-None-Match': etag });
    eq(again.status, 304, `${asset} with its ETag: 304 Not Modified`);
    eq(again.text, '', `${asset}: a 304 has no body`);
  }
  eq((await http(base, 'GET', '/assets/nope.js')).status, 404, 'an unknown asset: 404');
  eq((await http(base, 'GET', '/assets/index.html')).status, 404, 'the shell is not an asset');
  eq((await http(base, 'GET', '/nope')).status, 404, 'an unknown page: 404');
  eq((await http(base, 'GET', '/plays/demo_request')).status, 200, 'a play page');
}

// ---------------------------------------------------------------- 2. the real playd

const CONTRACT = ['/v1/overview', '/v1/plays', '/v1/history', '/v1/alerts', '/v1/review'];

async function realPlayd() {
  const sink = await startSink();
  const dir = mkdtempSync(join(tmpdir(), 'playd-dashboard-'));
  const port = await freePort();
  const config = `[server]
listen = "127.0.0.1:${port}"

[execution]
retry_schedule = ["100ms"]
max_attempts = 3

[sinks.crm]
kind = "http"
url = "${sink.url}"
concurrency = 2
`;
  const pd = await startPlayd(dir, config, ['--simulated-clock']);
  const base = pd.base;
  try {
    await serving(base);
    // The service's clock: the evening of the sample signals' day.
    eq((await http(base, 'POST', '/v1/admin/clock', '{"now":"2026-06-21T18:00:00Z"}')).status, 200, 'the clock is set');
    const ctx = JSON.parse(readFileSync(join(repo, 'plays/signals/context.json'), 'utf8'));
    for (const [kind, key] of [
      ['accounts', 'domain'],
      ['contacts', 'email'],
    ])
      for (const rec of ctx[kind]) {
        const fields = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== key));
        eq((await http(base, 'PUT', `/v1/${kind}/${encodeURIComponent(rec[key])}`, JSON.stringify(fields))).status, 200, `PUT ${kind} ${rec[key]}`);
      }
    const lines = readFileSync(join(repo, 'plays/signals/sample.ndjson'), 'utf8').split('\n').filter((l) => l.trim());
    const good = lines.filter((l) => {
      try {
        return !!JSON.parse(l).occurred_at;
      } catch {
        return false;
      }
    });
    const sent = await http(base, 'POST', '/v1/signals', good.join('\n'), { 'Content-Type': 'application/x-ndjson' });
    eq(sent.status, 200, 'the sample signals are accepted');
    const ids = [...new Set(good.map((l) => JSON.parse(l).id))];
    // Every signal evaluated; the CRM actions in the DLQ.
    const traces = {};
    await until(
      async () => {
        for (const id of ids) {
          const r = await http(base, 'GET', `/v1/signals/${id}/trace`);
          if (r.status !== 200 || r.json.status !== 'evaluated') return false;
          traces[id] = r.json;
        }
        return true;
      },
      20000,
      'every signal evaluated',
    );
    const crmKeys = Object.values(traces).flatMap((t) => t.plays.flatMap((p) => (p.actions || []).filter((a) => a.sink === 'crm').map((a) => a.key)));
    check(crmKeys.length >= 2, 'the sample signals produce at least two CRM actions', crmKeys);
    const dlqNow = async () => (await http(base, 'GET', '/v1/admin/dlq')).json.actions;
    await until(async () => (await dlqNow()).length === crmKeys.length, 20000, 'the CRM actions in the DLQ');
    for (const id of ids) traces[id] = (await http(base, 'GET', `/v1/signals/${id}/trace`)).json;

    // Which endpoints of the contract does this playd serve?
    const missing = new Set();
    for (const path of CONTRACT) {
      const q = path === '/v1/history' ? '?step=hour&from=2026-06-21T00:00:00Z&to=2026-06-21T18:00:00Z' : '';
      const r = await http(base, 'GET', path + q);
      if (r.status === 404) missing.add(path);
      else eq(r.status, 200, `GET ${path}`);
    }
    console.log(
      missing.size
        ? `contract endpoints this playd does not serve yet (404; their pages are checked to say so): ${[...missing].join(', ')}`
        : 'every contract endpoint is served: the pages are checked against them',
    );
    // The shell lists what playd routes; the script asks for nothing else, so a
    // missing endpoint costs no failed request: no console error is allowed.
    const listed = ((await http(base, 'GET', '/')).text.match(/data-api="([^"]*)"/) || [])[1];
    eq(listed, [...CONTRACT.filter((p) => !missing.has(p)), '/v1/decisions'].join(' '), "the shell's data-api lists the endpoints served");
    const allowed = () => false;
    for (const p of missing) notServed.add(p);

    await realOverview(base, missing, allowed, crmKeys);
    await realPlayPages(base, missing, allowed, traces);
    await realTrace(base, allowed, traces);
    await realReview(base, missing, allowed, traces);
    await realDlq(base, allowed, sink, crmKeys);
    eq(await stopPlayd(pd), 0, 'playd drains and exits 0');
  } finally {
    notServed.clear();
    if (pd.proc.exitCode === null) pd.proc.kill('SIGKILL');
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await realLogin();
}

async function realOverview(base, missing, allowed, crmKeys) {
  const t = await newPage('real');
  const done = await load(t, base, '/', allowed);
  if (missing.has('/v1/overview')) {
    check((await count(t, '[data-problem="/v1/overview"]')) >= 1, 'the overview says /v1/overview is not served');
    check((await text(t, '[data-problem="/v1/overview"]')).includes('not available'), 'in words');
  } else {
    const ov = (await http(base, 'GET', '/v1/overview')).json;
    eq(num(await tileValue(t, 'signals_today')), ov.today.signals, 'overview: signals today as the API says');
    eq(num(await tileValue(t, 'dlq')), crmKeys.length, 'overview: the DLQ tile counts the actions in the DLQ');
    eq(num(await tileValue(t, 'alerts_firing')), ov.alerts_firing, 'overview: alerts firing');
    eq(await tileValue(t, 'store'), ov.store.state, 'overview: the store state');
    for (const [lane, l] of Object.entries(ov.lanes)) eq(num(await text(t, `tr[data-lane="${lane}"] td:nth-child(2)`)), l.depth, `overview: lane ${lane} depth`);
  }
  if (missing.has('/v1/plays')) {
    check((await count(t, '[data-problem="/v1/plays"]')) >= 1, 'the overview says /v1/plays is not served');
  } else {
    const plays = (await http(base, 'GET', '/v1/plays')).json.plays;
    eq(await count(t, 'table.plays tbody tr'), plays.length, 'overview: a row per play');
    const demo = plays.find((p) => p.name === 'demo_request');
    eq(num(await text(t, 'tr[data-play="demo_request"] [data-col="signals"]')), demo.counts['24h'].signals, 'overview: demo_request signals 24 h');
    eq(num(await text(t, 'tr[data-play="demo_request"] [data-col="fired"]')), demo.counts['24h'].fired, 'overview: demo_request fired 24 h');
    check(demo.counts['24h'].fired >= 1, 'the API counts the demo request that fired');
    if (!missing.has('/v1/history'))
      await until(async () => (await count(t, 'table.plays td.spark-cell svg')) === 2 * plays.length, 15000, 'the sparklines');
  }
  done();
  await shot(t, 'real-overview.png');
  await t.context.close();
}

async function realPlayPages(base, missing, allowed, traces) {
  const t = await newPage('real');
  for (const play of ['pricing_visit_enterprise', 'demo_request']) {
    const done = await load(t, base, '/plays/' + play, allowed);
    // Recent decisions: each signal that reached the play, with the trace's outcome, linked to its trace.
    const want = Object.values(traces)
      .flatMap((tr) => tr.plays.filter((p) => p.play === play).map((p) => [tr.signal, p.outcome]))
      .sort();
    const rows = await t.page.$$eval('table.decisions tbody tr', (trs) =>
      trs.map((tr) => [tr.dataset.signal, tr.querySelector('td:nth-child(4) .badge').textContent, tr.querySelector('td:nth-child(2) a').getAttribute('href')]),
    );
    eq(JSON.stringify(rows.map(([s, o]) => [s, o]).sort()), JSON.stringify(want), `${play}: recent decisions are the traces' outcomes`);
    check(rows.every(([s, , href]) => href === '/trace?id=' + encodeURIComponent(s)), `${play}: each decision links to its trace`);
    if (missing.has('/v1/plays')) {
      check((await count(t, '[data-problem="/v1/plays"]')) >= 1, `${play}: the page says /v1/plays is not served`);
    } else {
      const p = (await http(base, 'GET', '/v1/plays')).json.plays.find((x) => x.name === play);
      eq(await text(t, '[data-field="owner"]'), p.owner, `${play}: registry owner`);
      if (p.runbook) eq(await t.page.locator('a.runbook').getAttribute('href'), p.runbook, `${play}: runbook link`);
      eq(num(await text(t, 'tr[data-outcome="fired"] td:nth-child(2)')), p.counts['24h'].fired, `${play}: fired 24 h`);
    }
    if (missing.has('/v1/history')) {
      check((await count(t, '[data-problem="/v1/history"]')) >= 1, `${play}: the page says /v1/history is not served`);
    } else {
      const hourly = [...t.answers].find(([u]) => u.startsWith('/v1/history?') && u.includes('play=' + play) && u.includes('step=hour'));
      check(!!hourly && hourly[1].buckets.length >= 23, `${play}: the page asked for the last 24 hours`, hourly && hourly[0]);
      if (hourly) {
        eq(await count(t, '[data-chart="hourly-volume"] g.bucket'), hourly[1].buckets.length, `${play}: a bar group per hourly bucket`);
        const signals = hourly[1].buckets.reduce((a, b) => a + b.signals, 0);
        const reached = Object.values(traces).filter((tr) => tr.plays.some((p) => p.play === play)).length;
        eq(signals, reached, `${play}: the hourly history counts the signals that reached it`);
      }
    }
    done();
    await shot(t, `real-play-${play}.png`);
  }
  // A filter: only the suppressed decisions of pricing_visit_enterprise.
  const done = await load(t, base, '/plays/pricing_visit_enterprise', allowed);
  const suppressed = Object.values(traces).filter((tr) => tr.plays.some((p) => p.play === 'pricing_visit_enterprise' && p.outcome === 'suppressed'));
  check(suppressed.length >= 1, 'the sample has a suppressed pricing visit (evt_003)');
  await t.page.click('button[data-filter="suppressed"]');
  await t.page.waitForSelector('button[data-filter="suppressed"].on');
  eq(await count(t, 'table.decisions tbody tr'), suppressed.length, 'the suppressed filter');
  for (const tr of suppressed) {
    const reason = tr.plays.find((p) => p.play === 'pricing_visit_enterprise').reason;
    eq(await text(t, `tr[data-signal="${tr.signal}"] td:nth-child(5)`), reason, `${tr.signal}: suppressed, with its reason`);
  }
  // A decision's link leads to its trace.
  const first = await t.page.locator('table.decisions tbody tr').first().getAttribute('data-signal');
  await t.page.click(`tr[data-signal="${first}"] a.signal`);
  await t.page.waitForSelector(`.trace-head[data-signal="${first}"]`);
  eq(new URL(t.page.url()).pathname + new URL(t.page.url()).search, '/trace?id=' + first, 'the decision links to its trace');
  check((await text(t, 'article.trace-play[data-play="pricing_visit_enterprise"] h3')).includes('suppressed'), 'the trace shows the suppression');
  done();
  await t.context.close();
}

async function realTrace(base, allowed, traces) {
  const t = await newPage('real');
  const done = await load(t, base, '/trace', allowed);
  // A demo request: demo_request fired; its CRM task is in the DLQ after a 400.
  const id = Object.keys(traces).find((k) => traces[k].plays.some((p) => p.play === 'demo_request' && p.outcome === 'fired'));
  check(!!id, 'the sample has a demo request that fires');
  await t.page.fill('#signal-id', id);
  await t.page.click('form.search button');
  await t.page.waitForSelector(`.trace-head[data-signal="${id}"]`);
  eq(new URL(t.page.url()).search, '?id=' + id, 'the search puts the id in the URL');
  const tr = traces[id];
  eq(await count(t, 'article.trace-play'), tr.plays.length, 'a card per play the signal reached');
  for (const p of tr.plays) {
    eq(await text(t, `article.trace-play[data-play="${p.play}"] h3 .badge`), p.outcome, `trace: ${p.play} ${p.outcome}`);
    for (const a of p.actions || []) {
      eq(await text(t, `[data-key="${a.key}"] h4 .badge`), a.status, `trace: ${p.play} ${a.action} is ${a.status}`);
      eq(await count(t, `[data-key="${a.key}"] table.attempts tbody tr`), a.attempts.length, `trace: ${a.action}'s attempts`);
    }
  }
  const crm = tr.plays.flatMap((p) => p.actions || []).find((a) => a.sink === 'crm');
  check((await text(t, `[data-key="${crm.key}"] table.attempts`)).includes('400'), 'the CRM attempt shows its HTTP 400');
  done();
  await shot(t, 'real-trace.png');
  // An unknown id: said so (its 404 is the one console error expected here).
  const before = t.errors.length;
  await t.page.fill('#signal-id', 'evt_nope');
  await t.page.click('form.search button');
  await t.page.waitForSelector('[data-problem="no-signal"]');
  const extra = t.errors.slice(before).filter((e) => !(e.text.includes('404') && e.url.includes('/v1/signals/evt_nope/trace')));
  check(extra.length === 0, 'an unknown id: no other console error', extra);
  await t.context.close();
}

async function realReview(base, missing, allowed, traces) {
  const t = await newPage('real');
  const done = await load(t, base, '/review', allowed);
  if (missing.has('/v1/review')) {
    check((await count(t, '[data-problem="/v1/review"]')) >= 1, 'the review page says /v1/review is not served');
  } else {
    const items = (await http(base, 'GET', '/v1/review?limit=200')).json.items;
    const reviewKeys = new Set(Object.values(traces).flatMap((tr) => tr.plays.flatMap((p) => (p.actions || []).filter((a) => a.sink === 'review' || a.action === 'review').map((a) => a.key))));
    check(items.length >= 1 && items.every((i) => reviewKeys.has(i.key)), 'the review queue lists review actions of the sample', items);
    eq(await count(t, 'table.review tbody tr'), items.length, 'a row per review item');
    for (const i of items) eq(await text(t, `table.review tr[data-key="${i.key}"] a.play`), i.play, `review item ${i.key}: its play`);
    check(items.every((i) => i.status === 'open'), 'the review items are open', items);
    await shot(t, 'real-review.png');
    // Done (a POST with the session, as the DLQ's Replay): the item leaves the open ones, in the store too.
    const marked = items[0].key;
    await t.page.click(`table.review tr[data-key="${marked}"] button[data-action="done"]`);
    await t.page.waitForSelector('[data-notice="review"]');
    eq(await count(t, `table.review tr[data-key="${marked}"]`), 0, 'the item marked done leaves the open items');
    eq(await count(t, `table.review-done tr[data-key="${marked}"]`), 1, 'and is among the done items');
    const doneNow = (await http(base, 'GET', '/v1/review?status=done')).json.items;
    check(doneNow.length === 1 && doneNow[0].key === marked && doneNow[0].status === 'done', 'playd has it done', doneNow);
  }
  done();
  await t.context.close();
}

async function realDlq(base, allowed, sink, crmKeys) {
  const t = await newPage('real');
  const done = await load(t, base, '/dlq', allowed);
  eq(await count(t, 'table.dlq tbody tr[data-key]'), crmKeys.length, 'a DLQ row per CRM action');
  eq(JSON.stringify((await t.page.$$eval('table.dlq tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))).sort()), JSON.stringify([...crmKeys].sort()), 'the DLQ rows are the CRM actions');
  check((await text(t, 'table.dlq tbody tr[data-key] .error-text')).includes('400'), 'a row shows the last error');
  await shot(t, 'real-dlq.png');
  // Details: the attempts.
  const first = crmKeys[0];
  await t.page.click(`tr[data-key="${first}"] button[data-action="details"]`);
  await t.page.waitForSelector('tr.detail:not([hidden]) table.attempts');
  check((await text(t, 'tr.detail:not([hidden]) table.attempts')).includes('400'), 'details list the attempt with its HTTP 400');
  // The sink is fixed; Replay on one row empties that row.
  sink.status = 200;
  await t.page.click(`tr[data-key="${first}"] button[data-action="replay"]`);
  await t.page.waitForSelector('[data-notice="replay"]');
  eq(await count(t, `tr[data-key="${first}"]`), 0, 'the replayed row is gone');
  eq(await count(t, 'table.dlq tbody tr[data-key]'), crmKeys.length - 1, 'the other rows stay');
  await until(() => sink.received.some((r) => r.key === first && r.status === 200), 10000, 'the replayed action delivered');
  // Replay all, confirmed.
  await t.page.click('button[data-action="replay-all"]');
  check((await text(t, 'button[data-action="replay-all"]')).startsWith('Confirm'), 'replay all asks to confirm');
  await t.page.click('button[data-action="replay-all"]');
  await t.page.waitForSelector('[data-empty="dlq"]');
  check((await text(t, '[data-notice="replay"]')).includes(`Replayed ${crmKeys.length - 1} actions`), 'replay all says how many');
  await until(() => crmKeys.every((k) => sink.received.some((r) => r.key === k && r.status === 200)), 10000, 'every replayed action delivered');
  eq((await http(base, 'GET', '/v1/admin/dlq')).json.actions.length, 0, 'the DLQ is empty');
  done();
  await shot(t, 'real-dlq-replayed.png');
  await t.context.close();
}

// A second playd with an admin token: loopback alone no longer opens the dashboard.
async function realLogin() {
  const dir = mkdtempSync(join(tmpdir(), 'playd-dashboard-login-'));
  const port = await freePort();
  const token = 'tok-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const pd = await startPlayd(dir, `[server]\nlisten = "127.0.0.1:${port}"\nadmin_token = "${token}"\n`);
  try {
    eq((await http(pd.base, 'GET', '/v1/admin/dlq')).status, 401, 'with a token, the API needs it');
    const redirect = await http(pd.base, 'GET', '/dlq');
    eq(redirect.status, 303, 'a page without the token: 303');
    eq(redirect.headers.get('location'), '/login?next=/dlq', 'to the login form');
    const t = await newPage('login');
    await t.page.goto(pd.base + '/dlq');
    await t.page.waitForSelector('form#login');
    eq(new URL(t.page.url()).pathname, '/login', 'the browser lands on /login');
    await shot(t, 'login.png');
    await t.page.fill('#token', 'wrong-token');
    await Promise.all([t.page.waitForNavigation(), t.page.click('form#login button')]);
    eq(await text(t, '#notice'), 'That is not the admin token.', 'a wrong token is refused');
    await t.page.fill('#token', token);
    await Promise.all([t.page.waitForNavigation(), t.page.click('form#login button')]);
    await t.page.waitForSelector('body[data-ready]');
    eq(new URL(t.page.url()).pathname, '/dlq', 'back to the page asked for');
    check((await count(t, '[data-empty="dlq"]')) === 1, 'the DLQ page reads the API with the cookie');
    const cookies = await t.context.cookies();
    const session = cookies.find((c) => c.name === 'playd_session');
    check(!!session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict', cookies);
    check(!!session && !session.value.includes(token), 'the cookie is not the token');
    check(!t.urls.some((u) => u.includes(token)), 'the token is in no URL', t.urls);
    check(!(await t.page.locator('#logout').isHidden()), 'a Log out button');
    await Promise.all([t.page.waitForNavigation(), t.page.click('#logout button')]);
    eq(new URL(t.page.url()).pathname, '/login', 'log out: back to the login form');
    eq((await t.context.cookies()).filter((c) => c.name === 'playd_session').length, 0, 'log out: the cookie is gone');
    check(t.errors.length === 0, 'login: no console errors', t.errors);
    await t.context.close();
    eq(await stopPlayd(pd), 0, 'the second playd exits 0');
  } finally {
    if (pd.proc.exitCode === null) pd.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 3. the contract (fake API)

async function contract() {
  const f = await fake.startFake(0);
  const base = f.url;
  const t = await newPage('contract');
  try {
    // Overview.
    let done = await load(t, base, '/');
    await until(async () => (await count(t, 'td.spark-cell svg')) === 2 * 3 + 2 * 3, 10000, 'the sparklines');
    eq(await tileValue(t, 'signals_today'), '1,234', 'tile: signals today');
    eq(await tileValue(t, 'execution_rate'), '16.2%', 'tile: execution rate (200 of 1,234)');
    eq(await tileValue(t, 'failure_rate'), '9.9%', 'tile: failure rate (30 of 304)');
    check((await t.page.locator('[data-metric="failure_rate"]').getAttribute('class')).includes('bad'), 'a failure rate over 5% is red');
    eq(await tileValue(t, 'latency'), '1m 30s / 7m', 'tile: p50 / p95 today');
    check((await text(t, '[data-metric="latency"] .sub')).includes('tightest SLA 5m'), 'tile: against the tightest SLA');
    eq(await tileValue(t, 'alerts_firing'), '2', 'tile: alerts firing');
    eq(await tileValue(t, 'queue'), '44', 'tile: signals queued');
    check((await text(t, '[data-metric="queue"] .sub')).includes('2m 5s'), 'tile: the oldest queued signal');
    eq(await tileValue(t, 'dlq'), '3', 'tile: DLQ');
    eq(await t.page.locator('[data-metric="dlq"]').getAttribute('href'), '/dlq', 'the DLQ tile links to the DLQ');
    eq(await tileValue(t, 'pending'), '7', 'tile: pending actions');
    eq(await tileValue(t, 'store'), 'ok', 'tile: store');
    check((await text(t, '[data-metric="signals_today"] .sub')).includes('200 fired · 79 suppressed'), 'tile: fired and suppressed today');
    check((await text(t, '[data-metric="failure_rate"] .sub')).includes('30 failed attempts · 274 delivered'), 'tile: failed and delivered today');
    check((await text(t, '[data-metric="pending"] .sub')).includes('1 undelivered'), 'tile: undelivered past the alert age');
    check((await text(t, '[data-metric="store"] .sub')).includes('play set 3db5c418'), 'tile: the play set');
    eq(await text(t, '#status'), '2026-06-20 10:30:00 UTC · play set 3db5c418', "the status line: the service's clock and play set");
    // Alerts: firing, then resolved, each in its rule's unit.
    eq(await count(t, 'table.alerts.firing tbody tr'), 2, 'the firing alerts');
    const drop = 'tr[data-alert="playd/volume_drop/pricing_visit_enterprise"]';
    check((await text(t, drop)).includes('12% of its 7-day average'), 'the volume alert with its summary');
    eq(await text(t, `${drop} [data-col="value"]`), '12.0%', 'volume_drop: its value as a share of the average');
    eq(await text(t, `${drop} [data-col="threshold"]`), '50.0%', 'volume_drop: its threshold');
    check((await text(t, drop)).includes('2026-06-20 09:00:00 UTC'), 'volume_drop: since');
    const health = 'tr[data-alert="playd/success_rate/demo_request/crm"]';
    check((await text(t, `${health} td:nth-child(3)`)).includes('demo_request') && (await text(t, `${health} td:nth-child(3)`)).includes('sink crm'), 'success_rate: its play and sink');
    eq(await text(t, `${health} [data-col="value"]`), '90.0%', 'success_rate: value');
    eq(await text(t, `${health} [data-col="threshold"]`), '95.0%', 'success_rate: threshold');
    eq(await count(t, 'table.alerts.resolved tbody tr'), 2, 'the alerts resolved in the last 7 days');
    const spike = 'table.alerts.resolved tr[data-alert="playd/volume_spike/intent_surge"]';
    eq(await text(t, `${spike} [data-col="value"]`), '14.5×', 'volume_spike: its value as a multiple of the average');
    eq(await text(t, `${spike} [data-col="threshold"]`), '10×', 'volume_spike: its threshold');
    eq(await text(t, `${spike} td:nth-child(3)`), 'intent_surge', 'volume_spike: its play (no subject)');
    const lag = 'table.alerts.resolved tr[data-alert="playd/lag/normal"]';
    eq(await text(t, `${lag} td:nth-child(3)`), 'lane normal', 'lag: its lane');
    eq(await text(t, `${lag} [data-col="value"]`), '25m', 'lag: value (seconds)');
    eq(await text(t, `${lag} [data-col="threshold"]`), '15m', 'lag: threshold (seconds)');
    check((await text(t, lag)).includes('2026-06-19 22:00:00 UTC') && (await text(t, lag)).includes('2026-06-19 22:40:00 UTC'), 'lag: since and until');
    // Today over all plays: every count.
    for (const k of ['signals', 'fired', 'no_match', 'not_icp', 'excluded', 'suppressed', 'deduplicated', 'error', 'actions_issued', 'actions_delivered', 'actions_failed', 'actions_dlq'])
      eq(num(await text(t, `tr[data-today="${k}"] td:nth-child(2)`)), fake.TODAY[k], `today: ${k}`);
    eq(await text(t, 'tr[data-today="no_match"] td:nth-child(3)'), '75.5%', 'today: no_match share (932 of 1,234)');
    eq(await text(t, 'tr[data-today="actions_failed"] td:nth-child(3)'), '9.9%', 'today: failed of issued (30 of 304)');
    // Queues.
    for (const [lane, l] of Object.entries(fake.OVERVIEW_EXTRA.lanes)) eq(num(await text(t, `tr[data-lane="${lane}"] td:nth-child(2)`)), l.depth, `lane ${lane}: depth`);
    eq(await text(t, 'tr[data-lane="high"] td:nth-child(3)'), '2m 5s', 'lane high: oldest age');
    eq(await text(t, 'tr[data-lane="normal"] td:nth-child(3)'), '5.0 s', 'lane normal: oldest age');
    for (const o of fake.OVERVIEW_EXTRA.outbox) eq(num(await text(t, `tr[data-sink="${o.sink}"] td:nth-child(2)`)), o.depth, `outbox ${o.sink}: depth`);
    eq(await text(t, 'tr[data-sink="crm"] td:nth-child(3)'), '10m 10s', 'outbox crm: oldest age');
    // The hourly charts draw last_24h_by_hour, bucket by bucket (each bar's tooltip).
    const hours = fake.overview().last_24h_by_hour;
    const tips = async (chart) => t.page.$$eval(`[data-chart="${chart}"] g.bucket title`, (ts) => ts.map((x) => x.textContent));
    const volumeTips = await tips('hourly-volume');
    const actionTips = await tips('hourly-actions');
    check(
      hours.every((b, i) => volumeTips[i] === `${b.start.slice(11, 16)}\nsignals: ${b.signals.toLocaleString('en-US')}\nfired: ${b.fired.toLocaleString('en-US')}`),
      'hourly volume: each bucket as the API says',
      volumeTips.slice(0, 3),
    );
    check(hours.every((b, i) => actionTips[i] === `${b.start.slice(11, 16)}\ndelivered: ${b.delivered}\nfailed: ${b.failed}`), 'hourly actions: each bucket as the API says', actionTips.slice(0, 3));
    eq(await count(t, '[data-chart="hourly-latency"] circle.p95'), hours.filter((b) => b.p95_ms !== null).length, 'hourly latency: a p95 point per hour with deliveries');
    eq(await count(t, '[data-chart="hourly-volume"] g.bucket'), 24, 'hourly volume: 24 buckets');
    eq(await count(t, '[data-chart="daily-volume"] g.bucket'), 14, 'daily volume: 14 buckets');
    eq(await count(t, '[data-chart="hourly-latency"] line.ref'), 1, 'the latency chart has its SLA line');
    check((await svgText(t, '[data-chart="hourly-latency"] .ref-label')).includes('SLA 5m (demo_request)'), 'labelled with the play it comes from');
    eq(await count(t, 'table.plays tbody tr'), 3, 'a row per play');
    for (const p of fake.PLAYS.plays) {
      const c = p.counts['24h'];
      eq(num(await text(t, `tr[data-play="${p.name}"] [data-col="signals"]`)), c.signals, `${p.name}: signals 24 h`);
      eq(num(await text(t, `tr[data-play="${p.name}"] [data-col="fired"]`)), c.fired, `${p.name}: fired 24 h`);
    }
    eq(await text(t, 'tr[data-play="demo_request"] [data-col="execution"]'), '75.0%', 'demo_request: execution rate');
    eq(await text(t, 'tr[data-play="demo_request"] [data-col="failure"]'), '10.0%', 'demo_request: failure rate');
    await t.page.waitForSelector('tr[data-play="demo_request"] .badge.firing');
    check((await text(t, 'tr[data-play="demo_request"]')).includes('over SLA'), 'demo_request: p95 above its SLA is flagged');
    check(!(await text(t, 'tr[data-play="pricing_visit_enterprise"]')).includes('over SLA'), 'pricing: p95 within its SLA');
    await until(async () => (await text(t, 'tr[data-type="website.page_viewed"] [data-col="vs"]')) !== '…', 5000, 'the types table');
    eq(await text(t, 'tr[data-type="website.page_viewed"] [data-col="today"]'), '12', 'page_viewed: today');
    eq(await text(t, 'tr[data-type="website.page_viewed"] [data-col="avg7"]'), '100.0', 'page_viewed: 7-day average');
    eq(await text(t, 'tr[data-type="website.page_viewed"] [data-col="vs"]'), '12.0%', 'page_viewed: today against the average');
    done();
    await shot(t, 'contract-overview.png');

    // One play.
    done = await load(t, base, '/plays/pricing_visit_enterprise');
    check((await text(t, 'h1')).startsWith('Enterprise pricing-page visit'), 'the play page is titled');
    eq(await t.page.locator('a.runbook').getAttribute('href'), 'https://wiki.acme.com/runbooks/pricing-visit', 'the runbook link');
    eq(await text(t, '[data-field="on-call"]'), '#gtm-oncall', 'registry: on-call');
    for (const [field, want] of [
      ['id', 'pricing_visit_enterprise'],
      ['file', 'plays/website/pricing_visit.play:3'],
      ['title', 'Enterprise pricing-page visit'],
      ['signals', 'website.page_viewed'],
      ['ICP', 'enterprise'],
      ['exclusions', 'strategic accounts are hand-run'],
      ['dedup', 'within 4h per contact'],
      ['owner', 'revops@acme.com'],
      ['priority', 'high'],
      ['mode', 'live'],
      ['tags', 'website, enterprise'],
      ['play set', '3db5c418 (loaded 2026-06-20 08:00:00 UTC)'],
    ])
      eq(await text(t, `[data-field="${field}"]`), want, `registry: ${field}`);
    {
      const p = fake.PLAYS.plays[0];
      for (const k of ['signals', 'fired', 'no_match', 'not_icp', 'excluded', 'suppressed', 'deduplicated', 'error', 'actions_issued', 'actions_delivered', 'actions_failed', 'actions_dlq']) {
        eq(num(await text(t, `tr[data-outcome="${k}"] td:nth-child(2)`)), p.counts['24h'][k], `outcomes: ${k} 24 h`);
        eq(num(await text(t, `tr[data-outcome="${k}"] td:nth-child(4)`)), p.counts['7d'][k], `outcomes: ${k} 7 d`);
      }
    }
    eq(await text(t, 'tr[data-outcome="no_match"] td:nth-child(3)'), '16.7%', 'outcomes: no_match share 24 h (2 of 12)');
    // Per sink over the last 7 days of history (6 days of 33 fires, then 4 today).
    eq(await count(t, 'table.sinks tbody tr'), 1, 'a row per sink of the play');
    eq(await text(t, 'table.sinks tr[data-sink="sequencer"]'), 'sequencer\t202\t202\t0\t0\t100.0%', 'sequencer: issued, delivered, failed attempts, to the DLQ, success rate');
    eq(await text(t, '[data-field="SLA"]'), '15m', 'registry: SLA');
    check((await text(t, '[data-field="suppression"]')).includes('do not contact, active sequence, open opportunity'), 'registry: suppression rules');
    eq(await text(t, '[data-field="actions"]'), 'enroll → sequencer', 'registry: actions and sinks');
    eq(await text(t, 'tr[data-outcome="suppressed"] td:nth-child(4)'), '150', 'outcomes: suppressed 7 d');
    eq(await tileValue(t, 'fire_rate'), '34.3%', 'fire rate 7 d (240 / 700)');
    eq(await tileValue(t, 'icp_pass_rate'), '82.8%', 'ICP pass rate 7 d (480 / 580)');
    eq(await text(t, 'tr[data-reason="do not contact"] td:nth-child(2)'), '74', 'suppression reasons over the 7 days (6 x 12, then 2 today)');
    eq(await count(t, '[data-chart="hourly-volume"] g.bucket'), 24, 'play: 24 hourly buckets');
    eq(await count(t, '[data-chart="daily-volume"] g.bucket'), 30, 'play: 30 daily buckets');
    eq(await count(t, '[data-chart="hourly-latency"] line.ref'), 1, 'play: latency against its SLA');
    eq(await count(t, 'section[data-section="Alerts"] table.alerts tbody tr'), 1, "play: its alert");
    eq(await text(t, 'table.alerts.mine [data-col="value"]'), '12.0%', 'play: its alert with its value');
    check((await text(t, 'tr[data-signal="evt_200"]')).includes('do not contact') && (await text(t, 'tr[data-signal="evt_200"]')).includes('plays/project.play:61:3'), 'a decision with its reason and clause');
    eq(await text(t, 'tr[data-signal="evt_201"] td:first-child'), '2026-06-20 10:20:00 UTC', 'a decision with its time');
    eq(await count(t, 'table.decisions tbody tr'), 2, 'play: recent decisions');
    eq(await t.page.locator('tr[data-signal="evt_200"] a.signal').getAttribute('href'), '/trace?id=evt_200', 'a decision links to its trace');
    await t.page.click('button[data-filter="fired"]');
    await t.page.waitForSelector('button[data-filter="fired"].on');
    eq(await count(t, 'table.decisions tbody tr'), 1, 'the fired filter');
    done();
    await t.page.click('button[data-filter="all"]');
    await t.page.waitForSelector('button[data-filter="all"].on');
    await shot(t, 'contract-play.png');
    // A play with a failing sink, and one without SLA or runbook.
    done = await load(t, base, '/plays/demo_request');
    eq(await text(t, 'table.sinks tr[data-sink="crm"]'), 'crm\t1,050\t945\t105\t7\t90.0%', 'crm: 150 tasks a day, 10% failed, one a day to the DLQ');
    eq(await count(t, 'table.sinks tr[data-sink="crm"] .over'), 2, 'actions in the DLQ and a success rate under 95% are flagged');
    eq(await text(t, 'table.sinks tr[data-sink="chat"]'), 'chat\t1,050\t1,050\t0\t0\t100.0%', 'chat: every notice delivered');
    eq(await text(t, '[data-field="suppression"]'), 'not applied', 'registry: no suppression');
    done();
    done = await load(t, base, '/plays/intent_surge');
    eq(await text(t, '[data-field="SLA"]'), 'none', 'registry: no SLA');
    eq(await text(t, '[data-field="runbook"]'), 'none', 'registry: no runbook');
    eq(await text(t, 'h1 .badge.shadow'), 'shadow', 'a shadow play says so');
    eq(await count(t, '[data-chart="hourly-latency"] line.ref'), 0, 'no SLA line without an SLA');
    done();
    done = await load(t, base, '/plays/no_such_play');
    eq(await count(t, '[data-problem="unknown-play"]'), 1, 'an unknown play is said so');
    done();

    // Review queue: open items per queue, done ones folded; Done marks one.
    fake.resetReview();
    done = await load(t, base, '/review');
    const open = fake.REVIEW.items.filter((i) => i.status === 'open');
    eq(await count(t, 'table.review tbody tr'), open.length, 'review: a row per open item');
    eq(JSON.stringify(await t.page.$$eval('h2[data-queue]', (hs) => hs.map((x) => x.dataset.queue))), JSON.stringify(['hiring', 'weekly-intent']), 'review: a table per queue');
    for (const i of open) {
      const cells = await t.page.$$eval(`table.review tr[data-key="${i.key}"] td`, (tds) => tds.map((td) => td.innerText));
      eq(
        JSON.stringify(cells),
        JSON.stringify([i.created_at.replace('T', ' ').replace('Z', ' UTC'), i.play, i.account, i.contact || '–', i.note || '', i.delivery, i.signal, 'Done']),
        `review ${i.key.slice(0, 6)}: every field`,
      );
      eq(await t.page.locator(`table.review tr[data-key="${i.key}"] a.signal`).getAttribute('href'), `/trace?id=${i.signal}`, 'review: the signal links to its trace');
      eq(await t.page.locator(`table.review[data-queue="${i.queue}"] tr[data-key="${i.key}"]`).count(), 1, `review ${i.key.slice(0, 6)}: under its queue`);
    }
    eq(await text(t, 'details.review-done summary'), 'Done (1)', 'review: the done items, folded');
    check(!(await t.page.locator('table.review-done').isVisible()), 'review: done items collapsed');
    await t.page.click('details.review-done summary');
    eq(JSON.stringify(await t.page.$$eval('table.review-done tbody tr td', (tds) => tds.slice(0, 3).map((td) => td.innerText))), JSON.stringify(['2026-06-19 15:30:00 UTC', 'rita', 'called them']), 'review: a done item says when, who and why');
    const marked = open[0].key;
    await t.page.click(`table.review tr[data-key="${marked}"] button[data-action="done"]`);
    await t.page.waitForSelector('[data-notice="review"]');
    eq(await count(t, `table.review tr[data-key="${marked}"]`), 0, 'review: the item marked done leaves the open items');
    eq(await count(t, 'table.review tbody tr'), open.length - 1, 'review: the others stay');
    eq(await text(t, 'details.review-done summary'), 'Done (2)', 'review: it is among the done items');
    done();
    await shot(t, 'contract-review.png');

    // Trace.
    done = await load(t, base, '/trace?id=evt_201');
    await t.page.waitForSelector('.trace-head');
    eq(await count(t, 'article.trace-play'), 2, 'trace: two plays');
    eq(await text(t, 'article[data-play="research_pages"] [data-field="deciding clause"]'), 'plays/website/research_pages.play:14:3', 'trace: the deciding clause');
    done();
    await shot(t, 'contract-trace.png');

    // A playd without some endpoints: their sections say so, the others draw,
    // nothing asks for them, and the console stays clean.
    fake.setRouted(['/v1/overview', '/v1/plays', '/v1/review', '/v1/decisions']);
    for (const page of ['/', '/plays/demo_request']) {
      const asked = t.urls.length;
      done = await load(t, base, page);
      for (const gone of ['/v1/history', '/v1/alerts']) {
        check((await count(t, `[data-problem="${gone}"]`)) >= 1, `${page} without ${gone}: its sections say so`);
        check((await text(t, `[data-problem="${gone}"]`)).includes(`not available: this playd does not serve GET ${gone}`), `${page} without ${gone}: in words`);
      }
      check(!t.urls.slice(asked).some((u) => /\/v1\/(history|alerts)/.test(u)), `${page}: no request for an endpoint not routed`);
      if (page === '/') {
        eq(await tileValue(t, 'signals_today'), '1,234', 'without history: the overview tiles are still drawn');
        eq(await tileValue(t, 'latency'), '– / –', 'without history: no latency today, said as –');
        eq(await count(t, '[data-chart="hourly-volume"] g.bucket'), 24, 'without history: the hourly charts from /v1/overview');
      } else {
        eq(await text(t, '[data-field="owner"]'), 'sales-dev@acme.com', 'without history: the registry is still drawn');
      }
      done();
    }
    await shot(t, 'contract-degraded-play.png');
    fake.setRouted();

    // DLQ.
    fake.resetDlq();
    done = await load(t, base, '/dlq');
    eq(await count(t, 'table.dlq tbody tr[data-key]'), 3, 'DLQ: three rows');
    {
      const cells = await t.page.$$eval('table.dlq tbody tr[data-key] td', (tds) => tds.slice(0, 6).map((td) => td.innerText));
      eq(JSON.stringify(cells), JSON.stringify(['demo_request', 'task', 'crm', 'evt_dlq_0', '1', 'HTTP 400: {"error":"owner is not a CRM user"}']), 'DLQ: a row with its play, action, sink, signal, attempts, last error');
    }
    await t.page.click('table.dlq tbody tr[data-key] button[data-action="replay"]');
    await t.page.waitForSelector('[data-notice="replay"]');
    eq(await count(t, 'table.dlq tbody tr[data-key]'), 2, 'DLQ: a replayed row is gone');
    done();
    await shot(t, 'contract-dlq.png');
  } finally {
    await t.context.close();
    await f.close();
  }
}

// ---------------------------------------------------------------- run

const started = Date.now();
let crashed = 0;
try {
  await realPlayd();
  await contract();
} catch (e) {
  crashed = 1;
  console.error('FAIL: ' + (e.stack || e.message));
} finally {
  await browser.close();
}
console.log(`dashboard: ${checks} checks in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
console.log(`${checks - failures} passed, ${failures + crashed} failed`);
process.exit(failures + crashed ? 1 : 0);
