/**
 * Binary WebSocket frames: file chunks through the server's relay, without base64 or JSON.
 * A client sends `nameLength (u8) ‖ recipient (UTF-8) ‖ payload`; the server, after its checks,
 * forwards `nameLength ‖ sender ‖ payload` with the sender set by itself. The payload is a
 * sealed chunk (file-chunks.ts), opaque to the server except for its file id, which it counts
 * against the relay's size limit.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeRelayFrame(name: string, payload: Uint8Array): Uint8Array {
  const n = encoder.encode(name);
  const out = new Uint8Array(1 + n.length + payload.length);
  out[0] = n.length;
  out.set(n, 1);
  out.set(payload, 1 + n.length);
  return out;
}

/** Undefined when the frame is too short to hold what its first byte claims. Never throws. */
export function decodeRelayFrame(bytes: Uint8Array): { name: string; payload: Uint8Array } | undefined {
  if (bytes.length < 2) return undefined;
  const length = bytes[0]!;
  if (length === 0 || bytes.length < 1 + length) return undefined;
  return { name: decoder.decode(bytes.subarray(1, 1 + length)), payload: bytes.subarray(1 + length) };
}
