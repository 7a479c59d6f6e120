#!/usr/bin/env bash
# Writes the seed corpus of the fast fuzz targets into tests/fuzz/corpus/<target>/
# (run once; the output is committed). Seeds are small valid and near-valid
# inputs taken from the repository (sample signals, the example plays'
# templates, real bundles built by playc, examples/playd.toml) plus a few
# hand-written edge cases. Files found by fuzzing that reproduced a bug are
# kept in the same folders under names starting with "regression-"; this
# script leaves them alone.
#   tests/fuzz/make_corpus.sh [PLAYC]    (default build/apps/playc/playc)
set -euo pipefail
cd "$(dirname "$0")/../.."
playc=$(realpath "${1:-build/apps/playc/playc}")
out=tests/fuzz/corpus
for t in signal segment bundle template config; do
  mkdir -p "$out/$t"
  find "$out/$t" -type f ! -name 'regression-*' -delete
done

# ---- signal: envelopes as POST /v1/signals and `playc run` take them
n=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  printf '%s' "$line" >"$out/signal/sample-$(printf %02d $n).json"
done < <(cat plays/signals/sample.ndjson; sed -n '1~4p' tests/scenario/signals.ndjson)
sig() { printf '%s' "$2" >"$out/signal/$1.json"; }
sig array '[{"id":"a1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"https://x.io/pricing"}},{"id":"a2","type":"website.form_submitted","occurred_at":"2026-06-21T10:00:00+02:00","contact":"A@B.COM","properties":{"form":"demo_request"}},{"type":"x"},3]'
sig no-id '{"type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"u"}}'
sig nulls '{"id":"n1","type":"website.page_viewed","source":null,"account":null,"contact":null,"received_at":null,"occurred_at":"2026-06-21T10:00:00.123456Z","properties":{"url":"u","category":null,"visit_count":null}}'
sig received-at '{"id":"r1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","received_at":"2026-06-21T10:00:01.5-07:30","properties":{"url":"u","visit_count":9223372036854775807}}'
sig duplicate-keys '{"id":"d1","id":"d2","type":"website.page_viewed","type":"nope","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"a","url":"b"}}'
sig escapes '{"i\u0064":"e\u0000\ud83d\ude00","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","account":"B\u00cfG.com","properties":{"url":"\\/\"x"}}'
sig wrong-types '{"id":1,"type":"website.page_viewed","occurred_at":1750000000,"properties":[]}'
sig bad-time '{"id":"t1","type":"website.page_viewed","occurred_at":"2026-02-30T25:61:61Z","properties":{"url":"u"}}'
sig big-numbers '{"id":"b1","type":"product.usage_spike","occurred_at":"2026-06-21T10:00:00Z","account":"bigco.com","properties":{"metric":"seats","value":1e308,"baseline":-1e-308,"projected":18446744073709551615}}'
sig crm-update '{"id":"c1","type":"crm.account_updated","occurred_at":"2026-06-21T10:00:00Z","account":"bigco.com","properties":{"field":"owner","value":"kim@acme.com","previous":null}}'
sig nested '{"id":"x1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"u","extra":{"a":[1,[2,[3,{"b":null}]]]}}}'

# ---- segment: Segment / RudderStack HTTP API calls
seg() { printf '%s' "$2" >"$out/segment/$1.json"; }
seg track-mapped '{"type":"track","event":"Pricing Page Viewed","messageId":"m1","userId":"ana@bigco.com","properties":{"url":"https://acme.com/pricing","category":"pricing"},"context":{"groupId":"bigco.com"},"originalTimestamp":"2026-06-21T10:00:00Z","sentAt":"2026-06-21T10:00:05Z"}'
seg track-declared '{"type":"track","event":"website.form_submitted","messageId":"m2","anonymousId":"x","traits":{"email":"mia@midco.io"},"properties":{"form":"demo_request"},"timestamp":"2026-06-21T10:00:00.5Z"}'
seg track-unmapped '{"type":"track","event":"Button Clicked","messageId":"m3","userId":"u1"}'
seg page '{"type":"page","name":"Pricing","category":"pricing","messageId":"p1","userId":"ana@bigco.com","context":{"page":{"url":"https://acme.com/pricing","title":"Pricing","referrer":"https://g2.com"},"groupId":"bigco.com"}}'
seg identify '{"type":"identify","messageId":"i1","userId":"ana@bigco.com","traits":{"firstName":"Ana","lastName":"Ruiz","title":"VP Sales","seniority":"vp","do_not_contact":false,"unknown_trait":[1,2]}}'
seg identify-no-email '{"type":"identify","messageId":"i2","userId":"12345","traits":{"name":"x"}}'
seg group '{"type":"group","messageId":"g1","groupId":"bigco.com","userId":"ana@bigco.com","traits":{"name":"BigCo","employees":4200,"industry":"software","domain":"ignored.com"}}'
seg group-bad-traits '{"type":"group","messageId":"g2","groupId":"bigco.com","traits":"nope"}'
seg screen '{"type":"screen","messageId":"s1","name":"Home"}'
seg alias '{"type":"alias","messageId":"al1","previousId":"a","userId":"b"}'
seg batch '{"batch":[{"type":"track","event":"Demo Requested","messageId":"b1","userId":"joe@dealco.com","properties":{"form":"demo_request"},"originalTimestamp":"2026-06-21T09:59:00Z"},{"type":"page","messageId":"b2","properties":{"url":"https://acme.com/"}},{"type":"identify","messageId":"b3","traits":{"email":"liz@happyco.com","name":"Liz"}},{"type":"bogus"},"x"],"context":{"groupId":"happyco.com","traits":{"email":"liz@happyco.com"},"page":{"url":"https://acme.com/docs"}},"sentAt":"2026-06-21T10:00:00Z","writeKey":"k"}'
seg bad-timestamps '{"type":"track","event":"Pricing Page Viewed","messageId":"t1","originalTimestamp":"yesterday","sentAt":"0000-01-01T00:00:00Z"}'
seg far-timestamps '{"type":"track","event":"Pricing Page Viewed","messageId":"t2","properties":{"url":"u"},"originalTimestamp":"0001-01-01T00:00:00Z","sentAt":"9999-12-31T23:59:59.999Z"}'
seg missing-message-id '{"type":"track","event":"Pricing Page Viewed","properties":{"url":"u"}}'
seg wrong-types '{"type":"track","event":7,"messageId":["m"],"properties":"p","context":[],"traits":null}'

# ---- bundle: real bundles from playc build (small ones mutate fastest)
bundle() {  # name paths...
  local name=$1
  shift
  "$playc" build "$@" -o "$out/bundle/$name.bundle" >/dev/null 2>&1 || rm -f "$out/bundle/$name.bundle"
}
bundle examples plays
bundle scenario tests/scenario/plays
bundle rotation tests/engine/plays/rotation.play
for d in plays/*/; do
  d=${d%/}
  [ "$(basename "$d")" = signals ] && continue
  bundle "plays-$(basename "$d")" plays/project.play "$d"
done
for f in tests/scenario/plays/*.play; do
  [ "$(basename "$f")" = project.play ] && continue
  bundle "scenario-$(basename "$f" .play)" tests/scenario/plays/project.play "$f"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'play tiny {\n  title "t"\n  owner "o@example.com"\n  on website.page_viewed\n  where signal.url == "u"\n  do review(queue: "q")\n}\n' >"$tmp/tiny.play"
(cd "$tmp" && "$playc" build tiny.play -o tiny.bundle >/dev/null 2>&1) && mv "$tmp/tiny.bundle" "$out/bundle/tiny.bundle"

# ---- template: action-argument strings from the example and test plays, and edge cases
n=0
while IFS= read -r t; do
  n=$((n + 1))
  printf '%s' "$t" >"$out/template/plays-$(printf %02d $n).txt"
done < <(grep -rhoE '"[^"]*\{[^"]*\}[^"]*"' plays tests/scenario/plays tests/lang_examples --include=*.play |
  sed 's/^"//; s/"$//' | sort -u)
tpl() { printf '%s' "$2" >"$out/template/$1.txt"; }
tpl plain 'no expression at all'
tpl braces '{{not an expression}} {{ {contact.name} }}'
tpl escapes 'tab\there \u{1F600} \\ \x41 {contact.name}'
tpl unterminated '{contact.name'
tpl stray-close 'done} {'
tpl empty-expr '{} { } {account.name}'
tpl nested "{ {'a': 1}['a'] } {[1, [2, [3]]]} {'}'}"
tpl methods "{signal.url.upper()} {size(signal.url)} {signal.url.matches('^https')} {account.tags.filter(t, t != 'x')}"
tpl arithmetic '{signal.visit_count ?? 0 + 1} {1 / 0} {9223372036854775807 + 1} {2.5 * 3} {4h + 30m}'
tpl let-and-lists '{rep} {[rep, account.name]} {{"k": rep}} {now} {signal.occurred_at}'
tpl unknown-names '{nope} {signal.nope} {contact.nope()} {account.name.nope}'
tpl deep '{((((((((((((((((((((1))))))))))))))))))))}'
tpl quotes "{'it''s'} {\"x\"} {'\\''}"

# ---- config: playd.toml files
cp examples/playd.toml "$out/config/example.toml"
cfg() { printf '%s\n' "$2" >"$out/config/$1.toml"; }
cfg sinks '[execution]
retry_schedule = ["100ms", "200ms", "1h30m"]
max_attempts = 20
fallback = "review"

[sinks.crm]
kind = "http"
url = "http://127.0.0.1:9/crm"
concurrency = 2
signing_secret = "whsec_c2VjcmV0LWZvci10ZXN0cw=="
rate_per_hour = 3600.5
timeout = "2s"

[sinks.chat]
kind = "slack"
url = "https://hooks.slack.com/services/x"

[sinks.review]
kind = "file"
path = "review/out.ndjson"'
cfg sources '[server]
listen = "[::1]:0"
admin_token = "adm"

[[sources]]
name = "website"
kind = "bearer"
secret = "s1"

[[sources]]
name = "segment"
kind = "segment"
secret = "wk"

[[sources]]
name = "vendor"
kind = "webhooks"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"'
cfg segment '[segment]
page_type = "website.page_viewed"
max_event_bytes = 16384
[segment.events]
"Pricing Page Viewed" = "website.page_viewed"
"Demo Requested" = "website.form_submitted"
"Unknown Type" = "web.nope"'
cfg store '[store]
synchronous = "NORMAL"
dedup_ttl = 86400000
trace_ttl = "7d"
max_queue_depth = 1'
cfg bad-values '[server]
listen = "host:abc"
threads = 0
[store]
dedup_ttl = "-5s"
[sinks.crm]
concurrency = 1000'
cfg inline-tables 'server = { listen = "127.0.0.1:0", threads = 4 }
sinks = { crm = { url = "http://x/", kind = "http" }, review = { kind = "file" } }
sources = [ { name = "a", secret = "b" } ]'
cfg types 'server.threads = 2.0
store.dedup_ttl = 1979-05-27T07:32:00Z
execution.retry_schedule = [1, "1m", true, [2]]
segment.events = { "a.b" = "website.page_viewed", "" = "" }'
cfg unknown 'top = 1
[server]
lisen = "127.0.0.1:8080"
[sinks.x]
url = "http://x/"
[sinks.x.headers]
a = "b"'
cfg not-toml '[server
listen = "127.0.0.1:8080"
= 3'

for t in signal segment bundle template config; do
  printf '%-9s %3d files, %6d bytes\n' "$t" "$(find "$out/$t" -type f | wc -l)" "$(cat "$out/$t"/* | wc -c)"
done
