/**
 * Real Links (and their PeerLinks) over a fake server connection and fake direct channels, for the
 * tests of the link and of the chat layer above it: what goes to the server is recorded as frames,
 * what goes on a channel in the channel.
 */
import type { Identity } from '../../../shared/identity';
import type { ClientFrame, ServerFrame } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Connection } from '../net/connection';
import { FrameRouter } from '../net/frame-router';
import { FakeChannel } from './fake-channel';
import { Links } from './links';

export interface TestLinks {
  links: Links;
  router: FrameRouter;
  /** Every frame sent to the server, in order. */
  frames: ClientFrame[];
  /** Every direct channel made, in order. */
  channels: FakeChannel[];
  /** Routes a server frame and waits until it (and whatever was queued before) is handled. */
  handle(frame: ServerFrame): Promise<void>;
  /** Opens a direct channel with `peer` (whichever side offers) and returns it. */
  openDirect(peer: string): Promise<FakeChannel>;
}

export function testLinks(sodium: Sodium, me: Identity, keys: Record<string, string>): TestLinks {
  const frames: ClientFrame[] = [];
  const channels: FakeChannel[] = [];
  const connection = {
    online: true,
    send: (f: ClientFrame) => frames.push(f) > 0,
    sendBinary: () => true,
    bufferedAmount: 0,
    waitForDrain: async () => {},
    addEventListener: () => {},
  } as unknown as Connection;
  const directory = { me: () => me, isContact: (u: string) => u in keys, trustedKey: (u: string) => keys[u] };
  const links = new Links(connection, directory, sodium, {
    relayOnly: false,
    createChannel: (o) => {
      const channel = new FakeChannel(o.sid);
      channels.push(channel);
      return channel;
    },
  });
  const router = new FrameRouter();
  links.attach(router);
  let attempts = 0;
  return {
    links,
    router,
    frames,
    channels,
    handle: (frame) => {
      router.route(frame);
      return router.idle();
    },
    async openDirect(peer) {
      const before = channels.length;
      const link = links.get(peer);
      if (me.username < peer) {
        link.setPeerOnline(true); // the offering side starts an attempt on the next turn
        await new Promise((resolve) => setTimeout(resolve, 0));
      } else {
        link.onSignal({ kind: 'rtc', sid: `test-attempt-${++attempts}`, signal: { type: 'offer', sdp: 'v=0' } });
      }
      const channel = channels[before];
      if (!channel) throw new Error('no direct attempt started');
      channel.connect();
      return channel;
    },
  };
}
