-- Moves a job to the dead letters for good: one new entry there (capped, counting what the cap drops),
-- then the job's entry is acknowledged and deleted, all at once, so it is neither lost nor delivered
-- again. With no entry id, a job a worker held itself: only the dead letter is written.
-- KEYS[1] the jobs stream, KEYS[2] the dead-letter stream, KEYS[3] the dropped dead letters counter
-- ARGV[1] group, ARGV[2] entry id or '', ARGV[3] about how many dead letters to keep,
-- ARGV[4..] the dead letter's fields, as name, value, name, value
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local before = redis.call('XLEN', KEYS[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
local gone = before + 1 - redis.call('XLEN', KEYS[2])
if gone > 0 then
  redis.call('INCRBY', KEYS[3], gone)
end
if ARGV[2] ~= '' then
  -- pcall: if the group was lost with the server's data, the entry still goes and the dead letter stays
  redis.pcall('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
return 1
