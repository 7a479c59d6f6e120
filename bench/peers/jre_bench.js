// The benchmark corpus's plays as json-rules-engine rules (generated
// jre_rules.json), one Engine per signal type (so it too is indexed by type).
// Conditions cover where / icp / unless / suppressed; the `fired within`
// ledger, round robin and enroll's last_enrolled_at are applied in the
// event handler, in rule order, as the .play semantics require. The icps
// and the suppression result are computed once per signal (facts).
//   node jre_bench.js CORPUS_DIR [REPEAT] [ONLY_TYPE]
'use strict';
const fs = require('fs');
const path = require('path');
const { Engine } = require('json-rules-engine');

const dir = process.argv[2];
const repeat = Number(process.argv[3] || 1);
const only = process.argv[4];
const { types, rules } = JSON.parse(fs.readFileSync(path.join(dir, 'jre_rules.json')));
const ctx = JSON.parse(fs.readFileSync(path.join(dir, 'context.json')));
const signals = fs.readFileSync(path.join(dir, 'signals.ndjson'), 'utf8').trim().split('\n').map((l) => {
  const s = JSON.parse(l);
  s.now = Date.parse(s.occurred_at);
  return s;
}).filter((s) => !only || s.type === only);

const engines = {};
for (const t of types) engines[t] = new Engine([], { allowUndefinedFacts: true });
rules.forEach((r, i) => {
  const type = r.conditions.all[0].value;
  engines[type].addRule({ ...r, priority: 100000 - i });  // keep source order
});
const sdrs = ['sam@acme.com', 'kim@acme.com', 'lee@acme.com'];

async function runOnce() {
  const accounts = new Map(ctx.accounts.map((a) => [a.domain, { ...a }]));
  const contacts = new Map(ctx.contacts.map((c) => [c.email, { ...c, email_domain: c.email.split('@')[1] }]));
  const ledger = new Map();
  let rr = 0;
  const counts = { fired: 0, actions: 0, suppressed: 0, deduplicated: 0 };
  for (const s of signals) {
    const acc = accounts.get(s.account);
    let con = contacts.get(s.contact);
    const icpEnt = !!(acc && acc.employees != null && acc.employees >= 500 && ['US', 'CA', 'GB'].includes(acc.country));
    const icpMid = !!(acc && acc.employees != null && acc.employees >= 100 && acc.employees < 500);
    const suppressed = !!((con && (con.do_not_contact || con.in_active_sequence)) ||
      (acc && (acc.is_customer || acc.open_opportunity)) ||
      (con && ['rival.io', 'othervendor.com'].includes(con.email_domain)) ||
      (con && con.last_enrolled_at != null && s.now - con.last_enrolled_at < 30 * 86400000));
    const facts = { signal: { type: s.type, props: s.properties }, account: acc || {}, icp_enterprise: icpEnt,
                    icp_midmarket: icpMid, suppressed };
    const { events } = await engines[s.type].run(facts);
    for (const ev of events) {
      const p = ev.params;
      const key = p.play + '|' + (p.per_contact ? s.contact : s.account);
      const last = ledger.get(key);
      if (last !== undefined && s.now - last < p.within_ms) { counts.deduplicated++; continue; }
      if (p.route === 0) {
        const rep = (acc && acc.owner) || sdrs[rr++ % 3];
        counts.actions++;
        if (!con) { con = { email: s.contact }; contacts.set(s.contact, con); }
        con.last_enrolled_at = s.now;
        void rep;
      } else if (p.route === 1) {
        const text = `${(con && con.name) || ''} at ${(acc && acc.name) || ''}: ${p.prop} ${p.value}`;
        counts.actions += 2;
        void text;
      } else {
        const note = `${(acc && acc.name) || ''} ${p.value}`;
        counts.actions++;
        void note;
      }
      ledger.set(key, s.now);
      counts.fired++;
    }
  }
  return counts;
}

(async () => {
  await runOnce();  // warm-up
  const t0 = process.hrtime.bigint();
  let counts;
  for (let r = 0; r < repeat; r++) counts = await runOnce();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ impl: 'json-rules-engine', signals: signals.length, repeat, seconds: secs,
    signals_per_s: signals.length * repeat / secs, actions: counts.actions, fired: counts.fired,
    deduplicated: counts.deduplicated }));
})();
