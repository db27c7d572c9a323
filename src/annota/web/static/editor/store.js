// The annotation being edited: its regions, the selection, and undo/redo history.
//
// Regions are kept exactly in the shape the server stores ({control, value, id?,
// attributes?, note?}), so saving is sending the array and loading a draft is reading it.
// Every change replaces the array (never mutates it), which makes undo a stack of arrays
// and lets views skip work when the array they read is unchanged.

const LIMIT = 300;
const GROUP_MS = 1500;

export class Store {
  constructor() {
    this.listeners = new Set();
    this.reset([]);
  }

  reset(regions) {
    this.regions = regions;
    this.past = [];
    this.future = [];
    this.selected = null; // region id
    this.version = 0; // bumped on every change of regions (autosave compares it)
    this.notify();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify() {
    for (const fn of this.listeners) fn();
  }

  /**
   * Replace the regions with `next`, recording the old array for undo. Changes sharing a
   * `group` within a second and a half (the keystrokes of one typed answer) undo together.
   */
  commit(next, selected = this.selected, group = null) {
    if (next === this.regions) return;
    const now = Date.now();
    const last = this.past[this.past.length - 1];
    const joins = group && last && last.group === group && now - last.at < GROUP_MS;
    if (joins) last.at = now;
    else this.past.push({ regions: this.regions, selected: this.selected, group, at: now });
    if (this.past.length > LIMIT) this.past.shift();
    this.future = [];
    this.regions = next;
    this.selected = selected;
    this.version++;
    this.notify();
  }

  undo() {
    const prev = this.past.pop();
    if (!prev) return false;
    this.future.push({ regions: this.regions, selected: this.selected });
    this.regions = prev.regions;
    this.selected = prev.selected;
    this.version++;
    this.notify();
    return true;
  }

  redo() {
    const next = this.future.pop();
    if (!next) return false;
    this.past.push({ regions: this.regions, selected: this.selected });
    this.regions = next.regions;
    this.selected = next.selected;
    this.version++;
    this.notify();
    return true;
  }

  select(id) {
    if (this.selected === id) return;
    this.selected = id;
    this.notify();
  }

  // -- helpers for the controls -------------------------------------------------------

  /** The one region answering an item-level control, or undefined. */
  answer(control) {
    return this.regions.find((r) => r.control === control);
  }

  /** Set (value) or clear (null) an item-level control's answer; `typing` groups undo. */
  setAnswer(control, value, { typing = false } = {}) {
    const group = typing ? `type:${control}` : null;
    const rest = this.regions.filter((r) => r.control !== control);
    const old = this.answer(control);
    if (value === null) {
      if (old) this.commit(rest, this.selected, group);
      return;
    }
    const region = { ...(old || {}), control, value };
    const index = old ? this.regions.indexOf(old) : this.regions.length;
    const next = [...this.regions];
    if (old) next[index] = region;
    else next.push(region);
    this.commit(next, this.selected, group);
  }

  byControl(control) {
    return this.regions.filter((r) => r.control === control);
  }

  byId(id) {
    return this.regions.find((r) => r.id === id);
  }

  /** A region id unused in this annotation. */
  newId(prefix = "r") {
    const used = new Set(this.regions.map((r) => r.id));
    let n = this.regions.length + 1;
    while (used.has(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  }

  add(region) {
    this.commit([...this.regions, region], region.id ?? this.selected);
  }

  update(id, patch) {
    this.commit(this.regions.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  }

  /** Remove a region and every relation pointing at it. */
  remove(id) {
    const next = this.regions.filter(
      (r) => r.id !== id && !(r.value && (r.value.from === id || r.value.to === id)),
    );
    this.commit(next, this.selected === id ? null : this.selected);
  }
}
