-- Releases a unique-job key if this job holds it (compare and delete, so a job whose lock expired
-- never frees another job's), taking its followers with it.
-- KEYS[1] the lock, KEYS[2] its followers list; ARGV[1] job id
-- Returns the followers, to be answered with the holder's result
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {}
end
local followers = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
return followers
