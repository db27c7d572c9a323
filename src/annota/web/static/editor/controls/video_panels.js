// The video field view (frame bar + canvas) and the video_track control's panel and keys.

import { safeUrl } from "../fields.js"; // evaluated first, so the view below replaces its player
import { html } from "../lib.js";
import { fieldView, registerControl, registerField } from "../registry.js";
import { TimelineBar, TimelinePlayer, timelineControls } from "./timeline.js";
import { VideoCanvas, frameKeys, trackControls, videoState } from "./video.js";
import { frameShapeControls } from "./video_shapes.js";
import { boxAt, mergeTracks, placeFrame, removeFrame, splitTrack } from "./video_track.js";

const PlainMedia = fieldView("video");

function FrameBar({ ed }) {
  const st = videoState(ed);
  const stage = st.stage;
  return html`<div class="timeline-bar frame-bar">
    <button type="button" onClick=${() => stage?.step(-1)}><kbd>←</kbd>Frame</button>
    <button type="button" class="play" onClick=${() => stage?.playPause()}><kbd>Space</kbd>Play / pause</button>
    <button type="button" onClick=${() => stage?.step(1)}>Frame<kbd>→</kbd></button>
    <span class="clock frame-no" data-frame=${st.frame}>frame ${st.frame} / ${Math.max(0, st.frames - 1)} · ${st.fps} fps</span>
  </div>`;
}

/**
 * Tracks draw on a canvas fed by a hidden <video>; timeline controls (segments, transcript)
 * get a wavesurfer timeline driven by that same element (or by a visible one when the
 * field has no tracks), so seeking either way moves both.
 */
function VideoField(props) {
  const { field, value, ed } = props;
  const src = safeUrl(value);
  const tracks = trackControls(ed, field.name).length + frameShapeControls(ed, field.name).length > 0;
  const timeline = timelineControls(ed, field.name).length > 0;
  if (!src || (!tracks && !timeline)) return html`<${PlainMedia} ...${props} />`;
  const selector = `.video-field[data-field="${CSS.escape(field.name)}"] video`;
  const media = () => document.querySelector(selector);
  return html`<div class="video-field" data-field=${field.name}>
    ${tracks && html`<${FrameBar} ed=${ed} />`}
    ${tracks
      ? html`<${VideoCanvas} ed=${ed} field=${field.name} src=${src} />`
      : html`<video class="media" preload="metadata" playsinline></video>`}
    ${timeline && html`<${TimelineBar} ed=${ed} field=${field.name} />
      <${TimelinePlayer} ed=${ed} field=${field.name} src=${src} media=${media} />`}
  </div>`;
}

function selectedTrack(ed) {
  const r = ed.store.byId(ed.store.selected);
  return r && ed.controls.get(r.control)?.type === "video_track" ? r : null;
}

/** Toggle a flag (outside / occluded) of the selected track from the current frame. */
function toggleFlag(ed, flag) {
  const r = selectedTrack(ed);
  const st = videoState(ed);
  if (!r) return;
  const box = boxAt(r.value, st.frame) || r.value.frames.find((f) => f.frame === st.frame);
  const on = box ? !box[flag] : true;
  ed.store.update(r.id, { value: placeFrame(r.value, st.frame, { [flag]: on }) });
}

function unplace(ed) {
  const r = selectedTrack(ed);
  if (r) ed.store.update(r.id, { value: removeFrame(r.value, videoState(ed).frame) });
}

function split(ed) {
  const r = selectedTrack(ed);
  const parts = r && splitTrack(r.value, videoState(ed).frame);
  if (!parts) return;
  const id = ed.store.newId("tr");
  const next = [];
  for (const x of ed.store.regions) {
    if (x.id !== r.id) next.push(x);
    else next.push({ ...x, value: parts[0] }, { ...x, id, value: parts[1] });
  }
  ed.store.commit(next, id);
}

/** Merge the selected track into the one selected before it. */
function merge(ed) {
  const st = videoState(ed);
  const b = selectedTrack(ed);
  const a = st.previous && ed.store.byId(st.previous);
  if (!a || !b || a.id === b.id || a.control !== b.control) {
    ed.say("Select the track to keep, then the one to merge into it, then press g.", "warn");
    return;
  }
  const merged = mergeTracks(a.value, b.value);
  ed.store.commit(ed.store.regions.filter((x) => x.id !== b.id).map((x) => (x.id === a.id ? { ...x, value: merged } : x)), a.id);
}

function TrackPanel({ ctl, ed }) {
  const st = videoState(ed);
  const sel = selectedTrack(ed);
  if (sel && st.current !== sel.id) {
    st.previous = st.current;
    st.current = sel.id;
  }
  const tracks = ed.store.byControl(ctl.name);
  const label = st.labels.get(ctl.name) || ctl.labels[0].value;
  return html`<div class="track-control" data-control=${ctl.name}>
    <div class="labels">${ctl.labels.map((l, i) => html`<button type="button"
      class=${`label ${ed.labelClass(ctl.name, l.value)}${label === l.value ? " on" : ""}`}
      onClick=${() => {
        st.labels.set(ctl.name, l.value);
        if (sel) ed.store.update(sel.id, { value: { ...sel.value, label: l.value } });
        ed.changed();
      }}>${i < 9 && html`<kbd>${i + 1}</kbd>`}${l.value}</button>`)}</div>
    <p class="hint muted">Drag on the frame to start a track; move or resize its box on another
      frame to place a keyframe (boxes between are interpolated, dashed).</p>
    <ul class="region-list">${tracks.slice(0, 50).map((r) => html`<li key=${r.id} class=${r.id === ed.store.selected ? "on" : ""}>
      <button type="button" class="pick" onClick=${() => ed.store.select(r.id)}>
        ${r.value.label} · frames ${r.value.frames[0].frame}–${r.value.frames[r.value.frames.length - 1].frame}
        (${r.value.frames.length} placed)</button></li>`)}</ul>
  </div>`;
}

function trackKeys(ctl, ed) {
  if (trackControls(ed)[0] !== ctl) return [];
  const keys = [
    ...frameKeys(ed),
    { key: "o", label: "Track: object outside the view from this frame (on/off)", run: () => toggleFlag(ed, "outside") },
    { key: "c", label: "Track: object occluded from this frame (on/off)", run: () => toggleFlag(ed, "occluded") },
    { key: "u", label: "Track: remove the keyframe at this frame", run: () => unplace(ed) },
    { key: "y", label: "Track: split the selected track at this frame", run: () => split(ed) },
    { key: "g", label: "Track: merge the selected track into the one selected before", run: () => merge(ed) },
  ];
  ctl.labels.slice(0, 9).forEach((l, i) => keys.push({
    key: String(i + 1),
    label: `${ctl.name}: label “${l.value}” (selected track, or the next one)`,
    run: () => {
      videoState(ed).labels.set(ctl.name, l.value);
      const sel = selectedTrack(ed);
      if (sel) ed.store.update(sel.id, { value: { ...sel.value, label: l.value } });
      ed.changed();
    },
    hidden: i > 0,
  }));
  return keys;
}

registerField("video", VideoField);
registerControl("video_track", { panel: TrackPanel, keys: trackKeys });
