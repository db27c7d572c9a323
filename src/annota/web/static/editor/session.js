// The item loop: lease ahead, restore drafts, autosave, submit, skip, and sign in again.
//
// Moving on is instant because the next item is leased and loaded (with any draft of it)
// while the current one is being worked on. Nothing typed is lost: every change is copied
// to localStorage at once and to the server as a draft every few seconds and when the page
// is hidden; saves go through the outbox (api.js), which survives an expired session.

import { ApiError } from "./api.js";

const AUTOSAVE_MS = 3000;
const DOUBLE_PRESS_MS = 300;

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Session {
  constructor(ed) {
    this.ed = ed;
    this.api = ed.api;
    this.outbox = ed.outbox;
    this.status = "loading";
    this.submitting = false;
    this.savedVersion = 0;
    this.ahead = null; // promise of the prefetched {item, regions, dirty, key}
    this.progress = null;
    this.visitKey = null;
  }

  get base() {
    return `/projects/${this.ed.projectId}`;
  }

  localKey(itemId) {
    return `annota:local:${this.ed.projectId}:${this.ed.user}:${itemId}`;
  }

  async start() {
    this._install();
    this._loadProgress();
    if (this.outbox.size) {
      try {
        await this._flushAll();
      } catch (err) {
        this._handle(err);
        if (this.ed.overlay === "login") return;
      }
    }
    await this._loadCurrent();
  }

  _install() {
    setInterval(() => this.autosave(), AUTOSAVE_MS);
    let timer = null;
    this.ed.store.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => this._backup(), 250);
    });
    const leave = () => {
      this._backup();
      this.autosave({ leaving: true }); // keepalive: the request outlives the page
    };
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") leave();
    });
    window.addEventListener("pagehide", leave);
  }

  async _loadProgress() {
    try {
      this.progress = await this.api.get(`${this.base}/progress`);
      this.ed.changed();
    } catch {
      // progress is a nicety: the editor works without it
    }
  }

  _backup() {
    const { item, store } = this.ed;
    if (!item || this.status !== "ready" || store.version === this.savedVersion) return;
    const data = { regions: store.regions, at: Date.now() };
    localStorage.setItem(this.localKey(item.id), JSON.stringify(data));
  }

  /** Lease the current item and one ahead; show the current one, prefetch the other. */
  async _loadCurrent() {
    this.status = "loading";
    this.ed.changed();
    let items;
    try {
      items = await this.api.post(`${this.base}/lease`, { size: 2 });
    } catch (err) {
      this._handle(err);
      return;
    }
    if (!items.length) {
      this.status = "done";
      this.ed.show(null, []);
      this.ed.changed();
      return;
    }
    this._show(await this._prepare(items[0]));
    this.ahead = items[1] ? this._prepare(items[1]) : null;
  }

  /** Show the prefetched item at once, then lease the one after it in the background. */
  async _advance(doneId) {
    const ahead = this.ahead;
    this.ahead = null;
    const entry = ahead ? await ahead.catch(() => null) : null;
    if (!entry || entry.item.id === doneId) return this._loadCurrent();
    this._show(entry);
    try {
      const items = await this.api.post(`${this.base}/lease`, { size: 2 });
      const next = items.find((i) => i.id !== entry.item.id && i.id !== doneId);
      if (this.ed.item === entry.item) this.ahead = next ? this._prepare(next) : null;
    } catch (err) {
      this._handle(err);
    }
  }

  /** Load what an item starts from: the local copy, else the server draft, else nothing. */
  async _prepare(item) {
    let regions = [];
    let dirty = false;
    const local = localStorage.getItem(this.localKey(item.id));
    if (local) {
      try {
        regions = JSON.parse(local).regions;
        dirty = true;
      } catch {
        localStorage.removeItem(this.localKey(item.id));
      }
    }
    if (!dirty) {
      try {
        const own = await this.api.get(`/items/${item.id}/annotations`);
        const draft = own.find((a) => a.status === "draft" && a.author_name === this.ed.user);
        if (draft) regions = draft.regions;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    }
    return { item, regions, dirty, key: `${item.id}-${randomKey()}` };
  }

  _show(entry) {
    this.ed.show(entry.item, entry.regions);
    this.visitKey = entry.key;
    this.savedVersion = entry.dirty ? -1 : this.ed.store.version;
    this.status = "ready";
    this.submitting = false;
    this.ed.say(null);
  }

  async _flushAll() {
    const all = { sent: [], refused: [] };
    while (this.outbox.size) {
      const { sent, refused } = await this.outbox.flush();
      all.sent.push(...sent);
      all.refused.push(...refused);
    }
    return all;
  }

  autosave({ leaving = false } = {}) {
    const { item, store } = this.ed;
    if (!item || this.status !== "ready" || this.submitting) return null;
    if (store.version === this.savedVersion) return null;
    const version = store.version;
    this.outbox.push({ kind: "draft", itemId: item.id, regions: store.regions, leaving });
    return this._flushAll().then(
      (result) => {
        if (this.ed.item !== item) return;
        const refused = result.refused.find((r) => r.op.itemId === item.id);
        if (refused) this.ed.say(`Draft not saved: ${refused.error.message}`, "error");
        else {
          this.savedVersion = version;
          this.lastSaved = new Date();
          localStorage.removeItem(this.localKey(item.id));
          this.ed.changed();
        }
      },
      (err) => this._handle(err),
    );
  }

  /** Submit the current item once (one idempotency key per visit) and move on. */
  async submit() {
    const ed = this.ed;
    if (this.submitting || this.status !== "ready" || !ed.item) return;
    // A double press lands its second half on the next item: untouched and just shown.
    const untouched = ed.store.past.length === 0;
    if (untouched && performance.now() - (this.lastSubmit || -1e9) < DOUBLE_PRESS_MS) return;
    this.lastSubmit = performance.now();
    const item = ed.item;
    this.submitting = true;
    ed.changed();
    const leadTime = Math.round((performance.now() - ed.shownAt) / 100) / 10;
    const op = { kind: "submit", itemId: item.id, regions: ed.store.regions, key: this.visitKey };
    op.leadTime = leadTime;
    this.outbox.push(op);
    await this._send(item, "submitted");
  }

  async skip(reason) {
    const ed = this.ed;
    if (this.submitting || !ed.item) return;
    this.submitting = true;
    ed.overlay = null;
    ed.changed();
    this.outbox.push({ kind: "skip", itemId: ed.item.id, reason: reason || null });
    await this._send(ed.item, "skipped");
  }

  async _send(item, outcome) {
    let result;
    try {
      result = await this._flushAll();
    } catch (err) {
      this._handle(err);
      return;
    }
    const refused = result.refused.find((r) => r.op.itemId === item.id && r.op.kind !== "draft");
    if (refused && !(refused.error.status === 409 && outcome === "submitted")) {
      this.submitting = false;
      this.ed.say(`Not saved: ${refused.error.message}`, "error");
      return;
    }
    this._finished(item);
  }

  _finished(item) {
    localStorage.removeItem(this.localKey(item.id));
    const moved = this._advance(item.id);
    moved.then(() => this._loadProgress());
    return moved;
  }

  _handle(err) {
    const ed = this.ed;
    if (err instanceof ApiError && (err.status === 401 || err.location === "x-csrf-token")) {
      ed.overlay = "login";
      ed.say("Your session has ended. Sign in again: nothing you did is lost.", "warn");
      return;
    }
    this.submitting = false;
    if (err instanceof ApiError) ed.say(err.message, "error");
    else {
      ed.say("Cannot reach the server; your work is kept here and will be sent.", "warn");
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.resume(), 5000);
    }
  }

  async login(username, password) {
    await this.api.login(username, password);
    this.ed.overlay = null;
    this.ed.say(null);
    await this.resume();
  }

  /** Send what waited (after a new sign-in or a network failure), then carry on. */
  async resume() {
    const item = this.ed.item;
    const pending = item && this.outbox.ops.find((o) => o.itemId === item.id && o.kind !== "draft");
    if (!item) return this._loadCurrent();
    if (pending) return this._send(item, pending.kind === "skip" ? "skipped" : "submitted");
    try {
      await this._flushAll();
    } catch (err) {
      this._handle(err);
    }
  }
}
