-- Takes over entries idle longer than the visibility timeout (their worker was lost), with how many
-- times each was delivered. An entry delivered more than max-attempts times to workers that were lost
-- goes to the dead letters instead: a job that kills every worker that runs it must not kill them
-- forever. Deliveries that ended in a retry or a hand-back do not count (the entry's 'lost' field
-- carries the count across those); 'tries' + the delivery count is the attempt.
-- KEYS[1] the jobs stream, KEYS[2] the dead-letter stream
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count,
-- ARGV[6] max attempts (0: no limit), ARGV[7] about how many dead letters to keep, ARGV[8] now ms
-- Returns {next cursor, {{id, fields, delivery count}, ...}, number of entries dead-lettered}
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local claimed = {}
local dead = 0
local max = tonumber(ARGV[6])
for _, e in ipairs(r[2]) do
  local id, fields = e[1], e[2]
  if not fields then
    -- deleted while pending (Redis 6.2 reports these here): nothing left to run
    redis.call('XACK', KEYS[1], ARGV[1], id)
  else
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    local count = 1
    if #p > 0 then
      count = p[1][4]
    end
    local tries, lost = 0, 0
    for i = 1, #fields, 2 do
      if fields[i] == 'tries' then
        tries = tonumber(fields[i + 1]) or 0
      elseif fields[i] == 'lost' then
        lost = tonumber(fields[i + 1]) or 0
      end
    end
    if max > 0 and count + lost > max then
      local dl = {'reason', 'delivered ' .. (count + lost) .. ' times and never settled (redis.max-attempts is '
          .. max .. '): each worker that took it was lost', 'entry', id, 'attempts', count + tries, 'at', ARGV[8]}
      for i = 1, #fields do
        dl[#dl + 1] = fields[i]
      end
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', unpack(dl))
      redis.call('XACK', KEYS[1], ARGV[1], id)
      redis.call('XDEL', KEYS[1], id)
      dead = dead + 1
    else
      claimed[#claimed + 1] = {id, fields, count}
    end
  end
end
return {r[1], claimed, dead}
