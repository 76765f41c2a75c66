/**
 * The offline queue's scripts. A recipient's queue is a stream `q:{bob}` whose entry ids are
 * `<seq>-0` (seq from `qi:{bob}`), each entry `k kind p peer i id t ts x expires [e env]`, fields
 * always in that order so the scripts read them by position. `qi:{bob}` holds the counters the
 * quotas read (`n`, `b`: messages and envelope bytes; `n:<peer>`, `b:<peer>`: one sender's share;
 * `r`: receipts and refusals), the next `seq`, and `d:<kind>:<len>:<peer>:<id>` → entry id for
 * de-duplication and for finding an entry on ack.
 *
 * Expired entries stay until the sweep deletes them (as in SQLite); until then the quota check
 * discounts the expired head of the stream (entries are appended in time order, so expired ones
 * sit at the head), reading at most EXPIRED_SCAN of them per call.
 */
import { RedisScript } from './redis-script';

/** Most expired entries one enqueue reads to discount them from the quota (the minute's sweep deletes them). */
export const EXPIRED_SCAN = 1000;

const COMMON = `
local function dkey(kind, peer, id) return 'd:' .. kind .. ':' .. #peer .. ':' .. peer .. ':' .. id end
local function num(v) return tonumber(v or '0') or 0 end
-- Entry fields by position: 2 kind, 4 peer, 6 id, 8 ts, 10 expires, 12 env.
local function forget(q, qi, entry)
  local f = entry[2]
  redis.call('XDEL', q, entry[1])
  redis.call('HDEL', qi, dkey(f[2], f[4], f[6]))
  if f[2] == 'msg' then
    local size = #f[12]
    redis.call('HINCRBY', qi, 'n', -1)
    redis.call('HINCRBY', qi, 'b', -size)
    if redis.call('HINCRBY', qi, 'n:' .. f[4], -1) <= 0 then redis.call('HDEL', qi, 'n:' .. f[4], 'b:' .. f[4])
    else redis.call('HINCRBY', qi, 'b:' .. f[4], -size) end
  else
    redis.call('HINCRBY', qi, 'r', -1)
  end
end
`;

/**
 * KEYS q, qi. ARGV now, expires, quotaMessages, quotaBytes, shareMessages, shareBytes,
 * receiptsMax, room (bytes the memory budget allows, -1: no budget), rowBytes, then
 * kind, peer, id, env, ts per item. Returns {result, bytes added}.
 * Checks everything before writing anything: a refusal leaves the queue as it was.
 */
export const enqueueScript = new RedisScript(
  'enqueue',
  `${COMMON}
local q, qi = KEYS[1], KEYS[2]
local now, expires = tonumber(ARGV[1]), ARGV[2]
local quotaN, quotaB, shareN, shareB = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local receiptsMax, room, rowBytes = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])

-- The items, and which messages are new: repeats are not new (a resend of a queued message must
-- not be refused as over the quota).
local function parse()
  local items, seen, fresh, allMsg = {}, {}, {}, true
  for i = 10, #ARGV, 5 do
    local it = {kind = ARGV[i], peer = ARGV[i + 1], id = ARGV[i + 2], env = ARGV[i + 3], ts = ARGV[i + 4]}
    it.key = dkey(it.kind, it.peer, it.id)
    if it.kind == 'msg' then
      if not seen[it.key] and redis.call('HEXISTS', qi, it.key) == 0 then it.fresh = true; fresh[#fresh + 1] = it end
      seen[it.key] = true
    else
      allMsg = false
    end
    items[#items + 1] = it
  end
  return items, fresh, allMsg
end

-- Messages expired but not swept yet, in all and per sender: they no longer count. They sit at
-- the head; the head alone is read first, as it is rarely expired.
local function expiredHead()
  local gone = {n = 0, b = 0, peers = {}}
  local from, scanned, size = '-', 0, 1
  while scanned < ${EXPIRED_SCAN} do
    local batch = redis.call('XRANGE', q, from, '+', 'COUNT', size)
    local more = #batch == size
    size = 100
    for _, e in ipairs(batch) do
      local f = e[2]
      if tonumber(f[10]) > now then return gone end
      scanned = scanned + 1
      if f[2] == 'msg' then
        local p = gone.peers[f[4]] or {n = 0, b = 0}
        p.n, p.b = p.n + 1, p.b + #f[12]
        gone.peers[f[4]] = p
        gone.n, gone.b = gone.n + 1, gone.b + #f[12]
      end
      from = '(' .. e[1]
    end
    if not more then return gone end
  end
  return gone
end

-- 'server_full' or 'full' when the new messages do not fit, else nil.
local function refusal(fresh)
  local bytes, mine = 0, {}
  for _, m in ipairs(fresh) do
    bytes = bytes + #m.env
    local s = mine[m.peer] or {n = 0, b = 0}
    s.n, s.b = s.n + 1, s.b + #m.env
    mine[m.peer] = s
  end
  if room >= 0 and bytes + #fresh * rowBytes > room then return 'server_full' end
  local gone = expiredHead()
  if num(redis.call('HGET', qi, 'n')) - gone.n + #fresh > quotaN then return 'full' end
  if num(redis.call('HGET', qi, 'b')) - gone.b + bytes > quotaB then return 'full' end
  for peer, s in pairs(mine) do
    local g = gone.peers[peer] or {n = 0, b = 0}
    if num(redis.call('HGET', qi, 'n:' .. peer)) - g.n + s.n > shareN then return 'full' end
    if num(redis.call('HGET', qi, 'b:' .. peer)) - g.b + s.b > shareB then return 'full' end
  end
  return nil
end

local function append(it)
  local seq = redis.call('HINCRBY', qi, 'seq', 1)
  local sid = seq .. '-0'
  local cost = rowBytes
  if it.kind == 'msg' then
    redis.call('XADD', q, sid, 'k', 'msg', 'p', it.peer, 'i', it.id, 't', it.ts, 'x', expires, 'e', it.env)
    redis.call('HINCRBY', qi, 'n', 1)
    redis.call('HINCRBY', qi, 'b', #it.env)
    redis.call('HINCRBY', qi, 'n:' .. it.peer, 1)
    redis.call('HINCRBY', qi, 'b:' .. it.peer, #it.env)
    cost = cost + #it.env
  else
    redis.call('XADD', q, sid, 'k', it.kind, 'p', it.peer, 'i', it.id, 't', it.ts, 'x', expires)
    redis.call('HINCRBY', qi, 'r', 1)
  end
  redis.call('HSET', qi, it.key, sid)
  return cost
end

local items, fresh, allMsg = parse()
if #fresh == 0 and allMsg then return {'duplicate', 0} end
if #fresh > 0 then
  local refused = refusal(fresh)
  if refused then return {refused, 0} end
end
-- Nothing was written before this point.
local receipts = num(redis.call('HGET', qi, 'r'))
local inserted, added = 0, 0
for _, it in ipairs(items) do
  local take = it.fresh
  if it.kind ~= 'msg' then
    -- Receipts are dropped rather than refused when over their cap or the budget: the message
    -- they settle is still in its sender's outbox and will be sent again.
    take = receipts < receiptsMax and (room < 0 or added + rowBytes <= room) and redis.call('HEXISTS', qi, it.key) == 0
  end
  if take then
    local cost = append(it)
    if it.kind ~= 'msg' then receipts = receipts + 1 end
    inserted, added = inserted + 1, added + cost
  end
end
if inserted == 0 and allMsg then return {'duplicate', 0} end
return {'stored', added}
`,
);

/** KEYS q, qi. ARGV kind, peer, then ids. Deletes what the recipient acknowledged. */
export const removeScript = new RedisScript(
  'remove',
  `${COMMON}
local q, qi = KEYS[1], KEYS[2]
local removed = 0
for i = 3, #ARGV do
  local sid = redis.call('HGET', qi, dkey(ARGV[1], ARGV[2], ARGV[i]))
  if sid then
    local entry = redis.call('XRANGE', q, sid, sid)[1]
    if entry then forget(q, qi, entry); removed = removed + 1 else redis.call('HDEL', qi, dkey(ARGV[1], ARGV[2], ARGV[i])) end
  end
end
return removed
`,
);

/**
 * KEYS q, qi. ARGV now, limit. Deletes up to `limit` expired entries from the head; returns
 * {deleted, expiry of the new head or -1 when the queue is empty}.
 */
export const sweepQueueScript = new RedisScript(
  'sweepQueue',
  `${COMMON}
local q, qi = KEYS[1], KEYS[2]
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local deleted = 0
while deleted < limit do
  local batch = redis.call('XRANGE', q, '-', '+', 'COUNT', math.min(100, limit - deleted))
  if #batch == 0 then return {deleted, -1} end
  for _, e in ipairs(batch) do
    if tonumber(e[2][10]) > now then return {deleted, tonumber(e[2][10])} end
    forget(q, qi, e)
    deleted = deleted + 1
  end
end
local head = redis.call('XRANGE', q, '-', '+', 'COUNT', 1)[1]
return {deleted, head and tonumber(head[2][10]) or -1}
`,
);
