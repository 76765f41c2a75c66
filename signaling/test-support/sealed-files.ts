/** Files sealed into chunks the way browsers do it, and their upload for an offline contact, for integration tests. */
import { randomBytes } from 'node:crypto';
import { CHUNK_BYTES, FILE_ID_BYTES, chunkCount, openChunk, sealChunk } from '../../shared/file-chunks';
import { encodeRelayFrame } from '../../shared/relay-frames';
import { loadSodium } from '../../shared/sodium';
import { type ParleyClient, wentOffline } from './client';
import type { ServerHarness } from './harness';

const sodium = await loadSodium();

/** A file of `size` random bytes, sealed into chunks. */
export function sealedFile(size: number) {
  const key = sodium.randombytes_buf(32);
  const fileIdBytes = sodium.randombytes_buf(FILE_ID_BYTES);
  // node's generator: libsodium's (wrapped in JavaScript) takes seconds for megabytes.
  const plain = new Uint8Array(randomBytes(size));
  const count = chunkCount(size);
  const chunks = Array.from({ length: count }, (_, i) =>
    sealChunk(sodium, key, fileIdBytes, i, count, plain.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)),
  );
  return { key, fileIdBytes, fileId: sodium.to_hex(fileIdBytes), plain, count, chunks };
}

export type SealedFile = ReturnType<typeof sealedFile>;

/** Sends chunks of `file` (all, or those at `indexes`) for the server to keep for `to`. */
export function upload(from: ParleyClient, to: string, file: SealedFile, indexes = file.chunks.map((_, i) => i)): void {
  for (const i of indexes) from.sendRaw(Buffer.from(encodeRelayFrame(to, file.chunks[i]!, true)), { binary: true });
}

/** Two contacts, the second one offline. */
export async function withOfflineRecipient(h: ServerHarness) {
  const [a, b] = await h.pair();
  const bob = b.identity!;
  await b.close();
  await a.next(wentOffline(bob.username));
  return { a, bob };
}

/** Opens what `client` received as chunks of `file`, in arrival order. */
export function opened(client: ParleyClient, file: SealedFile): Array<{ index: number; plain: Uint8Array } | undefined> {
  return client.relayed.map((r) => openChunk(sodium, file.key, file.fileIdBytes, file.count, r.payload));
}
