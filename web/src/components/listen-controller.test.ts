// A host that watches its targets again each time it is connected (moved in the DOM) keeps one
// listener per target and type, not one more per move (review M8).
import { describe, expect, it } from 'vitest';
import { ListenController } from './listen-controller';

describe('ListenController', () => {
  it('listens once per target and type however often the host is reconnected and watches again', () => {
    let updates = 0;
    const host = { addController: () => {}, requestUpdate: () => void updates++ } as never;
    const listen = new ListenController(host);
    const target = new EventTarget();
    const other = new EventTarget();
    let custom = 0;
    for (let move = 0; move < 5; move++) {
      listen.hostConnected();
      listen.watch(target, ['change']);
      listen.watch(other, ['path'], () => void custom++);
      if (move < 4) listen.hostDisconnected();
    }
    target.dispatchEvent(new Event('change'));
    other.dispatchEvent(new Event('path'));
    expect([updates, custom]).toEqual([1, 1]);
    listen.hostDisconnected();
    target.dispatchEvent(new Event('change'));
    expect(updates).toBe(1);
  });
});
