// The image size regions are stored against, and the picture drawn on that grid.
//
// The server probes an image's size from its header without applying the JPEG EXIF
// Orientation tag (item.media[field].width x height), and checks every region against it.
// Chromium always turns such a picture upright when decoding it, and has no way to turn
// that off, so for an oriented JPEG the decoded picture is drawn turned back onto the
// stored pixel grid: a stored [x, y] is then the pixel of the file that exporters read.

const HEAD = 65536; // the EXIF block sits in the first 64 KiB of a JPEG

/** The stored {width, height} of a field: the server's probe, else the decoded size. */
export function storedSize(item, field, decoded) {
  const m = item && item.media && item.media[field];
  if (m && m.width > 0 && m.height > 0) return { width: m.width, height: m.height };
  return decoded;
}

/** The EXIF Orientation (1..8) of JPEG bytes, 1 when absent or unreadable. */
export function jpegOrientation(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return 1;
  let at = 2;
  while (at + 4 <= v.byteLength) {
    const marker = v.getUint16(at);
    const length = v.getUint16(at + 2);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return 1; // image data: no EXIF
    if (marker === 0xffe1 && at + 10 <= v.byteLength && v.getUint32(at + 4) === 0x45786966) {
      return tiffOrientation(v, at + 10, Math.min(v.byteLength, at + 2 + length));
    }
    at += 2 + length;
  }
  return 1;
}

function tiffOrientation(v, tiff, end) {
  if (tiff + 8 > end) return 1;
  const little = v.getUint16(tiff) === 0x4949;
  const u16 = (p) => v.getUint16(p, little);
  const ifd = tiff + v.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112) {
      const o = u16(entry + 8);
      return o >= 1 && o <= 8 ? o : 1;
    }
  }
  return 1;
}

/**
 * The canvas transform [a, b, c, d, e, f] drawing the upright (decoded) picture onto the
 * stored grid of `width` x `height` pixels, for EXIF orientation `o`.
 */
export function unorient(o, width, height) {
  const W = width;
  const H = height;
  return {
    1: [1, 0, 0, 1, 0, 0],
    2: [-1, 0, 0, 1, W, 0],
    3: [-1, 0, 0, -1, W, H],
    4: [1, 0, 0, -1, 0, H],
    5: [0, 1, 1, 0, 0, 0],
    6: [0, -1, 1, 0, 0, H],
    7: [0, -1, -1, 0, W, H],
    8: [0, 1, -1, 0, W, 0],
  }[o];
}

/** The first bytes of `url` (a Range request; the rest of a 200 answer is not read). */
async function head(url) {
  const res = await fetch(url, { headers: { Range: `bytes=0-${HEAD - 1}` }, credentials: "same-origin" });
  if (!res.ok || !res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts = [];
  let n = 0;
  while (n < HEAD) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
  }
  reader.cancel().catch(() => {});
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The EXIF orientation of the field's picture when it matters: only JPEGs whose stored
 * size is known are read (a PNG or an unprobed item keeps the decoded picture as is).
 */
export async function orientationOf(item, field, url) {
  const m = item && item.media && item.media[field];
  if (!m || !(m.width > 0) || !/jpe?g/i.test(m.content_type || "")) return 1;
  try {
    return jpegOrientation(await head(url));
  } catch {
    return 1;
  }
}

/**
 * The decoded picture drawn on the stored grid (at `k` times its size, k <= 1 for very
 * large pictures); null when no turning is needed.
 */
export function turned(img, o, size, k = 1) {
  if (o === 1) return null;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(size.width * k));
  canvas.height = Math.max(1, Math.round(size.height * k));
  const ctx = canvas.getContext("2d");
  ctx.scale(k, k);
  ctx.transform(...unorient(o, size.width, size.height));
  ctx.drawImage(img, 0, 0);
  return canvas;
}
