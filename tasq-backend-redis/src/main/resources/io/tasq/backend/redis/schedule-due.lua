-- Reads the repeating jobs due by a time, earliest first, as one consistent snapshot. A time with no
-- job, or a job Tasq did not write, is cleaned away (the latter to the dead letters, its first bytes
-- only, counting what the cap drops), so that it neither fills every answer nor stays forever. Values
-- are unverified (anyone who can write to Redis can add one): one longer than a worker accepts, whose
-- numbers are not plain and short, whose time is not finite, or whose name is over 4 KiB, counts as
-- not written by Tasq, so a worker never receives it.
-- KEYS[1] the schedules hash, KEYS[2] the schedule-times sorted set, KEYS[3] the dead-letter stream,
-- KEYS[4] the dropped dead letters counter
-- ARGV[1] due by (ms, or +inf for all), ARGV[2] most jobs (-1: all), ARGV[3] about how many dead
-- letters to keep, ARGV[4] now ms, ARGV[5] largest value in bytes, ARGV[6] bytes kept of a refused one
-- Returns {{name, next run ms, last run, job id, client id, envelope}, ...}, number dead-lettered
local function number(s, digits)
  return #s > 0 and #s <= digits and string.match(s, '^%d+$') ~= nil
end

local function split(v)
  if #v > tonumber(ARGV[5]) then
    return nil
  end
  local r = string.find(v, ':', 1, true)
  if not r or not number(string.sub(v, 1, r - 1), 18) then
    return nil
  end
  local a = string.find(v, ':', r + 1, true)
  local n = a and number(string.sub(v, r + 1, a - 1), 9) and tonumber(string.sub(v, r + 1, a - 1))
  if not n or a + n > #v then
    return nil
  end
  local b = string.find(v, ':', a + n + 1, true)
  local k = b and number(string.sub(v, a + n + 1, b - 1), 9) and tonumber(string.sub(v, a + n + 1, b - 1))
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
    local run, job, to, body = nil, nil, nil, nil
    local t = tonumber(at)
    -- a time is anyone's to write: one that is not a finite number of milliseconds is garbage too
    if #name <= 4096 and t and t == t and t > -1e18 and t < 1e18 then
      run, job, to, body = split(v)
    end
    if run then
      out[#out + 1] = {name, at, run, job, to, body}
    else
      local before = redis.call('XLEN', KEYS[3])
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'reason',
          'not a repeating job Tasq wrote (expected <last run>:<len>:<job id><len>:<client id><envelope>, '
          .. 'at most ' .. ARGV[5] .. ' bytes)', 'schedule', string.sub(name, 1, 1024),
          'raw', string.sub(v, 1, tonumber(ARGV[6])), 'size', #v, 'at', ARGV[4])
      local gone = before + 1 - redis.call('XLEN', KEYS[3])
      if gone > 0 then
        redis.call('INCRBY', KEYS[4], gone)
      end
      redis.call('HDEL', KEYS[1], name)
      redis.call('ZREM', KEYS[2], name)
      dead = dead + 1
    end
  end
end
return {out, dead}
