// Text spans and the relations between them (drawn by text/textview.js in the text field).

import { html } from "../lib.js";
import { registerControl } from "../registry.js";

function SpansPanel({ ctl, ed }) {
  const count = ed.store.byControl(ctl.name).length;
  const region = ed.store.byId(ed.store.selected);
  const current = region && region.control === ctl.name ? region.value.label : null;
  return html`<div class="labels" data-control=${ctl.name}>
    ${ctl.labels.map(
      (l) => html`<button
        type="button"
        class=${`label ${ed.labelClass(ctl.name, l.value)}${current === l.value ? " on" : ""}`}
        data-label=${l.value}
        title=${l.description || "Select text, then press the key or click"}
        onMouseDown=${(e) => e.preventDefault()}
        onClick=${() => ed.labelSelection(ctl, l.value)}
      >
        ${ed.spanKey(ctl.name, l.value) && html`<kbd>${ed.spanKey(ctl.name, l.value)}</kbd>`}
        <span>${l.value}</span>
      </button>`,
    )}
    <span class="muted">${count} span${count === 1 ? "" : "s"}</span>
  </div>`;
}

function spanText(ed, id) {
  const r = ed.store.byId(id);
  if (!r) return id;
  if (r.value && typeof r.value.start === "number") {
    const t = ed.spanTextOf(r);
    return `“${t.length > 30 ? `${t.slice(0, 30)}…` : t}”`;
  }
  return id;
}

function RelationsPanel({ ctl, ed }) {
  const rels = ed.store.byControl(ctl.name);
  const pending = ed.relationFrom;
  return html`<div class="relations" data-control=${ctl.name}>
    <button
      type="button"
      class="link-btn"
      disabled=${!ed.store.selected && !pending}
      onClick=${() => (pending ? ed.cancelRelation() : ed.startRelation(ctl))}
    >
      ${pending ? "Cancel link (Esc)" : "Link selected span (Alt+R)"}
    </button>
    ${pending &&
    html`<p class="hint">
      Linking from ${spanText(ed, pending.from)}: click the target span, or Alt+↓/↑ then
      Enter.
    </p>`}
    <ul class="rel-list">
      ${rels.map(
        (r) => html`<li
          class=${ed.store.selected === r.id ? "on" : ""}
          onClick=${() => ed.store.select(r.id)}
        >
          ${spanText(ed, r.value.from)} ${ctl.directed === false ? "—" : "→"}
          ${spanText(ed, r.value.to)} ${r.value.label && html`<b>${r.value.label}</b>`}
        </li>`,
      )}
    </ul>
  </div>`;
}

registerControl("spans", { panel: SpansPanel, textSpans: true });
registerControl("relations", { panel: RelationsPanel });
