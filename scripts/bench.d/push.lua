-- wrk replays a push of DIR's dashboards with one thread (run it with -t 1) and as many
-- connections as gfs has requests in flight (-c N), then writes its own timing to
-- DIR/wrk-MODE.result and exits: wrk itself always runs for its whole -d duration.
--
-- BENCH_DIR   the folder generate.py wrote (uids.txt, bodies.txt)
-- BENCH_MODE  getpost: GET /api/dashboards/uid/U then POST /api/dashboards/db, per
--             dashboard, as `dashboard push` does; post: the POSTs alone; get: the GETs alone
-- BENCH_AUTH  the Authorization header value
--
-- Once every request is out, a connection that comes back asks for /api/health (not counted)
-- until the last counted answer arrives: at most N - 1 such requests, told apart by their body.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, t) -- CLOCK_MONOTONIC
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local dir = os.getenv("BENCH_DIR")
local mode = os.getenv("BENCH_MODE") or "getpost"
local auth = os.getenv("BENCH_AUTH")
local queue, next, expected, answered = {}, 1, 0, 0
local statuses, started = {}, nil

function init(args)
  local uids, bodies = {}, {}
  for line in io.lines(dir .. "/uids.txt") do uids[#uids + 1] = line end
  for line in io.lines(dir .. "/bodies.txt") do bodies[#bodies + 1] = line end
  -- The headers gfs sends (wrk adds Host, and Content-Length for a body, as gfs does).
  local get_headers = { ["Accept"] = "application/json", ["User-Agent"] = "gfs", ["Authorization"] = auth }
  local post_headers = {
    ["Accept"] = "application/json", ["User-Agent"] = "gfs", ["Authorization"] = auth,
    ["Content-Type"] = "application/json",
  }
  for i = 1, #uids do
    if mode ~= "post" then
      queue[#queue + 1] = wrk.format("GET", "/api/dashboards/uid/" .. uids[i], get_headers)
    end
    if mode ~= "get" then
      queue[#queue + 1] = wrk.format("POST", "/api/dashboards/db", post_headers, bodies[i])
    end
  end
  expected = #queue
  filler = wrk.format("GET", "/api/health")
end

-- wrk calls request() once before the run to count the requests it returns (its
-- script_verify_request); that call gets the uncounted health request.
local verified = false

function request()
  if not verified then
    verified = true
    return filler
  end
  if started == nil then started = now() end
  if next <= expected then
    next = next + 1
    return queue[next - 1]
  end
  return filler
end

function response(status, headers, body)
  if answered >= expected then return end
  -- Health requests go out only once every counted request is out, so only then is a body
  -- searched: Grafana's health answer names its database, no dashboard answer here does.
  if next > expected and body:find('"database"', 1, true) then return end
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if answered == expected then
    local elapsed = now() - started
    local out = io.open(dir .. "/wrk-" .. mode .. ".result", "w")
    out:write(string.format("seconds %.6f\nrequests %d\n", elapsed, answered))
    for code, n in pairs(statuses) do out:write(string.format("status %d %d\n", code, n)) end
    out:close()
    os.exit(0)
  end
end
