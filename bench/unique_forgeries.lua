-- wrk script: every request carries a different forged token (the valid token with a counter
-- written into its signature), so neither cache can help and each one costs a verification.
-- The token comes from the environment: FORGE_BASE = the valid token.
local base = os.getenv("FORGE_BASE")
local dot = base:match(".*()%.")  -- position of the last '.'
local counter = 0
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

request = function()
  counter = counter + 1
  local n, tag = counter, ""
  for _ = 1, 6 do
    local digit = n % 64
    tag = tag .. alphabet:sub(digit + 1, digit + 1)
    n = math.floor(n / 64)
  end
  local token = base:sub(1, dot + 4) .. tag .. base:sub(dot + 11)
  return wrk.format("GET", "/api/films/1/", { ["Authorization"] = "Bearer " .. token })
end
