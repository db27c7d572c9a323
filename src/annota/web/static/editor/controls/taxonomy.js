// Taxonomy picker: type to search every path, arrows to move, Enter to pick.

import { html, useMemo, useState } from "../lib.js";
import { registerControl } from "../registry.js";

function flatten(nodes, prefix = [], out = []) {
  for (const node of nodes) {
    const path = [...prefix, node.value];
    const children = node.children || [];
    out.push({ path, leaf: children.length === 0, text: path.join(" / ").toLowerCase() });
    flatten(children, path, out);
  }
  return out;
}

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

export function togglePath(ed, ctl, path) {
  const region = ed.store.answer(ctl.name);
  const current = region ? region.value.paths : [];
  const has = current.some((p) => same(p, path));
  let next;
  if (has) next = current.filter((p) => !same(p, path));
  else next = ctl.multiple ? [...current, path] : [path];
  ed.store.setAnswer(ctl.name, next.length ? { paths: next } : null);
}

function TaxonomyPanel({ ctl, ed }) {
  const all = useMemo(() => flatten(ctl.tree), [ctl]);
  const [query, setQuery] = useState("");
  const [cursor, setCursor] = useState(0);
  const region = ed.store.answer(ctl.name);
  const chosen = region ? region.value.paths : [];
  const q = query.trim().toLowerCase();
  const shown = all.filter((n) => (!ctl.leaf_only || n.leaf) && (!q || n.text.includes(q)));
  const at = Math.min(cursor, Math.max(0, shown.length - 1));
  const onKeyDown = (e) => {
    if (e.key === "ArrowDown") setCursor(Math.min(shown.length - 1, at + 1));
    else if (e.key === "ArrowUp") setCursor(Math.max(0, at - 1));
    else if (e.key === "Enter" && !e.ctrlKey && shown[at]) togglePath(ed, ctl, shown[at].path);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return html`<div class="taxonomy" data-control=${ctl.name}>
    <div class="chips">
      ${chosen.map(
        (p) => html`<button type="button" class="chip" onClick=${() => togglePath(ed, ctl, p)}>
          ${p.join(" / ")} ×
        </button>`,
      )}
    </div>
    <input
      type="search"
      class="tax-search"
      placeholder="Search…"
      value=${query}
      onInput=${(e) => {
        setQuery(e.currentTarget.value);
        setCursor(0);
      }}
      onKeyDown=${onKeyDown}
    />
    <ul class="tax-list" role="listbox">
      ${shown.slice(0, 200).map(
        (n, i) => html`<li
          role="option"
          class=${`tax-depth-${Math.min(n.path.length, 6)}${i === at ? " cursor" : ""}${
            chosen.some((p) => same(p, n.path)) ? " on" : ""
          }`}
          aria-selected=${i === at ? "true" : "false"}
          onClick=${() => togglePath(ed, ctl, n.path)}
        >
          ${q ? n.path.join(" / ") : n.path[n.path.length - 1]}
        </li>`,
      )}
    </ul>
  </div>`;
}

registerControl("taxonomy", { panel: TaxonomyPanel, focusable: true });
