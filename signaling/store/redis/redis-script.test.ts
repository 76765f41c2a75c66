import { describe, expect, it } from 'vitest';
import { RedisScript, ScriptRunner, type RedisLink } from './redis-script';

/** A link whose script cache is empty (EVALSHA answers NOSCRIPT) and whose SCRIPT LOAD fails, as while Redis restarts. */
function restartingLink(): { link: RedisLink; sent: string[] } {
  const sent: string[] = [];
  const sendCommand = (async (args: string[]) => {
    sent.push(args[0]);
    if (args[0] === 'EVALSHA') throw new Error('NOSCRIPT No matching script');
    if (args[0] === 'SCRIPT') throw new Error('LOADING Redis is loading the dataset in memory');
    return 1;
  }) as unknown as RedisLink['sendCommand'];
  return { link: { sendCommand }, sent };
}

describe('ScriptRunner', () => {
  it('answers a call by EVAL after NOSCRIPT, and a reload that fails is neither unhandled nor left in force', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { link, sent } = restartingLink();
      const runner = new ScriptRunner(link, [new RedisScript('one', 'return 1')]);
      const script = new RedisScript('two', 'return 2');
      expect(await runner.run(script, ['k'], [])).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      // The failed reload does not hold later calls for ever: the next one goes out again.
      expect(await runner.run(script, ['k'], [])).toBe(1);
      expect(sent.filter((c) => c === 'EVAL')).toHaveLength(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
