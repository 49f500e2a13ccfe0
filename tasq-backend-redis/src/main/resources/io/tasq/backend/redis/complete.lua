-- Publishes a result to its client's result stream and, in the same step, acknowledges and deletes
-- the job's entry: a result is never lost for an acknowledged job, and a finished job never lingers.
-- KEYS[1] the jobs stream, KEYS[2] the client's result stream
-- ARGV[1] group, ARGV[2] entry id ('' for a result that settles no entry), ARGV[3] result envelope,
-- ARGV[4] result ttl in ms, ARGV[5] most results kept for the client (0: no limit)
local max = tonumber(ARGV[5])
if max > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', max, '*', 'body', ARGV[3])
else
  redis.call('XADD', KEYS[2], '*', 'body', ARGV[3])
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if ARGV[2] ~= '' then
  -- pcall: if the group was lost with the server's data, the entry still goes and the result stays
  redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
return 1
