-- Harness for hybrid/fuzzy, run by the luamod check under lua5.4:
--     LUA_CPATH="<dir>/?.so;;" lua5.4 fuzzy_harness.lua <dir>/fuzzy.so [--quick]
-- Loads the learner's module with require, checks fuzzy.distance against
-- the pure-Lua version below, then times both on the same names,
-- interleaved (one run of each per round, best of several rounds, CPU
-- time).  Reports on stdout (docs/checks/luamod.md): "step", "fail",
-- "time base", "time native", "note", "ok".

-- Report lines go to stdout, marked with the nonce the check writes on
-- stdin (read before the learner's module is loaded).
io.stdout:setvbuf("line")
local mark = "WB1 " .. (io.read("l") or "-") .. " "
local function say(line)
  io.stdout:write(mark, line, "\n")
  io.stdout:flush()
end

local quick = false
for i = 2, #arg do
  if arg[i] == "--quick" then
    quick = true
  end
end

-- The pure-Lua version: the same algorithm, written the way a careful Lua
-- programmer would (bytes read once, two rows reused).
local byte = string.byte
local function distance_lua(a, b)
  local la, lb = #a, #b
  local bb = { byte(b, 1, lb) }
  local prev, cur = {}, {}
  for j = 0, lb do
    prev[j] = j
  end
  for i = 1, la do
    local ca = byte(a, i)
    cur[0] = i
    for j = 1, lb do
      local best = prev[j - 1] + (ca == bb[j] and 0 or 1)
      local up, left = prev[j] + 1, cur[j - 1] + 1
      if up < best then best = up end
      if left < best then best = left end
      cur[j] = best
    end
    prev, cur = cur, prev
  end
  return prev[lb]
end

local function show(s)
  return (string.format("%q", s):gsub("\\\n", "\\n"):gsub("\\0", "\\0"))
end

say("step loading the module with require \"fuzzy\"")
local ok, fuzzy = pcall(require, "fuzzy")
if not ok then
  say("fail require \"fuzzy\" failed: " .. tostring(fuzzy):gsub("\n", " "))
  os.exit(0)
end
if type(fuzzy) ~= "table" or type(fuzzy.distance) ~= "function" then
  say("fail require \"fuzzy\" did not return a table with a distance function")
  os.exit(0)
end

-- Bad arguments must raise a Lua error, not crash the interpreter.
for _, case in ipairs({
  { "nil", nil, "abc" },
  { "a table", {}, "abc" },
}) do
  local what, a, b = case[1], case[2], case[3]
  say("step calling fuzzy.distance(" .. what .. ", \"abc\"), which should raise an error")
  local fine, err = pcall(fuzzy.distance, a, b)
  if fine then
    say("fail fuzzy.distance(" .. what .. ", \"abc\") returned " .. tostring(err)
      .. " instead of raising \"bad argument #1 to 'distance' (string expected)\"")
    os.exit(0)
  end
  if not tostring(err):find("string expected", 1, true) then
    say("fail fuzzy.distance(" .. what .. ", \"abc\") raised \"" .. tostring(err)
      .. "\", not the usual \"bad argument #1 ... (string expected, got ...)\"")
    os.exit(0)
  end
end
say("step calling fuzzy.distance(\"abc\") with one argument, which should raise an error")
if pcall(fuzzy.distance, "abc") then
  say("fail fuzzy.distance(\"abc\") with no second string did not raise an error")
  os.exit(0)
end

local function expect(a, b, want, why)
  local got = fuzzy.distance(a, b)
  if got ~= want then
    say(string.format("fail fuzzy.distance(%s, %s) returned %s, want %d%s",
      show(a), show(b), tostring(got), want, why or ""))
    os.exit(0)
  end
end

say("step comparing known distances")
expect("kitten", "sitting", 3)
expect("flaw", "lawn", 2)
expect("", "", 0)
expect("", "abc", 3)
expect("abc", "", 3)
expect("same", "same", 0)
expect("r\195\169sum\195\169", "resume", 4) -- UTF-8: bytes, not characters

say("step comparing strings with '\\0' bytes inside")
local nul = " (a Lua string can hold '\\0' bytes: its length is not strlen)"
expect("ab\0cd", "ab\0ce", 1, nul)
expect("\0\0\0", "", 3, nul)
expect("x\0y", "x\0y\0z", 2, nul)

-- A fixed pseudo-random generator, so every run sees the same names.
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local letters = "abcdefghijklmnopqrstuvwxyz_./"
local function name(len)
  local t = {}
  for i = 1, len do
    local k = rand(#letters) + 1
    t[i] = letters:sub(k, k)
  end
  return table.concat(t)
end

say("step comparing 200 random pairs with the pure-Lua version")
for _ = 1, 200 do
  local a, b = name(rand(40)), name(rand(40))
  expect(a, b, distance_lua(a, b))
end
say("step comparing long strings (300 and 500 bytes)")
local long_a, long_b = name(300), name(500)
expect(long_a, long_b, distance_lua(long_a, long_b))

-- Timing: rank every name against one query, in pure Lua and with the
-- module, interleaved, best of each.  os.clock is CPU time, and where a
-- CPU limit is set (the check sets one) it only moves every few
-- milliseconds: each side repeats its ranking for at least 50 ms and
-- counts its time per ranking.
local count = quick and 300 or 2000
local rounds = quick and 5 or 7
local names = {}
for i = 1, count do
  names[i] = name(8 + rand(25))
end
local query = "src/main_window.c"
local function rank(dist)
  local total = 0
  for i = 1, count do
    total = total + dist(query, names[i])
  end
  return total
end
local function per_call(dist)
  local calls, t0 = 0, os.clock()
  repeat
    rank(dist)
    calls = calls + 1
  until os.clock() - t0 >= 0.05
  return (os.clock() - t0) / calls
end
if rank(distance_lua) ~= rank(fuzzy.distance) then
  say("fail the module's distances over the names do not add up to the pure-Lua ones")
  os.exit(0)
end
say(string.format("step timing %d names, %d rounds", count, rounds))
local best_lua, best_c = math.huge, math.huge
for _ = 1, rounds do
  best_lua = math.min(best_lua, per_call(distance_lua))
  best_c = math.min(best_c, per_call(fuzzy.distance))
end
say(string.format("time base %.9f %d", best_lua, rounds))
say(string.format("time native %.9f %d", best_c, rounds))
say(string.format("note ranking %d names against one query", count))
say("ok fuzzy.distance matches the pure-Lua version")
