/**
 * The groups' Lua scripts (redis-groups.ts). Every key of one group carries the group id as its
 * hash tag (`{g:<id>}`), so each script touches one slot. Members are a hash of user → JSON
 * `{role, leaf, mutedUntil, cursor, active}`; the log is a stream with entry id `<seq>-0`. Each
 * script checks everything before its first write (Redis does not roll a script back).
 */
import { RedisScript } from './redis-script';

/**
 * A log entry dropped by the count or age bound (not by acknowledgements): if it is a commit, a
 * member whose cursor is below it can never catch up, so the group remembers the newest such seq
 * as `lapsedBelow` (review M1; the feed tells such a member, see feed.ts).
 */
const LAPSE = `
local function lapse(g, e)
  local f = e[2]
  for i = 1, #f, 2 do
    if f[i] == 'k' and f[i + 1] == 'commit' and redis.call('EXISTS', g) == 1 then
      local s = tonumber((string.gsub(e[1], '-.*', '')))
      if s > tonumber(redis.call('HGET', g, 'lapsedBelow') or '0') then redis.call('HSET', g, 'lapsedBelow', s) end
    end
  end
end
`;

/**
 * Shared by the scripts that append: the next seq, the entry, then the count and age bounds. `x`
 * (a disappearing message's end, ms) goes in the entry and in the group's ends set `gx`
 * (redis-group-ends.ts); the stream stays in seq order, whatever each entry's end.
 */
const APPEND = `${LAPSE}
local function append(g, gl, kind, from, id, data, ts, maxEntries, cutoff, x, gx)
  local seq = redis.call('HINCRBY', g, 'seq', 1)
  if x and x ~= '' then
    redis.call('XADD', gl, seq .. '-0', 'k', kind, 'f', from, 'i', id, 'd', data, 't', ts, 'x', x)
    redis.call('ZADD', gx, tonumber(x), seq)
  else
    redis.call('XADD', gl, seq .. '-0', 'k', kind, 'f', from, 'i', id, 'd', data, 't', ts)
  end
  if seq > maxEntries then
    for _, e in ipairs(redis.call('XRANGE', gl, '-', (seq - maxEntries) .. '-0')) do lapse(g, e) end
    redis.call('XTRIM', gl, 'MINID', (seq - maxEntries + 1) .. '-0')
  end
  while true do
    local head = redis.call('XRANGE', gl, '-', '+', 'COUNT', 50)
    local dropped = 0
    for _, e in ipairs(head) do
      local f = e[2]
      local at
      for i = 1, #f, 2 do if f[i] == 't' then at = tonumber(f[i + 1]) end end
      if at and at < cutoff then lapse(g, e); redis.call('XDEL', gl, e[1]); dropped = dropped + 1 else break end
    end
    if dropped < 50 then break end
  end
  return seq
end
`;

/**
 * KEYS g, gm, gl. ARGV owner, settings fields (listed name topic joinPolicy onlyAdminsSend
 * memberChats), now, maxEntries, cutoff. Returns 'exists' | 'created'.
 */
export const createGroupScript = new RedisScript(
  'groupCreate',
  `${APPEND}
local g, gm, gl = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', g) == 1 then return 'exists' end
redis.call('HSET', g, 'epoch', 0, 'owner', ARGV[1], 'admins', '[]', 'seq', 0, 'listed', ARGV[2], 'name', ARGV[3], 'topic', ARGV[4],
  'joinPolicy', ARGV[5], 'onlyAdminsSend', ARGV[6], 'memberChats', ARGV[7])
redis.call('HSET', gm, ARGV[1], cjson.encode({role = 'owner', leaf = 0, mutedUntil = cjson.null, cursor = 0, active = true}))
append(g, gl, 'event', ARGV[1], '', '{"t":"created"}', ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10]))
return 'created'
`,
);

/**
 * KEYS g, gm, gl, grq, gw, gb. ARGV epoch, from, data, ts, maxMembers, maxEntries, cutoff, welcome
 * ('' for none), the new owner ('' when the commit sets no roles), the new admins (JSON array),
 * nAdds, then nAdds pairs of user leaf, then the removed users.
 * Returns the seq, or 'unknown_group' | 'stale_epoch' | 'not_member' | 'group_full', or
 * {'banned', user} for an added user banned (store/groups.ts, CommitResult: bans, leaves and
 * lapses do not move the epoch, so they are asked again here).
 */
export const commitScript = new RedisScript(
  'groupCommit',
  `${APPEND}
local g, gm, gl, grq, gw, gb = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local epoch = redis.call('HGET', g, 'epoch')
if not epoch then return 'unknown_group' end
if tonumber(epoch) ~= tonumber(ARGV[1]) then return 'stale_epoch' end
local from = redis.call('HGET', gm, ARGV[2])
if not from or not cjson.decode(from).active then return 'not_member' end
local nAdds = tonumber(ARGV[11])
for i = 0, nAdds - 1 do
  if redis.call('HEXISTS', gb, ARGV[12 + 2 * i]) == 1 then return {'banned', ARGV[12 + 2 * i]} end
end
local removed = {}
for i = 12 + 2 * nAdds, #ARGV do removed[ARGV[i]] = true end
local staying = 0
local rows = redis.call('HGETALL', gm)
for i = 1, #rows, 2 do
  if not removed[rows[i]] and cjson.decode(rows[i + 1]).active then staying = staying + 1 end
end
if staying + nAdds > tonumber(ARGV[5]) then return 'group_full' end
for user in pairs(removed) do redis.call('HDEL', gm, user); redis.call('HDEL', gw, user); redis.call('HDEL', g, 'ackTrim') end
redis.call('HSET', g, 'epoch', tonumber(epoch) + 1)
local seq = append(g, gl, 'commit', ARGV[2], '', ARGV[3], ARGV[4], tonumber(ARGV[6]), tonumber(ARGV[7]))
for i = 0, nAdds - 1 do
  local user, leaf = ARGV[12 + 2 * i], tonumber(ARGV[13 + 2 * i])
  redis.call('HSET', gm, user, cjson.encode({role = 'member', leaf = leaf, mutedUntil = cjson.null, cursor = seq, joined = seq, active = true}))
  redis.call('HDEL', grq, user)
  if ARGV[8] ~= '' then redis.call('HSET', gw, user, cjson.encode({w = ARGV[8], seq = seq})) end
end
if ARGV[9] ~= '' then redis.call('HSET', g, 'owner', ARGV[9], 'admins', ARGV[10]) end
if ARGV[9] ~= '' or nAdds > 0 then
  -- Every row's role from the group's roles (review H3). A group kept before admins were stored
  -- has none: its admins are then the rows that say so.
  local owner = redis.call('HGET', g, 'owner')
  local admins = {}
  local stored = redis.call('HGET', g, 'admins')
  if stored then
    for _, a in ipairs(cjson.decode(stored)) do admins[a] = true end
  else
    for i = 1, #rows, 2 do if cjson.decode(rows[i + 1]).role == 'admin' then admins[rows[i]] = true end end
  end
  local now = redis.call('HGETALL', gm)
  for i = 1, #now, 2 do
    local m = cjson.decode(now[i + 1])
    local role = 'member'
    if now[i] == owner then role = 'owner' elseif admins[now[i]] then role = 'admin' end
    if m.role ~= role then m.role = role; redis.call('HSET', gm, now[i], cjson.encode(m)) end
  end
end
return seq
`,
);

/**
 * KEYS g, gl, gx. ARGV kind, from, id, data, ts, maxEntries, cutoff, the entry's end ('': the
 * log's lifetime). Returns the seq, or false when the group is gone.
 */
export const appendScript = new RedisScript(
  'groupAppend',
  `${APPEND}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return append(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], KEYS[3])
`,
);

/**
 * KEYS g, gm, gl, gw. ARGV user, upTo. The cursor moves forward (never past the end), a Welcome
 * read past goes, and entries every active member passed are trimmed.
 */
export const ackScript = new RedisScript(
  'groupAck',
  `
local g, gm, gl, gw = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local seq = redis.call('HGET', g, 'seq')
local raw = redis.call('HGET', gm, ARGV[1])
if not seq or not raw then return 0 end
local m = cjson.decode(raw)
local before = m.cursor
local to = math.min(tonumber(ARGV[2]), tonumber(seq))
if to > m.cursor then m.cursor = to; redis.call('HSET', gm, ARGV[1], cjson.encode(m)) end
local w = redis.call('HGET', gw, ARGV[1])
-- Only an ack that reaches the Welcome's seq lets it go (a new member's cursor starts there, so
-- comparing with the cursor would drop it at any ack), as on SQLite.
if w and cjson.decode(w).seq <= to then redis.call('HDEL', gw, ARGV[1]) end
-- 'ackTrim': the lowest active cursor when the log was last trimmed by acks. Only a member at or
-- below it can raise it, so the others' acks skip reading every member (100 JSON rows an ack
-- was most of the cluster's cost in the group bench); going inactive or removed clears it.
local trimmed = redis.call('HGET', g, 'ackTrim')
if trimmed and before > tonumber(trimmed) then return 1 end
local min
local rows = redis.call('HVALS', gm)
for _, r in ipairs(rows) do
  local x = cjson.decode(r)
  if x.active and (not min or x.cursor < min) then min = x.cursor end
end
if min then redis.call('XTRIM', gl, 'MINID', (min + 1) .. '-0'); redis.call('HSET', g, 'ackTrim', min) end
return 1
`,
);

/** KEYS gm, gw. ARGV user, field, JSON value. Sets one field of a member (absent: nothing); `active` false drops their Welcome. */
export const patchMemberScript = new RedisScript(
  'groupPatchMember',
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local m = cjson.decode(raw)
m[ARGV[2]] = cjson.decode(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(m))
if ARGV[2] == 'active' and m.active == false then redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
`,
);

/** KEYS grq. ARGV user, now, max. Returns 'exists' | 'full' | 'added'. */
export const addRequestScript = new RedisScript(
  'groupAddRequest',
  `
-- Requests older than the cutoff (ARGV[4]) give their slot back first (review M7: slots squatted for good).
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if cjson.decode(all[i + 1]).ts < tonumber(ARGV[4]) then redis.call('HDEL', KEYS[1], all[i]) end
  end
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({ts = tonumber(ARGV[2]), approved = false}))
return 'added'
`,
);

/** KEYS grq. ARGV user, accept (1/0). Returns 1 when a pending request was decided, or an approval withdrawn. */
export const decideScript = new RedisScript(
  'groupDecide',
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local r = cjson.decode(raw)
if r.approved and ARGV[2] == '1' then return 0 end
if ARGV[2] == '1' then r.approved = true; redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(r))
else redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
`,
);

/** KEYS kp. ARGV max, then the packages (JSON `{ref, data}`). Returns the count after. */
export const addKeyPackagesScript = new RedisScript(
  'kpAdd',
  `
for i = 2, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
return redis.call('LLEN', KEYS[1])
`,
);

/** KEYS kp. The oldest package, removed unless it is the last (the last resort, handed out again). */
export const claimKeyPackageScript = new RedisScript(
  'kpClaim',
  `
local n = redis.call('LLEN', KEYS[1])
if n == 0 then return false end
if n > 1 then return redis.call('LPOP', KEYS[1]) end
return redis.call('LINDEX', KEYS[1], 0)
`,
);

/** KEYS g, gl. ARGV cutoff. Deletes entries older than it from the head (noting dropped commits); returns {deleted, the head's ts or -1}. */
export const trimOldScript = new RedisScript(
  'groupTrimOld',
  `${LAPSE}
local g, gl, cutoff = KEYS[1], KEYS[2], tonumber(ARGV[1])
local deleted = 0
while true do
  local head = redis.call('XRANGE', gl, '-', '+', 'COUNT', 100)
  if #head == 0 then return {deleted, -1} end
  for _, e in ipairs(head) do
    local f = e[2]
    local at
    for i = 1, #f, 2 do if f[i] == 't' then at = tonumber(f[i + 1]) end end
    if at and at < cutoff then lapse(g, e); redis.call('XDEL', gl, e[1]); deleted = deleted + 1 else return {deleted, at or -1} end
  end
end
`,
);

/**
 * KEYS gl, gx. ARGV now, limit. Deletes up to `limit` entries whose own end has come (a
 * disappearing message's; one the log trimmed already only leaves the set); returns {deleted,
 * the soonest end still in the set or -1}.
 */
export const dropEndedScript = new RedisScript(
  'groupDropEnded',
  `
local gl, gx = KEYS[1], KEYS[2]
local due = redis.call('ZRANGE', gx, '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]))
local deleted = 0
for _, seq in ipairs(due) do
  deleted = deleted + redis.call('XDEL', gl, seq .. '-0')
  redis.call('ZREM', gx, seq)
end
local next = redis.call('ZRANGE', gx, 0, 0, 'WITHSCORES')
return {deleted, next[2] and tonumber(next[2]) or -1}
`,
);

export const GROUP_SCRIPTS = [
  trimOldScript, dropEndedScript,
  createGroupScript, commitScript, appendScript, ackScript, patchMemberScript,
  addRequestScript, decideScript, addKeyPackagesScript, claimKeyPackageScript,
];
