-- Deletes dead letters: those named, or with none named the whole stream.
-- KEYS[1] the dead-letter stream; ARGV dead-letter ids, or none for all
-- Returns how many were deleted
if #ARGV == 0 then
  local n = redis.call('XLEN', KEYS[1])
  redis.call('DEL', KEYS[1])
  return n
end
return redis.call('XDEL', KEYS[1], unpack(ARGV))
