-- wrk: POST /v1/payment_intents for a random customer and asset.
dofile("Benchmarks/api/common.lua")
local assets = {"USDT-Tron", "USDC-Ethereum", "ETH-Base", "BTC-Bitcoin", "SOL-Solana", "USDT-BSC", "USDC-Polygon"}

request = function()
  return wrk.format("POST", "/v1/payment_intents", headers, string.format('{"asset":"%s","amount":"%d.5","customer":"%s"}',
    assets[math.random(#assets)], math.random(1, 1000), randomCustomer()))
end
