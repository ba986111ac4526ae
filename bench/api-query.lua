-- wrk script: GetFindings with a filter on an indexed field. The bash driver (bench/api-load)
-- sets $RAMPART_BENCH_TOKEN and $RAMPART_BENCH_QUERY (the request body).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("RAMPART_BENCH_TOKEN"),
    ["Content-Type"] = "application/json",
  }
  body = os.getenv("RAMPART_BENCH_QUERY")
  failed = 0
end

function request()
  return wrk.format("POST", "/v1/findings/query", headers, body)
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"Findings":[{', 1, true) then
    failed = failed + 1
    if failed == 1 then
      io.stderr:write("query failed with HTTP " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
  end
  io.write(string.format("requests %d, failed or empty %d, %.0f requests/s\n", summary.requests,
                         failures, summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
