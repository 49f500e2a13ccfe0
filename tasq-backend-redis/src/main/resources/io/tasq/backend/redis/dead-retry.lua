-- Sends dead letters back to the queue as new jobs (attempt 1: no tries), each in the same step as
-- it leaves the dead letters, so none is lost or sent twice, and rings the queue's doorbell. A dead
-- letter with no job to send stays where it is: one with no body, or one refused before it was
-- verified (no job or to field) whose body was kept truncated (its 'size' is more than it kept); a
-- refused one kept whole goes back, to be verified again. A job that had claimed itself against replays
-- (replay-claim.lua; its dead letter names the claim in 'claim' and its old entry in 'entry') has the
-- claim moved to its new entry, so that it is not taken for a replay of itself. The claim's key is
-- made here from the queue's own prefix, so it is in the queue's slot like the declared keys.
-- KEYS[1] the dead-letter stream, KEYS[2] the jobs stream, KEYS[3] the doorbell stream
-- ARGV[1] the prefix of the queue's replay claims, ARGV[2..] dead-letter ids
-- Returns how many were sent back
local function ring(key, n)
  -- as ring.lua: a doorbell someone else broke is made anew rather than failing this script
  local r = redis.pcall('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  if type(r) == 'table' and r.err then
    redis.call('DEL', key)
    redis.call('XADD', key, 'MAXLEN', '1', '*', 'n', n)
  end
end

local sent = 0
for i = 2, #ARGV do
  local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #e > 0 then
    local f, v = e[1][2], {}
    for k = 1, #f, 2 do
      if v[f[k]] == nil then
        v[f[k]] = f[k + 1]
      end
    end
    local whole = v['body'] and (v['job'] and v['to'] or v['size'] == tostring(#v['body']))
    if whole then
      local id
      if v['run'] then
        id = redis.call('XADD', KEYS[2], '*', 'job', v['job'] or '?', 'to', v['to'] or '', 'body', v['body'],
            'run', v['run'])
      else
        id = redis.call('XADD', KEYS[2], '*', 'job', v['job'] or '?', 'to', v['to'] or '', 'body', v['body'])
      end
      if v['claim'] and v['entry'] and #v['claim'] <= 1024 then
        local claim = ARGV[1] .. v['claim']
        if redis.call('GET', claim) == v['entry'] then
          redis.call('SET', claim, id, 'KEEPTTL')
        end
      end
      redis.call('XDEL', KEYS[1], ARGV[i])
      sent = sent + 1
    end
  end
end
if sent > 0 then
  ring(KEYS[3], sent)
end
return sent
