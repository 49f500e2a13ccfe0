-- Sends dead letters back to the queue as new jobs (attempt 1: no tries), each in the same step as
-- it leaves the dead letters, so none is lost or sent twice. A dead letter with no job to send (no
-- job, to or body field: something Tasq did not write) stays where it is.
-- KEYS[1] the dead-letter stream, KEYS[2] the jobs stream; ARGV dead-letter ids
-- Returns how many were sent back
local sent = 0
for i = 1, #ARGV do
  local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #e > 0 then
    local f, v = e[1][2], {}
    for k = 1, #f, 2 do
      if v[f[k]] == nil then
        v[f[k]] = f[k + 1]
      end
    end
    if v['job'] and v['to'] and v['body'] then
      if v['run'] then
        redis.call('XADD', KEYS[2], '*', 'job', v['job'], 'to', v['to'], 'body', v['body'], 'run', v['run'])
      else
        redis.call('XADD', KEYS[2], '*', 'job', v['job'], 'to', v['to'], 'body', v['body'])
      end
      redis.call('XDEL', KEYS[1], ARGV[i])
      sent = sent + 1
    end
  end
end
return sent
