-- wrk script of `bench.pages`: prints one JSON line (requests/s, p50/p95 ms, failures).
-- With WRK_BODY set, each request POSTs it plus a comment text of its own and must get
-- WRK_EXPECT (302); otherwise wrk's own count of non-2xx/3xx answers is the failures.
local threads = {}
local body = os.getenv("WRK_BODY")
local expect = tonumber(os.getenv("WRK_EXPECT") or "302")

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

if body then
  local sent, unexpected = 0, 0
  function request()
    sent = sent + 1
    local text = "&comment=Bench+comment+" .. id .. "-" .. sent .. "+on+the+talks."
    return wrk.format("POST", nil, nil, body .. text)
  end
  function response(status)
    if status ~= expect then
      unexpected = unexpected + 1
      bad = unexpected
    end
  end
end

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  if body then
    failed = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
    for _, thread in ipairs(threads) do
      failed = failed + (thread:get("bad") or 0)
    end
  end
  io.write(string.format(
    'JSON {"rate": %.1f, "p50": %.2f, "p95": %.2f, "failed": %d, "requests": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, failed, summary.requests))
end
