-- Deletes consumers of the group that hold nothing: the one named (a worker saying goodbye) and
-- those idle for longer than the threshold (workers that vanished), so consumers do not accumulate.
-- A consumer with pending entries is never deleted: that would drop its jobs.
-- KEYS[1] the jobs stream; ARGV[1] group, ARGV[2] idle threshold ms, ARGV[3] a consumer or ''
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) ~= 'table' or consumers.err then
  return 0
end
local removed = 0
local threshold = tonumber(ARGV[2])
for _, c in ipairs(consumers) do
  local name, pending, idle
  for i = 1, #c, 2 do
    if c[i] == 'name' then
      name = c[i + 1]
    elseif c[i] == 'pending' then
      pending = c[i + 1]
    elseif c[i] == 'idle' then
      idle = c[i + 1]
    end
  end
  if name and pending == 0 and (name == ARGV[3] or (idle and idle > threshold)) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed = removed + 1
  end
end
return removed
