-- Rings the queue's doorbell: jobs entered the jobs stream, so idle workers waiting on the doorbell
-- (XREAD BLOCK) read it again. The doorbell keeps one entry. Someone else may have written to the key
-- (another type, or an entry with an id in the future that '*' cannot follow): then it is made anew,
-- so that a broken doorbell never fails what rings it. Every script that adds jobs rings the same way.
-- KEYS[1] the doorbell stream; ARGV[1] how many jobs entered
local r = redis.pcall('XADD', KEYS[1], 'MAXLEN', '1', '*', 'n', ARGV[1])
if type(r) == 'table' and r.err then
  redis.call('DEL', KEYS[1])
  redis.call('XADD', KEYS[1], 'MAXLEN', '1', '*', 'n', ARGV[1])
end
return 1
