// The audio field view and the side panels and keys of segments and transcript controls.

import { safeUrl } from "../fields.js"; // evaluated first, so the view below replaces its player
import { html } from "../lib.js";
import { fieldView, registerControl, registerField } from "../registry.js";
import {
  SPEEDS,
  TimelineBar,
  TimelinePlayer,
  ms,
  selectedTimelineRegion,
  setSpeed,
  timelineControls,
  timelineLabel,
  timelineState,
} from "./timeline.js";

const PlainMedia = fieldView("audio");

function AudioField(props) {
  const { field, value, ed } = props;
  const src = safeUrl(value);
  if (!src || !timelineControls(ed, field.name).length) return html`<${PlainMedia} ...${props} />`;
  return html`<div class="audio-field">
    <${TimelineBar} ed=${ed} field=${field.name} />
    <${TimelinePlayer} ed=${ed} field=${field.name} src=${src} />
  </div>`;
}

function SegmentsPanel({ ctl, ed }) {
  const st = timelineState(ed);
  const sel = selectedTimelineRegion(ed);
  const mine = ed.store.byControl(ctl.name);
  const current = sel && sel.control === ctl.name ? sel.value.label : timelineLabel(ed, ctl);
  return html`<div class="timeline-control" data-control=${ctl.name}>
    <div class="labels">
      ${(ctl.labels || []).map((l, i) => html`<button type="button"
        class=${`label ${ed.labelClass(ctl.name, l.value)}${current === l.value ? " on" : ""}`}
        data-label=${l.value} onClick=${() => labelSegment(ed, ctl, l.value)}>
        ${i < 9 && html`<kbd>${i + 1}</kbd>`}<span>${l.value}</span></button>`)}
    </div>
    <${RegionList} ed=${ed} regions=${mine} />
    <p class="hint muted">${st.tool === ctl.name ? "Drag on the waveform to add a segment." : ""}</p>
  </div>`;
}

function TranscriptPanel({ ctl, ed }) {
  const sel = selectedTimelineRegion(ed);
  const r = sel && sel.control === ctl.name ? sel : null;
  const set = (patch, typing = false) => {
    const value = { ...r.value, ...patch };
    if (value.speaker === undefined || value.speaker === "") delete value.speaker;
    const next = ed.store.regions.map((x) => (x.id === r.id ? { ...x, value } : x));
    ed.store.commit(next, ed.store.selected, typing ? `type:${r.id}` : null);
  };
  return html`<div class="timeline-control" data-control=${ctl.name}>
    ${r && html`<div class="transcript-edit">
      <label>Speaker ${ctl.speakers
        ? html`<select class="speaker" value=${r.value.speaker || ""}
            onChange=${(e) => set({ speaker: e.currentTarget.value || undefined })}>
            <option value="">—</option>
            ${ctl.speakers.map((s) => html`<option value=${s}>${s}</option>`)}
          </select>`
        : html`<input class="speaker" value=${r.value.speaker || ""}
            onInput=${(e) => set({ speaker: e.currentTarget.value || undefined }, true)} />`}</label>
      <textarea class="transcript-text" rows="3" placeholder="What is said"
        value=${r.value.text} onInput=${(e) => set({ text: e.currentTarget.value }, true)}></textarea>
    </div>`}
    <${RegionList} ed=${ed} regions=${ed.store.byControl(ctl.name)} />
  </div>`;
}

function RegionList({ ed, regions }) {
  return html`<ul class="region-list">
    ${regions.slice(0, 50).map((r) => html`<li key=${r.id} data-region=${r.id}
      class=${r.id === ed.store.selected ? "on" : ""}>
      <button type="button" class="pick" onClick=${() => select(ed, r)}>
        ${r.value.start.toFixed(2)}–${r.value.end.toFixed(2)} s
        ${r.value.label || ""}${r.value.text ? ` “${r.value.text.slice(0, 40)}”` : ""}
      </button></li>`)}
  </ul>
  <span class="muted">${regions.length} region${regions.length === 1 ? "" : "s"}</span>`;
}

function select(ed, r) {
  ed.store.select(r.id);
  timelineState(ed).player?.ws.setTime(r.value.start);
}

function labelSegment(ed, ctl, label) {
  const sel = selectedTimelineRegion(ed);
  if (sel && sel.control === ctl.name) ed.store.update(sel.id, { value: { ...sel.value, label } });
  timelineState(ed).labels.set(ctl.name, label);
  ed.changed();
}

/** Split the selected region at the play head into two with the same value. */
function split(ed) {
  const r = selectedTimelineRegion(ed);
  const ws = timelineState(ed).player?.ws;
  if (!r || !ws) return;
  const t = ms(ws.getCurrentTime());
  if (!(t > r.value.start && t < r.value.end)) {
    ed.say("Move the play head inside the selected region to split it.", "warn");
    return;
  }
  const id = ed.store.newId(r.id.replace(/\d+$/, ""));
  const next = [];
  for (const x of ed.store.regions) {
    if (x.id !== r.id) next.push(x);
    else next.push({ ...x, value: { ...x.value, end: t } }, { ...x, id, value: { ...x.value, start: t } });
  }
  ed.store.commit(next, id);
}

function timelineKeys(ctl, ed) {
  const ctls = timelineControls(ed);
  if (ctls[0] !== ctl) return [];
  const ws = () => timelineState(ed).player?.ws;
  const step = (k) => setSpeed(ed, SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, SPEEDS.indexOf(timelineState(ed).speed) + k))]);
  const keys = [
    { key: " ", label: "Space: play or pause", run: () => ws()?.playPause() },
    { key: "s", label: "Split the selected segment at the play head", run: () => split(ed) },
    { key: "ArrowLeft", label: "Back 1 second", run: () => ws()?.skip(-1), when: () => ws() },
    { key: "ArrowRight", label: "Forward 1 second", run: () => ws()?.skip(1), when: () => ws() },
    { key: "<", label: "Slower playback", run: () => step(-1) },
    { key: ">", label: "Faster playback", run: () => step(1) },
  ];
  for (const c of ctls) {
    if (c.type !== "segments") continue;
    c.labels.slice(0, 9).forEach((l, i) => keys.push({
      key: String(i + 1),
      label: `${c.name}: label the selected segment (or the next) “${l.value}”`,
      run: () => labelSegment(ed, c, l.value),
      when: () => timelineState(ed).tool === c.name || selectedTimelineRegion(ed)?.control === c.name,
    }));
    break;
  }
  return keys;
}

registerField("audio", AudioField);
registerControl("segments", { panel: SegmentsPanel, keys: timelineKeys });
registerControl("transcript", { panel: TranscriptPanel, keys: timelineKeys });
