-- Hands a job back for prompt redelivery: a new entry at the end of the stream, carrying how many
-- times the job was delivered so far, replaces the old one. Does nothing if the entry is no longer
-- pending for this consumer (another worker took it over after the visibility timeout).
-- KEYS[1] the jobs stream
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] this consumer, ARGV[4] deliveries so far,
-- ARGV[5..] the entry's other fields, as name, value, name, value
local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if p.err or #p == 0 or p[1][2] ~= ARGV[3] then
  return 0
end
local fields = {'tries', ARGV[4]}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('XADD', KEYS[1], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
