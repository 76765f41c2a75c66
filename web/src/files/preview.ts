/**
 * Image previews that cannot carry anything but pixels. The content is sniffed (sniff.ts: PNG,
 * JPEG, GIF, WebP or AVIF by their first bytes, never by the type declared), its claimed size is
 * checked before anything is decoded, and the image is decoded by createImageBitmap and drawn
 * anew on a canvas, which encodes a fresh PNG. What the page shows (and what "Open image in new
 * tab" opens) is that PNG: nothing of the sender's bytes, so no polyglot, no decoder quirk, no
 * SVG or HTML reaches it. Files over the limits get no preview (they can still be downloaded).
 * The size checked is the one the decoders go by (sniff.ts reads the same header fields they do);
 * beyond that, Chromium's decoders refuse images over their own limits.
 */
import { SNIFF_BYTES, sniffRaster } from './sniff';

export interface PreviewLimits {
  /** Files larger than this are not decoded for a preview. */
  maxBytes: number;
  /** Images whose header claims more pixels than this are not decoded (a decompression bomb). */
  maxPixels: number;
  /** The longer side of the preview drawn, in pixels. */
  maxEdge: number;
}

/**
 * 25 MiB (the size files are accepted without asking, by default), 40 megapixels (a 7,700×5,200
 * photo; its decoded bitmap alone is 160 MB), a preview at most 1,280 pixels on its longer side.
 */
export const PREVIEW_LIMITS: PreviewLimits = { maxBytes: 25 * 1024 * 1024, maxPixels: 40_000_000, maxEdge: 1280 };

/** A PNG re-drawn from `file`, or undefined when it is not a raster image within the limits, or does not decode. */
export async function makePreview(file: Blob, limits: PreviewLimits = PREVIEW_LIMITS): Promise<Blob | undefined> {
  if (file.size === 0 || file.size > limits.maxBytes) return undefined;
  const raster = sniffRaster(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  const { width, height } = raster ?? {};
  if (!raster || !width || !height || width * height > limits.maxPixels) return undefined;
  const scale = Math.min(1, limits.maxEdge / Math.max(width, height));
  const size = { resizeWidth: Math.max(1, Math.round(width * scale)), resizeHeight: Math.max(1, Math.round(height * scale)) };
  let bitmap: ImageBitmap;
  try {
    // The sniffed type, not the declared one: the decoder goes by the content either way.
    bitmap = await createImageBitmap(file.slice(0, file.size, raster.type), { ...size, resizeQuality: 'medium' });
  } catch {
    return undefined; // not decodable after all (truncated, or a format feature this browser lacks)
  }
  try {
    return await redraw(bitmap);
  } catch {
    return undefined;
  } finally {
    bitmap.close();
  }
}

async function redraw(bitmap: ImageBitmap): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: 'image/png' });
  }
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas could not encode'))), 'image/png'));
}
