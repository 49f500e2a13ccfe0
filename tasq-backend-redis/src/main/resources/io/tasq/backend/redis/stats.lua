-- A queue's depth, in one snapshot: the stream's entries not delivered yet (its length less those
-- pending in the group: settled entries are deleted), those delivered and not settled, the delayed
-- jobs and the dead letters. A missing group (no worker started yet) has nothing pending.
-- KEYS[1] the jobs stream, KEYS[2] the delayed set, KEYS[3] the dead-letter stream; ARGV[1] group
local length = redis.call('XLEN', KEYS[1])
local pending = 0
local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1])
if type(summary) == 'table' and not summary.err then
  pending = summary[1]
end
return {math.max(0, length - pending), pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3])}
