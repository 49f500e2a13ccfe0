-- Included by read.lua and claim.lua (Script puts it where they say --#include entry-limits): the
-- limits an entry must keep to be handed to a worker, and burying an entry in the capped dead
-- letters, counting what the cap drops.

-- Why an entry may not reach a worker, or nil: too many fields, a body over maxBody bytes, or other
-- fields over maxOther bytes in all. Nothing else in the (unverified) entry is looked at.
local function entryRefusal(fields, maxBody, maxOther, maxFields)
  if #fields > 2 * maxFields then
    return 'the stream entry has ' .. math.floor(#fields / 2) .. ' fields, more than ' .. maxFields
  end
  local body, other = nil, 0
  for i = 1, #fields, 2 do
    if fields[i] == 'body' and body == nil then
      body = #fields[i + 1]
    else
      other = other + #fields[i] + #fields[i + 1]
    end
  end
  if body and body > maxBody then
    return 'its body has ' .. body .. ' bytes, more than the ' .. maxBody .. ' a worker accepts (envelope.max-bytes)'
  end
  if other > maxOther then
    return 'its fields other than the body have ' .. other .. ' bytes, more than ' .. maxOther
  end
  return nil
end

-- Adds a dead letter of these fields to the capped dead-letter stream (about maxlen kept), counts in
-- the dropped counter what the cap trimmed, and acknowledges and deletes the entry.
local function bury(stream, group, id, dead, dropped, maxlen, fields)
  local before = redis.call('XLEN', dead)
  redis.call('XADD', dead, 'MAXLEN', '~', maxlen, '*', unpack(fields))
  local gone = before + 1 - redis.call('XLEN', dead)
  if gone > 0 then
    redis.call('INCRBY', dropped, gone)
  end
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end
