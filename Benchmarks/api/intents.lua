-- wrk: POST /v1/payment_intents for a random customer and asset.
local customers = {}
for line in io.lines(os.getenv("LODESTONE_CUSTOMERS")) do customers[#customers + 1] = line end
local assets = {"USDT-Tron", "USDC-Ethereum", "ETH-Base", "BTC-Bitcoin", "SOL-Solana", "USDT-BSC", "USDC-Polygon"}
local key = os.getenv("LODESTONE_KEY")

request = function()
  local body = string.format('{"asset":"%s","amount":"%d.5","customer":"%s"}',
    assets[math.random(#assets)], math.random(1, 1000), customers[math.random(#customers)])
  return wrk.format("POST", "/v1/payment_intents",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
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
