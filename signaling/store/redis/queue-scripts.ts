/**
 * The offline queue's scripts. A recipient's queue is a stream `q:{bob}` whose entry ids are
 * `<seq>-0` (seq from `qi:{bob}`), each entry `k kind p peer i id t ts x expires [e env]`, fields
 * always in that order so the scripts read them by position. `qi:{bob}` holds the counters the
 * quotas read (`n`, `b`: messages and envelope bytes; `n:<peer>`, `b:<peer>`: one sender's share;
 * `r`: receipts and refusals), the next `seq`, and `d:<kind>:<len>:<peer>:<id>` → entry id (and,
 * for a message, ` <envelope length>`) for de-duplication and for deleting an entry on ack.
 *
 * Each script reads the fields it needs in one HMGET and writes them back in one HSET: a call
 * from Lua costs microseconds, and a write command more (it is propagated to the AOF), so the
 * number of calls is what a message costs Redis.
 *
 * Expired entries stay until the sweep deletes them (as in SQLite); until then the quota check
 * discounts the expired head of the stream (entries are appended in time order, so expired ones
 * sit at the head), reading at most EXPIRED_SCAN of them per call.
 */
import { QUEUE_LUA } from './queue-lua';
import { RedisScript } from './redis-script';

/** Most expired entries one enqueue reads to discount them from the quota (the minute's sweep deletes them). */
export const EXPIRED_SCAN = 1000;

/** Where the items begin in the store's own enqueue script's ARGV (the nine settings come first). */
export const ENQUEUE_ITEMS_AT = 10;

/**
 * The enqueue, as Lua another script can be built around (the cluster router's, which also tells
 * the recipient's node: routing/redis/stream-writer.ts). KEYS q, qi (then the builder's own).
 * ARGV now, expires, quotaMessages, quotaBytes, shareMessages, shareBytes, receiptsMax, room
 * (bytes the memory budget allows, -1: no budget), rowBytes, then the builder's own up to
 * `itemsAt`, then kind, peer, id, env, ts, expires per item (a disappearing message's may be
 * sooner than ARGV's; the stream is then not in expiry order, see the sweep). Checks everything before writing anything: a
 * refusal leaves the queue as it was. `gate` is Lua defining \`local function gate(fresh)\`, asked
 * after every check and before the first write with the number of new messages: a string it
 * returns is the result, and nothing is written. `tail` runs after, with \`reply\` ({result, bytes
 * added}), \`written\` (seq and item of each entry appended, in order; \`item.at\` is its place among
 * the items, from 1) and \`wasEmpty\` (the stream
 * had no entry before), and returns the script's reply.
 */
export function enqueueLua(itemsAt: number, gate: string, tail: string): string {
  return `${QUEUE_LUA}
${gate}
local written, wasEmpty = {}, false
local function run()
${ENQUEUE_BODY.replace('ITEMS_AT', String(itemsAt))}
end
local reply = run()
${tail}`;
}

const ENQUEUE_BODY = `
local q, qi = KEYS[1], KEYS[2]
local now, expires = tonumber(ARGV[1]), ARGV[2]
local quotaN, quotaB, shareN, shareB = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local receiptsMax, room, rowBytes = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])

-- The items, and every field of qi this call reads (counters, shares, de-duplication), read at once.
local function parse()
  local items, wanted, seen = {}, {n = true, b = true, r = true, seq = true}, {}
  for i = ITEMS_AT, #ARGV, 6 do
    local it = {kind = ARGV[i], peer = ARGV[i + 1], id = ARGV[i + 2], env = ARGV[i + 3], ts = ARGV[i + 4], x = ARGV[i + 5]}
    it.key = dkey(it.kind, it.peer, it.id)
    wanted[it.key] = true
    if it.kind == 'msg' then wanted['n:' .. it.peer] = true; wanted['b:' .. it.peer] = true end
    it.at = #items + 1
    items[#items + 1] = it
  end
  local fields = keysOf(wanted)
  local got = redis.call('HMGET', qi, unpack(fields))
  local val = {}
  for i, f in ipairs(fields) do val[f] = got[i] end
  return items, val
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
local function refusal(fresh, val)
  local bytes, mine = 0, {}
  for _, m in ipairs(fresh) do
    bytes = bytes + #m.env
    local s = mine[m.peer] or {n = 0, b = 0}
    s.n, s.b = s.n + 1, s.b + #m.env
    mine[m.peer] = s
  end
  if room >= 0 and bytes + #fresh * rowBytes > room then return 'server_full' end
  local gone = expiredHead()
  if num(val.n) - gone.n + #fresh > quotaN or num(val.b) - gone.b + bytes > quotaB then return 'full' end
  for peer, s in pairs(mine) do
    local g = gone.peers[peer] or {n = 0, b = 0}
    if num(val['n:' .. peer]) - g.n + s.n > shareN or num(val['b:' .. peer]) - g.b + s.b > shareB then return 'full' end
  end
  return nil
end

local items, val = parse()
-- Repeats are not new: a resend of a queued message must not be refused as over the quota.
local fresh, seen, allMsg = {}, {}, true
for _, it in ipairs(items) do
  if it.kind == 'msg' then
    if not val[it.key] and not seen[it.key] then it.fresh = true; fresh[#fresh + 1] = it end
    seen[it.key] = true
  else
    allMsg = false
  end
end
if #fresh == 0 and allMsg then return {'duplicate', 0} end
if #fresh > 0 then
  local refused = refusal(fresh, val)
  if refused then return {refused, 0} end
end
local gated = gate(#fresh)
if gated then return {gated, 0} end
wasEmpty = redis.call('XLEN', q) == 0
-- Nothing was written before this point; what changes in qi is gathered in set and written once.
local set = {}
local function get(f) if set[f] ~= nil then return set[f] end return num(val[f]) end
local seq, inserted, added = num(val.seq), 0, 0
for _, it in ipairs(items) do
  local take = it.fresh
  if it.kind ~= 'msg' then
    -- Receipts are dropped rather than refused when over their cap or the budget: the message
    -- they settle is still in its sender's outbox and will be sent again.
    take = get('r') < receiptsMax and (room < 0 or added + rowBytes <= room) and not val[it.key] and set[it.key] == nil
  end
  if take then
    seq = seq + 1
    local sid = seq .. '-0'
    if it.kind == 'msg' then
      redis.call('XADD', q, sid, 'k', 'msg', 'p', it.peer, 'i', it.id, 't', it.ts, 'x', it.x, 'e', it.env)
      set.n, set.b = get('n') + 1, get('b') + #it.env
      set['n:' .. it.peer], set['b:' .. it.peer] = get('n:' .. it.peer) + 1, get('b:' .. it.peer) + #it.env
      added = added + #it.env
    else
      redis.call('XADD', q, sid, 'k', it.kind, 'p', it.peer, 'i', it.id, 't', it.ts, 'x', it.x)
      set.r = get('r') + 1
    end
    -- A message's field keeps its envelope's length too, so an ack needs not read the entry back.
    set[it.key] = it.kind == 'msg' and (sid .. ' ' .. #it.env) or sid
    written[#written + 1] = {seq, it}
    inserted, added = inserted + 1, added + rowBytes
  end
end
if inserted == 0 and allMsg then return {'duplicate', 0} end
if inserted > 0 then
  set.seq = seq
  redis.call('HSET', qi, unpack(pairsOf(set)))
end
return {'stored', added}
`;

/**
 * KEYS q, qi. ARGV as {@link enqueueLua}, the items at {@link ENQUEUE_ITEMS_AT}. Returns {result,
 * bytes added, 1 if the stream was empty before}.
 */
export const enqueueScript = new RedisScript(
  'enqueue',
  enqueueLua(ENQUEUE_ITEMS_AT, 'local function gate(fresh) return nil end', 'return {reply[1], reply[2], wasEmpty and 1 or 0}'),
);

/**
 * KEYS q, qi. ARGV kind, peer, then ids. Deletes what the recipient acknowledged; returns how many
 * entries it deleted. The de-duplication field names the entry (and a message's envelope length),
 * so each is deleted without being read; XDEL says whether it was still there. A field written
 * before lengths were kept (`<sid>` alone) has its entry read for the length.
 */
export const removeScript = new RedisScript(
  'remove',
  `${QUEUE_LUA}
local q, qi = KEYS[1], KEYS[2]
local kind, peer = ARGV[1], ARGV[2]
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = dkey(kind, peer, ARGV[i]) end
local refs = redis.call('HMGET', qi, unpack(fields))
local gone, stale = {}, {}
for i, ref in ipairs(refs) do
  if ref then
    local sid, len = string.match(ref, '^(%S+) (%d+)$')
    if not sid then
      sid, len = ref, 0
      local entry = kind == 'msg' and redis.call('XRANGE', q, sid, sid)[1]
      if entry then len = #(entry[2][12] or '') end
    end
    if redis.call('XDEL', q, sid) == 1 then
      gone[#gone + 1] = {kind = kind, peer = peer, id = ARGV[i + 2], len = tonumber(len)}
    else
      stale[#stale + 1] = fields[i]
    end
  end
end
uncount(qi, gone)
if #stale > 0 then redis.call('HDEL', qi, unpack(stale)) end
return #gone
`,
);

/** How many live entries a sweep looks past for expired disappearing messages behind them. */
const SWEEP_LOOK_PAST = 100;

/**
 * KEYS q, qi. ARGV now, limit. Deletes up to `limit` expired entries from the head, and expired
 * ones among the next SWEEP_LOOK_PAST live entries (a disappearing message's end may come before
 * the entries ahead of it); returns {deleted, the soonest expiry of what it read and kept, or -1
 * when the queue is empty}. A page never hands over an expired entry, swept or not.
 */
export const sweepQueueScript = new RedisScript(
  'sweepQueue',
  `${QUEUE_LUA}
local q, qi = KEYS[1], KEYS[2]
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local deleted, live, soonest, from = 0, 0, -1, '-'
while deleted < limit and live < ${SWEEP_LOOK_PAST} do
  local batch = redis.call('XRANGE', q, from, '+', 'COUNT', 100)
  local expired = {}
  for _, e in ipairs(batch) do
    local x = tonumber(e[2][10])
    if x > now then
      live = live + 1
      if soonest < 0 or x < soonest then soonest = x end
    elseif deleted + #expired < limit then
      expired[#expired + 1] = e
    elseif soonest < 0 or x < soonest then
      soonest = x -- expired, left for the next sweep: still due
    end
    from = '(' .. e[1]
    if live >= ${SWEEP_LOOK_PAST} then break end
  end
  forget(q, qi, expired)
  deleted = deleted + #expired
  if #batch < 100 then break end
end
if soonest < 0 then
  local first = redis.call('XRANGE', q, '-', '+', 'COUNT', 1)[1]
  if first then soonest = tonumber(first[2][10]) end
end
return {deleted, soonest}
`,
);
