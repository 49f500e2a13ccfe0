-- Makes a job wait for the result of the job holding a unique-job key, if that job still holds it:
-- the follower joins the key's list, which expires with the lock.
-- KEYS[1] the lock, KEYS[2] its followers list; ARGV[1] the holder's job id, ARGV[2] the follower
-- (<len>:<job id><len>:<name><client id>)
-- Returns 1 if it follows, 0 if the holder no longer holds the key
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1
