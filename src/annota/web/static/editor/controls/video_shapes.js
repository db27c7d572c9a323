// Polygons, polylines and keypoints on single video frames.
//
// A region of such a control on a video field carries the frame it was drawn on
// (`value.frame`, 0-based, as annota.schema checks it) and is drawn only on that frame.
// The active image tool (image_state.js: p, n, k; v selects tracks again) decides what a
// press on the frame does; shapes are drawn click by click as on an image, the polygon
// closing on its first vertex and Enter finishing early. The selected shape is edited with
// the image gestures (image_tools.js): drag a vertex or keypoint, Shift+click an edge to add
// a vertex, Alt+click a vertex to remove it (Alt on a keypoint flips visible/hidden).

import { allInside, inPolygon, segmentDistance, toScreen, translateValue, valuePoints } from "./image_geometry.js";
import { drawKeypoints, drawRegion, labelColor } from "./image_draw.js";
import { activeLabel, addRegion, imageState } from "./image_state.js";

const SHAPES = ["polygon", "polyline", "keypoints"];
const NEAR = 8;

/** The polygon, polyline and keypoints controls of a video field. */
export function frameShapeControls(ed, field) {
  return ed.schema.controls.filter((c) => SHAPES.includes(c.type) && c.field === field);
}

/** The control whose shape a press on this field's frame draws, if the tool is one. */
export function shapeTool(stage) {
  const name = imageState(stage.ed).tool;
  const ctl = name && stage.ed.controls.get(name);
  return ctl && SHAPES.includes(ctl.type) && ctl.field === stage.field ? ctl : null;
}

/** The shapes shown on the stage's current frame, bottom to top, with their controls. */
export function shapesAt(stage) {
  const ctls = new Map(frameShapeControls(stage.ed, stage.field).map((c) => [c.name, c]));
  const out = [];
  for (const r of stage.ed.store.regions) {
    const ctl = ctls.get(r.control);
    if (!ctl || !r.id) continue;
    const value = stage.live && stage.live.id === r.id ? stage.live.value : r.value;
    if (value.frame === undefined || value.frame === stage.st.frame) out.push({ r: { ...r, value }, ctl });
  }
  return out;
}

function near(stage, [x, y], p) {
  const [sx, sy] = toScreen(stage.view, x, y);
  return Math.hypot(sx - p.sx, sy - p.sy) <= NEAR;
}

/** The topmost shape under the pointer on this frame. */
export function shapeHit(stage, p) {
  const list = shapesAt(stage);
  for (let i = list.length - 1; i >= 0; i--) {
    const { ctl, r } = list[i];
    const v = r.value;
    if (ctl.type === "polygon" && inPolygon(v.points, p.x, p.y)) return list[i];
    if (ctl.type === "polyline") {
      for (let k = 1; k < v.points.length; k++) {
        if (segmentDistance(p.x, p.y, ...v.points[k - 1], ...v.points[k]) * stage.view.scale <= NEAR) return list[i];
      }
    }
    if (ctl.type === "keypoints" && Object.values(v.points).some((q) => q[2] && near(stage, q, p))) return list[i];
  }
  return null;
}

/** A press with a shape tool: start or extend the draft (click by click). */
export function shapeClick(stage, ctl, e, p) {
  if (!stage.draft) stage.draft = { ctl, frame: stage.st.frame, points: ctl.type === "keypoints" ? {} : [] };
  const d = stage.draft;
  const pt = [p.x, p.y];
  if (d.ctl.type === "keypoints") {
    const name = d.ctl.points.find((n) => !(n in d.points));
    d.points[name] = [pt[0], pt[1], e.shiftKey ? 1 : 2];
    if (d.ctl.points.every((n) => n in d.points)) finishShape(stage);
  } else if (d.ctl.type === "polygon" && d.points.length >= 3 && near(stage, d.points[0], p)) {
    finishShape(stage);
  } else {
    d.points.push(pt);
  }
  stage.draw();
}

/** Store the draft when it has enough points; true when something was stored. */
export function finishShape(stage) {
  const d = stage.draft;
  if (!d) return false;
  const n = Array.isArray(d.points) ? d.points.length : Object.keys(d.points).length;
  if (n < { polygon: 3, polyline: 2, keypoints: 1 }[d.ctl.type]) return false;
  stage.draft = null;
  const id = addRegion(stage.ed, d.ctl, { points: d.points, frame: d.frame });
  stage.ed.store.select(id);
  stage.draw();
  return true;
}

/**
 * A press on the selected shape of this frame, as on an image: Alt on a vertex removes it
 * (a polygon keeps 3, a polyline 2; Alt on a keypoint flips visible/hidden), a vertex or
 * keypoint is dragged, Shift on an edge inserts a vertex there and drags it, a press
 * inside a polygon moves the whole shape. Null when the press misses the selected shape,
 * so the caller goes on to select or draw.
 */
export function shapeEdit(stage, e, p) {
  const sel = shapesAt(stage).find(({ r }) => r.id === stage.ed.store.selected);
  if (!sel) return null;
  const { r, ctl } = sel;
  const v = r.value;
  if (ctl.type === "keypoints") {
    const hit = Object.entries(v.points).find(([, q]) => q[2] && near(stage, q, p));
    if (!hit) return null;
    const [name, q] = hit;
    if (e.altKey) return commitNow(stage, r, { ...v, points: { ...v.points, [name]: [q[0], q[1], q[2] === 2 ? 1 : 2] } });
    return liveEdit(stage, r, (s) => ({ ...v, points: { ...v.points, [name]: [s.x, s.y, q[2]] } }));
  }
  const at = v.points.findIndex((q) => near(stage, q, p));
  if (at >= 0 && e.altKey) {
    const min = ctl.type === "polygon" ? 3 : 2;
    // fewer points would not be a shape: the press is used up, nothing changes
    if (v.points.length <= min) return { move() {}, end() {} };
    return commitNow(stage, r, { ...v, points: v.points.filter((_, i) => i !== at) });
  }
  if (at >= 0) return vertexEdit(stage, r, at, v.points, null);
  if (e.shiftKey) {
    const n = v.points.length;
    const edges = ctl.type === "polygon" ? n : n - 1; // a polygon's closing edge counts
    for (let k = 0; k < edges; k++) {
      const a = v.points[k];
      const b = v.points[(k + 1) % n];
      if (segmentDistance(p.x, p.y, ...a, ...b) * stage.view.scale <= NEAR) {
        const points = [...v.points.slice(0, k + 1), [p.x, p.y], ...v.points.slice(k + 1)];
        return vertexEdit(stage, r, k + 1, points, { ...v, points });
      }
    }
  }
  return shapeHit(stage, p)?.r.id === r.id ? shapeMove(stage, r, p) : null;
}

/** One store change right away (Alt+click), and a drag that does nothing more. */
function commitNow(stage, region, value) {
  stage.ed.store.update(region.id, { value });
  stage.draw();
  return { move() {}, end() {} };
}

/** Drag vertex `index` of `points`; an inserted vertex is stored even without a move. */
function vertexEdit(stage, region, index, points, inserted) {
  return liveEdit(
    stage,
    region,
    (q) => {
      const next = [...points];
      next[index] = [q.x, q.y];
      return { ...region.value, points: next };
    },
    inserted,
  );
}

/** A live drag whose value follows the pointer; one undo step on release. */
function liveEdit(stage, region, valueAt, initial = null) {
  let value = initial;
  if (initial) stage.live = { id: region.id, value };
  stage.draw();
  return {
    move: (q) => {
      value = valueAt(q);
      stage.live = { id: region.id, value };
    },
    end: () => {
      if (value) stage.ed.store.update(region.id, { value });
    },
  };
}

/** Drag a shape of this frame as a whole (one undo step on release). */
export function shapeMove(stage, region, p) {
  const { width, height } = stage.size;
  let value = null;
  return {
    move: (q) => {
      const moved = translateValue(region.value, q.x - p.x, q.y - p.y);
      if (allInside(valuePoints(moved), width, height)) {
        value = moved;
        stage.live = { id: region.id, value };
      }
    },
    end: () => {
      if (value) stage.ed.store.update(region.id, { value });
    },
  };
}

/** Draw this frame's shapes and the draft, in image coordinates (`px`: one screen px). */
export function paintShapes(ctx, stage, px) {
  const selected = stage.ed.store.selected;
  for (const { r, ctl } of shapesAt(stage)) drawRegion(ctx, stage.ed, r, ctl, { selected: r.id === selected, px });
  const d = stage.draft;
  if (!d || d.frame !== stage.st.frame) return;
  ctx.strokeStyle = labelColor(stage.ed, d.ctl.name, activeLabel(stage.ed, d.ctl));
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = 2 * px;
  if (d.ctl.type === "keypoints") {
    drawKeypoints(ctx, d.ctl, d.points, px, true);
    return;
  }
  ctx.beginPath();
  d.points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.stroke();
  for (const [x, y] of d.points) ctx.fillRect(x - 3 * px, y - 3 * px, 6 * px, 6 * px);
}
