// The editor's controller: which item is shown, what is selected, and every action a key,
// a click or the timer can trigger. Views read it; only its methods change it.

import { Outbox } from "./api.js";
import { controlDef } from "./registry.js";
import { editorBindings } from "./keys.js";
import { Store } from "./store.js";
import { OffsetMap, snapRange } from "./text/offsets.js";
import { selectionInText } from "./text/textview.js";
import { labelClasses } from "./colors.js";
import { Session } from "./session.js";

export class Editor {
  constructor({ api, projectId, projectName, user, schema }) {
    this.api = api;
    this.projectId = projectId;
    this.projectName = projectName;
    this.user = user;
    this.schema = schema;
    this.controls = new Map(schema.controls.map((c) => [c.name, c]));
    this.store = new Store();
    this.outbox = new Outbox(api, projectId, user);
    this.listeners = new Set();
    this.overlay = null;
    this.showGuidelines = false;
    this.message = null;
    this.relationFrom = null;
    this.snap = localStorage.getItem("annota:snap") === "1";
    this.item = null;
    this.maps = new Map();
    this.suggestions = [];
    this.classes = labelClasses(schema);
    this._allocateKeys();
    this.session = new Session(this);
    this.store.subscribe(() => this.changed());
  }

  // -- rendering ----------------------------------------------------------------------

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed() {
    for (const fn of this.listeners) fn();
  }

  say(text, kind = "info") {
    this.message = text ? { text, kind } : null;
    this.changed();
  }

  // -- the item -----------------------------------------------------------------------

  /** Show an item with the regions to start from (a draft, or none). */
  show(item, regions) {
    this.item = item;
    this.maps = new Map();
    for (const f of this.schema.fields) {
      const v = item && item.data[f.name];
      if (f.type === "text" && typeof v === "string") this.maps.set(f.name, new OffsetMap(v));
    }
    this.suggestions = ((item && item.predictions) || []).map((p) => ({
      id: p.id,
      model: `${p.model_name}${p.model_version ? ` ${p.model_version}` : ""}`,
      score: p.score,
      regions: p.regions,
      rejected: new Set(),
    }));
    this.relationFrom = null;
    this._view = null;
    this.store.reset(regions || []);
    this.shownAt = performance.now();
    window.getSelection()?.removeAllRanges();
  }

  // -- hotkeys ------------------------------------------------------------------------

  _allocateKeys() {
    this.choiceKeys = new Map();
    this.spanKeys = new Map();
    const taken = new Set();
    for (const c of this.schema.controls) {
      for (const l of c.options || c.labels || []) if (l.hotkey) taken.add(l.hotkey);
    }
    const digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].filter((d) => !taken.has(d));
    for (const c of this.schema.controls) {
      if (c.type !== "choices") continue;
      for (const o of c.options) {
        const key = o.hotkey || digits.shift();
        if (key) this.choiceKeys.set(`${c.name}\0${o.value}`, key);
      }
    }
    for (const c of this.schema.controls) {
      if (c.type !== "spans") continue;
      c.labels.forEach((l, i) => {
        const key = l.hotkey || (i < 9 ? String(i + 1) : null);
        if (key) this.spanKeys.set(`${c.name}\0${l.value}`, key);
      });
    }
  }

  hotkeyOf(control, value) {
    return this.choiceKeys.get(`${control}\0${value}`);
  }

  spanKey(control, value) {
    return this.spanKeys.get(`${control}\0${value}`);
  }

  labelClass(control, value) {
    return this.classes.get(`${control}\0${value}`) || "";
  }

  /** Every binding in priority order: editor keys, span labels on a selection, controls. */
  bindings() {
    const out = editorBindings(this);
    const textSelected = () => selectionInText() !== null || this._selectedSpan() !== null;
    for (const c of this.schema.controls) {
      if (c.type !== "spans") continue;
      for (const l of c.labels) {
        const key = this.spanKey(c.name, l.value);
        if (key) {
          out.push({
            key,
            label: `${c.name}: label the selected text “${l.value}”`,
            run: () => this.labelSelection(c, l.value),
            // default digits mean a label only over a live selection; choices keep them else
            when: l.hotkey ? textSelected : () => selectionInText() !== null,
          });
        }
      }
    }
    for (const c of this.schema.controls) {
      const def = controlDef(c.type);
      if (def && def.keys) out.push(...def.keys(c, this));
    }
    return out;
  }

  focusControl(index) {
    const focusable = this.schema.controls.filter((c) => controlDef(c.type)?.focusable);
    const ctl = focusable[index];
    if (!ctl) return;
    const el = document.querySelector(
      `[data-control="${CSS.escape(ctl.name)}"] input, [data-control="${CSS.escape(ctl.name)}"]`,
    );
    const target = el && el.matches("input, textarea, .rating") ? el : el?.querySelector("input");
    target?.focus();
  }

  focusText() {
    document.querySelector(".annota-text")?.focus();
  }

  // -- text spans ---------------------------------------------------------------------

  spanTextOf(region) {
    const ctl = this.controls.get(region.control);
    const map = ctl && this.maps.get(ctl.field);
    return map ? map.slice(region.value.start, region.value.end) : "";
  }

  _selectedSpan() {
    const r = this.store.byId(this.store.selected);
    return r && this.controls.get(r.control)?.type === "spans" ? r : null;
  }

  /** Label the text selection (or relabel the selected span) with `label` of `ctl`. */
  labelSelection(ctl, label) {
    const sel = selectionInText();
    if (!sel || sel.field !== ctl.field) {
      const span = this._selectedSpan();
      if (span && span.control === ctl.name) {
        this.store.update(span.id, { value: { ...span.value, label } });
      } else this.say("Select some text first, then press the label's key.", "warn");
      return;
    }
    const map = this.maps.get(ctl.field);
    const range = snapRange(map, map.toCp(sel.start), map.toCp(sel.end), { tokens: this.snap });
    window.getSelection().removeAllRanges();
    if (!range) return;
    const [start, end] = range;
    const mine = this.store.byControl(ctl.name);
    if (mine.some((r) => r.value.start === start && r.value.end === end && r.value.label === label)) {
      return;
    }
    if (ctl.allow_overlap === false && mine.some((r) => r.value.start < end && start < r.value.end)) {
      this.say(`“${ctl.name}” does not allow overlapping spans.`, "warn");
      return;
    }
    const id = this.store.newId("s");
    const text = map.slice(start, end);
    this.store.add({ id, control: ctl.name, value: { start, end, label, text } });
    this.say(null);
  }

  /** Props for the text view of field `name`, rebuilt only when regions or suggestions change. */
  textViewProps(name) {
    const spanCtls = this.schema.controls.filter((c) => c.type === "spans" && c.field === name);
    if (!spanCtls.length) return null;
    const key = [this.store.regions, this.suggestionsVersion || 0, this.relationFrom];
    if (!this._view || this._view.key.some((k, i) => k !== key[i])) this._view = { key, fields: {} };
    const cached = this._view.fields[name];
    const selected = this.store.selected;
    if (cached) return { ...cached, selected, onPick: (k) => this.pick(k) };
    const map = this.maps.get(name);
    const names = new Set(spanCtls.map((c) => c.name));
    const spans = [];
    for (const r of this.store.regions) {
      if (!names.has(r.control) || !r.id) continue;
      spans.push({
        key: r.id,
        start: map.toU16(r.value.start),
        end: map.toU16(r.value.end),
        cls: this.labelClass(r.control, r.value.label),
      });
    }
    this.suggestions.forEach((s, si) =>
      s.regions.forEach((r, ri) => {
        if (!names.has(r.control) || s.rejected.has(ri)) return;
        spans.push({
          key: `~${si}:${ri}`,
          start: map.toU16(r.value.start),
          end: map.toU16(r.value.end),
          cls: this.labelClass(r.control, r.value.label),
          suggested: true,
        });
      }),
    );
    const ids = new Set(spans.map((s) => s.key));
    const relations = [];
    for (const r of this.store.regions) {
      const ctl = this.controls.get(r.control);
      if (ctl?.type !== "relations" || !ids.has(r.value.from) || !ids.has(r.value.to)) continue;
      relations.push({ key: r.id, from: r.value.from, to: r.value.to, label: r.value.label, directed: ctl.directed });
    }
    this._view.fields[name] = { spans, relations };
    return { spans, relations, selected, onPick: (k) => this.pick(k) };
  }

  /** A click on the text: select a span, finish a link, or accept a suggestion. */
  pick(key) {
    if (key && key.startsWith("~")) {
      const [si, ri] = key.slice(1).split(":").map(Number);
      this.acceptSuggestion(si, ri);
      return;
    }
    if (this.relationFrom && key && key !== this.relationFrom.from) {
      this.store.select(key);
      this.finishRelation();
      return;
    }
    this.store.select(key);
  }

  // -- relations ----------------------------------------------------------------------

  startRelation(ctl = this.schema.controls.find((c) => c.type === "relations")) {
    const from = this.store.selected;
    if (!ctl || !from || !this.store.byId(from)) {
      this.say(ctl ? "Select a span first (click it or Alt+↓)." : "This project has no relations.", "warn");
      return;
    }
    this.relationFrom = { ctl, from };
    this.say("Linking: pick the target span (click, or Alt+↓/↑ then Enter).");
  }

  finishRelation() {
    const pending = this.relationFrom;
    const to = this.store.selected;
    if (!pending || !to || to === pending.from) return;
    this.relationFrom = null;
    const { ctl, from } = pending;
    const value = { from, to };
    if (ctl.labels && ctl.labels.length) value.label = ctl.labels[0].value;
    const id = this.store.newId("rel");
    this.store.add({ id, control: ctl.name, value });
    this.say(null);
  }

  cancelRelation() {
    this.relationFrom = null;
    this.say(null);
  }

  // -- selection and deletion ---------------------------------------------------------

  cycle(step) {
    const spans = this.store.regions
      .filter((r) => r.id && this.controls.get(r.control)?.type === "spans")
      .sort((a, b) => a.value.start - b.value.start || a.value.end - b.value.end);
    if (!spans.length) return;
    const at = spans.findIndex((r) => r.id === this.store.selected);
    const next = at < 0 ? (step > 0 ? 0 : spans.length - 1) : (at + step + spans.length) % spans.length;
    this.store.select(spans[next].id);
  }

  deleteSelected() {
    if (this.store.selected) this.store.remove(this.store.selected);
  }

  escape() {
    if (this.relationFrom) return this.cancelRelation();
    window.getSelection()?.removeAllRanges();
    this.store.select(null);
  }

  // -- suggestions (pre-labels) --------------------------------------------------------

  acceptSuggestion(si, ri) {
    const s = this.suggestions[si];
    if (!s) return;
    this._accept(s, [ri]);
  }

  acceptAll() {
    const s = this.suggestions.find((x) => x.rejected.size < x.regions.length);
    if (!s) return;
    this._accept(s, s.regions.map((_, i) => i).filter((i) => !s.rejected.has(i)));
  }

  rejectAll() {
    for (const s of this.suggestions) s.regions.forEach((_, i) => s.rejected.add(i));
    this._touchSuggestions();
  }

  rejectSuggestion(si, ri) {
    this.suggestions[si]?.rejected.add(ri);
    this._touchSuggestions();
  }

  /** Copy suggested regions into the annotation; ids are renewed, links follow them. */
  _accept(s, indexes) {
    const rename = new Map();
    let next = [...this.store.regions];
    const used = new Set(next.map((r) => r.id));
    const fresh = (prefix) => {
      let n = next.length + 1;
      while (used.has(`${prefix}${n}`)) n++;
      used.add(`${prefix}${n}`);
      return `${prefix}${n}`;
    };
    for (const i of indexes) if (s.regions[i].id) rename.set(s.regions[i].id, fresh("s"));
    for (const i of indexes) {
      const r = structuredClone(s.regions[i]);
      delete r.score;
      if (r.id) r.id = rename.get(r.id);
      if (r.value && "from" in r.value) {
        if (!rename.has(r.value.from) || !rename.has(r.value.to)) continue;
        r.value.from = rename.get(r.value.from);
        r.value.to = rename.get(r.value.to);
      }
      const ctl = this.controls.get(r.control);
      if (ctl && !controlDef(ctl.type)?.textSpans && ctl.type !== "relations") {
        next = next.filter((x) => x.control !== r.control); // one answer per question
      }
      next.push(r);
      s.rejected.add(i);
    }
    this._touchSuggestions();
    this.store.commit(next);
  }

  _touchSuggestions() {
    this.suggestionsVersion = (this.suggestionsVersion || 0) + 1;
    this.changed();
  }

  // -- table cell flags ---------------------------------------------------------------

  /** A multiple-choice control on a table field whose options name its cells, if any. */
  cellFlagControl(field) {
    return this.schema.controls.find(
      (c) => c.type === "choices" && c.multiple && c.field === field,
    );
  }

  flaggedCells(ctl) {
    const r = this.store.answer(ctl.name);
    return r ? r.value.choices : [];
  }

  toggleCellFlag(ctl, key) {
    if (!ctl.options.some((o) => o.value === key)) return;
    const cur = this.flaggedCells(ctl);
    const next = cur.includes(key) ? cur.filter((k) => k !== key) : [...cur, key];
    const ordered = ctl.options.map((o) => o.value).filter((v) => next.includes(v));
    this.store.setAnswer(ctl.name, ordered.length ? { choices: ordered } : null);
  }

  // -- overlays and toggles -----------------------------------------------------------

  toggleOverlay(name) {
    this.overlay = this.overlay === name ? null : name;
    this.changed();
  }

  closeOverlay() {
    if (this.overlay === "login") return; // signing in is the way out
    this.overlay = null;
    this.changed();
  }

  toggleGuidelines() {
    this.showGuidelines = !this.showGuidelines;
    this.changed();
  }

  toggleSnap() {
    this.snap = !this.snap;
    localStorage.setItem("annota:snap", this.snap ? "1" : "0");
    this.say(this.snap ? "New spans snap to whole words." : "New spans keep the exact selection.");
  }

  submit() {
    return this.session.submit();
  }
}
