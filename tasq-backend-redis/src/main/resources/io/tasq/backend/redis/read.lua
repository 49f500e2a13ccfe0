-- Delivers new entries of the jobs stream to this consumer (XREADGROUP, never blocking: scripts may
-- not), refusing in the same step every entry too big or too odd to hand to a worker: it goes to the
-- dead letters keeping at most the first bytes of its body, and is acknowledged and deleted, so that a
-- worker never receives (never buffers) more than the limits. Nothing else in an entry is looked at
-- here: it is unverified. Also answers the id of the queue's last doorbell ring, from which the worker
-- waits for the next one (XREAD BLOCK) when nothing was delivered, so that no ring is missed between.
-- KEYS[1] the jobs stream, KEYS[2] the dead-letter stream, KEYS[3] the dropped dead letters counter,
-- KEYS[4] the doorbell stream
-- ARGV[1] group, ARGV[2] this consumer, ARGV[3] most entries, ARGV[4] largest body in bytes,
-- ARGV[5] largest total of the other fields' names and values, ARGV[6] most fields,
-- ARGV[7] bytes kept of a refused body, ARGV[8] about how many dead letters to keep, ARGV[9] now ms
-- Returns {{{id, fields}, ...}, number of entries refused, last ring id ('0-0' if none)}
-- (claim.lua applies the same limits to entries taken over: both include entry-limits.lua)
local maxBody, maxOther, maxFields = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

--#include entry-limits

local function deadLetter(id, fields, why)
  local size = 0
  local kept = nil
  for i = 1, #fields, 2 do
    size = size + #fields[i] + #fields[i + 1]
    if fields[i] == 'body' and kept == nil then
      kept = string.sub(fields[i + 1], 1, tonumber(ARGV[7]))
    end
  end
  local dl = {'reason', 'refused before delivery: ' .. why, 'worker', ARGV[2], 'attempts', '1', 'at', ARGV[9],
      'entry', id, 'size', size}
  if kept then
    dl[#dl + 1] = 'body'
    dl[#dl + 1] = kept
  end
  bury(KEYS[1], ARGV[1], id, KEYS[2], KEYS[3], ARGV[8], dl)
end

local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
local out, refused = {}, 0
if r then
  for _, e in ipairs(r[1][2]) do
    local id, fields = e[1], e[2]
    local why = entryRefusal(fields, maxBody, maxOther, maxFields)
    if why then
      deadLetter(id, fields, why)
      refused = refused + 1
    else
      out[#out + 1] = {id, fields}
    end
  end
end
-- pcall: the doorbell is anyone's to break; the worker makes it anew when it cannot wait on it
local ring = redis.pcall('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
local last = '0-0'
if type(ring) == 'table' and not ring.err and ring[1] then
  last = ring[1][1]
end
return {out, refused, last}
