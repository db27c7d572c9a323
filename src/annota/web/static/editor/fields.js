// How each kind of data field is shown. Every value is rendered as text or as an attribute
// set through Preact, never as HTML, so item data cannot inject markup.

import { html } from "./lib.js";
import { registerField } from "./registry.js";
import { TextView } from "./text/textview.js";

/** A URL safe to put in src/href: same-origin paths and http(s) only. */
export function safeUrl(value) {
  if (typeof value !== "string") return null;
  if (value.startsWith("/") && !value.startsWith("//")) return value;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function TextField({ field, value, ed }) {
  if (typeof value !== "string") return html`<p class="muted">(no text)</p>`;
  const view = ed.textViewProps(field.name);
  if (!view) return html`<div class="plain-text">${value}</div>`;
  return html`<${TextView} field=${field.name} text=${value} ...${view} />`;
}

function cellText(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function TableField({ field, value, ed }) {
  const flags = ed.cellFlagControl(field.name);
  const flagged = flags ? ed.flaggedCells(flags) : [];
  const cell = (key, v) => {
    const on = flagged.includes(key);
    return html`<td
      class=${`${flags && flags.options.some((o) => o.value === key) ? "flaggable" : ""}${
        on ? " flagged" : ""
      }`}
      data-key=${key}
      title=${flags ? "Click to flag this cell" : ""}
      onClick=${() => flags && ed.toggleCellFlag(flags, key)}
    >
      ${cellText(v)}
    </td>`;
  };
  if (Array.isArray(value)) {
    const cols = [...new Set(value.flatMap((row) => Object.keys(row || {})))];
    return html`<table class="data-table">
      <thead>
        <tr>
          ${cols.map((c) => html`<th>${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${value.map(
          (row) => html`<tr>
            ${cols.map((c) => html`<td>${cellText(row && row[c])}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
  if (value && typeof value === "object") {
    return html`<table class="data-table kv">
      <tbody>
        ${Object.entries(value).map(
          ([k, v]) => html`<tr>
            <th>${k}</th>
            ${cell(k, v)}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
  return html`<p class="muted">(no table)</p>`;
}

function ImageField({ value }) {
  const src = safeUrl(value);
  if (!src) return html`<p class="muted">${cellText(value)}</p>`;
  return html`<a href=${src} target="_blank" rel="noopener noreferrer" class="thumb-link">
    <img class="thumb" src=${src} alt="" loading="lazy" />
  </a>`;
}

function MediaField({ field, value }) {
  const src = safeUrl(value);
  if (!src) return html`<p class="muted">${cellText(value)}</p>`;
  return field.type === "video"
    ? html`<video class="media" controls preload="metadata" src=${src}></video>`
    : html`<audio class="media" controls preload="metadata" src=${src}></audio>`;
}

function UrlField({ value }) {
  const src = safeUrl(value);
  return src
    ? html`<a href=${src} target="_blank" rel="noopener noreferrer nofollow">${value}</a>`
    : html`<span>${cellText(value)}</span>`;
}

registerField("text", TextField);
registerField("table", TableField);
registerField("image", ImageField);
registerField("audio", MediaField);
registerField("video", MediaField);
registerField("url", UrlField);

/** Item data keys the schema does not declare, and the item's metadata. */
export function MetaView({ item, schema }) {
  const declared = new Set(schema.fields.map((f) => f.name));
  const extra = Object.entries(item.data).filter(([k]) => !declared.has(k));
  const rows = [...extra, ...Object.entries(item.meta || {})];
  if (!rows.length) return null;
  return html`<details class="meta">
    <summary>Metadata (${rows.length})</summary>
    <table class="data-table kv">
      <tbody>
        ${rows.map(
          ([k, v]) => html`<tr>
            <th>${k}</th>
            <td>${cellText(v)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}
