-- wrk: POST /v1/customers/{id}/addresses for a random customer and network.
-- Customers come from customers.txt (one id per line), the key from LODESTONE_KEY.
local customers = {}
for line in io.lines(os.getenv("LODESTONE_CUSTOMERS")) do customers[#customers + 1] = line end
local networks = {"ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "solana", "bitcoin"}
local key = os.getenv("LODESTONE_KEY")

request = function()
  local customer = customers[math.random(#customers)]
  local network = networks[math.random(#networks)]
  return wrk.format("POST", "/v1/customers/" .. customer .. "/addresses",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"},
    '{"network":"' .. network .. '"}')
end

local statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.0f p50_ms %.2f p99_ms %.2f non2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    (summary.errors.status or 0)))
  for status, n in pairs(statuses) do
    if status >= 300 then io.write(string.format("RESULT status %d x%d\n", status, n)) end
  end
end
