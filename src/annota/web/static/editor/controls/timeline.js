// Audio (and video) timelines: the waveform with the segments and transcript regions of
// the field, kept in step with ed.store. Drag on the waveform to make a region of the
// active timeline control; drag or resize it to change its times; click it to select.

import { html, useEffect, useRef } from "../lib.js";
import { labelColor } from "./image_draw.js";
import { createWave } from "./audio_wave.js";

export const TIMELINE_TYPES = ["segments", "transcript"];
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** Seconds rounded to the millisecond: what is stored. */
export function ms(t) {
  return Math.round(t * 1000) / 1000;
}

export function timelineControls(ed, field = null) {
  return ed.schema.controls.filter(
    (c) => TIMELINE_TYPES.includes(c.type) && (field === null || c.field === field),
  );
}

/** The timeline state of an editor: active control, playback speed, the live player. */
export function timelineState(ed) {
  if (!ed.timeline) {
    const first = timelineControls(ed)[0];
    ed.timeline = { tool: first ? first.name : null, speed: 1, player: null, labels: new Map() };
  }
  return ed.timeline;
}

export function timelineLabel(ed, ctl) {
  const labels = ctl.labels || [];
  return timelineState(ed).labels.get(ctl.name) || (labels.length ? labels[0].value : undefined);
}

export function selectedTimelineRegion(ed) {
  const r = ed.store.byId(ed.store.selected);
  const ctl = r && ed.controls.get(r.control);
  return ctl && TIMELINE_TYPES.includes(ctl.type) ? r : null;
}

function colorOf(ed, r) {
  const base = labelColor(ed, r.control, r.value.label ?? r.value.speaker);
  const alpha = r.id === ed.store.selected ? 45 : 25;
  return `color-mix(in srgb, ${base} ${alpha}%, transparent)`;
}

/** Put the field's regions on the waveform: update, add and remove by id (the store rules). */
function sync(player, ed, field) {
  const names = new Set(timelineControls(ed, field).map((c) => c.name));
  const shown = new Map(player.regions.getRegions().map((r) => [r.id, r]));
  player.syncing = true;
  for (const r of ed.store.regions) {
    if (!names.has(r.control) || !r.id) continue;
    const v = r.value;
    const content = v.text !== undefined ? `${v.speaker ? `${v.speaker}: ` : ""}${v.text}` : v.label || "";
    const options = { start: v.start, end: v.end, color: colorOf(ed, r), content };
    const old = shown.get(r.id);
    shown.delete(r.id);
    if (old) old.setOptions(options);
    else player.regions.addRegion({ id: r.id, ...options, drag: true, resize: true });
  }
  for (const stale of shown.values()) stale.remove();
  player.syncing = false;
}

/** A new region of the active control from a drag on the waveform: it keeps the shape. */
function created(ed, field, region) {
  const st = timelineState(ed);
  const ctl = st.tool && ed.controls.get(st.tool);
  const start = ms(Math.max(0, region.start));
  const end = ms(region.end);
  if (!ctl || ctl.field !== field || end <= start) {
    region.remove();
    return;
  }
  const value = ctl.type === "transcript" ? { start, end, text: "" } : { start, end, label: timelineLabel(ed, ctl) };
  const id = ed.store.newId(ctl.type === "transcript" ? "t" : "g");
  region.setOptions({ id }); // the next sync finds it by its store id
  ed.store.add({ id, control: ctl.name, value });
}

function TimelinePlayer({ field, src, ed, media = null }) {
  const box = useRef(null);
  useEffect(() => {
    let player = null;
    let gone = false;
    const st = timelineState(ed);
    const stop = ed.store.subscribe(() => player && sync(player, ed, field));
    createWave(box.current, src, { media: media && media() }).then((made) => {
      if (gone) return made.ws.destroy();
      player = { ...made, syncing: false };
      st.player = player;
      const { ws, regions } = made;
      ws.setPlaybackRate(st.speed, true);
      regions.enableDragSelection({ color: "rgba(47, 111, 222, 0.2)" });
      regions.on("region-created", (r) => player.syncing || created(ed, field, r));
      regions.on("region-updated", (r) => {
        const old = ed.store.byId(r.id);
        if (old) ed.store.update(r.id, { value: { ...old.value, start: ms(Math.max(0, r.start)), end: ms(r.end) } });
      });
      regions.on("region-clicked", (r, e) => {
        e.stopPropagation();
        ed.store.select(r.id);
      });
      ws.on("timeupdate", () => ed.changed());
      sync(player, ed, field);
      ed.changed();
    }, () => ed.say("The media could not be loaded.", "error"));
    return () => {
      gone = true;
      stop();
      if (player) {
        player.ws.destroy();
        if (st.player === player) st.player = null;
      }
    };
  }, [src, ed.item && ed.item.id]);
  return html`<div class="waveform" ref=${box} data-field=${field}></div>`;
}

export function TimelineBar({ ed, field }) {
  const st = timelineState(ed);
  const ws = st.player && st.player.ws;
  const now = ws ? ws.getCurrentTime() : 0;
  const total = ws ? ws.getDuration() : 0;
  return html`<div class="timeline-bar">
    <button type="button" class="play" disabled=${!ws} onClick=${() => ws.playPause()}>
      <kbd>Space</kbd>${ws && ws.isPlaying() ? "Pause" : "Play"}
    </button>
    <span class="clock">${now.toFixed(2)} / ${total.toFixed(2)} s</span>
    <label>Speed <select class="speed" value=${String(st.speed)}
      onChange=${(e) => setSpeed(ed, Number(e.currentTarget.value))}>
      ${SPEEDS.map((s) => html`<option value=${String(s)}>${s}×</option>`)}
    </select></label>
    ${timelineControls(ed, field).map((c) => html`<button type="button"
      class=${`tool${st.tool === c.name ? " on" : ""}`} data-tool=${c.name}
      onClick=${() => { st.tool = c.name; ed.changed(); }}>${c.name}</button>`)}
    ${st.player && st.player.streamed && html`<span class="muted">${st.player.peaks ? "streamed" : "streamed (no waveform)"}</span>`}
  </div>`;
}

export function setSpeed(ed, speed) {
  const st = timelineState(ed);
  st.speed = speed;
  st.player?.ws.setPlaybackRate(speed, true);
  ed.changed();
}

export { TimelinePlayer };
