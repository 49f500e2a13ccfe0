-- Acknowledges and deletes a stream entry together, so acknowledged entries never accumulate.
-- KEYS[1] the jobs stream; ARGV[1] group, ARGV[2] entry id
-- pcall: if the group was lost with the server's data, the entry still goes
redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
