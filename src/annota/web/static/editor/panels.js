// Overlays and side panels: help, skip, sign-in, guidelines, progress and suggestions.

import { html, useEffect, useRef, useState } from "./lib.js";

function Dialog({ title, children, label }) {
  return html`<div class="overlay">
    <div class="dialog" role="dialog" aria-modal="true" aria-label=${label || title}>
      <h2>${title}</h2>
      ${children}
    </div>
  </div>`;
}

export function HelpOverlay({ ed }) {
  const rows = ed.bindings().filter((b) => !b.hidden);
  return html`<${Dialog} title="Keyboard shortcuts" label="Keyboard shortcuts">
    <table class="keys">
      <tbody>
        ${rows.map(
          (b) => html`<tr>
            <td><kbd>${b.key.replace("Control+", "Ctrl+")}</kbd></td>
            <td>${b.label}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">
      Select text with the mouse (or focus the text and use Shift+arrows), then press a span
      label's key. Click a dashed suggestion to accept it. Press ? or Esc to close.
    </p>
  <//>`;
}

export function SkipDialog({ ed }) {
  const input = useRef(null);
  useEffect(() => input.current && input.current.focus(), []);
  const onSubmit = (e) => {
    e.preventDefault();
    ed.session.skip(input.current.value.trim());
  };
  return html`<${Dialog} title="Skip this item">
    <form class="skip-form" onSubmit=${onSubmit}>
      <label>Reason (optional) <input ref=${input} name="reason" maxlength="2000" /></label>
      <div class="buttons">
        <button type="submit" class="primary">Skip (Enter)</button>
        <button type="button" onClick=${() => ed.closeOverlay()}>Cancel (Esc)</button>
      </div>
    </form>
  <//>`;
}

export function LoginDialog({ ed }) {
  const [error, setError] = useState(null);
  const user = useRef(null);
  useEffect(() => user.current && user.current.focus(), []);
  const onSubmit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    try {
      await ed.session.login(form.username.value, form.password.value);
    } catch (err) {
      setError(err.message || "Sign-in failed");
    }
  };
  return html`<${Dialog} title="Sign in again">
    <p>Your session has ended. Your work is kept and will be saved after you sign in.</p>
    <form class="login-form" onSubmit=${onSubmit}>
      <label>Username <input ref=${user} name="username" autocomplete="username" /></label>
      <label
        >Password <input name="password" type="password" autocomplete="current-password"
      /></label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary">Sign in and save</button>
    </form>
  <//>`;
}

/** The guidelines, rendered and sanitised by the server into a <template> of the page. */
export function GuidelinesPanel({ ed }) {
  const body = useRef(null);
  const source = document.getElementById("annota-guidelines");
  const empty = !source || !source.content.childNodes.length;
  useEffect(() => {
    if (!empty) body.current.replaceChildren(source.content.cloneNode(true));
  }, []);
  return html`<aside class="guidelines" aria-label="Guidelines">
    <h2>Guidelines <button type="button" onClick=${() => ed.toggleGuidelines()}>×</button></h2>
    ${empty ? html`<p class="muted">No guidelines yet.</p>` : html`<div class="md" ref=${body}></div>`}
  </aside>`;
}

export function Progress({ ed }) {
  const p = ed.session.progress;
  if (!p) return null;
  return html`<span class="progress" title="Your progress in this project">
    <b class="done-count">${p.submitted}</b> done · ${p.skipped} skipped · ${p.remaining} left
  </span>`;
}

function describe(ed, region) {
  const v = region.value || {};
  if (typeof v.start === "number") {
    const ctl = ed.controls.get(region.control);
    const map = ctl && ed.maps.get(ctl.field);
    const text = map ? map.slice(v.start, v.end) : "";
    return `${v.label}: “${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
  }
  if (v.choices) return v.choices.join(", ");
  if (v.paths) return v.paths.map((p) => p.join(" / ")).join(", ");
  if ("rating" in v) return `${v.rating} stars`;
  if ("number" in v) return String(v.number);
  if ("text" in v) return v.text;
  if ("from" in v) return `${v.from} → ${v.to}${v.label ? ` (${v.label})` : ""}`;
  return JSON.stringify(v);
}

export function Suggestions({ ed }) {
  const open = ed.suggestions.filter((s) => s.rejected.size < s.regions.length);
  if (!open.length) return null;
  return html`<section class="suggestions" aria-label="Suggestions">
    <h3>Suggestions</h3>
    ${ed.suggestions.map((s, si) =>
      s.rejected.size < s.regions.length
        ? html`<div class="suggestion">
            <div class="muted">
              ${s.model}${s.score != null ? ` · score ${s.score.toFixed(2)}` : ""}
            </div>
            <ul>
              ${s.regions.map((r, ri) =>
                s.rejected.has(ri)
                  ? null
                  : html`<li>
                      <span class="ctl">${r.control}</span> ${describe(ed, r)}
                      <button type="button" class="accept" onClick=${() => ed.acceptSuggestion(si, ri)}>
                        Accept
                      </button>
                      <button type="button" class="reject" onClick=${() => ed.rejectSuggestion(si, ri)}>
                        Reject
                      </button>
                    </li>`,
              )}
            </ul>
          </div>`
        : null,
    )}
    <div class="buttons">
      <button type="button" class="accept-all" onClick=${() => ed.acceptAll()}>
        Accept all (Alt+A)
      </button>
      <button type="button" class="reject-all" onClick=${() => ed.rejectAll()}>
        Reject all (Alt+X)
      </button>
    </div>
  </section>`;
}
