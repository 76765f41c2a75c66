/**
 * The coalescer on a real TCP socket pair: how many writes reach the kernel, and when, is what it
 * is for. Writes are counted at the socket's own `_writev`/`_write`.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteCoalescer } from './write-coalescer';

interface Pair {
  socket: net.Socket;
  /** Batches handed to the kernel, each as the frames it held. */
  writes: string[][];
  received: () => string;
  close: () => void;
}

async function socketPair(): Promise<Pair> {
  let received = '';
  const server = net.createServer((s) => s.on('data', (d: Buffer) => (received += d.toString())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const writes: string[][] = [];
  const raw = socket as unknown as {
    _writev: (chunks: { chunk: Buffer | string }[], cb: () => void) => void;
    _write: (chunk: Buffer | string, enc: string, cb: () => void) => void;
  };
  const writev = raw._writev.bind(socket);
  const write = raw._write.bind(socket);
  raw._writev = (chunks, cb) => {
    writes.push(chunks.map((c) => c.chunk.toString()));
    writev(chunks, cb);
  };
  raw._write = (chunk, enc, cb) => {
    writes.push([chunk.toString()]);
    write(chunk, enc, cb);
  };
  return { socket, writes, received: () => received, close: () => (socket.destroy(), server.close()) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteCoalescer', () => {
  let pair: Pair | undefined;
  afterEach(() => pair?.close());

  it("writes one task's frames, those of its chained promise jobs included, in one write, before the loop turn ends", async () => {
    pair = await socketPair();
    const { socket, writes } = pair;
    const coalescer = new WriteCoalescer();
    let seenInTick: number | undefined;
    // One piece of work: frames written synchronously and in promise jobs chained behind it.
    const work = (): void => {
      coalescer.hold(socket);
      socket.write('a');
      void Promise.resolve()
        .then(() => (coalescer.hold(socket), socket.write('b')))
        .then(() => (coalescer.hold(socket), socket.write('c')));
    };
    work();
    expect(writes).toEqual([]);
    // An immediate queued now runs in the check phase: by then the frames have left.
    setImmediate(() => (seenInTick = writes.length));
    await turn();
    expect(writes).toEqual([['a', 'b', 'c']]);
    expect(seenInTick).toBe(1);
  });

  it('gives each callback its own write, so a frame read early is not held behind the reads after it', async () => {
    pair = await socketPair();
    const { socket, writes } = pair;
    const coalescer = new WriteCoalescer();
    // Two timers due at once run in one loop turn, as two reads of one poll phase do.
    let afterFirst: string[][] = [];
    setTimeout(() => (coalescer.hold(socket), socket.write('1')), 0);
    setTimeout(() => {
      afterFirst = [...writes];
      coalescer.hold(socket);
      socket.write('2');
    }, 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(afterFirst).toEqual([['1']]);
    expect(writes).toEqual([['1'], ['2']]);
  });

  it("with 'turn', holds every frame of the loop turn for one write at its end", async () => {
    pair = await socketPair();
    const { socket, writes } = pair;
    const coalescer = new WriteCoalescer('turn');
    // Two callbacks of one loop turn's check phase (two timers may fall into two turns on a busy machine).
    setImmediate(() => (coalescer.hold(socket), socket.write('1')));
    setImmediate(() => (coalescer.hold(socket), socket.write('2')));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toEqual([['1', '2']]);
  });

  it('sends what it holds at once past 16 KiB, and the frames after it unheld, in order', async () => {
    pair = await socketPair();
    const { socket, writes, received } = pair;
    const coalescer = new WriteCoalescer();
    const big = 'x'.repeat(10 * 1024);
    for (const frame of [big, big, 'tail']) {
      coalescer.hold(socket);
      socket.write(frame);
    }
    // The third hold found 20 KiB held and sent them; the socket is uncorked, so 'tail' follows at once.
    const sizes = () => writes.map((w) => w.map((f) => f.length));
    expect(sizes()).toEqual([[big.length, big.length], [4]]);
    await turn();
    expect(sizes()).toEqual([[big.length, big.length], [4]]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received() === big + big + 'tail').toBe(true);
  });

  it('leaves a destroyed socket alone', async () => {
    pair = await socketPair();
    const { socket } = pair;
    const coalescer = new WriteCoalescer();
    socket.destroy();
    coalescer.hold(socket);
    expect(socket.writableCorked).toBe(0);
    await turn();
  });
});
