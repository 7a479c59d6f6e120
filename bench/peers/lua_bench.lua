-- The benchmark corpus's plays in Lua (generated plays.lua), data passed as
-- Lua tables (generated data.lua). Same semantics as the .play files.
-- Runs under Lua 5.4 and LuaJIT:  lua5.4 lua_bench.lua CORPUS_DIR [REPEAT] [ONLY_TYPE]
local dir, repeat_n, only = arg[1], tonumber(arg[2] or "1"), arg[3]
local P = dofile(dir .. "/plays.lua")
local D = dofile(dir .. "/data.lua")

local by_type = {}
for i, p in ipairs(P) do
  by_type[p.type] = by_type[p.type] or {}
  table.insert(by_type[p.type], p.fn)
end
local signals = {}
for _, s in ipairs(D.signals) do
  if only == nil or s.type == only then signals[#signals + 1] = s end
end
local sdrs = {"sam@acme.com", "kim@acme.com", "lee@acme.com"}

local function copy(t)
  local r = {}
  for k, v in pairs(t) do
    local c = {}
    for k2, v2 in pairs(v) do c[k2] = v2 end
    r[k] = c
  end
  return r
end

local counts
local function run_once()
  local accounts, contacts, ledger, rr = copy(D.accounts), copy(D.contacts), {}, 0
  for _, c in pairs(contacts) do c.email_domain = c.email:match("@(.+)$") end
  counts = {fired = 0, actions = 0, suppressed = 0, deduplicated = 0}
  local e = {}
  e.icp_enterprise = function(e)
    if e.ent == nil then
      local a = e.acc
      e.ent = a ~= nil and a.employees ~= nil and a.employees >= 500 and
              (a.country == "US" or a.country == "CA" or a.country == "GB") or false
    end
    return e.ent
  end
  e.icp_midmarket = function(e)
    if e.mid == nil then
      local a = e.acc
      e.mid = a ~= nil and a.employees ~= nil and a.employees >= 100 and a.employees < 500 or false
    end
    return e.mid
  end
  e.suppressed = function(e)
    if e.supp == nil then
      local c, a = e.con, e.acc
      e.supp = (c ~= nil and (c.do_not_contact or c.in_active_sequence)) or
               (a ~= nil and (a.is_customer or a.open_opportunity)) or
               (c ~= nil and (c.email_domain == "rival.io" or c.email_domain == "othervendor.com")) or
               (c ~= nil and c.last_enrolled_at ~= nil and e.sig.now - c.last_enrolled_at < 30 * 86400000) or false
    end
    return e.supp
  end
  local function key(e, play, per_contact)
    local k = (per_contact and e.sig.contact) or e.sig.account
    return play .. "|" .. k
  end
  e.fired_within = function(e, play, within, per_contact)
    local t = ledger[key(e, play, per_contact)]
    return t ~= nil and e.sig.now - t < within
  end
  e.fired = function(e, play, per_contact)
    ledger[key(e, play, per_contact)] = e.sig.now
    counts.fired = counts.fired + 1
  end
  e.round_robin = function(e)
    rr = rr + 1
    return sdrs[(rr - 1) % 3 + 1]
  end
  e.emit = function(e, play, action, args) counts.actions = counts.actions + 1 end
  e.enrolled = function(e)
    if e.con == nil then
      e.con = {email = e.sig.contact}
      contacts[e.sig.contact] = e.con
    end
    e.con.last_enrolled_at = e.sig.now
  end
  for _, s in ipairs(signals) do
    e.sig, e.acc, e.con, e.ent, e.mid, e.supp = s, accounts[s.account], contacts[s.contact], nil, nil, nil
    local plays = by_type[s.type]
    if plays then
      for i = 1, #plays do
        local o = plays[i](e)
        if o == "suppressed" then counts.suppressed = counts.suppressed + 1
        elseif o == "deduplicated" then counts.deduplicated = counts.deduplicated + 1 end
      end
    end
  end
end

run_once()  -- warm-up (and JIT traces for LuaJIT)
local t0 = os.clock()
for _ = 1, repeat_n do run_once() end
local secs = os.clock() - t0
local impl = jit and jit.version or _VERSION
io.write(string.format('{"impl":"%s","signals":%d,"repeat":%d,"seconds":%.6f,"signals_per_s":%.1f,' ..
  '"actions":%d,"fired":%d,"suppressed":%d,"deduplicated":%d}\n', impl, #signals, repeat_n, secs,
  #signals * repeat_n / secs, counts.actions, counts.fired, counts.suppressed, counts.deduplicated))
