-- Hands a job back for prompt redelivery: a new entry at the end of the stream, carrying how many
-- times the job was delivered so far and how many of those deliveries went to workers that were lost
-- (see claim.lua), replaces the old one, and the queue's doorbell rings. Does nothing if the entry is
-- no longer pending for this consumer (another worker took it over after the visibility timeout).
-- If the delivery had claimed its job against replays (replay-claim.lua), the claim moves to the new
-- entry, so that the job handed back is not taken for a replay of itself.
-- KEYS[1] the jobs stream, KEYS[2] the doorbell stream, KEYS[3] (optional) the job's replay claim
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] this consumer, ARGV[4] deliveries so far,
-- ARGV[5] deliveries lost before this entry, ARGV[6..] the entry's other fields, as name, value
local function ring(key, n)
  -- as ring.lua: a doorbell someone else broke is made anew rather than failing this script
  local r = redis.pcall('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  if type(r) == 'table' and r.err then
    redis.call('DEL', key)
    redis.call('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  end
end

local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if p.err or #p == 0 or p[1][2] ~= ARGV[3] then
  return 0
end
-- every delivery of this entry but the last went to a worker that was lost
local lost = (tonumber(ARGV[5]) or 0) + p[1][4] - 1
local fields = {'tries', ARGV[4], 'lost', lost}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local id = redis.call('XADD', KEYS[1], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('SET', KEYS[3], id, 'KEEPTTL')
end
ring(KEYS[2], 1)
return 1
