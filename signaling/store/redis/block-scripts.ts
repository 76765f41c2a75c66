/**
 * A block on Redis, bounded: whether `owner` may block one more user is decided in one script in
 * the owner's slot (`b:{owner}`), so two blocks at once cannot both pass the cap. The blocked
 * user's copy (`bb:{target}`, another slot) is written after it, as before (README.md).
 */
import { RedisScript } from './redis-script';

/** KEYS b:{owner}. ARGV target, blocksMax. Returns 'exists' | 'full' | 'added'. */
export const blockScript = new RedisScript(
  'block',
  `
local blocks, target, max = KEYS[1], ARGV[1], tonumber(ARGV[2])
if redis.call('SISMEMBER', blocks, target) == 1 then return 'exists' end
if redis.call('SCARD', blocks) >= max then return 'full' end
redis.call('SADD', blocks, target)
return 'added'
`,
);
