// Offsets between the browser's UTF-16 code units and Python's code points.
//
// The server (annota.schema, controls/text.py) stores span offsets as Python str indices:
// Unicode code points. A DOM Range counts UTF-16 code units, so an emoji is 2 there and 1
// on the server. Converting through a lookup table built once per text keeps every
// conversion O(1); texts without astral characters need no table at all.

const HIGH = /[\uD800-\uDBFF]/;

export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.astral = HIGH.test(text);
    if (!this.astral) {
      this.length = text.length;
      return;
    }
    const n = text.length;
    const cpAt = new Uint32Array(n + 1); // UTF-16 index -> code point index
    const u16 = []; // code point index -> UTF-16 index
    let cp = 0;
    for (let i = 0; i < n; i++) {
      cpAt[i] = cp;
      const c = text.charCodeAt(i);
      u16.push(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cpAt[i + 1] = cp; // inside a pair: belongs to the character it completes
          i++;
        }
      }
      cp++;
    }
    cpAt[n] = cp;
    u16.push(n);
    this.cpAt = cpAt;
    this.u16At = Uint32Array.from(u16);
    this.length = cp;
  }

  /** Code point offset of a UTF-16 offset (the middle of a pair rounds down). */
  toCp(u) {
    return this.astral ? this.cpAt[u] : u;
  }

  /** UTF-16 offset of a code point offset. */
  toU16(c) {
    return this.astral ? this.u16At[c] : c;
  }

  /** The text between two code point offsets. */
  slice(start, end) {
    return this.text.slice(this.toU16(start), this.toU16(end));
  }
}

const CONTINUES = /^[\p{Mn}\p{Me}\u200d\uFE00-\uFE0F]$|^[\u{1F3FB}-\u{1F3FF}]$/u;

function charAt(map, cp) {
  const i = map.toU16(cp);
  const c = map.text.codePointAt(i);
  return c === undefined ? "" : String.fromCodePoint(c);
}

/** Whether a boundary at code point `cp` splits nothing the server would refuse. */
export function isClean(map, cp) {
  if (cp <= 0 || cp >= map.length) return true;
  const prev = charAt(map, cp - 1);
  const here = charAt(map, cp);
  if (prev === "\r" && here === "\n") return false;
  return !(CONTINUES.test(here) || prev === "\u200d");
}

const WORD = /^[\p{L}\p{N}\p{M}_'\u2019-]$/u;

/**
 * Widen [start, end) (code points) to clean boundaries, optionally to whole tokens, and
 * trim surrounding white space. Returns null when nothing is left.
 */
export function snapRange(map, start, end, { tokens = false } = {}) {
  while (start < end && /\s/u.test(charAt(map, start))) start++;
  while (end > start && /\s/u.test(charAt(map, end - 1))) end--;
  if (start >= end) return null;
  if (tokens) {
    while (start > 0 && WORD.test(charAt(map, start - 1)) && WORD.test(charAt(map, start))) start--;
    while (end < map.length && WORD.test(charAt(map, end)) && WORD.test(charAt(map, end - 1))) end++;
  }
  while (start > 0 && !isClean(map, start)) start--;
  while (end < map.length && !isClean(map, end)) end++;
  return [start, end];
}
