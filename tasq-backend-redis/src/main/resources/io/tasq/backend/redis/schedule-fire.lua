-- Fires one run of a repeating job, if the store still holds it as the caller saw it (same job id,
-- same next run, same last run): moves it to its next run, counts the run, and adds the run to the
-- jobs stream with its number, and rings the queue's doorbell, all in one step. Of several workers
-- firing the same run, one wins.
-- KEYS[1] the schedules hash, KEYS[2] the schedule-times sorted set, KEYS[3] the jobs stream,
-- KEYS[4] the doorbell stream
-- ARGV[1] name, ARGV[2] job id, ARGV[3] next run ms as seen, ARGV[4] last run as seen,
-- ARGV[5] the new next run ms, ARGV[6] this run's number (last run + 1)
-- Returns 1 if fired, 0 if another worker fired it first or it was removed or replaced
local function ring(key, n)
  -- as ring.lua: a doorbell someone else broke is made anew rather than failing this script
  local r = redis.pcall('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  if type(r) == 'table' and r.err then
    redis.call('DEL', key)
    redis.call('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  end
end

local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  return 0
end
local r = string.find(v, ':', 1, true)
if not r or string.sub(v, 1, r - 1) ~= ARGV[4] then
  return 0
end
local a = string.find(v, ':', r + 1, true)
local n = a and tonumber(string.sub(v, r + 1, a - 1))
if not n or string.sub(v, a + 1, a + n) ~= ARGV[2] then
  return 0
end
local at = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not at or tonumber(at) ~= tonumber(ARGV[3]) then
  return 0
end
local b = string.find(v, ':', a + n + 1, true)
local k = b and tonumber(string.sub(v, a + n + 1, b - 1))
if not k or b + k > #v then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[6] .. string.sub(v, r))
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'job', ARGV[2], 'to', string.sub(v, b + 1, b + k), 'body', string.sub(v, b + k + 1),
    'run', ARGV[6])
ring(KEYS[4], 1)
return 1
