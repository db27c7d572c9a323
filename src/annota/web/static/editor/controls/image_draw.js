// Drawing the image and its regions on a 2D canvas, in image coordinates under the view
// transform. One pass over the regions per frame keeps 1,000 boxes well under a frame.

import { boxCorners } from "./image_geometry.js";
import { decodeMask } from "./image_rle.js";

const colorCache = new Map();
const maskCache = new WeakMap(); // rle object -> canvas painted in the label colour

/** The colour of a label class (colors.js sets it as --lbl on a constructed sheet). */
export function labelColor(ed, control, label) {
  const cls = ed.labelClass(control, label) || "lbl-none";
  if (!colorCache.has(cls)) {
    const probe = document.createElement("span");
    probe.className = cls;
    document.body.appendChild(probe);
    const c = getComputedStyle(probe).getPropertyValue("--lbl").trim() || "#f79009";
    probe.remove();
    colorCache.set(cls, c);
  }
  return colorCache.get(cls);
}

function maskCanvas(rle, color) {
  const cached = maskCache.get(rle);
  if (cached && cached.color === color) return cached.canvas;
  const [h, w] = rle.size;
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  paintMaskInto(canvas, decodeMask(rle), color);
  maskCache.set(rle, { canvas, color });
  return canvas;
}

/**
 * Fill `canvas` (mask-sized) with `color` where `mask` is set; with `box` ([x0, y0, x1, y1])
 * only that part is rewritten (a brush stroke touches a few pixels of a large image).
 * `cache` keeps the canvas's ImageData between calls.
 */
export function paintMaskInto(canvas, mask, color, box = null, cache = {}) {
  const ctx = canvas.getContext("2d");
  if (!cache.rgb) {
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    cache.rgb = ctx.getImageData(0, 0, 1, 1).data.slice(0, 3);
    ctx.clearRect(0, 0, 1, 1);
    cache.img = ctx.createImageData(canvas.width, canvas.height);
    box = null; // the first call writes everything
  }
  const [r, g, b] = cache.rgb;
  const { img } = cache;
  const w = canvas.width;
  const [x0, y0, x1, y1] = box || [0, 0, w - 1, canvas.height - 1];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * w + x;
      const on = mask[i] ? 1 : 0;
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = g;
      img.data[i * 4 + 2] = b;
      img.data[i * 4 + 3] = on * 140;
    }
  }
  ctx.putImageData(img, 0, 0, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
}

function path(ctx, points, close) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  if (close) ctx.closePath();
}

/** Draw one region; `px` is one screen pixel in image units (line widths, handles). */
export function drawRegion(ctx, ed, region, ctl, { selected, px, maskOverride }) {
  const v = region.value;
  const color = labelColor(ed, region.control, v.label);
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = (selected ? 3 : 1.5) * px;
  if (ctl.type === "bbox") {
    const corners = boxCorners(v);
    path(ctx, corners, true);
    ctx.stroke();
    if (selected) {
      handle(ctx, corners[2], px);
      if (ctl.rotation) {
        const [rx, ry] = rotationHandle(v, px);
        ctx.beginPath();
        ctx.moveTo(...corners[1]);
        ctx.lineTo(rx, ry);
        ctx.stroke();
        dot(ctx, [rx, ry], 5 * px);
      }
    }
  } else if (ctl.type === "polygon" || ctl.type === "polyline") {
    path(ctx, v.points, ctl.type === "polygon");
    if (ctl.type === "polygon") {
      ctx.globalAlpha = 0.15;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    ctx.stroke();
    if (selected) v.points.forEach((p) => handle(ctx, p, px));
  } else if (ctl.type === "keypoints") {
    drawKeypoints(ctx, ctl, v.points, px, selected);
  } else if (ctl.type === "mask") {
    const canvas = maskOverride || maskCanvas(v.rle, color);
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = selected ? 1 : 0.8;
    ctx.drawImage(canvas, 0, 0);
    ctx.globalAlpha = 1;
    ctx.imageSmoothingEnabled = true;
  }
}

export function drawKeypoints(ctx, ctl, points, px, selected) {
  ctx.lineWidth = 2 * px;
  for (const [a, b] of ctl.skeleton || []) {
    const p = points[a];
    const q = points[b];
    if (!p || !q || !p[2] || !q[2]) continue;
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
    ctx.lineTo(q[0], q[1]);
    ctx.stroke();
  }
  for (const [, p] of Object.entries(points)) {
    if (!p[2]) continue;
    dot(ctx, p, (selected ? 5 : 4) * px, p[2] === 1);
  }
}

/** Where the rotation handle of a box sits: 20 screen px beyond its top-right corner. */
export function rotationHandle(v, px) {
  const t = ((v.rotation || 0) * Math.PI) / 180;
  const d = v.width + 20 * px;
  return [v.x + d * Math.cos(t), v.y + d * Math.sin(t)];
}

function handle(ctx, [x, y], px) {
  const s = 4 * px;
  ctx.fillRect(x - s, y - s, 2 * s, 2 * s);
}

function dot(ctx, [x, y], r, hollow = false) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (hollow) ctx.stroke();
  else ctx.fill();
}
