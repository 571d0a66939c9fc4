-- wrk script: send the session cookie given in the environment, and print one JSON line with
-- the throughput, the latency percentiles and the errors when the run is done.
local cookie = os.getenv("BENCH_COOKIE") or ""

wrk.headers["Cookie"] = cookie
wrk.headers["Accept-Language"] = "vi"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, ' ..
    '"p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
