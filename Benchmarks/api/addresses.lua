-- wrk: POST /v1/customers/{id}/addresses for a random customer and network.
dofile("Benchmarks/api/common.lua")
local networks = {"ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "solana", "bitcoin"}

request = function()
  return wrk.format("POST", "/v1/customers/" .. randomCustomer() .. "/addresses", headers,
    '{"network":"' .. networks[math.random(#networks)] .. '"}')
end
