-- Moves the delayed jobs that are due into the jobs stream, each in the same step as it leaves the
-- sorted set, so a delayed job is neither lost nor doubled however many workers run this at once.
-- A member Tasq did not write goes to the dead letters. A retry (retry.lua) is a member prefixed with
-- +<deliveries so far>:<run>:<deliveries lost>:, which the new entry carries as its tries, run and lost
-- fields.
-- KEYS[1] the delayed sorted set, KEYS[2] the jobs stream, KEYS[3] the dead-letter stream
-- ARGV[1] now ms, ARGV[2] most jobs to move, ARGV[3] about how many dead letters to keep
-- Returns {members taken, score of the next delayed job or false, members dead-lettered}
local function split(m)
  local a = string.find(m, ':', 1, true)
  local n = a and tonumber(string.sub(m, 1, a - 1))
  if not n or n < 0 then
    return nil
  end
  local b = string.find(m, ':', a + n + 1, true)
  local k = b and tonumber(string.sub(m, a + n + 1, b - 1))
  if not k or k < 0 or b + k > #m then
    return nil
  end
  return string.sub(m, a + 1, a + n), string.sub(m, b + 1, b + k), string.sub(m, b + k + 1)
end

local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local dead = 0
for _, m in ipairs(due) do
  local tries, run, lost, rest = nil, nil, nil, m
  if string.sub(m, 1, 1) == '+' then
    local at
    tries, run, lost, at = string.match(m, '^%+(%d+):(%d+):(%d+):()')
    rest = at and string.sub(m, at) or ''
  end
  local job, to, body = split(rest)
  if job and tries then
    local fields = {'job', job, 'to', to, 'body', body, 'tries', tries, 'lost', lost}
    if run ~= '0' then
      fields[#fields + 1] = 'run'
      fields[#fields + 1] = run
    end
    redis.call('XADD', KEYS[2], '*', unpack(fields))
  elseif job then
    redis.call('XADD', KEYS[2], '*', 'job', job, 'to', to, 'body', body)
  else
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'reason',
        'not a delayed job Tasq wrote (expected <len>:<job id><len>:<client id><envelope>)', 'raw', m,
        'at', ARGV[1])
    dead = dead + 1
  end
  redis.call('ZREM', KEYS[1], m)
end
local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {#due, nxt[2] or false, dead}
