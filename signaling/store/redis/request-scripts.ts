/**
 * Contact requests touch two users, so two slots: the recipient's side (`rqi`, `rqn`, `rqd` of
 * {to}) decides cooldown, `exists` and the incoming caps and records the request; the sender's
 * side (`rqo` of {from}) then checks the outgoing cap, and a refusal there takes the request back
 * out of {to}. Each script is atomic in its own slot; README.md says what a crash between the two
 * leaves (a request that does not count against its sender's outgoing cap, until it expires).
 * Expired requests and declines are deleted by these scripts as they pass (each user's sets stay
 * within the caps), not by a global sweep.
 */
import { RedisScript } from './redis-script';

/**
 * KEYS rqi, rqn, rqd of `to`. ARGV from, now, cutoff (requests at or before it have expired),
 * maxIncoming, bornAfter (accounts created after it are new), fromCreated, maxFromNew.
 * Returns 'cooldown' | 'exists' | 'full' | 'ok'.
 */
export const addIncomingScript = new RedisScript(
  'addIncoming',
  `
local rqi, rqn, rqd = KEYS[1], KEYS[2], KEYS[3]
local from, now, cutoff = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local maxIn, bornAfter, fromCreated, maxNew = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', rqd, '-inf', now)
for _, m in ipairs(redis.call('ZRANGE', rqi, '-inf', cutoff, 'BYSCORE')) do
  if m ~= from then redis.call('ZREM', rqi, m); redis.call('ZREM', rqn, m) end
end
if redis.call('ZSCORE', rqd, from) then return 'cooldown' end
local asked = redis.call('ZSCORE', rqi, from)
if asked and tonumber(asked) > cutoff then return 'exists' end
if redis.call('ZCOUNT', rqi, '(' .. cutoff, '+inf') >= maxIn then return 'full' end
if fromCreated > bornAfter then
  local young = 0
  for _, m in ipairs(redis.call('ZRANGE', rqn, '(' .. bornAfter, '+inf', 'BYSCORE')) do
    local at = redis.call('ZSCORE', rqi, m)
    if m ~= from and at and tonumber(at) > cutoff then young = young + 1 end
  end
  if young >= maxNew then return 'full' end
end
redis.call('ZADD', rqi, now, from)
redis.call('ZADD', rqn, fromCreated, from)
return 'ok'
`,
);

/** KEYS rqo of `from`. ARGV to, now, cutoff, maxOutgoing. Returns 'full' | 'ok'. */
export const addOutgoingScript = new RedisScript(
  'addOutgoing',
  `
local rqo = KEYS[1]
local to, now, cutoff, maxOut = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', rqo, '-inf', cutoff)
redis.call('ZREM', rqo, to)
if redis.call('ZCARD', rqo) >= maxOut then return 'full' end
redis.call('ZADD', rqo, now, to)
return 'ok'
`,
);

/** KEYS rqi, rqn, rqd of `to`. ARGV from, until (0: no cooldown, only forget the request). */
export const dropIncomingScript = new RedisScript(
  'dropIncoming',
  `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1]) end
return 1
`,
);
