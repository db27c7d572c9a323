// The editor's layout: the item's fields on the left, questions and details on the right.

import { html, useEffect, useState } from "./lib.js";
import { controlDef, fieldView } from "./registry.js";
import { MetaView } from "./fields.js";
import { RegionDetails } from "./regions.js";
import {
  GuidelinesPanel,
  HelpOverlay,
  LoginDialog,
  Progress,
  SkipDialog,
  Suggestions,
} from "./panels.js";

function useEditor(ed) {
  const [, setTick] = useState(0);
  useEffect(() => ed.subscribe(() => setTick((t) => t + 1)), [ed]);
}

function SaveState({ ed }) {
  const s = ed.session;
  let text = "All changes saved";
  if (s.submitting) text = "Saving…";
  else if (ed.outbox.size) text = `${ed.outbox.size} change(s) waiting to be sent`;
  else if (ed.store.version !== s.savedVersion) text = "Draft: unsaved changes";
  return html`<span class="save-state" data-state=${text}>${text}</span>`;
}

function Field({ field, ed }) {
  const View = fieldView(field.type);
  const value = ed.item.data[field.name];
  return html`<section class="field" data-field=${field.name}>
    <h3>${field.name}${field.description ? html` <small>${field.description}</small>` : ""}</h3>
    ${View ? html`<${View} field=${field} value=${value} ed=${ed} />` : String(value)}
  </section>`;
}

function ControlPanel({ ctl, ed }) {
  const def = controlDef(ctl.type);
  if (!def || !def.panel) return null;
  const Panel = def.panel;
  return html`<section class=${`control control-${ctl.type}`} data-control-name=${ctl.name}>
    <h3>${ctl.name}${ctl.required ? html` <span class="req">*</span>` : ""}</h3>
    ${ctl.description && html`<p class="muted">${ctl.description}</p>`}
    <${Panel} ctl=${ctl} ed=${ed} />
  </section>`;
}

export function App({ ed }) {
  useEditor(ed);
  const s = ed.session;
  const item = ed.item;
  return html`<div class=${`annota-editor${ed.showGuidelines ? " with-guidelines" : ""}`}>
    <header class="editor-bar">
      <strong class="title">${ed.schema.title || ed.projectName}</strong>
      ${item && html`<span class="item-id" data-item-id=${item.id}>Item ${item.external_id}</span>`}
      <${Progress} ed=${ed} />
      <${SaveState} ed=${ed} />
      <span class="spacer"></span>
      <button type="button" onClick=${() => ed.toggleGuidelines()}>Guidelines (Alt+G)</button>
      <button type="button" onClick=${() => ed.toggleOverlay("help")}>Shortcuts (?)</button>
      <button type="button" disabled=${!item} onClick=${() => ed.toggleOverlay("skip")}>
        Skip (Alt+S)
      </button>
      <button
        type="button"
        class="primary submit"
        disabled=${!item || s.submitting}
        onClick=${() => ed.submit()}
      >
        Submit (Ctrl+Enter)
      </button>
    </header>
    ${ed.message &&
    html`<div class=${`message ${ed.message.kind}`} role=${ed.message.kind === "error" ? "alert" : "status"}>
      ${ed.message.text}
    </div>`}
    ${s.status === "loading" && !item && html`<p class="loading">Loading…</p>`}
    ${s.status === "done" &&
    html`<div class="all-done"><h2>All done</h2><p>There is nothing left for you to label here.</p></div>`}
    ${item &&
    html`<div class="editor-main">
      <div class="item-view" data-item=${item.id}>
        ${ed.schema.fields.map((f) => html`<${Field} key=${f.name} field=${f} ed=${ed} />`)}
        <${MetaView} item=${item} schema=${ed.schema} />
      </div>
      <aside class="side">
        ${ed.schema.controls.map((c) => html`<${ControlPanel} key=${c.name} ctl=${c} ed=${ed} />`)}
        <${Suggestions} ed=${ed} />
        <${RegionDetails} ed=${ed} />
      </aside>
      ${ed.showGuidelines && html`<${GuidelinesPanel} ed=${ed} />`}
    </div>`}
    ${ed.overlay === "help" && html`<${HelpOverlay} ed=${ed} />`}
    ${ed.overlay === "skip" && html`<${SkipDialog} ed=${ed} />`}
    ${ed.overlay === "login" && html`<${LoginDialog} ed=${ed} />`}
  </div>`;
}
