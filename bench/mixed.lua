-- wrk script of `bench.pages` table B: the mixed load. Each request is drawn at random:
-- 95% an anonymous GET of one of the articles, 4% a signed-in reader's like (POST of the
-- page's like form, with that reader's session and CSRF token), 1% a guest comment (POST of
-- the article's comment form, each with a text of its own). The requests come from a Lua
-- file written by bench/pages.py (WRK_DATA). Prints one JSON line: rate, p50/p95 ms over
-- all requests, the answers other than 200 and 302, and the likes and comments sent and
-- answered 302.
local data = dofile(os.getenv("WRK_DATA"))
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  -- Each step's texts differ from the last step's: a comment sent again by the same guest
  -- is taken as a double post, answered 302 without a second copy.
  step = os.time()
  reads, likes, comments, redirected, other = 0, 0, 0, 0, 0
end

function request()
  local roll = math.random()
  if roll < 0.95 then
    reads = reads + 1
    return wrk.format("GET", data.reads[math.random(#data.reads)], data.read_headers)
  elseif roll < 0.99 then
    likes = likes + 1
    local like = data.likes[math.random(#data.likes)]
    return wrk.format("POST", like.path, like.headers, like.body)
  end
  comments = comments + 1
  local form = data.comments[math.random(#data.comments)]
  local text = "&comment=Bench+comment+" .. step .. "-" .. id .. "-" .. comments
    .. "+on+the+talks."
  return wrk.format("POST", form.path, form.headers, form.body .. text)
end

function response(status)
  if status == 302 then
    redirected = redirected + 1
  elseif status ~= 200 then
    other = other + 1
  end
end

function done(summary, latency, requests)
  local sent = {reads = 0, likes = 0, comments = 0, redirected = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(sent) do
      sent[name] = sent[name] + (thread:get(name) or 0)
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'JSON {"rate": %.1f, "p50": %.2f, "p95": %.2f, "errors": %d, "requests": %d, '
      .. '"reads": %d, "likes": %d, "comments": %d, "redirected": %d, "other": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors, summary.requests, sent.reads, sent.likes,
    sent.comments, sent.redirected, sent.other))
end
