// What a pointer press on the image does: draw a box, add a polygon vertex or keypoint,
// paint or erase a mask, move/resize/rotate the selected region, select, or pan.
//
// `startDrag` returns a drag {move, end, paint?} or null (a click fully handled at once).
// Values are clamped to the image and rounded to 1/100 px before they reach the store.

import {
  boxCorners,
  clamp,
  inBox,
  inPolygon,
  round2,
  segmentDistance,
  toBoxFrame,
  toScreen,
  translateValue,
  valuePoints,
} from "./image_geometry.js";
import { labelColor, paintMaskInto, rotationHandle } from "./image_draw.js";
import { decodeMask, encodeMask, paintSegment } from "./image_rle.js";
import { activeLabel, addRegion, fits } from "./image_state.js";

const NEAR = 8; // screen px within which a handle or vertex is hit
const CLICK = 3; // screen px of movement below which a press is a click

function inImage(stage, p) {
  const { width, height } = stage.st.size;
  return [round2(clamp(p.x, 0, width)), round2(clamp(p.y, 0, height))];
}

function screenDist(stage, [x, y], p) {
  const [sx, sy] = toScreen(stage.view, x, y);
  return Math.hypot(sx - p.sx, sy - p.sy);
}

export function startDrag(stage, e, p) {
  const { ed, st } = stage;
  if (!st.size) return null;
  if (e.button === 1) return panDrag(stage, p);
  if (e.button !== 0) return null;
  if (stage.draft) {
    draftClick(stage, e, p);
    return null;
  }
  const tool = st.tool ? ed.controls.get(st.tool) : null;
  const drawing = tool && tool.field === stage.field ? tool : null;
  const sel = stage.regions().find(({ r }) => r.id === ed.store.selected);
  if (sel && !st.locked.has(sel.r.id)) {
    const edit = editDrag(stage, sel, e, p);
    if (edit) return edit;
  }
  if (drawing && drawing.type === "bbox") return boxDrag(stage, drawing, p);
  if (drawing && drawing.type === "mask") return brushDrag(stage, drawing, p);
  if (drawing) {
    stage.draft = { ctl: drawing, points: drawing.type === "keypoints" ? {} : [], hover: null };
    draftClick(stage, e, p);
    return null;
  }
  const hit = hitTest(stage, p);
  ed.store.select(hit ? hit.r.id : null);
  if (hit && !st.locked.has(hit.r.id)) return moveDrag(stage, hit.r, p);
  return hit ? null : panDrag(stage, p);
}

/** The topmost visible region under the pointer. */
export function hitTest(stage, p) {
  const list = stage.regions();
  for (let i = list.length - 1; i >= 0; i--) {
    const { r, ctl } = list[i];
    const v = r.value;
    if (ctl.type === "bbox" && inBox(v, p.x, p.y)) return list[i];
    if (ctl.type === "polygon" && inPolygon(v.points, p.x, p.y)) return list[i];
    if (ctl.type === "polyline") {
      const pts = v.points;
      for (let k = 1; k < pts.length; k++) {
        const d = segmentDistance(p.x, p.y, ...pts[k - 1], ...pts[k]) * stage.view.scale;
        if (d <= NEAR) return list[i];
      }
    }
    if (ctl.type === "keypoints") {
      if (Object.values(v.points).some((q) => q[2] && screenDist(stage, q, p) <= NEAR)) return list[i];
    }
    if (ctl.type === "mask") {
      const [h, w] = v.rle.size;
      const x = Math.floor(p.x);
      const y = Math.floor(p.y);
      if (x >= 0 && y >= 0 && x < w && y < h && decodeMask(v.rle)[y * w + x]) return list[i];
    }
  }
  return null;
}

// -- drags --------------------------------------------------------------------------

function panDrag(stage, p) {
  let last = p;
  return {
    move(q) {
      stage.userMoved = true;
      stage.pan(q.sx - last.sx, q.sy - last.sy);
      last = q;
    },
    end() {},
  };
}

/** Drag out a new box; a press without movement selects what is under it instead. */
function boxDrag(stage, ctl, p) {
  const start = inImage(stage, p);
  let rect = null;
  return {
    move(q) {
      if (Math.hypot(q.sx - p.sx, q.sy - p.sy) < CLICK) return;
      const [x2, y2] = inImage(stage, q);
      rect = { x: Math.min(start[0], x2), y: Math.min(start[1], y2), width: round2(Math.abs(x2 - start[0])), height: round2(Math.abs(y2 - start[1])) };
      stage.draw();
    },
    paint(ctx, px) {
      if (!rect) return;
      ctx.strokeStyle = labelColor(stage.ed, ctl.name, activeLabel(stage.ed, ctl));
      ctx.lineWidth = 2 * px;
      ctx.strokeRect(rect.x, rect.y, rect.width, rect.height);
    },
    end() {
      if (!rect || rect.width <= 0 || rect.height <= 0) {
        const hit = hitTest(stage, p);
        stage.ed.store.select(hit ? hit.r.id : null);
        return;
      }
      addRegion(stage.ed, ctl, ctl.rotation ? { ...rect, rotation: 0 } : rect);
    },
  };
}

/** Move a whole region, kept inside the image. */
function moveDrag(stage, region, p) {
  const pts = valuePoints(region.value);
  const { width, height } = stage.st.size;
  const xs = pts.map((q) => q[0]);
  const ys = pts.map((q) => q[1]);
  return liveDrag(stage, region, (q) => {
    const dx = clamp(q.x - p.x, -Math.min(...xs), width - Math.max(...xs));
    const dy = clamp(q.y - p.y, -Math.min(...ys), height - Math.max(...ys));
    return translateValue(region.value, dx, dy);
  });
}

/** A drag that shows `valueAt(point)` live and stores the last one that fits. */
function liveDrag(stage, region, valueAt, initial = null) {
  let value = initial;
  if (initial) stage.live = { id: region.id, value: initial };
  return {
    move(q) {
      const v = valueAt(q);
      if (!fits(stage.ed, v)) return;
      value = v;
      stage.live = { id: region.id, value };
      stage.draw();
    },
    end() {
      if (value) stage.ed.store.update(region.id, { value });
    },
  };
}

function editDrag(stage, { r, ctl }, e, p) {
  const v = r.value;
  if (ctl.type === "bbox") {
    const px = 1 / stage.view.scale;
    if (ctl.rotation && screenDist(stage, rotationHandle(v, px), p) <= NEAR) {
      return liveDrag(stage, r, (q) => {
        const deg = (Math.atan2(q.y - v.y, q.x - v.x) * 180) / Math.PI;
        return { ...v, rotation: round2(e.shiftKey ? Math.round(deg / 15) * 15 : deg) };
      });
    }
    if (screenDist(stage, boxCorners(v)[2], p) <= NEAR) {
      return liveDrag(stage, r, (q) => {
        const [u, w] = toBoxFrame(v, q.x, q.y);
        return { ...v, width: round2(Math.max(1, u)), height: round2(Math.max(1, w)) };
      });
    }
    return inBox(v, p.x, p.y) ? moveDrag(stage, r, p) : null;
  }
  if (ctl.type === "polygon" || ctl.type === "polyline") {
    const min = ctl.type === "polygon" ? 3 : 2;
    const at = v.points.findIndex((q) => screenDist(stage, q, p) <= NEAR);
    if (at >= 0 && e.altKey) {
      if (v.points.length > min) stage.ed.store.update(r.id, { value: { ...v, points: v.points.filter((_, i) => i !== at) } });
      return { move() {}, end() {} };
    }
    if (at >= 0) return vertexDrag(stage, r, at, v.points);
    if (e.shiftKey) {
      const n = v.points.length;
      for (let k = 0; k < n; k++) {
        const a = v.points[k];
        const b = v.points[(k + 1) % n];
        if (k === n - 1 && ctl.type === "polyline") break;
        if (segmentDistance(p.x, p.y, ...a, ...b) * stage.view.scale <= NEAR) {
          const points = [...v.points.slice(0, k + 1), inImage(stage, p), ...v.points.slice(k + 1)];
          return vertexDrag(stage, r, k + 1, points);
        }
      }
    }
    return ctl.type === "polygon" && inPolygon(v.points, p.x, p.y) ? moveDrag(stage, r, p) : null;
  }
  if (ctl.type === "keypoints") {
    const hit = Object.entries(v.points).find(([, q]) => q[2] && screenDist(stage, q, p) <= NEAR);
    if (!hit) return null;
    const [name, q] = hit;
    if (e.altKey) {
      const points = { ...v.points, [name]: [q[0], q[1], q[2] === 2 ? 1 : 2] };
      stage.ed.store.update(r.id, { value: { ...v, points } });
      return { move() {}, end() {} };
    }
    return liveDrag(stage, r, (s) => {
      const [x, y] = inImage(stage, s);
      return { ...v, points: { ...v.points, [name]: [x, y, q[2]] } };
    });
  }
  return null;
}

function vertexDrag(stage, region, index, points) {
  const inserted = points !== region.value.points ? { ...region.value, points } : null;
  return liveDrag(
    stage,
    region,
    (q) => {
      const next = [...points];
      next[index] = inImage(stage, q);
      return { ...region.value, points: next };
    },
    inserted,
  );
}

// -- click-by-click shapes ----------------------------------------------------------

function draftClick(stage, e, p) {
  const d = stage.draft;
  const pt = inImage(stage, p);
  if (d.ctl.type === "keypoints") {
    const name = d.ctl.points.find((n) => !(n in d.points));
    d.points[name] = [pt[0], pt[1], e.shiftKey ? 1 : 2];
    if (d.ctl.points.every((n) => n in d.points)) finishDraft(stage);
  } else {
    const closes = d.ctl.type === "polygon" && d.points.length >= 3 && screenDist(stage, d.points[0], p) <= NEAR;
    if (closes) finishDraft(stage);
    else d.points.push(pt);
  }
  stage.draw();
}

/** Store the shape being drawn, if it has enough points; true when something was stored. */
export function finishDraft(stage) {
  const d = stage.draft;
  if (!d) return false;
  const ok = d.ctl.type === "keypoints" ? Object.keys(d.points).length > 0 : d.points.length >= (d.ctl.type === "polygon" ? 3 : 2);
  if (!ok) return false;
  stage.draft = null;
  addRegion(stage.ed, d.ctl, { points: d.points });
  return true;
}

// -- masks --------------------------------------------------------------------------

function brushDrag(stage, ctl, p) {
  const { ed, st } = stage;
  const { width: w, height: h } = st.size;
  const label = activeLabel(ed, ctl);
  const sel = ed.store.byId(ed.store.selected);
  const target = sel && sel.control === ctl.name ? sel : ed.store.byControl(ctl.name).find((r) => r.value.label === label);
  if (st.erase && !target) return null;
  const mask = target ? decodeMask(target.value.rle) : new Uint8Array(w * h);
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const color = labelColor(ed, ctl.name, target ? target.value.label : label);
  const value = st.erase ? 0 : 1;
  let last = [p.x, p.y];
  const cache = {};
  paintMaskInto(canvas, mask, color, null, cache);
  const stroke = (x, y) => {
    const box = paintSegment(mask, h, w, last[0], last[1], x, y, st.brush, value);
    last = [x, y];
    if (box[0] <= box[2] && box[1] <= box[3]) paintMaskInto(canvas, mask, color, box, cache);
    stage.draw();
  };
  stroke(p.x, p.y);
  return {
    maskId: target ? target.id : null,
    canvas,
    paint(ctx) {
      if (target) return; // drawn in place of the region (stage.paint)
      ctx.globalAlpha = 0.8;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(canvas, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.globalAlpha = 1;
    },
    move(q) {
      stroke(q.x, q.y);
    },
    end() {
      const rle = encodeMask(mask, h, w);
      if (rle.counts.length === 1) {
        if (target) ed.store.remove(target.id);
      } else if (target) ed.store.update(target.id, { value: { ...target.value, rle } });
      else addRegion(ed, ctl, { rle });
    },
  };
}
