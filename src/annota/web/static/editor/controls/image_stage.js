// The canvas of an image field: view (zoom, pan, fit, 1:1), drawing, and the pointer.
//
// Pointer gestures become "drags" (image_tools.js) that show a live value while the mouse
// moves and commit one store change on release, so a move is one undo step and the
// 1,000 other regions are only redrawn, never re-created.

import { clamp, toImage } from "./image_geometry.js";
import { drawKeypoints, drawRegion, labelColor } from "./image_draw.js";
import { activeLabel, imageControls, imageState } from "./image_state.js";
import { orientationOf, storedSize, turned } from "./image_orient.js";
import { startDrag } from "./image_tools.js";

const MAX_SCALE = 32;
const BIG = 4096; // images wider or taller than this are drawn from a downscaled copy

export class ImageStage {
  constructor(ed, field, canvas) {
    this.ed = ed;
    this.field = field;
    this.canvas = canvas;
    this.view = { scale: 1, ox: 0, oy: 0 };
    this.image = null;
    this.small = null;
    this.drag = null;
    this.draft = null; // a shape being drawn click by click (polygon, keypoints)
    this.live = null; // {id, value} shown instead of the stored value during a drag
    this.queued = false;
    this.st = imageState(ed);
    this.st.stage = this;
    this.unsubscribe = ed.store.subscribe(() => this.draw());
    this._listen();
  }

  destroy() {
    this.unsubscribe();
    this.resizer?.disconnect();
    if (this.st.stage === this) this.st.stage = null;
  }

  load(url) {
    const img = new Image();
    img.decoding = "async";
    const item = this.ed.item;
    const orientation = orientationOf(item, this.field, url);
    const token = (this.loading = {});
    img.onload = async () => {
      const o = await orientation;
      if (this.loading !== token) return; // a newer picture is on its way
      const decoded = { width: img.naturalWidth, height: img.naturalHeight };
      // Regions are stored against the server's probed size (storedSize); a JPEG that
      // the browser turned upright is turned back onto that grid (image_orient.js).
      const size = storedSize(item, this.field, decoded);
      const { width, height } = size;
      const k = Math.min(1, BIG / Math.max(width, height));
      this.image = turned(img, o, size, k) || img;
      this.small = null;
      this.st.size = { width, height };
      if (this.image === img && k < 1 && window.createImageBitmap) {
        this.small = await createImageBitmap(img, {
          resizeWidth: Math.round(decoded.width * k),
          resizeHeight: Math.round(decoded.height * k),
          resizeQuality: "medium",
        });
      }
      this.fit();
      this.ed.changed();
    };
    img.onerror = () => this.ed.say("The image could not be loaded.", "error");
    this.st.size = null;
    this.image = null; // the previous item's picture must not be drawn meanwhile
    img.src = url;
  }

  // -- the view -----------------------------------------------------------------------

  cssSize() {
    return [this.canvas.clientWidth, this.canvas.clientHeight];
  }

  fit() {
    if (!this.st.size) return;
    this.userMoved = false;
    const [cw, ch] = this.cssSize();
    const { width, height } = this.st.size;
    const scale = Math.min(cw / width, ch / height);
    this._center(scale);
  }

  oneToOne() {
    this.userMoved = true;
    if (this.st.size) this._center(1);
  }

  _center(scale) {
    const [cw, ch] = this.cssSize();
    const { width, height } = this.st.size;
    this.view = { scale, ox: Math.round((cw - width * scale) / 2), oy: Math.round((ch - height * scale) / 2) };
    this.draw();
  }

  /** Zoom by `factor` keeping the image point under (sx, sy) (canvas CSS px) in place. */
  zoomAt(factor, sx, sy) {
    const [cw, ch] = this.cssSize();
    const x = sx ?? cw / 2;
    const y = sy ?? ch / 2;
    const scale = clamp(this.view.scale * factor, 0.01, MAX_SCALE);
    const k = scale / this.view.scale;
    this.userMoved = true;
    this.view = { scale, ox: x - (x - this.view.ox) * k, oy: y - (y - this.view.oy) * k };
    this.draw();
  }

  pan(dx, dy) {
    this.view = { ...this.view, ox: this.view.ox + dx, oy: this.view.oy + dy };
    this.draw();
  }

  /** Canvas CSS px of a pointer event, and the image pixel under it. */
  at(e) {
    const rect = this.canvas.getBoundingClientRect();
    const sx = e.clientX - rect.left;
    const sy = e.clientY - rect.top;
    const [x, y] = toImage(this.view, sx, sy);
    return { sx, sy, x, y };
  }

  // -- regions ------------------------------------------------------------------------

  controls() {
    return imageControls(this.ed, this.field);
  }

  /** The visible regions of this field, bottom to top, with their controls. */
  regions() {
    const ctls = new Map(this.controls().map((c) => [c.name, c]));
    const out = [];
    for (const r of this.ed.store.regions) {
      const ctl = ctls.get(r.control);
      if (!ctl || !r.id || this.st.hidden.has(r.id)) continue;
      out.push({ r: this.live && this.live.id === r.id ? { ...r, value: this.live.value } : r, ctl });
    }
    return out;
  }

  cancelDraft() {
    if (!this.draft && !this.drag) return false;
    this.draft = null;
    this.drag = null;
    this.live = null;
    this.draw();
    return true;
  }

  // -- drawing ------------------------------------------------------------------------

  draw() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.paint();
    });
  }

  paint() {
    const c = this.canvas;
    if (!c.isConnected) return;
    const dpr = window.devicePixelRatio || 1;
    const [cw, ch] = this.cssSize();
    if (c.width !== Math.round(cw * dpr) || c.height !== Math.round(ch * dpr)) {
      c.width = Math.round(cw * dpr);
      c.height = Math.round(ch * dpr);
    }
    const ctx = c.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    if (!this.image || !this.st.size) return;
    const { scale, ox, oy } = this.view;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * ox, dpr * oy);
    const { width, height } = this.st.size;
    ctx.filter = `brightness(${this.st.brightness}%) contrast(${this.st.contrast}%)`;
    const useSmall = this.small && scale * Math.max(width, height) <= BIG;
    ctx.drawImage(useSmall ? this.small : this.image, 0, 0, width, height);
    ctx.filter = "none";
    const px = 1 / scale;
    const selected = this.ed.store.selected;
    for (const { r, ctl } of this.regions()) {
      const maskOverride = this.drag && this.drag.maskId === r.id ? this.drag.canvas : null;
      drawRegion(ctx, this.ed, r, ctl, { selected: r.id === selected, px, maskOverride });
    }
    if (this.drag && this.drag.paint) this.drag.paint(ctx, px);
    if (this.draft) this._paintDraft(ctx, px);
  }

  _paintDraft(ctx, px) {
    const { ctl, points, hover } = this.draft;
    ctx.strokeStyle = labelColor(this.ed, ctl.name, activeLabel(this.ed, ctl));
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = 2 * px;
    if (ctl.type === "keypoints") {
      drawKeypoints(ctx, ctl, points, px, true);
      return;
    }
    ctx.setLineDash([6 * px, 4 * px]);
    ctx.beginPath();
    points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    if (hover) ctx.lineTo(hover[0], hover[1]);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const [x, y] of points) ctx.fillRect(x - 3 * px, y - 3 * px, 6 * px, 6 * px);
  }

  // -- input --------------------------------------------------------------------------

  _listen() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => {
      c.focus({ preventScroll: true });
      const drag = startDrag(this, e, this.at(e));
      if (!drag) return;
      e.preventDefault();
      this.drag = drag;
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener("pointermove", (e) => {
      if (this.drag) this.drag.move(this.at(e), e);
      else if (this.draft && Array.isArray(this.draft.points)) {
        const p = this.at(e);
        this.draft.hover = [p.x, p.y];
        this.draw();
      }
    });
    const end = (e) => {
      const drag = this.drag;
      if (!drag) return;
      this.drag = null;
      drag.end(this.at(e), e);
      this.live = null;
      this.draw();
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    c.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const p = this.at(e);
        this.zoomAt(Math.exp(-e.deltaY * 0.0015), p.sx, p.sy);
      },
      { passive: false },
    );
    this.resizer = new ResizeObserver(() => {
      if (this.st.size && !this.userMoved) this.fit();
      else this.draw();
    });
    this.resizer.observe(c);
  }
}
