import { describe, expect, it } from 'vitest';
import { sniffRaster } from './sniff';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | Uint8Array | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...text(p)] : [...p])));
const u32 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16le = (n: number) => [n & 255, n >>> 8];
/** An ISO-BMFF box; a full box when `full` (version and flags zero). */
const box = (type: string, body: Uint8Array, full = false) => {
  const inner = full ? bytes([0, 0, 0, 0], body) : body;
  return bytes(u32(8 + inner.length), type, inner);
};

// 3×2 images as Chromium's own encoders wrote them (canvas.toBlob): the JPEG has an ICC profile
// segment before its frame header, the WebP is the extended (VP8X) form with an ICC chunk.
const PNG = b64('iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAHElEQVR4AWI6w8DwH4QZgIDJhIGBEYQZGBgYAAAAAP//UzS5KAAAAAZJREFUAwBRBgQF1VhOkAAAAABJRU5ErkJggg==');
const JPEG = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAMDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAYEAEBAQEBAAAAAAAAAAAAAAABAAIRQf/EABUBAQEAAAAAAAAAAAAAAAAAAAEC/8QAGREAAgMBAAAAAAAAAAAAAAAAAAEDMTJx/9oADAMBAAIRAxEAPwCA1p090qvqySFRcm30/9k=',
);
const WEBP_VP8X = b64(
  'UklGRi4CAABXRUJQVlA4WAoAAAAwAAAAAgAAAQAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZBTFBIBwAAAAD//wAAAAAAVlA4IDAAAABwAQCdASoDAAIAAsBMJagCdAGIQAD+8Dg9vEs5IZ3Ac64zL2//BMYVt+Pr/8AAAAA=',
);
/** The classic 1×1 GIF (global colour table, a graphic control extension, then the frame). */
const GIF = b64('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');

describe('sniffRaster: the raster formats a preview may be made from', () => {
  it('PNG, JPEG (frame header after an ICC segment) and WebP as Chromium encodes them, with their size', () => {
    expect(sniffRaster(PNG)).toEqual({ type: 'image/png', width: 3, height: 2 });
    expect(sniffRaster(JPEG)).toEqual({ type: 'image/jpeg', width: 3, height: 2 });
    expect(sniffRaster(WEBP_VP8X)).toEqual({ type: 'image/webp', width: 3, height: 2 });
  });

  it('simple lossy (VP8) and lossless (VP8L) WebP', () => {
    const vp8 = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ', [0, 0, 0, 0], [0, 0, 0], [0x9d, 0x01, 0x2a], u16le(640), u16le(480));
    expect(sniffRaster(vp8)).toEqual({ type: 'image/webp', width: 640, height: 480 });
    const bits = (100 - 1) | ((50 - 1) << 14);
    const vp8l = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [0, 0, 0, 0], [0x2f], [bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, bits >>> 24]);
    expect(sniffRaster(vp8l)).toEqual({ type: 'image/webp', width: 100, height: 50 });
  });

  it('GIF: its screen, grown to a first frame that reaches past it (a 1×1 screen cannot hide a huge frame)', () => {
    expect(sniffRaster(GIF)).toEqual({ type: 'image/gif', width: 1, height: 1 });
    const bomb = bytes('GIF89a', u16le(1), u16le(1), [0, 0, 0], [0x21, 0xfe, 3], 'abc', [0], [0x2c], u16le(0), u16le(0), u16le(60000), u16le(60000), [0]);
    expect(sniffRaster(bomb)).toEqual({ type: 'image/gif', width: 60000, height: 60000 });
  });

  it('AVIF: the largest spatial extent in meta → iprp → ipco (a grid is larger than its tiles)', () => {
    const ispe = (w: number, h: number) => box('ispe', bytes(u32(w), u32(h)), true);
    const ftyp = box('ftyp', bytes('mif1', u32(0), 'mif1avifmiaf'));
    const meta = box('meta', bytes(box('hdlr', bytes(u32(0), 'pict', new Uint8Array(13))), box('iprp', box('ipco', bytes(ispe(512, 512), ispe(4096, 2048))))), true);
    expect(sniffRaster(bytes(ftyp, meta, box('mdat', new Uint8Array(10))))).toEqual({ type: 'image/avif', width: 4096, height: 2048 });
    // A sequence brand alone, no still image: AVIF, size unknown.
    expect(sniffRaster(box('ftyp', bytes('avis', u32(0), 'msf1')))).toEqual({ type: 'image/avif' });
  });

  it('the type when the size is not within the bytes looked at', () => {
    expect(sniffRaster(JPEG.subarray(0, 200))).toEqual({ type: 'image/jpeg' });
    expect(sniffRaster(PNG.subarray(0, 10))).toEqual({ type: 'image/png' });
    expect(sniffRaster(bytes('GIF89a', u16le(1), u16le(1), [0, 0, 0], [0x21, 0xfe, 200], 'abc'))).toEqual({ type: 'image/gif' });
  });
});

describe('sniffRaster: everything else gets no preview, whatever its sender declared', () => {
  it('SVG and HTML, with or without an XML prolog, a byte-order mark or leading space', () => {
    for (const doc of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      '\uFEFF<svg/>',
      '  <!doctype html><script>alert(1)</script>',
      '<html><body><img src=x onerror=alert(1)></body></html>',
    ]) expect(sniffRaster(text(doc)), doc).toBeUndefined();
  });

  it('other formats: PDF, BMP, TIFF, ICO, HEIC (an ISO-BMFF file without an AVIF brand), and nothing at all', () => {
    expect(sniffRaster(text('%PDF-1.7\n'))).toBeUndefined();
    expect(sniffRaster(bytes('BM', new Uint8Array(60)))).toBeUndefined();
    expect(sniffRaster(bytes('II*', [0], new Uint8Array(20)))).toBeUndefined();
    expect(sniffRaster(bytes([0, 0, 1, 0, 1, 0], new Uint8Array(20)))).toBeUndefined();
    expect(sniffRaster(box('ftyp', bytes('heic', u32(0), 'mif1heic')))).toBeUndefined();
    expect(sniffRaster(new Uint8Array(0))).toBeUndefined();
  });

  it('a PNG signature with HTML after it is still a PNG (and is re-drawn, so the HTML never reaches the page)', () => {
    const polyglot = bytes(PNG, '<html><script>alert(1)</script></html>');
    expect(sniffRaster(polyglot)).toEqual({ type: 'image/png', width: 3, height: 2 });
  });
});
