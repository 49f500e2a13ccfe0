-- Announces a worker. Its heartbeat's fields replace its hash, which expires when the worker would
-- count as gone; the index of workers holds each id scored by that same time, loses the members
-- whose time has passed and expires with its last member, so nothing grows when workers vanish.
-- Times are the server's, so workers with clocks apart do not prune each other.
-- KEYS[1] the workers index, KEYS[2] this worker's hash
-- ARGV[1] the worker id, ARGV[2] how long it counts as live (ms), ARGV[3..] fields as name, value
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.max(1, math.floor(tonumber(last[2]) - now)))
return 1
