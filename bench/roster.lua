-- wrk script: scoped roster pages (50 rows) with filters and pinyin searches, bearer-authenticated.
-- Usage: see bench/run.sh. TOKEN and ORGS (comma-separated org ids) come from the environment.
local token = os.getenv("TOKEN")
local orgs = {}
for id in string.gmatch(os.getenv("ORGS") or "", "[^,]+") do orgs[#orgs + 1] = id end
local queries = { "q=zs", "q=wl", "q=li", "category=student", "status=probationary", "q=zhang", "education=doctorate", "q=chen&sort=joined" }
local n = 0
request = function()
  n = n + 1
  local org = orgs[(n % #orgs) + 1]
  local q = queries[(n % #queries) + 1]
  local path = "/api/v1/members?org=" .. org .. "&per_page=50&" .. q
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
