/**
 * Binary WebSocket frames: file chunks through the server, without base64 or JSON.
 * A client sends `head (u8) ‖ recipient (UTF-8) ‖ payload`; the server, after its checks,
 * forwards `head ‖ sender ‖ payload` with the sender set by itself. The low 7 bits of `head` are
 * the name's length (names are at most 32 bytes); the top bit, from a client, asks the server to
 * store the chunk for a contact who is offline instead of relaying it live. The payload is a sealed
 * chunk (file-chunks.ts), opaque to the server except for its file id and index.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const STORE_FLAG = 0x80;

export interface RelayFrame {
  name: string;
  payload: Uint8Array;
  /** Keep it for later (offline recipient) rather than relaying it now. */
  store: boolean;
}

/**
 * The frame for `payload` to (or from) `name`. With `out` long enough, it is written there and the
 * part filled is returned (a sender reusing one buffer allocates nothing per chunk); else a new array.
 */
export function encodeRelayFrame(name: string, payload: Uint8Array, store = false, out?: Uint8Array): Uint8Array {
  const n = encoder.encode(name);
  if (n.length === 0 || n.length >= STORE_FLAG) throw new RangeError('a relay frame names a user of 1 to 127 bytes');
  const length = 1 + n.length + payload.length;
  const frame = out && out.length >= length ? out.subarray(0, length) : new Uint8Array(length);
  frame[0] = n.length | (store ? STORE_FLAG : 0);
  frame.set(n, 1);
  frame.set(payload, 1 + n.length);
  return frame;
}

/** Undefined when the frame is too short to hold what its first byte claims. Never throws. */
export function decodeRelayFrame(bytes: Uint8Array): RelayFrame | undefined {
  if (bytes.length < 2) return undefined;
  const length = bytes[0]! & ~STORE_FLAG;
  if (length === 0 || bytes.length < 1 + length) return undefined;
  return {
    name: decoder.decode(bytes.subarray(1, 1 + length)),
    payload: bytes.subarray(1 + length),
    store: (bytes[0]! & STORE_FLAG) !== 0,
  };
}
