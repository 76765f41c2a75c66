/**
 * The Lua the offline queue's scripts share (queue-scripts.ts): the de-duplication field's name,
 * and deleting entries with all they count for. The layout of the keys is in queue-scripts.ts.
 */
export const QUEUE_LUA = `
local function dkey(kind, peer, id) return 'd:' .. kind .. ':' .. #peer .. ':' .. peer .. ':' .. id end
local function num(v) return tonumber(v or '0') or 0 end
local function keysOf(t) local out = {} for k in pairs(t) do out[#out + 1] = k end return out end
-- Flattens {field = value} for HSET.
local function pairsOf(t) local out = {} for k, v in pairs(t) do out[#out + 1] = k; out[#out + 1] = v end return out end

-- Takes deleted entries off the counters and drops their de-duplication fields; a sender's
-- share counters go when they reach zero. Each gone is {kind, peer, id, len} (len: the envelope's).
local function uncount(qi, gone)
  if #gone == 0 then return end
  local dkeys, delta = {}, {}
  local function add(f, d) delta[f] = (delta[f] or 0) + d end
  for _, g in ipairs(gone) do
    dkeys[#dkeys + 1] = dkey(g.kind, g.peer, g.id)
    if g.kind == 'msg' then
      add('n', -1); add('b', -g.len); add('n:' .. g.peer, -1); add('b:' .. g.peer, -g.len)
    else
      add('r', -1)
    end
  end
  local fields = keysOf(delta)
  local current = redis.call('HMGET', qi, unpack(fields))
  local set = {}
  for i, f in ipairs(fields) do set[f] = num(current[i]) + delta[f] end
  for _, f in ipairs(fields) do
    if string.sub(f, 1, 2) == 'n:' and set[f] <= 0 then
      local peer = string.sub(f, 3)
      set[f], set['b:' .. peer] = nil, nil
      dkeys[#dkeys + 1] = f; dkeys[#dkeys + 1] = 'b:' .. peer
    end
  end
  redis.call('HDEL', qi, unpack(dkeys))
  if next(set) then redis.call('HSET', qi, unpack(pairsOf(set))) end
end

-- Deletes stream entries read with XRANGE, and all they count for. Entry fields by position:
-- 2 kind, 4 peer, 6 id, 8 ts, 10 expires, 12 env.
local function forget(q, qi, entries)
  if #entries == 0 then return end
  local ids, gone = {}, {}
  for _, e in ipairs(entries) do
    local f = e[2]
    ids[#ids + 1] = e[1]
    gone[#gone + 1] = {kind = f[2], peer = f[4], id = f[6], len = #(f[12] or '')}
  end
  redis.call('XDEL', q, unpack(ids))
  uncount(qi, gone)
end
`;
