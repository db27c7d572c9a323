// Entry point of /projects/{id}/label: read what the page embeds, start the editor.

import { Api } from "./api.js";
import { App } from "./app.js";
import "./controls/index.js";
import { Editor } from "./editor.js";
import "./fields.js";
import { installKeys } from "./keys.js";
import { html, render } from "./lib.js";

/** Accept the short YAML forms too (labels as strings), though the server stores objects. */
function normalise(schema) {
  const asLabels = (list) => (list || []).map((l) => (typeof l === "string" ? { value: l } : l));
  for (const c of schema.controls) {
    if (c.labels) c.labels = asLabels(c.labels);
    if (c.options) c.options = asLabels(c.options);
  }
  return schema;
}

function boot() {
  const root = document.getElementById("annota-editor");
  if (!root) return;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const api = new Api(meta ? meta.getAttribute("content") : "");
  const ed = new Editor({
    api,
    projectId: Number(root.dataset.projectId),
    projectName: root.dataset.projectName || "",
    user: root.dataset.user || "",
    schema: normalise(JSON.parse(document.getElementById("annota-schema").textContent)),
  });
  installKeys(ed);
  render(html`<${App} ed=${ed} />`, root);
  window.annotaEditor = ed; // for tests and benchmarks: read-only inspection
  ed.session.start();
}

boot();
