-- wrk script: every request a different query, as a notebook or a
-- dashboard with many widgets asks them. The shape comes from SHAPE
-- (lookup, series or growth); the partners from the file PARTNERS (one code
-- a line: the synthetic dataset's); the dataset from DATASET. A `limit`
-- drawn from 1000 values makes the URL different even when the coordinates
-- repeat, without changing the body's size much. With SCALE=monthly (the
-- monthly synthetic dataset) a lookup draws a month, a series asks for
-- every month (420) and a growth is between two months.
--
--   SHAPE=lookup PARTNERS=partners.txt wrk -s bench/random.lua http://host:port

local shape = os.getenv("SHAPE") or "lookup"
local dataset = os.getenv("DATASET") or "synthetic"
local accept = os.getenv("ACCEPT_ENCODING")
local groups = {
  "biotechnology", "life-science", "opto-electronics", "information-communications",
  "electronics", "flexible-manufacturing", "advanced-materials", "aerospace", "weapons",
  "nuclear",
}
local partners = {}
for line in io.lines(os.getenv("PARTNERS") or "partners.txt") do
  if #line > 0 then partners[#partners + 1] = line end
end
local first_year, years = 1990, 35
local monthly = os.getenv("SCALE") == "monthly"

-- Each wrk thread runs its own copy: seed it apart.
math.randomseed(tonumber(os.getenv("SEED") or "2024"))

local headers = {}
if accept and #accept > 0 then headers["Accept-Encoding"] = accept end

local function pick(t) return t[math.random(#t)] end

local function period(year)
  if monthly then return string.format("%d-%02d", year, math.random(1, 12)) end
  return tostring(year)
end

request = function()
  local group = pick(groups)
  local limit = 9000 + math.random(0, 999)
  local path
  if shape == "lookup" then
    path = string.format("/v1/imports?dataset=%s&group=%s&partner=%s&period=%s&limit=%d",
      dataset, group, pick(partners), period(first_year + math.random(0, years - 1)), limit)
  elseif shape == "series" then
    path = string.format("/v1/imports?dataset=%s&group=%s&partner=%s&frequency=%s&limit=%d",
      dataset, group, pick(partners), monthly and "monthly" or "annual", limit)
  else
    local from = first_year + math.random(0, years - 2)
    local to = from + math.random(1, first_year + years - 1 - from)
    path = string.format("/v1/growth?dataset=%s&flow=%s&from=%s&to=%s&group=%s&limit=%d",
      dataset, pick({"imports", "exports"}), period(from), period(to), group, limit)
  end
  return wrk.format("GET", path, headers)
end

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  if non2xx > 0 then
    io.stderr:write(string.format("non-2xx answers: %d\n", non2xx))
  end
end
