// COCO run-length encoding of binary masks, the format annota.schema.rle checks.
//
// Pixels are read column by column (column-major, as pycocotools stores them); runs
// alternate background and foreground, starting with background (so a mask whose first
// pixel is set starts with a 0-length run). `counts` is the plain list of run lengths.

/**
 * Encode a mask held row-major (`mask[y * width + x]`, non-zero = set) as COCO RLE.
 * @returns {{size: [number, number], counts: number[]}}
 */
export function encodeMask(mask, height, width) {
  const counts = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const bit = mask[y * width + x] ? 1 : 0;
      if (bit !== current) {
        counts.push(run);
        run = 0;
        current = bit;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** Decode an uncompressed COCO RLE into a row-major Uint8Array (1 = set). */
export function decodeMask(rle) {
  const [height, width] = rle.size;
  const mask = new Uint8Array(height * width);
  if (!Array.isArray(rle.counts)) return mask; // compressed strings are not edited here
  let i = 0;
  rle.counts.forEach((run, k) => {
    if (k % 2 === 1) {
      for (let j = i; j < i + run; j++) {
        const x = Math.floor(j / height);
        mask[(j - x * height) * width + x] = 1;
      }
    }
    i += run;
  });
  return mask;
}

/**
 * Paint (value 1) or erase (0) a disc of `radius` swept along the segment a-b: every pixel
 * whose centre lies within `radius` of the segment. Returns the pixel box it looked at,
 * [x0, y0, x1, y1] inclusive, so a view can redraw just that part.
 */
export function paintSegment(mask, height, width, ax, ay, bx, by, radius, value) {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius));
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const r2 = radius * radius;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let t = len2 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - (ax + t * dx);
      const ey = py - (ay + t * dy);
      if (ex * ex + ey * ey <= r2 && mask[y * width + x] !== value) {
        mask[y * width + x] = value;
      }
    }
  }
  return [x0, y0, x1, y1];
}
