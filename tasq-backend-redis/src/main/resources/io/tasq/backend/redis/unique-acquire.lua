-- Takes a unique-job key for a job (SET NX PX, the job id as the owner token), or answers who holds
-- it. The same job taking it again (delivered again after its worker was lost) keeps it, with its
-- followers, for a fresh ttl. Followers left by a holder whose lock expired wait for the new holder's
-- result rather than for nothing; their list expires with the lock.
-- KEYS[1] the lock, KEYS[2] its followers list; ARGV[1] job id, ARGV[2] ttl ms
-- Returns false if taken (or held already by this job), else the holder's job id
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return false
end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return false
end
return holder
