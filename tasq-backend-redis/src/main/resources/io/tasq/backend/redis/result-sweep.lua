-- Deletes the results after a point in a client's result stream that are over the limits a client
-- reads (a value over the largest envelope, too many fields): someone else wrote them, and the client
-- broke off the reply that held them (ReplyGuard) rather than allocate them. The rest stay, to be read.
-- KEYS[1] the client's result stream
-- ARGV[1] the last entry id the client has, ARGV[2] largest value, ARGV[3] most fields, ARGV[4] most
-- entries to look at
-- Returns how many were deleted
local max, fields = tonumber(ARGV[2]), tonumber(ARGV[3])
local deleted = 0
for _, e in ipairs(redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[4])) do
  local f = e[2]
  local bad = #f > 2 * fields
  for i = 1, #f do
    if #f[i] > max then
      bad = true
    end
  end
  if bad then
    redis.call('XDEL', KEYS[1], e[1])
    deleted = deleted + 1
  end
end
return deleted
