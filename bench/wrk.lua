-- wrk script of the benchmark (python manage.py bench). Two jobs:
--
-- 1. With a requests file (first script argument), every request is the next line of that file, so each request
--    can carry its own session cookie and CSRF token (the support benchmark: another person, another proposal).
--    A line is: METHOD <TAB> PATH <TAB> COOKIE <TAB> BODY. Thread n of N takes the lines n, n+N, n+2N, …; at the
--    end of its lines it starts again (the repeats are refused by the server and not counted as supports).
--    Without a file ("-"), wrk sends the URL and headers of its command line.
-- 2. At the end it prints one line "BENCH_RESULT {json}" with the counts and the latency percentiles in
--    microseconds, which the bench command reads. "requests" counts the answers wrk received before it stopped;
--    "sent" counts the lines of the requests file it sent. When wrk stops at the end of its duration, up to one
--    request per connection is still on its way: the server handles it after wrk stopped, wrk never counts its
--    answer. So a write benchmark must count rows against "sent", after the server finished (it once reported
--    "1,393 supports inserted of 1,383 requests": ten requests were in flight when wrk stopped).
--
--   wrk -t1 -c64 -d10s -s bench/wrk.lua http://127.0.0.1:8765/ -- requests.tsv 1

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

sent = 0  -- per thread: lines of the requests file sent
wrapped = 0  -- per thread: 1 once it started again at its first line

local lines = nil
local position = 0
local verified = false  -- wrk calls request() of thread 0 once before the run, to count pipelined requests

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local path, threads = args[1], tonumber(args[2] or "1")
  if path == nil or path == "-" then
    return
  end
  lines = {}
  local number = 0
  for line in io.lines(path) do
    if number % threads == id then
      local f = split(line)
      local headers = {}
      if f[3] ~= "" then headers["Cookie"] = f[3] end
      if f[4] ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
      table.insert(lines, wrk.format(f[1], f[2], headers, f[4] ~= "" and f[4] or nil))
    end
    number = number + 1
  end
end

function request()
  if lines == nil or #lines == 0 then
    return wrk.request()
  end
  if id == 0 and not verified then
    verified = true
    return lines[1]  -- never sent: neither counted nor taken from the file
  end
  if position == #lines then
    wrapped = 1
  end
  position = position % #lines + 1
  sent = sent + 1
  return lines[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  local all_sent, any_wrapped = 0, 0
  for _, thread in ipairs(threads) do
    all_sent = all_sent + (thread:get("sent") or 0)
    any_wrapped = math.max(any_wrapped, thread:get("wrapped") or 0)
  end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "sent": %d, "wrapped": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, all_sent, any_wrapped, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
