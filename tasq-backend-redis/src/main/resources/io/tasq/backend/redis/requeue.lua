-- Hands a job back for prompt redelivery: a new entry at the end of the stream, carrying how many
-- times the job was delivered so far and how many of those deliveries went to workers that were lost
-- (see claim.lua), replaces the old one. Does nothing if the entry is no longer
-- pending for this consumer (another worker took it over after the visibility timeout).
-- KEYS[1] the jobs stream
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] this consumer, ARGV[4] deliveries so far,
-- ARGV[5] deliveries lost before this entry, ARGV[6..] the entry's other fields, as name, value
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
redis.call('XADD', KEYS[1], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
