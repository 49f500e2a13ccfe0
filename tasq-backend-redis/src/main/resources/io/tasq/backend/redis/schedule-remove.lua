-- Forgets a repeating job: its entry and its time go together.
-- KEYS[1] the schedules hash, KEYS[2] the schedule-times sorted set; ARGV[1] name
-- Returns 1 if one was kept, else 0
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
