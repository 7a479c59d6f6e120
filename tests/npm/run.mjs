// Integration test: real clients from npm against the real playd.
//   node tests/npm/run.mjs --playd build/apps/playd/playd [--plays plays]
// Needs `npm ci --prefix tests/npm` first, and the sqlite3 command (to read
// the context records playd stored).
// - @segment/analytics-node 3.x (Basic auth) and 2.x (the write key only in
//   the JSON body, `writeKey`), and @rudderstack/rudder-sdk-node (gzip) send
//   track/page/identify/group calls: they become signals (traced by id) and
//   context records (read from the store), the traits each source may set;
//   a wrong write key in the body gets 401;
// - requests signed with the `standardwebhooks` package are accepted;
//   tampered, replayed-late and unsigned ones get 401 and change nothing;
// - bad input gets its 4xx with a clear error, good items of a batch are
//   still taken, and playd stays up.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { Analytics as Segment2Analytics } from 'analytics-node-2';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Webhook } from 'standardwebhooks';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const playdPath = resolve(arg('--playd', 'build/apps/playd/playd'));
const playsPath = resolve(arg('--plays', 'plays'));

let failures = 0;
let checks = 0;
function check(ok, what, detail = '') {
  checks++;
  if (ok) return;
  failures++;
  console.error(`FAIL: ${what}${detail ? `\n      ${detail}` : ''}`);
}

async function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const SEGMENT_KEY = 'seg_write_key';
const SEGMENT2_KEY = 'seg2_write_key';
const RUDDER_KEY = 'rudder_write_key';
const BEARER = 'tok_crm_source';
const WHSEC = 'whsec_' + Buffer.from('playd-test-webhook-key-32-bytes!').toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'playd-npm-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
writeFileSync(
  join(dir, 'playd.toml'),
  `[server]
listen = "127.0.0.1:${port}"

[[sources]]
name = "segment"
kind = "segment"
secret = "${SEGMENT_KEY}"
traits = { accounts = ["name", "employees", "country"], contacts = ["name", "title", "account"] }

[[sources]]
name = "segment2"
kind = "segment"
secret = "${SEGMENT2_KEY}"
traits = { contacts = ["title"] }

[[sources]]
name = "rudderstack"
kind = "segment"
secret = "${RUDDER_KEY}"
traits = { accounts = ["name", "employees"], contacts = ["title", "account"] }

[[sources]]
name = "crm"
kind = "bearer"
secret = "${BEARER}"
context = true

[[sources]]
name = "vendor"
kind = "webhooks"
secret = "${WHSEC}"
`,
);

const playd = spawn(playdPath, ['serve', '--plays', playsPath, '--data', join(dir, 'data'), '--config', join(dir, 'playd.toml')], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let playdLog = '';
playd.stderr.on('data', (d) => (playdLog += d));
let playdExited = false;
playd.on('exit', () => (playdExited = true));

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    if (playdExited) throw new Error('playd exited:\n' + playdLog);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('playd did not come up:\n' + playdLog);
}

async function trace(id) {
  const r = await fetch(`${base}/v1/signals/${encodeURIComponent(id)}/trace`);
  return { status: r.status, body: r.status === 200 ? await r.json() : await r.text() };
}

function record(table, key, value) {
  const sql = `SELECT fields FROM ${table} WHERE ${key} = '${value}'`;
  const out = execFileSync('sqlite3', ['-readonly', join(dir, 'data', 'playd.db'), sql]).toString().trim();
  return out ? JSON.parse(out) : null;
}

async function post(path, body, headers = {}) {
  const r = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, text, json, headers: r.headers };
}

const bearer = { authorization: `Bearer ${BEARER}` };
const run = Date.now().toString(36);

try {
  await waitUp();

  // ---- Segment's SDK (JSON, /v1/batch) ----
  const errors = [];
  const segment = new SegmentAnalytics({ writeKey: SEGMENT_KEY, host: base, flushAt: 20, flushInterval: 200, maxRetries: 1 });
  segment.on('error', (e) => errors.push(e));
  segment.identify({ userId: 'ana@bigco.com', traits: { email: 'ana@bigco.com', title: 'VP Sales', firstName: 'Ana', lastName: 'Li' } });
  segment.group({ userId: 'ana@bigco.com', groupId: 'bigco.com', traits: { name: 'BigCo', employees: 1500, country: 'US' } });
  segment.track({ messageId: `seg-track-${run}`, userId: 'ana@bigco.com', event: 'product.trial_started', properties: { plan: 'pro' }, context: { groupId: 'bigco.com' } });
  segment.page({ messageId: `seg-page-${run}`, userId: 'ana@bigco.com', name: 'Pricing', category: 'pricing', properties: { url: 'https://acme.com/pricing' } });
  segment.track({ messageId: `seg-unmapped-${run}`, userId: 'ana@bigco.com', event: 'Some Button Clicked' });
  await segment.closeAndFlush({ timeout: 10000 });
  check(errors.length === 0, 'Segment SDK delivered without errors', errors.map(String).join('; '));

  const segTrack = await trace(`seg-track-${run}`);
  check(segTrack.status === 200, 'Segment track became a signal', JSON.stringify(segTrack));
  const segPage = await trace(`seg-page-${run}`);
  check(segPage.status === 200, 'Segment page became a website.page_viewed signal', JSON.stringify(segPage));
  check((await trace(`seg-unmapped-${run}`)).status === 404, 'an unmapped Segment event is ignored, not stored');
  const contact = record('contacts', 'email', 'ana@bigco.com');
  check(contact && contact.title === 'VP Sales' && contact.name === 'Ana Li' && contact.account === 'bigco.com',
        'Segment identify + group upserted the contact', JSON.stringify(contact));
  const account = record('accounts', 'domain', 'bigco.com');
  check(account && account.employees === 1500 && account.name === 'BigCo', 'Segment group upserted the account', JSON.stringify(account));

  // ---- Segment's SDK, 2.x: the write key only in the body ----
  const errors2 = [];
  const sent2 = [];
  const segment2 = new Segment2Analytics({ writeKey: SEGMENT2_KEY, host: base, flushAt: 20, flushInterval: 200, maxRetries: 1 });
  segment2.on('error', (e) => errors2.push(e));
  segment2.on('http_request', (r) => sent2.push(r));
  segment2.identify({ userId: 'cy@bigco.com', traits: { email: 'cy@bigco.com', title: 'CFO', do_not_contact: true } });
  segment2.track({ messageId: `seg2-track-${run}`, userId: 'cy@bigco.com', event: 'product.trial_started', properties: { plan: 'team' } });
  await segment2.closeAndFlush({ timeout: 10000 });
  check(errors2.length === 0, 'Segment SDK 2.x delivered without errors', errors2.map(String).join('; '));
  check(sent2.length > 0 && sent2.every((r) => !r.headers.Authorization && !r.headers.authorization && JSON.parse(r.body).writeKey === SEGMENT2_KEY),
        'Segment SDK 2.x sent its write key in the body only', JSON.stringify(sent2.map((r) => r.headers)));
  check((await trace(`seg2-track-${run}`)).status === 200, 'Segment 2.x track became a signal');
  const cy = record('contacts', 'email', 'cy@bigco.com');
  check(cy && cy.title === 'CFO' && cy.do_not_contact === undefined, 'Segment 2.x identify set the allowed trait only', JSON.stringify(cy));

  const wrong2 = new Segment2Analytics({ writeKey: 'not-a-key', host: base, flushAt: 20, flushInterval: 200, maxRetries: 1 });
  const wrongErrors = [];
  wrong2.on('error', (e) => wrongErrors.push(e));
  wrong2.track({ messageId: `seg2-wrong-${run}`, userId: 'cy@bigco.com', event: 'product.trial_started' });
  await wrong2.closeAndFlush({ timeout: 10000 });
  check(wrongErrors.length > 0, 'Segment SDK 2.x with a wrong write key is refused');
  check((await trace(`seg2-wrong-${run}`)).status === 404, 'and its event is not stored');
  const wrongBody = await post('/v1/batch', JSON.stringify({ writeKey: 'not-a-key', batch: [{ type: 'track', messageId: `wk-${run}`, event: 'product.trial_started' }] }));
  check(wrongBody.status === 401, 'a wrong writeKey in the body gets 401', wrongBody.text);

  // ---- RudderStack's SDK (gzip, /v1/batch) ----
  const rudder = new RudderAnalytics(RUDDER_KEY, { dataPlaneUrl: base, flushAt: 10, flushInterval: 200, gzip: true });
  rudder.identify({ userId: 'bo@smallco.io', traits: { email: 'bo@smallco.io', title: 'CTO' } });
  rudder.group({ userId: 'bo@smallco.io', groupId: 'smallco.io', traits: { name: 'SmallCo', employees: 40 } });
  rudder.track({ messageId: `rud-track-${run}`, userId: 'bo@smallco.io', event: 'product.milestone_reached', properties: { milestone: 'first_api_call' }, context: { groupId: 'smallco.io' } });
  const rudderError = await new Promise((res) => rudder.flush((err) => res(err)));
  check(!rudderError, 'RudderStack SDK delivered without errors', String(rudderError));
  const rudTrack = await trace(`rud-track-${run}`);
  check(rudTrack.status === 200, 'RudderStack gzip track became a signal', JSON.stringify(rudTrack));
  const bo = record('contacts', 'email', 'bo@smallco.io');
  check(bo && bo.title === 'CTO' && bo.account === 'smallco.io', 'RudderStack identify + group upserted the contact', JSON.stringify(bo));
  check(record('accounts', 'domain', 'smallco.io')?.employees === 40, 'RudderStack group upserted the account');

  // ---- Standard Webhooks ----
  const wh = new Webhook(WHSEC);
  const envelope = JSON.stringify({ type: 'product.trial_started', occurred_at: new Date().toISOString(), account: 'bigco.com', properties: { plan: 'team' } });
  const signedHeaders = (id, date, body) => ({ 'webhook-id': id, 'webhook-timestamp': String(Math.floor(date.getTime() / 1000)), 'webhook-signature': wh.sign(id, date, body) });
  const okId = `msg_ok_${run}`;
  const ok = await post('/v1/signals', envelope, signedHeaders(okId, new Date(), envelope));
  check(ok.status === 200 && ok.json?.accepted === 1, 'a Standard Webhooks signed request is accepted', ok.text);
  check((await trace(okId)).status === 200, 'the webhook-id is the signal id of an envelope without one');
  const again = await post('/v1/signals', envelope, signedHeaders(okId, new Date(), envelope));
  check(again.status === 200 && again.json?.duplicates === 1, 'a redelivered webhook is acknowledged as a duplicate', again.text);

  const tamperedId = `msg_tampered_${run}`;
  const tamperedBody = envelope.replace('team', 'enterprise');
  const tampered = await post('/v1/signals', tamperedBody, signedHeaders(tamperedId, new Date(), envelope));
  check(tampered.status === 401, 'a tampered body gets 401', tampered.text);
  const lateId = `msg_late_${run}`;
  const late = await post('/v1/signals', envelope, signedHeaders(lateId, new Date(Date.now() - 6 * 60 * 1000), envelope));
  check(late.status === 401, 'a request signed 6 minutes ago gets 401', late.text);
  const earlyId = `msg_early_${run}`;
  const early = await post('/v1/signals', envelope, signedHeaders(earlyId, new Date(Date.now() + 6 * 60 * 1000), envelope));
  check(early.status === 401, 'a request signed 6 minutes ahead gets 401', early.text);
  const unsigned = await post('/v1/signals', JSON.stringify({ ...JSON.parse(envelope), id: `unsigned_${run}` }));
  check(unsigned.status === 401, 'an unsigned request gets 401', unsigned.text);
  for (const id of [tamperedId, lateId, earlyId, `unsigned_${run}`])
    check((await trace(id)).status === 404, `a refused request (${id}) changed nothing`);

  // ---- bad input ----
  const at = new Date().toISOString();
  const good = (id) => ({ id, type: 'product.trial_started', occurred_at: at, properties: { plan: 'pro' } });
  const malformed = await post('/v1/signals', '{"id": "x", "type": ', bearer);
  check(malformed.status === 400 && /malformed JSON/.test(malformed.json?.error), 'malformed JSON gets 400', malformed.text);
  const wrongType = await post('/v1/signals', JSON.stringify({ ...good('wt'), occurred_at: 12 }), bearer);
  check(wrongType.status === 400 && wrongType.json?.error === 'occurred_at: must be a string, got number', 'a wrong type gets 400 naming the field', wrongType.text);
  const wrongProp = await post('/v1/signals', JSON.stringify({ ...good('wp'), properties: { plan: 5 } }), bearer);
  check(wrongProp.status === 400 && /plan/.test(wrongProp.json?.error), 'a property of the wrong type gets 400 naming it', wrongProp.text);
  const missing = await post('/v1/signals', JSON.stringify({ type: 'product.trial_started', occurred_at: at }), bearer);
  check(missing.status === 400 && /^id: missing/.test(missing.json?.error), 'a missing id gets 400', missing.text);
  const unknownType = await post('/v1/signals', JSON.stringify({ ...good('ut'), type: 'nope.nothing' }), bearer);
  check(unknownType.status === 400, 'an unknown signal type gets 400', unknownType.text);
  const utf8 = await post('/v1/signals', Buffer.concat([Buffer.from('{"id":"u8","type":"product.trial_started","occurred_at":"' + at + '","properties":{"plan":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]), bearer);
  check(utf8.status === 400 && /UTF-8/.test(utf8.json?.error), 'invalid UTF-8 gets 400', utf8.text);
  const huge = await post('/v1/signals', JSON.stringify({ ...good('huge'), properties: { plan: 'x'.repeat(11 * 1024 * 1024) } }), bearer);
  check(huge.status === 413, 'an 11 MB body gets 413', `${huge.status} ${huge.text.slice(0, 200)}`);
  const batch = [good(`b1_${run}`), { ...good(`b2_${run}`), occurred_at: 'yesterday' }, good(`b3_${run}`), { ...good(`b4_${run}`), properties: [] }];
  const mixed = await post('/v1/signals', JSON.stringify(batch), bearer);
  check(mixed.status === 400 && mixed.json?.accepted === 2 && mixed.json?.items?.length === 2 &&
        mixed.json.items[0].index === 1 && mixed.json.items[0].error === 'occurred_at: not an RFC 3339 timestamp' &&
        mixed.json.items[1].index === 3,
        'a batch with bad items names each, and takes the good ones', mixed.text);
  check((await trace(`b1_${run}`)).status === 200 && (await trace(`b3_${run}`)).status === 200, 'the good items of the batch are stored');
  check((await trace(`b2_${run}`)).status === 404, 'the bad items of the batch are not');
  const ndjson = await post('/v1/signals', [good(`n1_${run}`), good(`n2_${run}`)].map((e) => JSON.stringify(e)).join('\n'), { ...bearer, 'content-type': 'application/x-ndjson' });
  check(ndjson.status === 200 && ndjson.json?.accepted === 2, 'NDJSON is accepted', ndjson.text);
  const put = await fetch(`${base}/v1/accounts/acme.io`, { method: 'PUT', body: JSON.stringify({ employees: 'many' }), headers: bearer });
  check(put.status === 400, 'a context field of the wrong type gets 400', await put.text());
  const health = await fetch(`${base}/healthz`);
  check(health.status === 200 && !playdExited, 'playd is still up after the bad input');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  check(/playd_ingest_auth_failures_total [1-9]/.test(metrics), '/metrics counts the 401s');
  check(/playd_ingest_segment_ignored_total [1-9]/.test(metrics), '/metrics counts ignored Segment events');
} catch (e) {
  failures++;
  console.error('FAIL: ' + (e.stack || e));
} finally {
  playd.kill('SIGTERM');
  await new Promise((r) => (playdExited ? r() : playd.on('exit', r)));
  if (failures) console.error('--- playd log ---\n' + playdLog.slice(-4000));
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
