// HTTP to the REST API, and the outbox that makes saves survive a lost session.
//
// The browser signs in with the session cookie, so every state-changing request carries the
// session's CSRF token (X-CSRF-Token). Saves go through an outbox kept in localStorage:
// a save that meets an expired session (401), a network failure or a closed tab stays
// there and is sent again after the next sign-in, with the same idempotency key, so a
// submit that did reach the server is never stored twice.

const KEEPALIVE_MAX = 60_000;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.location = body && body.location;
  }
}

export class Api {
  constructor(csrf) {
    this.csrf = csrf;
  }

  async call(method, path, { body, headers = {}, keepalive = false } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers }, keepalive };
    init.credentials = "same-origin";
    if (method !== "GET") init.headers["X-CSRF-Token"] = this.csrf;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
      // browsers refuse keepalive bodies over 64 KiB; a big draft waits in the outbox instead
      if (init.body.length > KEEPALIVE_MAX) init.keepalive = false;
    }
    const response = await fetch(`/api/v1${path}`, init);
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text.slice(0, 200) };
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  get(path) {
    return this.call("GET", path);
  }

  post(path, body, headers, { keepalive = false } = {}) {
    return this.call("POST", path, { body, headers, keepalive });
  }

  /** Sign in again without leaving the page; the new session has a new CSRF token. */
  async login(username, password) {
    const me = await this.call("POST", "/auth/login", { body: { username, password } });
    this.csrf = me.csrf_token;
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) meta.setAttribute("content", me.csrf_token);
    return me;
  }
}

/** Saves waiting to reach the server, persisted per project and user. */
export class Outbox {
  constructor(api, projectId, user) {
    this.api = api;
    this.key = `annota:outbox:${projectId}:${user}`;
    this.ops = this._load();
    this.running = null;
  }

  _load() {
    try {
      const ops = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(ops) ? ops : [];
    } catch {
      return [];
    }
  }

  _store() {
    if (this.ops.length) localStorage.setItem(this.key, JSON.stringify(this.ops));
    else localStorage.removeItem(this.key);
  }

  get size() {
    return this.ops.length;
  }

  /** Queue an operation; a newer draft of an item replaces the older one. */
  push(op) {
    if (op.kind === "draft") {
      this.ops = this.ops.filter((o) => !(o.kind === "draft" && o.itemId === op.itemId));
    } else {
      this.ops = this.ops.filter((o) => o.itemId !== op.itemId || o.kind !== "draft");
    }
    this.ops.push(op);
    this._store();
  }

  hasSubmit(itemId) {
    return this.ops.some((o) => o.itemId === itemId && o.kind !== "draft");
  }

  /**
   * Send everything queued, oldest first, one at a time. Resolves with {sent: [results]}
   * or rejects with the first error that should stop the queue (401, network); requests
   * the server refuses for good (422, 409) are dropped and reported in `refused`.
   */
  flush() {
    if (!this.running) {
      this.running = this._flush().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  async _flush() {
    const sent = [];
    const refused = [];
    while (this.ops.length) {
      const op = this.ops[0];
      try {
        sent.push({ op, result: await this._send(op) });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 401 || err.status >= 500) throw err;
        if (err.status === 403 && err.location === "x-csrf-token") throw err;
        refused.push({ op, error: err });
      }
      this.ops.shift();
      this._store();
    }
    return { sent, refused };
  }

  _send(op) {
    const path = `/items/${op.itemId}`;
    if (op.kind === "skip") return this.api.post(`${path}/skip`, { reason: op.reason || null });
    const body = { regions: op.regions, status: op.kind === "draft" ? "draft" : "submitted" };
    if (op.leadTime != null) body.lead_time = op.leadTime;
    const headers = op.key ? { "Idempotency-Key": op.key } : {};
    return this.api.post(`${path}/annotations`, body, headers, { keepalive: Boolean(op.leaving) });
  }
}
