/**
 * Stored files' metadata in Redis, per recipient: `f:{bob}:<sender>:<fileId>` (a hash: `b` sealed
 * bytes, `n` chunks, `t` highest index, `x` expiry, `c` committed, `o` the node uploading it, `u`
 * when a chunk last came, `i<index>` → "<size> <token>" of each chunk file), `fx:{bob}` (file →
 * expiry: the recipient's file count) and `fb:{bob}` (file → bytes, `*` → their sum: the
 * recipient's quota). The chunk bytes are files under FILES_DIR (chunk-dir.ts), never in Redis.
 */
import { RedisScript } from './redis-script';

/**
 * KEYS f, fx, fb. ARGV field, now, expires, fileMax, quota, filesPerRecipient, memoryRoom,
 * diskRoom (-1: no budget), fileBytes, node, then index, size, token per chunk. Checks everything
 * before writing: returns {result} on a refusal, or {'stored', bytes added, 1 if the file is new,
 * then "index token" of each chunk file no longer named}.
 */
export const putChunksScript = new RedisScript(
  'putChunks',
  `
local f, fx, fb = KEYS[1], KEYS[2], KEYS[3]
local field, now, expires = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local fileMax, quota, perRecipient = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local memRoom, diskRoom, fileBytes, node = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10]
local isNew = redis.call('EXISTS', f) == 0
-- Expired files no longer count, swept or not.
local expired = redis.call('ZRANGE', fx, '-inf', now, 'BYSCORE')
local live = redis.call('ZCARD', fx) - #expired
local used = tonumber(redis.call('HGET', fb, '*') or '0')
for _, m in ipairs(expired) do used = used - tonumber(redis.call('HGET', fb, m) or '0') end
if isNew then
  -- Each file costs metadata whatever its size: counted, so a million one-chunk files cannot hide inside a byte quota.
  if live >= perRecipient then return {'full'} end
  if memRoom >= 0 and fileBytes > memRoom then return {'server_full'} end
  live = live + 1
end
local added, fresh, chunks, stale = 0, 0, {}, {}
for i = 11, #ARGV, 3 do
  local idx, size, token = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  local prev = chunks[idx]
  if prev then
    stale[#stale + 1] = idx .. ' ' .. prev.token
    added = added - prev.size
  else
    local stored = redis.call('HGET', f, 'i' .. idx)
    if stored then
      local sp = string.find(stored, ' ')
      added = added - tonumber(string.sub(stored, 1, sp - 1))
      stale[#stale + 1] = idx .. ' ' .. string.sub(stored, sp + 1)
    else
      fresh = fresh + 1
    end
  end
  chunks[idx] = {size = size, token = token}
  added = added + size
end
if tonumber(redis.call('HGET', f, 'b') or '0') + added > fileMax then return {'too_large'} end
if used + live * fileBytes + added > quota then return {'full'} end
if added > 0 and diskRoom >= 0 and added > diskRoom then return {'server_full'} end
if isNew then
  redis.call('HSET', f, 'x', expires, 'o', node, 'c', 0, 'n', 0, 'b', 0)
  redis.call('ZADD', fx, expires, field)
end
local top = tonumber(redis.call('HGET', f, 't') or '-1')
for idx, c in pairs(chunks) do
  redis.call('HSET', f, 'i' .. idx, c.size .. ' ' .. c.token)
  if tonumber(idx) > top then top = tonumber(idx) end
end
if top >= 0 then redis.call('HSET', f, 't', top) end
redis.call('HSET', f, 'u', now)
redis.call('HINCRBY', f, 'n', fresh)
redis.call('HINCRBY', f, 'b', added)
redis.call('HINCRBY', fb, field, added)
redis.call('HINCRBY', fb, '*', added)
local reply = {'stored', added, isNew and 1 or 0}
for _, s in ipairs(stale) do reply[#reply + 1] = s end
return reply
`,
);

/** KEYS f. ARGV count. 1 when exactly chunks 0…count-1 are stored (the file is then complete). */
export const commitScript = new RedisScript(
  'commit',
  `
local n, t = redis.call('HGET', KEYS[1], 'n'), redis.call('HGET', KEYS[1], 't')
if not n or not t then return 0 end
local count = tonumber(ARGV[1])
if tonumber(n) ~= count or tonumber(t) ~= count - 1 then return 0 end
redis.call('HSET', KEYS[1], 'c', 1)
redis.call('HDEL', KEYS[1], 'o')
return 1
`,
);

/**
 * KEYS f, fx, fb. ARGV field, mode, then for 'expired' now, for 'incomplete' node and idleBefore.
 * Forgets the file when the mode allows: 'any'; 'expired' when past its expiry; 'incomplete'
 * when not committed and uploaded by `node` or idle since `idleBefore`. Returns {1} when
 * forgotten, {0, expiry} when kept, {0, -1} when there is no such file, {0, -2} when kept
 * because it is committed (in 'incomplete' mode).
 */
export const forgetFileScript = new RedisScript(
  'forgetFile',
  `
local f, fx, fb = KEYS[1], KEYS[2], KEYS[3]
local field, mode = ARGV[1], ARGV[2]
local meta = redis.call('HMGET', f, 'x', 'c', 'o', 'u')
if not meta[1] then
  redis.call('ZREM', fx, field)
  return {0, -1}
end
local keep = false
if mode == 'expired' then keep = tonumber(meta[1]) > tonumber(ARGV[3])
elseif mode == 'incomplete' then
  if meta[2] == '1' then return {0, -2} end
  keep = meta[3] ~= ARGV[3] and tonumber(meta[4] or '0') > tonumber(ARGV[4])
end
if keep then return {0, tonumber(meta[1])} end
redis.call('HINCRBY', fb, '*', -tonumber(redis.call('HGET', fb, field) or '0'))
redis.call('HDEL', fb, field)
redis.call('ZREM', fx, field)
redis.call('DEL', f)
return {1}
`,
);
