// Single and multiple choice, with number hotkeys in schema order.

import { html } from "../lib.js";
import { registerControl } from "../registry.js";

export function toggleChoice(ed, ctl, option) {
  const region = ed.store.answer(ctl.name);
  const current = region ? region.value.choices : [];
  let next;
  if (ctl.multiple) {
    next = current.includes(option) ? current.filter((c) => c !== option) : [...current, option];
    // keep schema order, so the stored list does not depend on click order
    next = ctl.options.map((o) => o.value).filter((v) => next.includes(v));
  } else {
    if (current.length === 1 && current[0] === option) return;
    next = [option];
  }
  ed.store.setAnswer(ctl.name, next.length ? { choices: next } : null);
}

function ChoicesPanel({ ctl, ed }) {
  const region = ed.store.answer(ctl.name);
  const chosen = region ? region.value.choices : [];
  return html`<div class="choices" role=${ctl.multiple ? "group" : "radiogroup"}>
    ${ctl.options.map(
      (o) => html`<button
        type="button"
        class=${`choice${chosen.includes(o.value) ? " on" : ""}`}
        aria-pressed=${chosen.includes(o.value) ? "true" : "false"}
        data-value=${o.value}
        title=${o.description || ""}
        onClick=${() => toggleChoice(ed, ctl, o.value)}
      >
        ${ed.hotkeyOf(ctl.name, o.value) &&
        html`<kbd>${ed.hotkeyOf(ctl.name, o.value)}</kbd>`}
        <span>${o.value}</span>
      </button>`,
    )}
  </div>`;
}

registerControl("choices", {
  panel: ChoicesPanel,
  keys: (ctl, ed) =>
    ctl.options
      .filter((o) => ed.hotkeyOf(ctl.name, o.value))
      .map((o) => ({
        key: ed.hotkeyOf(ctl.name, o.value),
        label: `${ctl.name}: ${ctl.multiple ? "toggle" : "choose"} “${o.value}”`,
        run: () => toggleChoice(ed, ctl, o.value),
      })),
});
