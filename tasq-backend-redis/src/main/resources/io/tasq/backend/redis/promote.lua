-- Moves the delayed jobs that are due into the jobs stream, each in the same step as it leaves the
-- sorted set, so a delayed job is neither lost nor doubled however many workers run this at once,
-- and rings the queue's doorbell if it moved any. A member Tasq did not write goes to the dead letters
-- (its first bytes only). A retry (retry.lua) is a member prefixed with
-- +<deliveries so far>:<run>:<deliveries lost>:, which the new entry carries as its tries, run and lost
-- fields. Members are unverified (anyone who can write to Redis can add one): numbers must be plain and
-- short, and what the member says moves nothing but itself into the stream, where the worker verifies it.
-- KEYS[1] the delayed sorted set, KEYS[2] the jobs stream, KEYS[3] the dead-letter stream,
-- KEYS[4] the dropped dead letters counter, KEYS[5] the doorbell stream
-- ARGV[1] now ms, ARGV[2] most jobs to move, ARGV[3] about how many dead letters to keep,
-- ARGV[4] bytes kept of a member that is refused
-- Returns {members taken, score of the next delayed job or false, members dead-lettered}
local function ring(key, n)
  -- as ring.lua: a doorbell someone else broke is made anew rather than failing this script
  local r = redis.pcall('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  if type(r) == 'table' and r.err then
    redis.call('DEL', key)
    redis.call('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  end
end

local function split(m)
  local a = string.find(m, ':', 1, true)
  if not a or a > 10 or not string.match(string.sub(m, 1, a - 1), '^%d+$') then
    return nil
  end
  local n = tonumber(string.sub(m, 1, a - 1))
  local b = string.find(m, ':', a + n + 1, true)
  if not b or b - (a + n + 1) > 9 or not string.match(string.sub(m, a + n + 1, b - 1), '^%d+$') then
    return nil
  end
  local k = tonumber(string.sub(m, a + n + 1, b - 1))
  if b + k > #m then
    return nil
  end
  return string.sub(m, a + 1, a + n), string.sub(m, b + 1, b + k), string.sub(m, b + k + 1)
end

local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local dead, moved = 0, 0
for _, m in ipairs(due) do
  local tries, run, lost, rest = nil, nil, nil, m
  local bad = false
  if string.sub(m, 1, 1) == '+' then
    local at
    tries, run, lost, at = string.match(m, '^%+(%d+):(%d+):(%d+):()')
    bad = not at or #tries > 9 or #run > 18 or #lost > 9
    rest = at and string.sub(m, at) or ''
  end
  local job, to, body = nil, nil, nil
  if not bad then
    job, to, body = split(rest)
  end
  if job and tries then
    local fields = {'job', job, 'to', to, 'body', body, 'tries', tries, 'lost', lost}
    if run ~= '0' then
      fields[#fields + 1] = 'run'
      fields[#fields + 1] = run
    end
    redis.call('XADD', KEYS[2], '*', unpack(fields))
    moved = moved + 1
  elseif job then
    redis.call('XADD', KEYS[2], '*', 'job', job, 'to', to, 'body', body)
    moved = moved + 1
  else
    local before = redis.call('XLEN', KEYS[3])
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'reason',
        'not a delayed job Tasq wrote (expected <len>:<job id><len>:<client id><envelope>)',
        'raw', string.sub(m, 1, tonumber(ARGV[4])), 'size', #m, 'at', ARGV[1])
    local gone = before + 1 - redis.call('XLEN', KEYS[3])
    if gone > 0 then
      redis.call('INCRBY', KEYS[4], gone)
    end
    dead = dead + 1
  end
  redis.call('ZREM', KEYS[1], m)
end
if moved > 0 then
  ring(KEYS[5], moved)
end
local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {#due, nxt[2] or false, dead}
