// Pure geometry of the image tools, in image pixels (origin top-left, x right, y down).
//
// The view maps image pixels to canvas CSS pixels as screen = image * scale + offset; every
// stored coordinate goes through `toImage` once and is rounded to 1/100 px, so zooming
// or panning never changes a stored value (no drift: the view is never baked in).

/** Round to 1/100 px: enough for any display, stable through JSON. */
export function round2(v) {
  return Math.round(v * 100) / 100;
}

export function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/** Canvas CSS pixel -> image pixel for a view {scale, ox, oy}. */
export function toImage(view, sx, sy) {
  return [(sx - view.ox) / view.scale, (sy - view.oy) / view.scale];
}

/** Image pixel -> canvas CSS pixel. */
export function toScreen(view, x, y) {
  return [x * view.scale + view.ox, y * view.scale + view.oy];
}

/**
 * Corners of a box turned `rotation` degrees clockwise about its top-left corner, in the
 * order top-left, top-right, bottom-right, bottom-left (as annota.schema.media.box_corners).
 */
export function boxCorners({ x, y, width, height, rotation }) {
  const t = ((rotation || 0) * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [
    [x, y],
    [x + width * c, y + width * s],
    [x + width * c - height * s, y + width * s + height * c],
    [x - height * s, y + height * c],
  ];
}

/** A point in the box's own frame (unrotated, origin at its top-left corner). */
export function toBoxFrame(box, px, py) {
  const t = ((box.rotation || 0) * Math.PI) / 180;
  const dx = px - box.x;
  const dy = py - box.y;
  return [dx * Math.cos(t) + dy * Math.sin(t), -dx * Math.sin(t) + dy * Math.cos(t)];
}

export function inBox(box, px, py) {
  const [u, v] = toBoxFrame(box, px, py);
  return u >= 0 && v >= 0 && u <= box.width && v <= box.height;
}

/** Even-odd point-in-polygon test. */
export function inPolygon(points, px, py) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether every point lies inside a width x height image. */
export function allInside(points, width, height) {
  const ex = width * 1e-6;
  const ey = height * 1e-6;
  return points.every(([x, y]) => x >= -ex && y >= -ey && x <= width + ex && y <= height + ey);
}

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
export function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Every image coordinate of a region's value moved by (dx, dy), as a new value. */
export function translateValue(value, dx, dy) {
  if (value.points && Array.isArray(value.points)) {
    return { ...value, points: value.points.map(([x, y]) => [round2(x + dx), round2(y + dy)]) };
  }
  if (value.points) {
    const points = {};
    for (const [k, [x, y, v]] of Object.entries(value.points)) {
      points[k] = v > 0 ? [round2(x + dx), round2(y + dy), v] : [x, y, v];
    }
    return { ...value, points };
  }
  if (typeof value.x === "number") return { ...value, x: round2(value.x + dx), y: round2(value.y + dy) };
  return value;
}

/** The points of a value that must stay inside the image (masks have none). */
export function valuePoints(value) {
  if (typeof value.x === "number") return boxCorners(value);
  if (Array.isArray(value.points)) return value.points;
  if (value.points) return Object.values(value.points).filter((p) => p[2] > 0);
  return [];
}
