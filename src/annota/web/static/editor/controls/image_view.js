// The image field with image controls: a toolbar and the canvas (image_stage.js). Image
// fields without image controls keep the plain thumbnail of fields.js.

import { safeUrl } from "../fields.js"; // evaluated first, so this view replaces its thumbnail
import { html, useEffect, useRef } from "../lib.js";
import { fieldView, registerField } from "../registry.js";
import { ImageStage } from "./image_stage.js";
import { imageControls, imageState, setFilter, setTool } from "./image_state.js";
import { TOOL_KEYS } from "./image_keys.js";

const Thumbnail = fieldView("image");

function Toolbar({ ed, field }) {
  const st = imageState(ed);
  const stage = st.stage;
  const tool = (name, label, key, erase = false) => html`<button
    type="button"
    class=${`tool${st.tool === name && st.erase === erase ? " on" : ""}`}
    data-tool=${name || "select"}
    onClick=${() => setTool(ed, name, { erase })}
  >
    ${key && html`<kbd>${key}</kbd>`}${label}
  </button>`;
  const masks = imageControls(ed, field).filter((c) => c.type === "mask");
  return html`<div class="image-toolbar">
    ${tool(null, "Select", "v")}
    ${imageControls(ed, field).map((c) => tool(c.name, c.type === "mask" ? `${c.name} brush` : c.name, TOOL_KEYS[c.type]))}
    ${masks.map((c) => tool(c.name, `${c.name} eraser`, "e", true))}
    <span class="sep"></span>
    <button type="button" onClick=${() => stage?.fit()}><kbd>f</kbd>Fit</button>
    <button type="button" onClick=${() => stage?.oneToOne()}><kbd>o</kbd>1:1</button>
    <span class="zoom muted">${stage ? Math.round(stage.view.scale * 100) : 100}%</span>
    <label>Brightness <input type="range" class="brightness" min="10" max="300" value=${st.brightness}
      onInput=${(e) => setFilter(ed, "brightness", e.currentTarget.value)} /></label>
    <label>Contrast <input type="range" class="contrast" min="10" max="300" value=${st.contrast}
      onInput=${(e) => setFilter(ed, "contrast", e.currentTarget.value)} /></label>
    ${masks.length > 0 && html`<span class="muted">Brush ${st.brush}px (, .)</span>`}
  </div>`;
}

function ImageCanvasField({ field, value, ed }) {
  const canvas = useRef(null);
  const stage = useRef(null);
  const src = safeUrl(value);
  const itemId = ed.item ? ed.item.id : null;
  useEffect(() => {
    stage.current = new ImageStage(ed, field.name, canvas.current);
    ed.changed(); // the toolbar shows the zoom once the stage exists
    return () => stage.current.destroy();
  }, [ed, field.name]);
  useEffect(() => {
    if (src) stage.current.load(src);
  }, [src, itemId]);
  useEffect(() => stage.current && stage.current.draw());
  return html`<div class="image-field">
    <${Toolbar} ed=${ed} field=${field.name} />
    <canvas ref=${canvas} class="image-canvas" tabindex="0" data-field=${field.name}></canvas>
    ${!src && html`<p class="muted">(no image)</p>`}
  </div>`;
}

function ImageField(props) {
  if (!imageControls(props.ed, props.field.name).length) return html`<${Thumbnail} ...${props} />`;
  return html`<${ImageCanvasField} ...${props} />`;
}

registerField("image", ImageField);
