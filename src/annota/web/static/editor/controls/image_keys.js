// The image tools' keys. Every binding returned here shows in the help overlay.

import { finishDraft } from "./image_tools.js";
import { frameKeys, trackControls } from "./video.js";
import { finishShape } from "./video_shapes.js";
import {
  copyRegions,
  imageControls,
  imageState,
  nudge,
  pasteRegions,
  pressLabel,
  rotate,
  selectedImageRegion,
  setTool,
  showAll,
  toggleHidden,
  toggleLocked,
} from "./image_state.js";

export const TOOL_KEYS = { bbox: "b", polygon: "p", polyline: "n", keypoints: "k", mask: "m" };

/** The keys of one image control: its tool key (first control of a type only). */
export function controlKeys(ctl, ed) {
  const ctls = imageControls(ed);
  const out = [];
  if (ctls.find((c) => c.type === ctl.type) === ctl) {
    out.push({ key: TOOL_KEYS[ctl.type], label: `Tool: ${ctl.name} (${ctl.type})`, run: () => setTool(ed, ctl.name) });
    if (ctl.type === "mask") {
      out.push({ key: "e", label: `Tool: ${ctl.name} eraser`, run: () => setTool(ed, ctl.name, { erase: true }) });
    }
  }
  if (ctls[0] === ctl) out.push(...sharedKeys(ed));
  // a video with frame shapes but no tracks still steps frames (tracks bring these keys)
  const onVideo = ed.schema.fields.some((f) => f.name === ctl.field && f.type === "video");
  if (onVideo && !trackControls(ed).length && ctls.find((c) => c.field === ctl.field) === ctl) {
    out.push(...frameKeys(ed, () => selectedImageRegion(ed) === null));
  }
  return out;
}

function sharedKeys(ed) {
  const st = imageState(ed);
  const stage = () => st.stage;
  const onRegion = () => selectedImageRegion(ed) !== null;
  const labelling = () => onRegion() || st.tool !== null;
  const keys = [
    { key: "v", label: "Tool: select and move (drag empty space to pan)", run: () => setTool(ed, null) },
    { key: "Enter", label: "Finish the polygon, line or keypoints being drawn", run: () => stage() && finishDraft(stage()) && stage().draw(), when: () => stage()?.draft },
    { key: "Enter", label: "Finish the shape being drawn on the video frame", run: () => finishShape(ed.videoTools.stage), when: () => ed.videoTools?.stage?.draft, hidden: true },
    { key: "f", label: "Image: fit to the view", run: () => stage()?.fit() },
    { key: "o", label: "Image: actual pixels (1:1)", run: () => stage()?.oneToOne() },
    { key: "=", label: "Zoom in (or the mouse wheel)", run: () => stage()?.zoomAt(1.25) },
    { key: "+", label: "Zoom in", run: () => stage()?.zoomAt(1.25), hidden: true },
    { key: "-", label: "Zoom out", run: () => stage()?.zoomAt(0.8) },
    { key: "[", label: "Rotate the selected box 1° counter-clockwise", run: () => rotate(ed, -1), when: onRegion },
    { key: "]", label: "Rotate the selected box 1° clockwise", run: () => rotate(ed, 1), when: onRegion },
    { key: "{", label: "Rotate the selected box 15° counter-clockwise", run: () => rotate(ed, -15), when: onRegion },
    { key: "}", label: "Rotate the selected box 15° clockwise", run: () => rotate(ed, 15), when: onRegion },
    { key: "h", label: "Hide or show the selected region", run: () => toggleHidden(ed) },
    { key: "Shift+h", label: "Show every hidden region", run: () => showAll(ed) },
    { key: "l", label: "Lock or unlock the selected region", run: () => toggleLocked(ed) },
    { key: ",", label: "Brush smaller", run: () => brush(ed, -1) },
    { key: ".", label: "Brush larger", run: () => brush(ed, 1) },
    { key: "Control+c", label: "Copy the selected region (or all image regions)", run: () => copyRegions(ed) },
    { key: "Control+v", label: "Paste copied regions (from this or another item)", run: () => pasteRegions(ed) },
  ];
  for (const [key, dx, dy] of [["ArrowLeft", -1, 0], ["ArrowRight", 1, 0], ["ArrowUp", 0, -1], ["ArrowDown", 0, 1]]) {
    keys.push({ key, label: `Move the selected region 1 px (${key.slice(5).toLowerCase()})`, run: () => nudge(ed, dx, dy), when: onRegion });
    keys.push({ key: `Shift+${key}`, label: "Move the selected region 10 px", run: () => nudge(ed, dx * 10, dy * 10), when: onRegion, hidden: key !== "ArrowLeft" });
  }
  for (let n = 1; n <= 9; n++) {
    keys.push({ key: String(n), label: `Label ${n} for the selected region or the next one drawn`, run: () => pressLabel(ed, n), when: labelling, hidden: n > 1 });
  }
  return keys;
}

function brush(ed, step) {
  const st = imageState(ed);
  st.brush = Math.max(1, Math.min(200, st.brush + step * Math.max(1, Math.round(st.brush / 5))));
  ed.changed();
}
