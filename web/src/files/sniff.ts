/**
 * What a file really is, from its first bytes, never from the type its sender declared: only the
 * raster formats that cannot carry script (PNG, JPEG, GIF, WebP, AVIF) are recognised, with the
 * pixel size their header claims, so a preview can refuse a decompression bomb before decoding it.
 * Everything else (SVG, HTML, PDF, a format this does not know) is `undefined`: no preview.
 * The signatures are the ones browsers' decoders go by (WHATWG MIME Sniffing, "image type pattern").
 */

export type RasterType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif';

export interface Raster {
  type: RasterType;
  /** The pixel size the header claims; undefined when it is not within the bytes looked at. */
  width?: number;
  height?: number;
}

/**
 * How much of a file's start is looked at: enough for a JPEG's size after its EXIF, ICC and XMP
 * segments (up to 64 KiB each), or a GIF's first frame after its comments.
 */
export const SNIFF_BYTES = 512 * 1024;

/** The raster format `head` (a file's first bytes, SNIFF_BYTES of them if it has that many) starts with, or undefined. */
export function sniffRaster(head: Uint8Array): Raster | undefined {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (startsWith(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return png(head, v);
  if (startsWith(head, 0, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg', ...jpegSize(head, v) };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { type: 'image/gif', ...gifSize(head, v) };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return { type: 'image/webp', ...webpSize(head, v) };
  if (isAvif(head, v)) return { type: 'image/avif', ...avifSize(head, v) };
  return undefined;
}

type Size = { width: number; height: number } | Record<string, never>;

function png(head: Uint8Array, v: DataView): Raster {
  // The first chunk is IHDR: length, "IHDR", width, height (big-endian).
  if (head.length < 24 || ascii(head, 12, 4) !== 'IHDR') return { type: 'image/png' };
  return { type: 'image/png', width: v.getUint32(16), height: v.getUint32(20) };
}

/** The frame size from the first start-of-frame segment, walking the segments before it. */
function jpegSize(head: Uint8Array, v: DataView): Size {
  let at = 2;
  while (at + 4 <= head.length) {
    if (head[at] !== 0xff) return {};
    const marker = head[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers that stand alone, without a length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return {}; // the scan (or the end) before any frame header
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return at + 9 <= head.length ? { height: v.getUint16(at + 5), width: v.getUint16(at + 7) } : {};
    at += 2 + v.getUint16(at + 2);
  }
  return {};
}

/**
 * The logical screen, grown to the first frame if that frame reaches past it (decoders then
 * decode the frame's size, so a 1×1 screen cannot hide a 65535×65535 frame).
 */
function gifSize(head: Uint8Array, v: DataView): Size {
  if (head.length < 13) return {};
  let width = v.getUint16(6, true);
  let height = v.getUint16(8, true);
  const flags = head[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  while (at < head.length) {
    const block = head[at]!;
    if (block === 0x21) {
      // An extension: label, then data sub-blocks up to an empty one.
      at += 2;
      while (at < head.length && head[at] !== 0) at += head[at]! + 1;
      at++;
    } else if (block === 0x2c && at + 9 <= head.length) {
      width = Math.max(width, v.getUint16(at + 1, true) + v.getUint16(at + 5, true));
      height = Math.max(height, v.getUint16(at + 3, true) + v.getUint16(at + 7, true));
      return { width, height };
    } else return {};
  }
  return {};
}

function webpSize(head: Uint8Array, v: DataView): Size {
  const chunk = ascii(head, 12, 4);
  if (chunk === 'VP8X' && head.length >= 30) return { width: uint24le(head, 24) + 1, height: uint24le(head, 27) + 1 };
  if (chunk === 'VP8L' && head.length >= 25 && head[20] === 0x2f) {
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && head.length >= 30 && startsWith(head, 23, [0x9d, 0x01, 0x2a])) {
    return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  return {};
}

/** An ISO-BMFF file whose `ftyp` box names AVIF (still or sequence) as its major or a compatible brand. */
function isAvif(head: Uint8Array, v: DataView): boolean {
  if (head.length < 16 || ascii(head, 4, 4) !== 'ftyp') return false;
  const end = Math.min(v.getUint32(0), head.length);
  for (let at = 8; at + 4 <= end; at += 4) {
    if (at === 12) continue; // the minor version
    const brand = ascii(head, at, 4);
    if (brand === 'avif' || brand === 'avis') return true;
  }
  return false;
}

/** The largest image spatial extent (`ispe`) in meta → iprp → ipco: the primary image, or the grid that tiles it. */
function avifSize(head: Uint8Array, v: DataView): Size {
  let width = 0;
  let height = 0;
  const walk = (from: number, to: number, depth: number): void => {
    for (let at = from; at + 8 <= to; ) {
      let size = v.getUint32(at);
      const type = ascii(head, at + 4, 4);
      let body = at + 8;
      if (size === 1) {
        if (at + 16 > to || v.getUint32(at + 8) !== 0) return; // over 4 GiB: not within the head anyway
        size = v.getUint32(at + 12);
        body = at + 16;
      } else if (size === 0) size = to - at;
      if (size < body - at) return;
      const end = Math.min(at + size, to);
      if (type === 'meta' && depth === 0) walk(body + 4, end, 1); // a full box: version and flags first
      else if ((type === 'iprp' && depth === 1) || (type === 'ipco' && depth === 2)) walk(body, end, depth + 1);
      else if (type === 'ispe' && depth === 3 && body + 12 <= end) {
        width = Math.max(width, v.getUint32(body + 4));
        height = Math.max(height, v.getUint32(body + 8));
      }
      at += size;
    }
  };
  walk(0, head.length, 0);
  return width > 0 && height > 0 ? { width, height } : {};
}

function startsWith(head: Uint8Array, at: number, bytes: number[]): boolean {
  return head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, at: number, length: number): string {
  return head.length >= at + length ? String.fromCharCode(...head.subarray(at, at + length)) : '';
}

function uint24le(head: Uint8Array, at: number): number {
  return head[at]! | (head[at + 1]! << 8) | (head[at + 2]! << 16);
}
