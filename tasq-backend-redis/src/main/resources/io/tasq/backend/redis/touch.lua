-- Resets the idle time of the entries a live worker still holds (XCLAIM JUSTID does not count a
-- delivery), so that a job running longer than the visibility timeout is not taken over while its
-- worker is alive. Entries another consumer owns by now are left alone.
-- KEYS[1] the jobs stream; ARGV[1] group, ARGV[2] this consumer, ARGV[3..] entry ids
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
