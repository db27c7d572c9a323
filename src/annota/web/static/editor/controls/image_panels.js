// Side panels of the image controls: the tool, its labels with their keys, and the list of
// regions with select / hide / lock. Long lists show the first rows only: 1,000 boxes
// must not mean 1,000 panel rows re-rendered per change.

import { html } from "../lib.js";
import { registerControl } from "../registry.js";
import "./image_view.js";
import { controlKeys, TOOL_KEYS } from "./image_keys.js";
import { activeLabel, imageState, setTool, toggleHidden, toggleLocked } from "./image_state.js";

const ROWS = 30;

function describe(r) {
  const v = r.value;
  if (typeof v.x === "number") return `${v.width}×${v.height} at ${v.x}, ${v.y}${v.rotation ? ` ↻${v.rotation}°` : ""}`;
  if (Array.isArray(v.points)) return `${v.points.length} points`;
  if (v.points) return `${Object.values(v.points).filter((p) => p[2] > 0).length} keypoints`;
  if (v.rle) return `mask ${v.rle.size[1]}×${v.rle.size[0]}`;
  return "";
}

function ImagePanel({ ctl, ed }) {
  const st = imageState(ed);
  const regions = ed.store.byControl(ctl.name);
  const current = activeLabel(ed, ctl);
  const selected = ed.store.selected;
  const shown = regions.slice(0, ROWS);
  const sel = regions.find((r) => r.id === selected);
  if (sel && !shown.includes(sel)) shown.push(sel);
  return html`<div class="image-control" data-control=${ctl.name}>
    <button type="button" class=${`tool${st.tool === ctl.name && !st.erase ? " on" : ""}`}
      onClick=${() => setTool(ed, ctl.name)}>
      <kbd>${TOOL_KEYS[ctl.type]}</kbd>Draw ${ctl.type}
    </button>
    ${(ctl.labels || []).length > 0 && html`<div class="labels">
      ${ctl.labels.map((l, i) => html`<button type="button"
        class=${`label ${ed.labelClass(ctl.name, l.value)}${current === l.value ? " on" : ""}`}
        data-label=${l.value}
        onClick=${() => {
          st.labels.set(ctl.name, l.value);
          ed.changed();
        }}>${i < 9 && html`<kbd>${i + 1}</kbd>`}<span>${l.value}</span></button>`)}
    </div>`}
    ${ctl.type === "keypoints" && html`<p class="hint muted">Click ${ctl.points.join(", ")} in order
      (Shift+click: hidden point); Enter stops early; Alt+click a point toggles its visibility.</p>`}
    ${(ctl.type === "polygon" || ctl.type === "polyline") && html`<p class="hint muted">Click vertices;
      click the first one or press Enter to finish. Drag a vertex to move it, Alt+click removes it,
      Shift+click an edge adds one.</p>`}
    <ul class="region-list">
      ${shown.map((r) => html`<li key=${r.id} class=${r.id === selected ? "on" : ""} data-region=${r.id}>
        <button type="button" class="pick" onClick=${() => ed.store.select(r.id)}>
          ${r.value.label || r.id} <small class="muted">${describe(r)}</small>
        </button>
        <button type="button" class=${`eye${st.hidden.has(r.id) ? " on" : ""}`} title="Hide / show (h)"
          onClick=${() => toggleHidden(ed, r.id)}>${st.hidden.has(r.id) ? "hidden" : "shown"}</button>
        <button type="button" class=${`lock${st.locked.has(r.id) ? " on" : ""}`} title="Lock / unlock (l)"
          onClick=${() => toggleLocked(ed, r.id)}>${st.locked.has(r.id) ? "locked" : "free"}</button>
      </li>`)}
    </ul>
    <span class="muted">${regions.length} region${regions.length === 1 ? "" : "s"}</span>
  </div>`;
}

for (const type of ["bbox", "polygon", "polyline", "keypoints", "mask"]) {
  registerControl(type, { panel: ImagePanel, keys: controlKeys });
}
