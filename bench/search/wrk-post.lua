-- wrk script of bench/search/wrk.ts: POSTs the bodies of a file, one JSON body a line,
-- in turn over every connection, and prints the summary as one JSON line.
--   wrk -s wrk-post.lua <url> -- <bodies file> <path> [header: value]...
-- The requests are formatted once in init, so the load generator spends next to no
-- CPU per request on the cores it shares with the servers.
local requests = {}
local next_request = 0

function init(args)
  local headers = { ["content-type"] = "application/json" }
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", args[2], headers, line)
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"micros":%d,"non2xx":%d,"socketErrors":%d,"p50":%d,"p99":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
