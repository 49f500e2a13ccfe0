-- Reads the repeating jobs due by a time, earliest first, as one consistent snapshot. A time with no
-- job, or a job Tasq did not write, is cleaned away (the latter to the dead letters), so that it
-- neither fills every answer nor stays forever.
-- KEYS[1] the schedules hash, KEYS[2] the schedule-times sorted set, KEYS[3] the dead-letter stream
-- ARGV[1] due by (ms, or +inf for all), ARGV[2] most jobs (-1: all), ARGV[3] about how many dead
-- letters to keep, ARGV[4] now ms
-- Returns {{name, next run ms, last run, job id, client id, envelope}, ...}, number dead-lettered
local function split(v)
  local r = string.find(v, ':', 1, true)
  if not r or not string.match(string.sub(v, 1, r - 1), '^%d+$') then
    return nil
  end
  local a = string.find(v, ':', r + 1, true)
  local n = a and string.match(string.sub(v, r + 1, a - 1), '^%d+$') and tonumber(string.sub(v, r + 1, a - 1))
  if not n or a + n > #v then
    return nil
  end
  local b = string.find(v, ':', a + n + 1, true)
  local k = b and string.match(string.sub(v, a + n + 1, b - 1), '^%d+$') and tonumber(string.sub(v, a + n + 1, b - 1))
  if not k or b + k > #v then
    return nil
  end
  return string.sub(v, 1, r - 1), string.sub(v, a + 1, a + n), string.sub(v, b + 1, b + k), string.sub(v, b + k + 1)
end

local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local out = {}
local dead = 0
for i = 1, #due, 2 do
  local name, at = due[i], due[i + 1]
  local v = redis.call('HGET', KEYS[1], name)
  if not v then
    redis.call('ZREM', KEYS[2], name)
  else
    local run, job, to, body = split(v)
    if run then
      out[#out + 1] = {name, at, run, job, to, body}
    else
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'reason',
          'not a repeating job Tasq wrote (expected <last run>:<len>:<job id><len>:<client id><envelope>)',
          'schedule', name, 'raw', v, 'at', ARGV[4])
      redis.call('HDEL', KEYS[1], name)
      redis.call('ZREM', KEYS[2], name)
      dead = dead + 1
    end
  end
end
return {out, dead}
