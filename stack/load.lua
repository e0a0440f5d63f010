-- wrk script for scripts/load-test.sh: each wrk thread registers its own user, takes the JWT from the
-- response (one registration in flight per thread), then mixes "list my transactions" (GET) and
-- "create a transaction" (POST) requests.
-- Env: LOAD_RUN_ID (tags the users' emails), LOAD_CREATE_RATIO (default 0.3), LOAD_IDS_FILE (where
-- done() writes the ids of every create acknowledged with 201, one per line, for the lost-write check),
-- LOAD_CREATES_UNTIL (seconds after the start; later requests are lists only, so that no create is still
-- in flight at wrk's cut-off and "201s == rows added" can hold exactly).
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  run_id = os.getenv("LOAD_RUN_ID") or tostring(os.time())
  create_ratio = tonumber(os.getenv("LOAD_CREATE_RATIO") or "0.3")
  creates_until = os.time() + tonumber(os.getenv("LOAD_CREATES_UNTIL") or "1e9")
  math.randomseed(os.time() * 1000 + tid)
  token, registering, register_pending, register_sent = nil, 0, false, 0
  created, registered, listed, other = 0, 0, 0, 0
  ids = {}
end

local function register_request()
  registering = registering + 1
  local email = string.format("load-%s-t%d-%d@example.com", run_id, tid, registering)
  return wrk.format("POST", "/api/auth/register", {["Content-Type"] = "application/json"},
    string.format('{"email": "%s", "password": "load-test-password", "name": "wrk %d"}', email, tid))
end

function request()
  if token == nil then
    -- One registration in flight per thread: nginx limits POSTs to /api/auth/ per client address (burst
    -- 10), so the thread's other connections check health meanwhile instead of registering too. (A
    -- registration not answered within 2 s is sent again: wrk calls request() once at start-up only to
    -- check the script, and that request is never sent.)
    if not register_pending or os.time() - register_sent >= 2 then
      register_pending, register_sent = true, os.time()
      return register_request()
    end
    return wrk.format("GET", "/api/health")
  end
  local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
  if math.random() < create_ratio and os.time() < creates_until then
    local body = string.format('{"amount": "%d.%02d", "date": "2024-%02d-%02d", "note": "wrk load"}',
      math.random(1, 499), math.random(0, 99), math.random(1, 12), math.random(1, 28))
    return wrk.format("POST", "/api/transactions", headers, body)
  end
  return wrk.format("GET", "/api/transactions?limit=20", headers)
end

function response(status, headers, body)
  if token == nil and register_pending and body:match('"error"%s*:%s*"too_many_requests"') then
    register_pending = false  -- the registration was limited: the next request tries again
  end
  if status == 201 then
    local t = body:match('"access_token"%s*:%s*"([^"]+)"')
    if t then
      token = t
      registered = registered + 1
    else
      created = created + 1
      local id = body:match('"id"%s*:%s*(%d+)')
      if id then ids[#ids + 1] = id end
    end
  elseif status == 200 then
    listed = listed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, r, l, o = 0, 0, 0, 0
  local out = os.getenv("LOAD_IDS_FILE")
  local f = out and io.open(out, "w")
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    r = r + thread:get("registered")
    l = l + thread:get("listed")
    o = o + thread:get("other")
    if f then
      for _, id in ipairs(thread:get("ids")) do f:write(id, "\n") end
    end
  end
  if f then f:close() end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("LOAD requests=%d duration_s=%.1f rps=%.1f\n", summary.requests, secs, summary.requests / secs))
  io.write(string.format("LOAD latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("LOAD non2xx=%d socket_errors connect=%d read=%d write=%d timeout=%d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("LOAD created_201=%d registered_201=%d listed_200=%d other_status=%d\n", c, r, l, o))
end
