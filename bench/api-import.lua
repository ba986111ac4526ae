-- wrk script: BatchImportFindings bodies of 100 findings, each a copy of one real ASFF finding
-- with its own Id. The bash driver (bench/api-load) writes the finding to $RAMPART_BENCH_FINDING
-- with the Id replaced by @ID@, and the token to $RAMPART_BENCH_TOKEN.

local threads = {}
local batch = 100

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("RAMPART_BENCH_FINDING"), "r"))
  local template = file:read("*a")
  file:close()
  local at = template:find("@ID@", 1, true)
  before = template:sub(1, at - 1)
  after = template:sub(at + 4)
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("RAMPART_BENCH_TOKEN"),
    ["Content-Type"] = "application/json",
  }
  prefix = (os.getenv("RAMPART_BENCH_RUN") or "run") .. "-t" .. number .. "-"
  sent = 0
  failed = 0
end

function request()
  local parts = {}
  for k = 1, batch do
    parts[k] = before .. prefix .. sent .. "-" .. k .. after
  end
  sent = sent + 1
  return wrk.format("POST", "/v1/findings/import", headers,
                    '{"Findings":[' .. table.concat(parts, ",") .. "]}")
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"SuccessCount":' .. batch, 1, true) then
    failed = failed + 1
    if failed == 1 then
      io.stderr:write("import failed with HTTP " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
  end
  local seconds = summary.duration / 1e6
  local stored = (summary.requests - failures) * batch
  io.write(string.format("requests %d, failed %d, socket errors %d\n", summary.requests,
                         failures, summary.errors.connect + summary.errors.read +
                         summary.errors.write + summary.errors.timeout))
  io.write(string.format("findings stored %d in %.1f s: %.0f findings/s\n", stored, seconds,
                         stored / seconds))
end
