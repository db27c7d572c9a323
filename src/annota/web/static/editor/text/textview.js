// A text field with its spans, built straight into the DOM.
//
// The text is cut into segments once per change of the span set (segments.js) and written
// as one DocumentFragment: a 200 kB document with 2,000 spans is one DOM write and one
// layout, never an element per span nor a reflow per span. Preact owns the wrapper only;
// the segments are ours. Offsets here are UTF-16 (the DOM's); offsets.js converts.

import { html, useLayoutEffect, useMemo, useRef } from "../lib.js";
import { drawArrows } from "./arrows.js";
import { segmentAt, segmentize } from "./segments.js";

/** UTF-16 offset of a DOM point inside the text box, or null when outside it. */
export function pointOffset(box, node, offset) {
  if (!box.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement;
    return seg && seg.dataset.a !== undefined ? Number(seg.dataset.a) + offset : null;
  }
  if (node === box) {
    const child = box.childNodes[offset];
    return child ? Number(child.dataset.a) : box.textLength;
  }
  if (node.dataset && node.dataset.a !== undefined) {
    return offset === 0 ? Number(node.dataset.a) : Number(node.dataset.a) + node.textContent.length;
  }
  return null;
}

/** The current DOM selection as {box, start, end} in UTF-16, if it lies in a text box. */
export function selectionInText() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const host = range.commonAncestorContainer;
  const el = host.nodeType === Node.TEXT_NODE ? host.parentElement : host;
  const box = el && el.closest && el.closest(".annota-text");
  if (!box) return null;
  const start = pointOffset(box, range.startContainer, range.startOffset);
  const end = pointOffset(box, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { box, field: box.dataset.field, start, end };
}

function build(box, text, segments, spanIndex) {
  const frag = document.createDocumentFragment();
  const els = new Array(segments.length);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    const el = document.createElement("span");
    el.dataset.a = String(s.start);
    el.textContent = text.slice(s.start, s.end);
    if (s.cover.length) {
      const top = spanIndex.get(s.cover[s.cover.length - 1]);
      let cls = `seg ${top.cls}`;
      if (s.cover.length > 1) cls += s.cover.length > 2 ? " deep" : " multi";
      if (top.suggested) cls += " sugg";
      el.className = cls;
    }
    els[i] = el;
    frag.appendChild(el);
  }
  box.replaceChildren(frag);
  box.textLength = text.length;
  return els;
}

/** Move or extend the selection inside a focused text box by character or word. */
function keyboardSelect(box, event) {
  const forward = event.key === "ArrowRight";
  if (!forward && event.key !== "ArrowLeft") return false;
  if (event.altKey || event.metaKey) return false;
  const sel = window.getSelection();
  if (!sel.rangeCount || !box.contains(sel.anchorNode)) {
    const first = box.firstChild && box.firstChild.firstChild;
    if (!first) return false;
    sel.collapse(first, 0);
  }
  const unit = event.ctrlKey ? "word" : "character";
  sel.modify(event.shiftKey ? "extend" : "move", forward ? "forward" : "backward", unit);
  event.preventDefault();
  return true;
}

/**
 * @param {object} props
 * @param {string} props.field  the data field's name
 * @param {string} props.text
 * @param {Array} props.spans  [{key, start, end, cls, suggested}] in UTF-16 offsets
 * @param {Array} props.relations  [{key, from, to, label, selected}] span keys
 * @param {string|null} props.selected  key of the selected span
 * @param {(key: string|null, keys: string[]) => void} props.onPick  a click on the text
 */
export function TextView({ field, text, spans, relations, selected, onPick }) {
  const box = useRef(null);
  const svg = useRef(null);
  const els = useRef([]);
  const lit = useRef([]);
  const spanIndex = useMemo(() => new Map(spans.map((s) => [s.key, s])), [spans]);
  const segments = useMemo(() => segmentize(text.length, spans), [text, spans]);

  useLayoutEffect(() => {
    els.current = build(box.current, text, segments, spanIndex);
    lit.current = [];
    performance.mark("annota:text-rendered"); // read by bench/web
  }, [segments]);

  useLayoutEffect(() => {
    for (const el of lit.current) el.classList.remove("sel");
    lit.current = [];
    const span = selected && spanIndex.get(selected);
    if (!span) return;
    let i = segmentAt(segments, span.start);
    for (; i < segments.length && segments[i].start < span.end; i++) {
      els.current[i].classList.add("sel");
      lit.current.push(els.current[i]);
    }
    const first = lit.current[0];
    if (first && first.scrollIntoView && !isVisible(first)) first.scrollIntoView({ block: "center" });
  }, [segments, selected]);

  useLayoutEffect(() => {
    drawArrows(svg.current, box.current, relations, (key) => {
      const span = spanIndex.get(key);
      return span ? els.current[segmentAt(segments, span.start)] : null;
    });
  }, [segments, relations]);

  const onClick = (event) => {
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    const seg = event.target.closest && event.target.closest(".seg");
    if (!seg) return onPick(null, []);
    const at = Number(seg.dataset.a);
    const cover = segments[segmentAt(segments, at)].cover;
    // innermost first: the shortest covering span is the one a click most likely means
    const keys = [...cover].sort((a, b) => length(spanIndex, a) - length(spanIndex, b));
    onPick(keys[0], keys);
  };

  return html`<div class="annota-textwrap">
    <div
      class="annota-text"
      ref=${box}
      tabindex="0"
      data-field=${field}
      onClick=${onClick}
      onKeyDown=${(e) => keyboardSelect(box.current, e)}
    ></div>
    <svg class="annota-arrows" ref=${svg} aria-hidden="true"></svg>
  </div>`;
}

function length(index, key) {
  const s = index.get(key);
  return s ? s.end - s.start : 0;
}

function isVisible(el) {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}
