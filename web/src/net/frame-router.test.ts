// The frame router: handlers get only their frame type, in registration order; frames are handled
// one at a time in arrival order even when a handler awaits; queued jobs keep their place; a
// throwing handler does not stop the others.
import { describe, expect, it, vi } from 'vitest';
import { FrameRouter } from './frame-router';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FrameRouter', () => {
  it('hands each frame to the handlers of its type only, in the order they registered', async () => {
    const router = new FrameRouter();
    const seen: string[] = [];
    router.on('presence', (f) => void seen.push(`first ${f.username} ${f.online}`));
    router.on('presence', (f) => void seen.push(`second ${f.username}`));
    router.on('stored', (f) => void seen.push(`stored ${f.id}`));
    router.route({ t: 'presence', username: 'bob', online: true });
    router.route({ t: 'pong' });
    await router.idle();
    expect(seen).toEqual(['first bob true', 'second bob']);
  });

  it('handles frames one at a time in arrival order, a slow handler holding back the next frame and queued jobs', async () => {
    const router = new FrameRouter();
    const seen: string[] = [];
    router.on('stored', async (f) => {
      await pause(f.id === 'slow-0001' ? 20 : 0);
      seen.push(f.id);
    });
    router.route({ t: 'stored', id: 'slow-0001' });
    router.enqueue('job', () => void seen.push('job'));
    router.route({ t: 'stored', id: 'fast-0001' });
    await router.idle();
    expect(seen).toEqual(['slow-0001', 'job', 'fast-0001']);
  });

  it('a handler that throws is logged; the other handlers and the next frames still run', async () => {
    const router = new FrameRouter();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    router.on('stored', () => {
      throw new Error('boom');
    });
    router.on('stored', (f) => void seen.push(f.id));
    router.route({ t: 'stored', id: 'first-001' });
    router.route({ t: 'stored', id: 'second-01' });
    await router.idle();
    expect(seen).toEqual(['first-001', 'second-01']);
    expect(errors).toHaveBeenCalledTimes(2);
    errors.mockRestore();
  });
});
