-- wrk script: POSTs the GraphQL request in $BODY_FILE with the bearer token in $TOKEN
-- (no header when $TOKEN is empty).
--
-- wrk runs one Lua state per thread and calls `done` in yet another one, so a counter kept
-- in `response` is only seen by its own thread. `setup` keeps every thread, `response`
-- counts in globals of its thread's state, and `done` sums them with `thread:get`: the
-- RESULT line's `errors` are all non-200 responses plus all 200s whose body has `"errors"`,
-- over every thread. The calling script fails the run when `errors` or `socket_errors` is
-- not 0.
local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

-- Per thread (globals of that thread's Lua state, read by `done`).
non_200 = 0
graphql_errors = 0
first_error = ""

response = function(status, headers, body)
  if status ~= 200 then
    non_200 = non_200 + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  else
    return
  end
  if first_error == "" then
    first_error = status .. " " .. string.sub(body or "", 1, 300)
  end
end

done = function(summary, latency, requests)
  local non200, gql, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    non200 = non200 + thread:get("non_200")
    gql = gql + thread:get("graphql_errors")
    local e = thread:get("first_error")
    if first == "" and e ~= nil and e ~= "" then first = e end
  end
  local s = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non_200=%d graphql_errors=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    non200 + gql, non200, gql, s.connect + s.read + s.write + s.timeout))
  if first ~= "" then
    io.write("FIRST_ERROR " .. string.gsub(first, "\n", " ") .. "\n")
  end
end
