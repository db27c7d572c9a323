// What the image tools remember between renders, per editor: the active tool and label,
// hidden and locked regions, brush size, brightness/contrast and the copy buffer, plus
// the actions keys and buttons run. Regions themselves live in ed.store (undo, autosave).

import {
  allInside,
  clamp,
  round2,
  translateValue,
  valuePoints,
} from "./image_geometry.js";

export const IMAGE_TYPES = ["bbox", "polygon", "polyline", "keypoints", "mask"];
const PREFIX = { bbox: "b", polygon: "p", polyline: "l", keypoints: "k", mask: "m" };
let clipboard = []; // regions copied from one item, pasted into another

/** The image tools' state of an editor (made on first use). */
export function imageState(ed) {
  if (ed.imageTools) return ed.imageTools;
  const first = ed.schema.controls.find((c) => IMAGE_TYPES.includes(c.type));
  const st = {
    tool: first ? first.name : null, // the control whose tool draws; null = select/move
    erase: false, // mask tool: eraser instead of brush
    labels: new Map(), // control name -> active label
    hidden: new Set(),
    locked: new Set(),
    brush: 8, // radius in image pixels
    brightness: 100,
    contrast: 100,
    size: null, // {width, height} of the shown image, once loaded
    stage: null, // the ImageStage drawing it (image_stage.js)
    listeners: new Set(),
  };
  ed.imageTools = st;
  const escape = ed.escape.bind(ed);
  ed.escape = () => {
    if (st.stage && st.stage.cancelDraft()) return; // a half-drawn shape goes first
    if (ed.videoTools?.stage?.cancelDraft()) return; // also one on a video frame
    escape();
  };
  return st;
}

export function imageControls(ed, field = null) {
  return ed.schema.controls.filter(
    (c) => IMAGE_TYPES.includes(c.type) && (field === null || c.field === field),
  );
}

export function touch(ed) {
  ed.changed();
  ed.imageTools?.stage?.draw();
}

export function activeLabel(ed, ctl) {
  const st = imageState(ed);
  const labels = ctl.labels || [];
  return st.labels.get(ctl.name) || (labels.length ? labels[0].value : undefined);
}

export function setTool(ed, name, { erase = false } = {}) {
  const st = imageState(ed);
  st.stage?.cancelDraft();
  st.tool = name;
  st.erase = erase;
  touch(ed);
}

/** The selected region if it belongs to an image control. */
export function selectedImageRegion(ed) {
  const r = ed.store.byId(ed.store.selected);
  const ctl = r && ed.controls.get(r.control);
  return ctl && IMAGE_TYPES.includes(ctl.type) ? r : null;
}

/** Label key n (1-based): relabel the selected region, else pick the tool's label. */
export function pressLabel(ed, n) {
  const sel = selectedImageRegion(ed);
  const ctl = sel ? ed.controls.get(sel.control) : ed.controls.get(imageState(ed).tool);
  const label = ctl && (ctl.labels || [])[n - 1];
  if (!label) return;
  if (sel) ed.store.update(sel.id, { value: { ...sel.value, label: label.value } });
  imageState(ed).labels.set(ctl.name, label.value);
  touch(ed);
}

/** Add a region drawn with a control's tool, labelled with its active label. */
export function addRegion(ed, ctl, value) {
  const label = activeLabel(ed, ctl);
  const v = label !== undefined && ctl.type !== "keypoints" ? { ...value, label } : value;
  const id = ed.store.newId(PREFIX[ctl.type]);
  ed.store.add({ id, control: ctl.name, value: v });
  return id;
}

export function fits(ed, value) {
  const size = imageState(ed).size || ed.videoTools?.stage?.size; // a shape on a video frame
  return !size || allInside(valuePoints(value), size.width, size.height);
}

/** Move the selected region by (dx, dy) image pixels, never out of the image. */
export function nudge(ed, dx, dy) {
  const r = selectedImageRegion(ed);
  if (!r || imageState(ed).locked.has(r.id) || r.value.rle) return;
  const value = translateValue(r.value, dx, dy);
  if (fits(ed, value)) ed.store.update(r.id, { value });
}

/** Turn the selected box by `deg` degrees about its top-left corner (if allowed). */
export function rotate(ed, deg) {
  const r = selectedImageRegion(ed);
  const ctl = r && ed.controls.get(r.control);
  if (!ctl || ctl.type !== "bbox" || imageState(ed).locked.has(r.id)) return;
  if (!ctl.rotation) {
    ed.say(`“${ctl.name}” does not allow rotated boxes.`, "warn");
    return;
  }
  let rotation = round2((((r.value.rotation || 0) + deg) % 360 + 360) % 360);
  if (rotation > 180) rotation = round2(rotation - 360);
  const value = { ...r.value, rotation };
  if (!fits(ed, value)) {
    ed.say("Turning the box that far would take a corner out of the image.", "warn");
    return;
  }
  ed.store.update(r.id, { value });
}

export function toggleHidden(ed, id = ed.store.selected) {
  const st = imageState(ed);
  if (!id) return;
  if (st.hidden.has(id)) st.hidden.delete(id);
  else st.hidden.add(id);
  touch(ed);
}

export function toggleLocked(ed, id = ed.store.selected) {
  const st = imageState(ed);
  if (!id) return;
  if (st.locked.has(id)) st.locked.delete(id);
  else st.locked.add(id);
  touch(ed);
}

export function showAll(ed) {
  imageState(ed).hidden.clear();
  touch(ed);
}

/** Copy the selected image region, or every image region when none is selected. */
export function copyRegions(ed) {
  const sel = selectedImageRegion(ed);
  const names = new Set(imageControls(ed).map((c) => c.name));
  clipboard = structuredClone(sel ? [sel] : ed.store.regions.filter((r) => names.has(r.control)));
  ed.say(`${clipboard.length} region(s) copied.`);
}

/** Paste copied regions with fresh ids; those that do not fit this image are left out. */
export function pasteRegions(ed) {
  let next = [...ed.store.regions];
  const used = new Set(next.map((r) => r.id));
  const size = imageState(ed).size;
  let skipped = 0;
  for (const r of clipboard) {
    const ctl = ed.controls.get(r.control);
    const wrongMask = r.value.rle && size && (r.value.rle.size[0] !== size.height || r.value.rle.size[1] !== size.width);
    if (!ctl || wrongMask || !fits(ed, r.value)) {
      skipped++;
      continue;
    }
    let n = next.length + 1;
    while (used.has(`${PREFIX[ctl.type]}${n}`)) n++;
    const id = `${PREFIX[ctl.type]}${n}`;
    used.add(id);
    next.push({ ...structuredClone(r), id });
  }
  if (next.length !== ed.store.regions.length) ed.store.commit(next);
  ed.say(skipped ? `${skipped} region(s) did not fit this image and were left out.` : null);
}

export function setFilter(ed, which, value) {
  imageState(ed)[which] = clamp(Number(value), 10, 300);
  touch(ed);
}
