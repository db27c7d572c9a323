// The video field: frames drawn on a canvas with the tracks' boxes at the current frame.
//
// Frame-accurate stepping seeks to the middle of frame k, (k + 0.5) / fps, so rounding in
// the decoder cannot land on a neighbour. The frame rate comes from the item (media.fps,
// else meta.fps) and is 25 when the item does not say; the frame count and size come from
// item.media when the server knows them (frame indices are checked against that count). Drawing a box where no selected
// track is starts a track; moving or resizing a track's box places a keyframe there.

import { html, useEffect, useRef } from "../lib.js";
import { clamp, inBox, round2, toImage, toScreen } from "./image_geometry.js";
import { labelColor } from "./image_draw.js";
import { storedSize } from "./image_orient.js";
import { boxAt, placeFrame } from "./video_track.js";
import { paintShapes, shapeClick, shapeEdit, shapeHit, shapeMove, shapeTool } from "./video_shapes.js";

const NEAR = 8;

export function trackControls(ed, field = null) {
  return ed.schema.controls.filter((c) => c.type === "video_track" && (field === null || c.field === field));
}

/** The video tools' state of an editor. */
export function videoState(ed) {
  if (!ed.videoTools) {
    const first = trackControls(ed)[0];
    ed.videoTools = { tool: first ? first.name : null, frame: 0, fps: 25, frames: 0, stage: null, labels: new Map(), boxAt };
  }
  return ed.videoTools;
}

/** What the server probed of the field's media ({} when nothing). */
export function mediaOf(ed, field) {
  const item = ed.item || {};
  return (item.media && item.media[field]) || {};
}

/** Frame stepping and play keys; `when` narrows them (e.g. not while a region is selected). */
export function frameKeys(ed, when = () => true) {
  const stage = () => videoState(ed).stage;
  const on = () => Boolean(stage()) && when();
  return [
    { key: "ArrowRight", label: "Video: next frame", run: () => stage()?.step(1), when: on },
    { key: "ArrowLeft", label: "Video: previous frame", run: () => stage()?.step(-1), when: on },
    { key: "Shift+ArrowRight", label: "Video: 10 frames on", run: () => stage()?.step(10), when: on },
    { key: "Shift+ArrowLeft", label: "Video: 10 frames back", run: () => stage()?.step(-10), when: on },
    { key: " ", label: "Space: play or pause the video", run: () => stage()?.playPause(), when: on },
  ];
}

export function fpsOf(ed, field) {
  const item = ed.item || {};
  const fromMedia = mediaOf(ed, field).fps;
  const fps = Number(fromMedia || (item.meta && item.meta.fps) || 25);
  return fps > 0 && Number.isFinite(fps) ? fps : 25;
}

export class VideoStage {
  constructor(ed, field, canvas, video) {
    Object.assign(this, { ed, field, canvas, video, view: { scale: 1, ox: 0, oy: 0 }, drag: null, live: null, draft: null });
    this.st = videoState(ed);
    this.st.stage = this;
    this.st.fps = fpsOf(ed, field);
    this.unsubscribe = ed.store.subscribe(() => this.draw());
    video.addEventListener("loadedmetadata", () => {
      const known = Number(mediaOf(ed, field).frames);
      this.st.frames = known > 0 ? known : Math.max(1, Math.floor(video.duration * this.st.fps + 1e-6));
      this.size = storedSize(ed.item, field, { width: video.videoWidth, height: video.videoHeight });
      this.fit();
      this.seek(0);
    });
    video.addEventListener("seeked", () => {
      this.ready = true;
      // a seek from the timeline (wavesurfer) lands anywhere: show the frame it is in
      this.st.frame = clamp(Math.floor(video.currentTime * this.st.fps + 1e-6), 0, Math.max(0, this.st.frames - 1));
      this.draw();
      ed.changed();
    });
    this._listen();
  }

  destroy() {
    this.unsubscribe();
    this.video.pause();
    if (this.st.stage === this) this.st.stage = null;
  }

  fit() {
    const cw = this.canvas.clientWidth;
    const ch = this.canvas.clientHeight;
    const { width, height } = this.size;
    const scale = Math.min(cw / width, ch / height);
    this.view = { scale, ox: Math.round((cw - width * scale) / 2), oy: Math.round((ch - height * scale) / 2) };
  }

  /** Show frame `k` (clamped to the video). */
  seek(k) {
    const frame = clamp(Math.round(k), 0, Math.max(0, this.st.frames - 1));
    this.st.frame = frame;
    this.video.currentTime = (frame + 0.5) / this.st.fps;
    this.ed.changed();
  }

  step(n) {
    this.video.pause();
    this.seek(this.st.frame + n);
  }

  playPause() {
    const v = this.video;
    if (!v.paused) {
      v.pause();
      this.seek(Math.floor(v.currentTime * this.st.fps));
      return;
    }
    const follow = (_now, meta) => {
      this.st.frame = Math.min(this.st.frames - 1, Math.floor(meta.mediaTime * this.st.fps + 1e-6));
      this.draw();
      this.ed.changed();
      if (!v.paused) v.requestVideoFrameCallback(follow);
    };
    v.play().then(() => v.requestVideoFrameCallback(follow), () => {});
  }

  /** Tracks of this field with their box at the current frame (live drags applied). */
  shown() {
    const names = new Set(trackControls(this.ed, this.field).map((c) => c.name));
    const out = [];
    for (const r of this.ed.store.regions) {
      if (!names.has(r.control) || !r.id) continue;
      const value = this.live && this.live.id === r.id ? this.live.value : r.value;
      const box = boxAt(value, this.st.frame);
      if (box && !box.outside) out.push({ r, box });
    }
    return out;
  }

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
    if (!c.isConnected || !this.size) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(c.clientWidth * dpr);
    c.height = Math.round(c.clientHeight * dpr);
    const ctx = c.getContext("2d");
    const { scale, ox, oy } = this.view;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * ox, dpr * oy);
    ctx.drawImage(this.video, 0, 0, this.size.width, this.size.height);
    for (const { r, box } of this.shown()) {
      ctx.strokeStyle = labelColor(this.ed, r.control, r.value.label);
      ctx.lineWidth = (r.id === this.ed.store.selected ? 3 : 1.5) / scale;
      ctx.setLineDash(box.keyframe ? [] : [6 / scale, 4 / scale]);
      ctx.strokeRect(box.x, box.y, box.width, box.height);
      if (box.occluded) ctx.fillText("occluded", box.x + 2 / scale, box.y - 3 / scale);
    }
    ctx.setLineDash([]);
    paintShapes(ctx, this, 1 / scale);
    if (this.drag && this.drag.rect) {
      const { x, y, width, height } = this.drag.rect;
      ctx.strokeStyle = "#f79009";
      ctx.strokeRect(x, y, width, height);
    }
  }

  at(e) {
    const rect = this.canvas.getBoundingClientRect();
    const sx = e.clientX - rect.left;
    const sy = e.clientY - rect.top;
    const [x, y] = toImage(this.view, sx, sy);
    const { width, height } = this.size;
    return { sx, sy, x: round2(clamp(x, 0, width)), y: round2(clamp(y, 0, height)) };
  }

  _listen() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => {
      if (!this.size || e.button !== 0) return;
      this.video.pause();
      const p = this.at(e);
      this.drag = this._start(p, e);
      if (this.drag) c.setPointerCapture(e.pointerId);
    });
    c.addEventListener("pointermove", (e) => {
      if (!this.drag) return;
      this.drag.move(this.at(e));
      this.draw();
    });
    c.addEventListener("pointerup", (e) => {
      const drag = this.drag;
      this.drag = null;
      if (drag) drag.end(this.at(e));
      this.live = null;
      this.draw();
    });
  }

  /** A half-drawn frame shape is dropped (Escape); true when there was one. */
  cancelDraft() {
    if (!this.draft) return false;
    this.draft = null;
    this.draw();
    return true;
  }

  /**
   * The selected frame shape is edited first (video_shapes.js `shapeEdit`: vertices added,
   * removed, dragged; the shape moved), whatever the tool. Then, with a frame-shape tool:
   * click a vertex or keypoint of a new shape. Otherwise: move or resize the selected
   * track's box, draw a new track, or select a track or shape.
   */
  _start(p, e) {
    const { ed, st } = this;
    const tool = shapeTool(this);
    const edit = !this.draft && shapeEdit(this, e, p);
    if (edit) return edit;
    if (this.draft || tool) {
      shapeClick(this, this.draft ? this.draft.ctl : tool, e, p);
      return null;
    }
    const shown = this.shown();
    const sel = shown.find(({ r }) => r.id === ed.store.selected);
    if (sel) {
      const { r, box } = sel;
      const [cx, cy] = toScreen(this.view, box.x + box.width, box.y + box.height);
      const resize = Math.hypot(cx - p.sx, cy - p.sy) <= NEAR;
      if (resize || inBox(box, p.x, p.y)) return this._edit(r, box, p, resize);
    }
    const hit = [...shown].reverse().find(({ box }) => inBox(box, p.x, p.y));
    if (hit) {
      ed.store.select(hit.r.id);
      return this._edit(hit.r, hit.box, p, false);
    }
    const shape = shapeHit(this, p);
    if (shape) {
      ed.store.select(shape.r.id);
      return shapeMove(this, shape.r, p);
    }
    const ctl = st.tool && ed.controls.get(st.tool);
    if (!ctl || ctl.field !== this.field) {
      ed.store.select(null);
      return null;
    }
    const drag = {
      rect: null,
      move: (q) => {
        drag.rect = { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: round2(Math.abs(q.x - p.x)), height: round2(Math.abs(q.y - p.y)) };
      },
      end: () => {
        if (!drag.rect || drag.rect.width < 1 || drag.rect.height < 1) return ed.store.select(null);
        const label = st.labels.get(ctl.name) || ctl.labels[0].value;
        const frame = { frame: st.frame, ...drag.rect, keyframe: true, outside: false, occluded: false };
        ed.store.add({ id: ed.store.newId("tr"), control: ctl.name, value: { label, interpolate: true, frames: [frame] } });
      },
    };
    return drag;
  }

  _edit(region, box, p, resize) {
    const { width: W, height: H } = this.size;
    let patch = null;
    return {
      move: (q) => {
        if (resize) {
          patch = { width: round2(clamp(q.x - box.x, 1, W - box.x)), height: round2(clamp(q.y - box.y, 1, H - box.y)) };
        } else {
          patch = { x: round2(clamp(box.x + q.x - p.x, 0, W - box.width)), y: round2(clamp(box.y + q.y - p.y, 0, H - box.height)) };
        }
        this.live = { id: region.id, value: placeFrame(region.value, this.st.frame, patch) };
      },
      end: () => {
        if (patch) this.ed.store.update(region.id, { value: placeFrame(region.value, this.st.frame, patch) });
      },
    };
  }
}

export function VideoCanvas({ ed, field, src }) {
  const canvas = useRef(null);
  const video = useRef(null);
  useEffect(() => {
    const stage = new VideoStage(ed, field, canvas.current, video.current);
    video.current.src = src;
    ed.changed();
    return () => stage.destroy();
  }, [src, ed.item && ed.item.id]);
  return html`<div class="video-stage">
    <video ref=${video} class="video-source" preload="auto" muted playsinline></video>
    <canvas ref=${canvas} class="image-canvas video-canvas" data-field=${field}></canvas>
  </div>`;
}
