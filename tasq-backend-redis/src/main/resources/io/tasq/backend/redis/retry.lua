-- Puts a job back to wait in the delayed set, in the same step as its delivered entry is acknowledged
-- and deleted: a failed job waiting for its retry, or a verified job that came early (deferred until
-- its signed time, with the same attempt). It waits in Redis, not in a worker, and is neither lost nor
-- doubled. The member carries how many times the job was delivered, its run number and how many of
-- its deliveries went to workers that were lost (see claim.lua), for the promotion script. A replay
-- claim this delivery holds (replay-claim.lua) is given up, so that the job is not taken for a replay
-- of itself when it comes back as a new entry.
-- Does nothing if the entry is no longer pending for this consumer (another worker took it over
-- after the visibility timeout).
-- KEYS[1] the jobs stream, KEYS[2] the delayed sorted set, KEYS[3] (optional) the job's replay claim
-- ARGV[1] group, ARGV[2] entry id, ARGV[3] this consumer, ARGV[4] not-before ms,
-- ARGV[5] deliveries so far, ARGV[6] run number (0: none), ARGV[7] deliveries lost before this entry,
-- ARGV[8] the job as <len>:<job id><len>:<client id><envelope>
-- Returns 1 if moved, 0 if the entry was not ours any more
local p = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if p.err or #p == 0 or p[1][2] ~= ARGV[3] then
  return 0
end
-- every delivery of this entry but the last went to a worker that was lost
local lost = (tonumber(ARGV[7]) or 0) + p[1][4] - 1
redis.call('ZADD', KEYS[2], ARGV[4], '+' .. ARGV[5] .. ':' .. ARGV[6] .. ':' .. lost .. ':' .. ARGV[8])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if KEYS[3] and redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('DEL', KEYS[3])
end
return 1
