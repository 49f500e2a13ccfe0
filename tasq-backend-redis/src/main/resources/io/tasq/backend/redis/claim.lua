-- Takes over entries idle longer than the visibility timeout (their worker was lost), with how many
-- times each was delivered. An entry delivered more than max-attempts times to workers that were lost
-- goes to the dead letters instead: a job that kills every worker that runs it must not kill them
-- forever. Deliveries that ended in a retry or a hand-back do not count (the entry's 'lost' field
-- carries the count across those); 'tries' + the delivery count is the attempt. An entry over the
-- limits of read.lua is refused here the same way, so that a worker never receives it.
-- The fields are unverified: 'tries' and 'lost' count only if they are plain numbers of at most 9
-- digits (anything else is 0), so a forged one can neither break the arithmetic nor lift the limit.
-- KEYS[1] the jobs stream, KEYS[2] the dead-letter stream, KEYS[3] the dropped dead letters counter
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count,
-- ARGV[6] max attempts (0: no limit), ARGV[7] about how many dead letters to keep, ARGV[8] now ms,
-- ARGV[9] largest body, ARGV[10] largest total of the other fields, ARGV[11] most fields,
-- ARGV[12] bytes kept of a refused body
-- Returns {next cursor, {{id, fields, delivery count}, ...}, number dead-lettered past max attempts,
-- number refused over the limits}
local maxBody, maxOther, maxFields = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

local function count(v)
  if type(v) == 'string' and #v <= 9 and string.match(v, '^%d+$') then
    return tonumber(v)
  end
  return 0
end

--#include entry-limits

local function deadLetter(id, fields)
  bury(KEYS[1], ARGV[1], id, KEYS[2], KEYS[3], ARGV[7], fields)
end

local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local claimed = {}
local dead, refused = 0, 0
local max = tonumber(ARGV[6])
for _, e in ipairs(r[2]) do
  local id, fields = e[1], e[2]
  if not fields then
    -- deleted while pending (Redis 6.2 reports these here): nothing left to run
    redis.call('XACK', KEYS[1], ARGV[1], id)
  else
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    local delivered = 1
    if #p > 0 then
      delivered = p[1][4]
    end
    local tries, lost = nil, nil
    for i = 1, #fields, 2 do
      -- the first of a field counts, as for the worker
      if fields[i] == 'tries' and tries == nil then
        tries = count(fields[i + 1])
      elseif fields[i] == 'lost' and lost == nil then
        lost = count(fields[i + 1])
      end
    end
    tries, lost = tries or 0, lost or 0
    local why = entryRefusal(fields, maxBody, maxOther, maxFields)
    if why then
      local size, kept = 0, nil
      for i = 1, #fields, 2 do
        size = size + #fields[i] + #fields[i + 1]
        if fields[i] == 'body' and kept == nil then
          kept = string.sub(fields[i + 1], 1, tonumber(ARGV[12]))
        end
      end
      local dl = {'reason', 'refused before delivery: ' .. why, 'worker', ARGV[2], 'attempts', delivered + tries,
          'at', ARGV[8], 'entry', id, 'size', size}
      if kept then
        dl[#dl + 1] = 'body'
        dl[#dl + 1] = kept
      end
      deadLetter(id, dl)
      refused = refused + 1
    elseif max > 0 and delivered + lost > max then
      local dl = {'reason', 'delivered ' .. (delivered + lost) .. ' times and never settled (redis.max-attempts is '
          .. max .. '): each worker that took it was lost', 'entry', id, 'attempts', delivered + tries, 'at', ARGV[8]}
      for i = 1, #fields do
        dl[#dl + 1] = fields[i]
      end
      deadLetter(id, dl)
      dead = dead + 1
    else
      claimed[#claimed + 1] = {id, fields, delivered}
    end
  end
end
return {r[1], claimed, dead, refused}
