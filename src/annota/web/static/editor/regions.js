// The selected region's details: label, per-region attributes, note, delete.

import { html } from "./lib.js";

function AttributeInput({ spec, value, onChange }) {
  if (spec.type === "bool") {
    return html`<input
      type="checkbox"
      checked=${value === true}
      onChange=${(e) => onChange(e.currentTarget.checked)}
    />`;
  }
  if (spec.type === "enum") {
    return html`<select
      value=${value ?? ""}
      onChange=${(e) => onChange(e.currentTarget.value || undefined)}
    >
      <option value="">—</option>
      ${spec.options.map((o) => html`<option value=${o}>${o}</option>`)}
    </select>`;
  }
  if (spec.type === "number") {
    return html`<input
      type="number"
      step="any"
      value=${value ?? ""}
      onChange=${(e) => {
        const raw = e.currentTarget.value.trim();
        onChange(raw === "" || !Number.isFinite(Number(raw)) ? undefined : Number(raw));
      }}
    />`;
  }
  return html`<input
    type="text"
    value=${value ?? ""}
    onChange=${(e) => onChange(e.currentTarget.value || undefined)}
  />`;
}

export function RegionDetails({ ed }) {
  const region = ed.store.byId(ed.store.selected);
  if (!region) return null;
  const ctl = ed.controls.get(region.control);
  if (!ctl) return null;
  const labels = ctl.labels || [];
  const setAttr = (name, v) => {
    const attrs = { ...(region.attributes || {}) };
    if (v === undefined) delete attrs[name];
    else attrs[name] = v;
    ed.store.update(region.id, { attributes: Object.keys(attrs).length ? attrs : undefined });
  };
  const what = region.value && typeof region.value.start === "number"
    ? `“${ed.spanTextOf(region)}”`
    : region.control;
  return html`<section class="region-details" aria-label="Selected region">
    <h3>${what}</h3>
    ${labels.length > 0 &&
    html`<label
      >Label
      <select
        class="region-label"
        value=${region.value.label}
        onChange=${(e) =>
          ed.store.update(region.id, { value: { ...region.value, label: e.currentTarget.value } })}
      >
        ${labels.map((l) => html`<option value=${l.value}>${l.value}</option>`)}
      </select></label
    >`}
    ${(ctl.attributes || []).map(
      (spec) => html`<label class="attr"
        >${spec.name}${spec.required ? " *" : ""}
        <${AttributeInput}
          spec=${spec}
          value=${region.attributes ? region.attributes[spec.name] : undefined}
          onChange=${(v) => setAttr(spec.name, v)}
      /></label>`,
    )}
    <label
      >Note
      <textarea
        class="region-note"
        rows="2"
        value=${region.note || ""}
        onChange=${(e) => ed.store.update(region.id, { note: e.currentTarget.value || undefined })}
      ></textarea>
    </label>
    <button type="button" class="danger" onClick=${() => ed.store.remove(region.id)}>
      Delete (Del)
    </button>
  </section>`;
}
