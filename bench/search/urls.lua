-- wrk script: cycles through the benchmark query paths (one per line in $PATHS_FILE) and
-- counts non-200 answers.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  paths[#paths + 1] = line
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
