-- Keeps a repeating job under its name, with its next run time: replaces the one kept under that
-- name, unless it is the same job (same job id), which is a registration delivered again and must
-- not start its runs over.
-- KEYS[1] the schedules hash, KEYS[2] the schedule-times sorted set
-- ARGV[1] name, ARGV[2] job id, ARGV[3] the value kept (<last run>:<len>:<job id><len>:<client id>
-- <envelope>), ARGV[4] next run ms
-- Returns 1 if kept, 0 if the same job was kept already
local kept = redis.call('HGET', KEYS[1], ARGV[1])
if kept then
  local a = string.find(kept, ':', 1, true)
  local b = a and string.find(kept, ':', a + 1, true)
  local n = b and tonumber(string.sub(kept, a + 1, b - 1))
  if n and string.sub(kept, b + 1, b + n) == ARGV[2] then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
