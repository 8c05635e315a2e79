-- Shared by the wrk scenarios: customers and key from the environment, one RESULT line at the end.
customers = {}
for line in io.lines(os.getenv("LODESTONE_CUSTOMERS")) do customers[#customers + 1] = line end
key = os.getenv("LODESTONE_KEY")
headers = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}

function randomCustomer() return customers[math.random(#customers)] end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.0f p50_ms %.2f p99_ms %.2f non2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0)))
end
