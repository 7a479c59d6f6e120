-- wrk script for bench/playd/run.sh: POSTs ~1 KB signal envelopes with unique
-- ids to /v1/signals.  wrk -s signals.lua URL -- RUNID [BATCH] [PAD]
--   RUNID  prefix of every id (a fresh one per run: playd drops repeated ids)
--   BATCH  signals per request (default 1 = one envelope; >1 = a JSON array)
--   PAD    length of the padding property that brings an envelope to ~1 KB
-- The signals are website.page_viewed with category "docs": evaluated by the
-- plays but matching none, so this measures ingestion (+ qualification in the
-- background), not the sink.  done() prints one JSON line for the report.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = (args[1] or "wrk") .. ".t" .. tid .. "."
  batch = tonumber(args[2] or "1")
  pad = string.rep("x", tonumber(args[3] or "740"))
  occurred = os.date("!%Y-%m-%dT%H:%M:%SZ")
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
end

local function envelope()
  counter = counter + 1
  local a = counter % 97
  return string.format(
    '{"id":"%s%d","type":"website.page_viewed","occurred_at":"%s",' ..
    '"account":"bigco%d.com","contact":"ana%d@bigco%d.com",' ..
    '"properties":{"category":"docs","url":"https://acme.com/docs/getting-started",' ..
    '"employees":1200,"referrer":"https://www.google.com/","title":"%s"}}',
    prefix, counter, occurred, a, counter % 13, a, pad)
end

function request()
  local body
  if batch == 1 then
    body = envelope()
  else
    local items = {}
    for i = 1, batch do items[i] = envelope() end
    body = "[" .. table.concat(items, ",") .. "]"
  end
  return wrk.format("POST", "/v1/signals", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"connect_err":%d,"read_err":%d,' ..
    '"write_err":%d,"timeout_err":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
