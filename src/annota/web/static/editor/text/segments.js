// Spans to non-overlapping segments, computed once per change of the span set.
//
// Rendering each span as its own element would nest or split elements for overlapping
// spans and make the browser re-flow per span. Instead the text is cut at every span
// boundary; each piece (a segment) lists the spans covering it and becomes one element.
// A sweep over sorted boundaries keeps this O(n log n) for n spans.

/**
 * @param {number} length  text length in UTF-16 units
 * @param {Array<{key: string, start: number, end: number}>} spans  UTF-16 offsets
 * @returns {Array<{start: number, end: number, cover: string[]}>}  covering the whole text
 */
export function segmentize(length, spans) {
  const events = [];
  for (const s of spans) {
    if (s.end <= s.start) continue;
    events.push([s.start, 1, s.key], [s.end, -1, s.key]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = [];
  const open = new Map(); // key -> insertion order, so the newest span is drawn on top
  let at = 0;
  let i = 0;
  while (i <= events.length) {
    const next = i < events.length ? events[i][0] : length;
    if (next > at) {
      out.push({ start: at, end: next, cover: open.size ? [...open.keys()] : EMPTY });
      at = next;
    }
    if (i === events.length) break;
    while (i < events.length && events[i][0] === next) {
      const [, kind, key] = events[i];
      if (kind === 1) open.set(key, true);
      else open.delete(key);
      i++;
    }
  }
  return out;
}

const EMPTY = Object.freeze([]);

/** Index of the segment containing UTF-16 offset `u` (binary search). */
export function segmentAt(segments, u) {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid].start <= u) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
