// Rating, number and free-text answers: one region each, edited in place.

import { html } from "../lib.js";
import { registerControl } from "../registry.js";

function RatingPanel({ ctl, ed }) {
  const region = ed.store.answer(ctl.name);
  const value = region ? region.value.rating : 0;
  const max = ctl.max || 5;
  const set = (n) => ed.store.setAnswer(ctl.name, n ? { rating: n } : null);
  const onKeyDown = (e) => {
    const digit = Number(e.key);
    if (e.key >= "0" && e.key <= "9" && !e.ctrlKey && !e.altKey && digit <= max) set(digit);
    else if (e.key === "ArrowRight" || e.key === "ArrowUp") set(Math.min(max, value + 1));
    else if (e.key === "ArrowLeft" || e.key === "ArrowDown") set(Math.max(0, value - 1));
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const stars = [];
  for (let n = 1; n <= max; n++) {
    stars.push(html`<button
      type="button"
      tabindex="-1"
      class=${`star${n <= value ? " on" : ""}`}
      aria-label=${`${n} of ${max}`}
      onClick=${() => set(n === value ? 0 : n)}
    >
      ★
    </button>`);
  }
  return html`<div
    class="rating"
    tabindex="0"
    role="slider"
    data-control=${ctl.name}
    aria-valuemin="0"
    aria-valuemax=${max}
    aria-valuenow=${value}
    onKeyDown=${onKeyDown}
  >
    ${stars}<span class="muted">${value ? `${value}/${max}` : "not rated"}</span>
  </div>`;
}

function NumberPanel({ ctl, ed }) {
  const region = ed.store.answer(ctl.name);
  const onInput = (e) => {
    const raw = e.currentTarget.value.trim();
    if (raw === "") return ed.store.setAnswer(ctl.name, null, { typing: true });
    const n = Number(raw);
    if (!Number.isFinite(n)) return;
    if (region && region.value.number === n) return;
    ed.store.setAnswer(ctl.name, { number: n }, { typing: true });
  };
  return html`<input
    type="number"
    class="number"
    data-control=${ctl.name}
    step=${ctl.integer ? "1" : "any"}
    min=${ctl.min ?? undefined}
    max=${ctl.max ?? undefined}
    value=${region ? String(region.value.number) : ""}
    onInput=${onInput}
  />`;
}

function TextareaPanel({ ctl, ed }) {
  const region = ed.store.answer(ctl.name);
  const onInput = (e) => {
    const text = e.currentTarget.value;
    ed.store.setAnswer(ctl.name, text === "" ? null : { text }, { typing: true });
  };
  return html`<textarea
    class="answer"
    rows="3"
    data-control=${ctl.name}
    maxlength=${ctl.max_length ?? undefined}
    value=${region ? region.value.text : ""}
    onInput=${onInput}
  ></textarea>`;
}

registerControl("rating", { panel: RatingPanel, focusable: true });
registerControl("number", { panel: NumberPanel, focusable: true });
registerControl("textarea", { panel: TextareaPanel, focusable: true });
