-- Claims a verified job for one delivery, so that a copy injected again (a replay) is not run by any
-- worker of the queue until the job's signed expiry: SET NX PXAT, the delivery (stream entry) id as
-- the value. The same delivery claiming again (its entry taken over after its worker was lost) keeps
-- its claim. An empty delivery id never matches an existing claim.
-- KEYS[1] the claim; ARGV[1] delivery id, ARGV[2] expiry, epoch ms (> 0)
-- Returns 1 if this delivery may run the job, 0 if another delivery of it was taken
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) then
  return 1
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  return 1
end
return 0
