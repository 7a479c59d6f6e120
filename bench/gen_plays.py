#!/usr/bin/env python3
"""Generates a synthetic project of N plays (about 16 lines each) spread over
10 signal types, plus a shared project file (suppress block, icps, pools),
and optionally M signals as NDJSON for `playc run` benchmarks.

    bench/gen_plays.py --plays 1000 --out /tmp/corpus [--signals 100000]

Deterministic: the same arguments give the same files.
"""
import argparse
import datetime
import json
import os
import random

TYPES = [
    ("website.page_viewed", [("category", ["pricing", "docs", "blog", "integrations", "case_study"]),
                             ("url", ["/pricing", "/docs", "/blog/x", "/integrations"])]),
    ("website.form_submitted", [("form", ["demo_request", "contact_sales", "ebook", "webinar"])]),
    ("product.milestone_reached", [("milestone", ["first_api_call", "first_export", "teammate_invited"])]),
    ("product.feature_activated", [("feature", ["sso", "api", "export", "dashboards"])]),
    ("intent.topic_surge", [("topic", ["crm", "sales automation", "intent data", "revops"])]),
    ("review_site.compared", [("competitor", ["rival.io", "othervendor.com", "thirdco"])]),
    ("jobs.posting_changed", [("role", ["sdr", "revops", "vp sales", "ae"])]),
    ("email.link_clicked", [("campaign", ["q3-launch", "webinar", "nurture-1"])]),
    ("ecosystem.integration_installed", [("integration", ["salesforce", "hubspot", "slack"])]),
    ("company.funding_announced", [("round", ["seed", "series_a", "series_b"])]),
]
T0 = datetime.datetime(2026, 6, 21, 10, 0, 0)
COUNTRIES = ["US", "CA", "GB", "DE", "FR"]

PROJECT = """// Shared declarations for the synthetic benchmark corpus.
list competitor_domains = ["rival.io", "othervendor.com"]
const enterprise_floor = 500
pool sdrs = ["sam@acme.com", "kim@acme.com", "lee@acme.com"]

icp enterprise = account.employees >= enterprise_floor
                 and account.country in ["US", "CA", "GB"]
icp midmarket = account.employees >= 100 and account.employees < enterprise_floor

suppress {
  contact.do_not_contact                       as "do not contact"
  contact.in_active_sequence                   as "active sequence"
  account.is_customer                          as "existing customer"
  account.open_opportunity                     as "open opportunity"
  contact.email_domain in competitor_domains   as "competitor employee"
  now - contact.last_enrolled_at < 30d         as "recently enrolled"
}
"""


def play_model(i):
    """The parameters of synthetic play i (shared by every implementation in bench/)."""
    sig, props = TYPES[i % len(TYPES)]
    prop, values = props[0]
    return {
        "name": f"synthetic_{i:05d}", "type": sig, "prop": prop,
        "value": values[(i // len(TYPES)) % len(values)],
        "icp": "enterprise" if i % 2 == 0 else "midmarket",
        "emp": 50 + (i * 37) % 2000, "route": i % 3,
        "priority": ["high", "normal", "low"][i % 3],
        "within_h": [1 + i % 12, 1 + i % 24, 7 * 24][i % 3],
        "per": ["contact", "account", "account"][i % 3],
    }


def action_heavy_text(i):
    """Play i of the action-heavy corpus: the same triggers and actions, but
    without the icp, suppression and employee filters, and with `fired
    within` windows shorter than a contact's spacing between signals, so a
    signal fires about a dozen actions and every play still asks the ledger."""
    m = play_model(i)
    sig, prop, value, route = m["type"], m["prop"], m["value"], m["route"]
    lines = [
        f"play synthetic_{i:05d} {{",
        f'  title    "Synthetic play {i}"',
        '  owner    "revops@acme.com"',
        '  oncall   "#gtm-oncall"',
        f"  priority {m['priority']}",
        f"  on {sig}",
        f'  where signal.{prop} == "{value}"',
        f"  unless fired within {2 + i % 24}h per {m['per']}",
    ]
    if route == 0:
        lines += [
            "  unless suppressed",
            "  let rep = account.owner ?? round_robin(sdrs)",
            f'  do enroll(sequence: "seq-{i}", rep: rep)',
        ]
    elif route == 1:
        lines += [
            f'  do notify(channel: "#alerts-{i % 7}", text: "{{contact.name}} at {{account.name}}: {prop} {value}")',
            f'  do task(subject: "Follow up {i}", owner: account.owner, due: {1 + i % 3}d)',
        ]
    else:
        lines += [f'  do review(queue: "weekly-{i % 5}", note: "{{account.name}} {value}")']
    lines.append("}")
    return "\n".join(lines) + "\n"


def play_text(i, rnd, action_heavy=False):
    if action_heavy:
        return action_heavy_text(i)
    m = play_model(i)
    sig, prop, value, icp, emp, route = m["type"], m["prop"], m["value"], m["icp"], m["emp"], m["route"]
    lines = [
        f"play synthetic_{i:05d} {{",
        f'  title    "Synthetic play {i}"',
        '  owner    "revops@acme.com"',
        '  oncall   "#gtm-oncall"',
        f'  runbook  "https://wiki.acme.com/runbooks/synthetic-{i}"',
        f"  priority {['high', 'normal', 'low'][i % 3]}",
        f"  on {sig}",
        f'  where signal.{prop} == "{value}"',
        f"  where icp {icp}",
        f'  unless account.tier == "strategic" or account.employees < {emp} as "hand-run or small"',
        "  unless suppressed",
    ]
    if route == 0:
        lines += [
            f"  unless fired within {2 + i % 24}h per contact",
            "  let rep = account.owner ?? round_robin(sdrs)",
            f'  do enroll(sequence: "seq-{i}", rep: rep)',
        ]
    elif route == 1:
        lines += [
            f"  unless fired within {1 + i % 24}h per account",
            f'  do notify(channel: "#alerts-{i % 7}", text: "{{contact.name}} at {{account.name}}: {prop} {value}")',
            f'  do task(subject: "Follow up {i}", owner: account.owner, due: {1 + i % 3}d)',
        ]
    else:
        lines += [
            "  unless fired within 7d per account",
            f'  do review(queue: "weekly-{i % 5}", note: "{{account.name}} {value}")',
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plays", type=int, default=1000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-file", type=int, default=10)
    ap.add_argument("--signals", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--action-heavy", action="store_true",
                    help="plays without icp and suppression filters (about a dozen actions per signal)")
    ap.add_argument("--only-type", help="write only the plays on this signal type (same play numbers)")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "plays"), exist_ok=True)
    chosen = [i for i in range(a.plays) if not a.only_type or play_model(i)["type"] == a.only_type]
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump([play_model(i) for i in chosen], f, indent=0)
    with open(os.path.join(a.out, "plays", "project.play"), "w") as f:
        # The action-heavy corpus enrolls the same contacts again and again:
        # without the "recently enrolled" rule, which would stop all but one.
        f.write(PROJECT if not a.action_heavy else
                PROJECT.replace("  now - contact.last_enrolled_at < 30d         as \"recently enrolled\"\n", ""))
    for start in range(0, len(chosen), a.per_file):
        with open(os.path.join(a.out, "plays", f"plays_{start // a.per_file:04d}.play"), "w") as f:
            f.write("\n".join(play_text(i, rnd, a.action_heavy) for i in chosen[start:start + a.per_file]))
    if a.signals:
        accounts, contacts = [], []
        for k in range(500):
            d = f"co{k}.com"
            accounts.append({"domain": d, "name": f"Co {k}", "employees": 20 + (k * 53) % 3000,
                             "country": COUNTRIES[k % 5], "is_customer": k % 11 == 0,
                             "open_opportunity": k % 13 == 0, "tier": "strategic" if k % 17 == 0 else "standard",
                             "owner": None if k % 3 else f"owner{k % 9}@acme.com"})
            for c in range(2):
                contacts.append({"email": f"p{c}@{d}", "name": f"Person {c} {k}", "account": d,
                                 "do_not_contact": (k + c) % 19 == 0, "in_active_sequence": (k + c) % 23 == 0})
        with open(os.path.join(a.out, "context.json"), "w") as f:
            json.dump({"accounts": accounts, "contacts": contacts}, f)
        with open(os.path.join(a.out, "signals.ndjson"), "w") as f:
            for n in range(a.signals):
                sig, props = TYPES[rnd.randrange(len(TYPES))]
                k = rnd.randrange(500)
                p = {name: rnd.choice(vals) for name, vals in props}
                if sig == "website.page_viewed" and "url" not in p:
                    p["url"] = "/x"
                if sig == "intent.topic_surge":
                    p["score"] = rnd.randrange(100)
                if sig == "jobs.posting_changed":
                    p.setdefault("role", "sdr")
                # one signal a second from 2026-06-21T10:00:00Z, in time order
                occurred = (T0 + datetime.timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
                f.write(json.dumps({"id": f"sig_{n}", "type": sig, "source": "bench", "occurred_at": occurred,
                                    "account": f"co{k}.com", "contact": f"p{n % 2}@co{k}.com", "properties": p},
                                   separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
