/**
 * The cross-tab token manager: many tabs (or workers, or Node worker threads) that share a
 * session send exactly one refresh request per token generation, and all of them end up with
 * the new access token.
 *
 * Every protocol decision is made by the Rust state machine (`src/core/refresh`, proven by a
 * deterministic simulation); this file only feeds it events — a caller, a timer, a message, a
 * lock grant, the result of your `refresh()`, a lifecycle change — with the current storage
 * value and the time, and executes the effects it returns, in order, synchronously. Your code
 * (`refresh()`, `onChange`, `onLogout`, promise reactions) always runs in a later microtask,
 * never inside the machine, so nothing can deadlock by re-entering it; whatever it throws,
 * returns or never returns is contained (see {@link TokenManagerOptions.refresh}).
 *
 * ```ts
 * const tokens = createTokenManager({ channel: "my-app", refresh: (rt) => callRefreshEndpoint(rt) });
 * tokens.setTokens({ access, refresh });        // after login
 * const token = await tokens.getAccessToken();  // before each request
 * ```
 * @module
 */
import { RefreshTab } from "faultline-glue";
import { ERROR_CODES, type ErrorCode, FaultlineError, fromWasmError } from "./errors.js";
import type { LogoutReason, RefreshEffect, RefreshTabStats } from "./generated.js";
import { decodeJwt } from "./jwt.js";
import { type Channel, type ChannelKind, MAX_MESSAGE_CHARS, openChannel } from "./tokens/channel.js";
import { initialLifecycle, watchLifecycle } from "./tokens/lifecycle.js";
import { detectLocks, LockAdapter } from "./tokens/locks.js";
import { isStorage, pickStorage, type StorageAdapter, type StorageKind, type TokenStorage } from "./tokens/storage.js";
import { WakeTimer } from "./tokens/timers.js";
import { assertReady } from "./wasm.js";
import { toWire } from "./wire.js";

export type { StorageKind, TokenStorage } from "./tokens/storage.js";
export type { ChannelKind } from "./tokens/channel.js";
export type { LogoutReason } from "./generated.js";

/** Tokens from a login or a refresh. */
export interface TokenPair {
  /** The access token (a JWT: its `exp`/`iat` give the expiry; otherwise see `expiresIn`). */
  access: string;
  /**
   * The refresh token. From `refresh()` it may be omitted when the server does not rotate
   * (SimpleJWT without `ROTATE_REFRESH_TOKENS` answers `{access}` only): the old one is kept.
   */
  refresh?: string | null;
  /**
   * Lifetime of an opaque (non-JWT) access token in seconds, as in an OAuth 2 token
   * response. Ignored when the access token is a JWT with `exp`. Without either, the token
   * is treated as living `opaqueLifetimeMs`.
   */
  expires_in?: number;
  /** The same as `expires_in` (camelCase APIs); `expires_in` wins when both are given. */
  expiresIn?: number;
}

/** What your `refresh()` receives besides the refresh token. */
export interface RefreshContext {
  /** Aborted when the manager stops waiting (`networkTimeoutMs`): pass it to `fetch`. */
  signal: AbortSignal;
}

/** Options of {@link createTokenManager}. Every duration is in milliseconds. */
export interface TokenManagerOptions {
  /**
   * Name shared by every tab of the app: the `BroadcastChannel` name, and the key of the
   * storage record and Web Lock (`faultline.refresh.<channel>`). 1–128 characters.
   */
  channel: string;
  /**
   * Calls your refresh endpoint. Resolve with the new tokens. Reject with an error whose
   * `status` (or `response.status`, or `classification.status`) is 400 or 401, or whose
   * `code` is `"refresh_logged_out"`, when the server refused the refresh token: every tab is
   * logged out. Any other rejection is transient: all tabs wait for a shared cooldown
   * (`retryAfterMs` on the error, e.g. from `Retry-After`, is honoured). A call that throws
   * is a transient failure; one that never settles is abandoned after `networkTimeoutMs`.
   *
   * A result that cannot be read (not an object, a getter that throws, an empty token) came
   * from a server that answered, and may have rotated the refresh token: that token is then
   * never sent again (a second use would be a reuse, which rotating servers punish by
   * revoking the session). The current access token serves while it lasts; the session then
   * ends with `onLogout("lost")`. Once a refresh has answered without a new refresh token
   * (the server does not rotate), an unreadable result is a transient failure instead.
   */
  refresh: (refreshToken: string, context: RefreshContext) => Promise<TokenPair>;
  /**
   * Where the shared record lives. Default: `localStorage` in pages, else an in-memory
   * store shared by the managers of this realm. Pass `"memory"` to force that, or any
   * synchronous `{getItem, setItem, removeItem}`.
   */
  storage?: TokenStorage | "local" | "memory";
  /**
   * Called once per session per tab when it ends (logout anywhere, refresh token refused).
   * What it throws is contained; it cannot end the process or the manager.
   */
  onLogout?: (reason: LogoutReason) => void;
  /** Refresh this long before expiry (capped at a quarter of the token lifetime). Default 300 000. */
  refreshAheadMs?: number;
  /** Use `navigator.locks` when present. Default true; false forces the lease fallback. */
  webLocks?: boolean;
  /** Per-tab spread of the proactive refresh (capped at a twelfth of the lifetime). Default 10 000. */
  jitterMs?: number;
  /**
   * A token is handed out only if valid at least this much longer; capped at a fifth of the
   * token's lifetime, so tokens of any lifetime (1 s up) work. Default 5 000.
   */
  expiryMarginMs?: number;
  /** Your `refresh()` is abandoned (and its signal aborted) after this. Default 10 000. */
  networkTimeoutMs?: number;
  /** Lease length without Web Locks. Default 15 000 (at least network timeout + heartbeat + 1 s). */
  leaseMs?: number;
  /** Lease heartbeat without Web Locks. Default 3 000. */
  heartbeatMs?: number;
  /** Lease claim settle window. Default 100. */
  settleMs?: number;
  /** Lease confirm re-read delay. Default 50. */
  confirmMs?: number;
  /** Longest a `getAccessToken()` waits before `refresh_timeout`. Default 20 000. */
  getTokenTimeoutMs?: number;
  /** First shared cooldown after a transient failure (doubles each time). Default 5 000. */
  cooldownBaseMs?: number;
  /** Largest cooldown. Default 60 000. */
  cooldownMaxMs?: number;
  /** Largest server retry hint honoured. Default 300 000. */
  maxRetryAfterMs?: number;
  /**
   * A token fresh from a refresh that the API rejects within this long (`invalidate`) ends
   * the session (`onLogout("rejected")`) instead of refreshing again. Default 10 000.
   */
  minRefreshIntervalMs?: number;
  /** Loop guard: most refreshes (all tabs together) per `refreshWindowMs`. Default 30. */
  maxRefreshesPerWindow?: number;
  /** Loop guard window. Default 10 000. */
  refreshWindowMs?: number;
  /** Lifetime assumed for an access token whose expiry is unknown. Default 300 000. */
  opaqueLifetimeMs?: number;
  /** Re-check period while something is pending. Default 5 000. */
  pollMs?: number;
  /** Most distinct pending requests to the machine per tab. Default 256. */
  maxWaiters?: number;
  /** Immediate retries of a generation whose refreshing tab was lost (later ones wait for the cooldown). Default 1. */
  maxTakeovers?: number;
}

/** Options of {@link TokenManager.getAccessToken}. */
export interface GetTokenOptions {
  /** Stop waiting: the promise rejects with `signal.reason` (an `AbortError`). */
  signal?: AbortSignal;
}

/** What {@link TokenManager.onChange} subscribers receive. */
export type TokenEvent =
  | { type: "token"; accessToken: string; generation: number; expiresAtMs: number | null }
  | { type: "logout"; reason: LogoutReason };

/** Counters and adapter choices, for diagnostics and tests. */
export interface TokenManagerStats extends RefreshTabStats {
  /** Channel messages longer than any of ours, dropped before they were copied. */
  oversizedMessages: number;
  /** Path A (Web Locks) or the lease fallback. */
  webLocks: boolean;
  /** Where the record lives. */
  storage: StorageKind;
  /** How messages travel. */
  channel: ChannelKind;
}

/** The object {@link createTokenManager} returns. */
export interface TokenManager {
  /**
   * An access token valid for at least `expiryMarginMs`. While the current token is valid
   * this answers from memory (no wasm call). Otherwise concurrent callers of this tab share
   * one request to the protocol, and all tabs together send at most one refresh.
   * @throws {FaultlineError} (as a rejection) `refresh_logged_out`, `refresh_failed`
   *   (`retryAtMs` on the error), `refresh_cooldown` (`retryAtMs`), `refresh_timeout`,
   *   `refresh_busy`, `refresh_storage_unavailable`; an `AbortError` when `signal` fires or
   *   the manager is disposed. Never an expired token.
   */
  getAccessToken(options?: GetTokenOptions): Promise<string>;
  /**
   * Stores a new session (after a login, or restored from elsewhere) for every tab: a new
   * generation everywhere. An access token already expired by its own `exp` is never handed
   * out: the refresh token is used at once (one refresh across tabs).
   * @throws {FaultlineError} `invalid_argument`, `refresh_invalid_token`.
   */
  setTokens(pair: { access: string; refresh: string; expires_in?: number; expiresIn?: number }): void;
  /** Subscribes to new tokens and logouts (called in a microtask); returns the unsubscribe. */
  onChange(callback: (event: TokenEvent) => void): () => void;
  /** Ends the session in every tab (`onLogout("user")` everywhere). */
  logout(): Promise<void>;
  /**
   * Tells the manager the API refused `token` (a 401): a refresh starts at once, however
   * young the session, and `getAccessToken()` will not return that token again. If the
   * token came from a refresh less than `minRefreshIntervalMs` ago, refreshing again would
   * loop: the session ends (`onLogout("rejected")`, callers get `refresh_logged_out`).
   * Unknown or older tokens are ignored.
   */
  invalidate(token: string): void;
  /**
   * Stops the manager at once: pending callers reject with an `AbortError`, listeners are
   * removed, a refresh in flight is aborted and its result, if it still arrives, is not
   * written. The in-memory store forgets the session when its last manager is disposed.
   * (Other tabs sharing `localStorage` keep the session; a refresh this tab had in flight is
   * taken over by them as one whose holder was lost.)
   */
  dispose(): void;
  /** Counters and adapter choices. */
  stats(): TokenManagerStats;
}

/** The record as read (`undefined`: the read failed) and the time, to one export of the machine. */
type Call = (tab: RefreshTab, read: string | null | undefined, now: number) => RefreshEffect[];

/** Numeric options passed to the machine (durations in ms, and three counts). */
const NUMBER_OPTIONS = [
  "refreshAheadMs", "jitterMs", "expiryMarginMs", "networkTimeoutMs", "leaseMs", "heartbeatMs", "settleMs",
  "confirmMs", "getTokenTimeoutMs", "cooldownBaseMs", "cooldownMaxMs", "maxRetryAfterMs", "minRefreshIntervalMs",
  "pollMs", "refreshWindowMs", "opaqueLifetimeMs",
] as const;
const COUNT_OPTIONS = ["maxWaiters", "maxTakeovers", "maxRefreshesPerWindow"] as const;

/** Immediate re-reads of a store whose read failed, before the machine is told (it then backs off). */
const READ_ATTEMPTS = 3;
const MAX_TOKEN_CHARS = 16 * 1024;

interface Entry {
  request: number;
  key: number;
  promise: Promise<string>;
  resolve: (token: string) => void;
  reject: (error: unknown) => void;
  /** Callers with an AbortSignal still interested; a caller without one pins the entry. */
  listeners: number;
  pinned: boolean;
}

function random53(): number {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.getRandomValues === "function") {
    const a = new Uint32Array(2);
    c.getRandomValues(a);
    return (a[0]! & 0x1fffff) * 2 ** 32 + a[1]!;
  }
  return Math.floor(Math.random() * 2 ** 53);
}

function abortError(message: string): Error {
  return typeof DOMException === "function" ? new DOMException(message, "AbortError") : Object.assign(new Error(message), { name: "AbortError" });
}

function invalid(message: string): FaultlineError {
  return new FaultlineError("invalid_argument", message);
}

function checkTokenString(v: unknown, name: string): asserts v is string {
  if (typeof v !== "string") throw invalid(`${name} must be a string, got ${v === null ? "null" : typeof v}`);
}

/**
 * Runs a user callback in a later microtask. Whatever it does (throws, returns a rejected
 * promise) stays there: a user's bug must not end the process or strand the manager.
 */
function contained(fn: () => unknown): void {
  queueMicrotask(() => {
    try {
      const r = fn() as { then?: unknown } | undefined;
      if (r !== null && typeof r === "object" && typeof r.then === "function") {
        (r as Promise<unknown>).then(undefined, () => {});
      }
    } catch {
      // The callback's own failure; the manager carries on.
    }
  });
}

/** Claims of an access token: `[exp, iat]` in seconds (null when unknown / not a JWT). */
function claims(access: string, expiresIn: unknown): [number | null, number | null] {
  let exp: number | null = null;
  let iat: number | null = null;
  try {
    const jwt = decodeJwt(access);
    exp = jwt.exp ?? null;
    iat = jwt.iat ?? null;
  } catch {
    // An opaque (non-JWT) token has no claims: its expiry comes from `expires_in`.
  }
  if (exp === null && typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn >= 0) {
    iat = Date.now() / 1000;
    exp = iat + expiresIn;
  }
  return [exp, iat];
}

/** `expires_in`, else `expiresIn`, of a token pair (read by the caller's guard). */
function lifetimeOf(p: { expires_in?: unknown; expiresIn?: unknown }): unknown {
  return p.expires_in ?? p.expiresIn;
}

/** Reads whether a `refresh()` rejection means "the refresh token was refused" (never throws). */
function refusal(e: unknown): { rejected: boolean; retryAfterMs: number | null } {
  try {
    const o = (e !== null && typeof e === "object" ? e : {}) as {
      code?: unknown; status?: unknown; response?: { status?: unknown }; retryAfterMs?: unknown;
      classification?: { status?: unknown; action?: unknown; retryAfterMs?: unknown };
    };
    const status = [o.status, o.response?.status, o.classification?.status].find((s) => typeof s === "number");
    const rejected = o.code === "refresh_logged_out" || o.classification?.action === "reauthenticate" || status === 400 || status === 401;
    const hint = [o.retryAfterMs, o.classification?.retryAfterMs].find((v) => typeof v === "number" && Number.isFinite(v));
    return { rejected, retryAfterMs: typeof hint === "number" ? hint : null };
  } catch {
    // An error object whose getters throw: nothing says the token was refused.
    return { rejected: false, retryAfterMs: null };
  }
}

/** The tokens of a `refresh()` result, or null when it cannot be read (never throws). */
function readPair(pair: unknown): { access: string; refresh: string | null; exp: number | null; iat: number | null } | null {
  try {
    if (pair === null || typeof pair !== "object") return null;
    const p = pair as Partial<TokenPair>;
    const access = p.access;
    const refresh = p.refresh;
    if (typeof access !== "string" || access.length === 0 || access.length > MAX_TOKEN_CHARS) return null;
    if (refresh !== undefined && refresh !== null && (typeof refresh !== "string" || refresh.length > MAX_TOKEN_CHARS)) return null;
    const [exp, iat] = claims(access, lifetimeOf(p));
    return { access, refresh: typeof refresh === "string" && refresh.length > 0 ? refresh : null, exp, iat };
  } catch {
    return null;
  }
}

class Manager implements TokenManager {
  // The fast path reads these: the token this tab last adopted and until when it may be handed out.
  #token: string | null = null;
  #generation = -1;
  #usableUntil = -Infinity;
  #rejectedGeneration = -1;

  readonly #opts: TokenManagerOptions;
  readonly #tab: RefreshTab;
  readonly #key: string;
  readonly #store: StorageAdapter;
  readonly #channel: Channel;
  readonly #locks: LockAdapter | undefined;
  readonly #timer: WakeTimer;
  readonly #unwatch: Array<() => void> = [];
  readonly #networkTimeoutMs: number;
  readonly #confirmMs: number;
  readonly #entries = new Map<number, Entry>(); // by machine request id
  readonly #byKey = new Map<number, Entry>(); // by rejected generation (-1: none)
  readonly #subscribers = new Set<(event: TokenEvent) => void>();
  readonly #refreshes = new Set<AbortController>();
  #requestSeq = 0;
  #busy = false;
  readonly #queue: Call[] = [];
  #oversized = 0;
  #disposed = false;
  #closed = false;

  constructor(opts: TokenManagerOptions) {
    this.#opts = opts;
    assertReady();
    const picked = pickStorage(opts.storage);
    const locks = detectLocks(opts.webLocks);
    const config: Record<string, unknown> = { namespace: opts.channel, webLocks: locks !== undefined };
    for (const k of NUMBER_OPTIONS) {
      const v = opts[k];
      if (v === undefined) continue;
      if (typeof v !== "number" || Number.isNaN(v)) throw invalid(`${k} must be a number, got ${typeof v}`);
      config[k] = v;
    }
    for (const k of COUNT_OPTIONS) {
      const v = opts[k];
      if (v === undefined) continue;
      if (typeof v !== "number" || Number.isNaN(v)) throw invalid(`${k} must be a number, got ${typeof v}`);
      config[k] = Math.min(2 ** 32 - 1, Math.max(0, Math.floor(v)));
    }
    if (picked.kind === "memory") {
      // One realm: the record is seen at once and the bus delivers in a task, so the lease
      // windows (sized for cross-process localStorage) can shrink unless set explicitly.
      config.settleMs ??= 10;
      config.confirmMs ??= 1;
    }
    this.#tab = new RefreshTab(toWire("token manager options", config), random53(), random53());
    this.#key = this.#tab.key();
    const cfg = this.#tab.config() as { networkTimeoutMs: number; confirmMs: number };
    this.#networkTimeoutMs = cfg.networkTimeoutMs;
    this.#confirmMs = cfg.confirmMs;
    this.#store = picked;
    this.#unwatch.push(picked.retain(this.#key));
    this.#timer = new WakeTimer(() => this.#feed((t, r, now) => t.timer(r, now)));
    this.#locks = locks && new LockAdapter(
      locks,
      (request) => this.#granted(request),
      (request) => this.#feed((t, r, now) => t.lock_unavailable(r, now, request)),
    );
    this.#channel = openChannel(opts.channel, picked.kind !== "memory", (data) => {
      // Checked before anything copies it: ours are a few dozen characters.
      if (data.length > MAX_MESSAGE_CHARS) this.#oversized++;
      else this.#feed((t, r, now) => t.message(r, now, data));
    });
    this.#unwatch.push(picked.watch(this.#key, () => this.#feed((t, r, now) => t.storage_changed(r, now))));
    this.#unwatch.push(watchLifecycle({
      visibility: (visible) => this.#feed((t, r, now) => t.visibility(r, now, visible)),
      connectivity: (online) => this.#feed((t, r, now) => t.connectivity(r, now, online)),
      pageHide: (persisted) => this.#feed((t, r, now) => t.page_hide(r, now, persisted)),
      pageShow: (persisted) => this.#feed((t, r, now) => t.page_show(r, now, persisted)),
    }));
    this.#feed((t, r, now) => t.page_show(r, now, false));
    const { visible, online } = initialLifecycle();
    if (!visible) this.#feed((t, r, now) => t.visibility(r, now, false));
    if (!online) this.#feed((t, r, now) => t.connectivity(r, now, false));
  }

  /** Across processes the grant can overtake the previous holder's commit in storage: when
   * the machine says so, report it `confirmMs` later, with a fresh snapshot. */
  #granted(request: number): void {
    if (this.#closed) return;
    const read = this.#read();
    if (read.ok && this.#tab.grant_needs_settle(read.value ?? undefined)) {
      setTimeout(() => this.#feed((t, r, now) => t.lock_granted(r, now, request)), this.#confirmMs);
      return;
    }
    this.#feed((t, r, now) => t.lock_granted(r, now, request));
  }

  getAccessToken(options?: GetTokenOptions): Promise<string> {
    if (this.#token !== null && this.#generation !== this.#rejectedGeneration && Date.now() < this.#usableUntil && options?.signal?.aborted !== true) {
      return Promise.resolve(this.#token);
    }
    return this.#ask(options);
  }

  #ask(options: GetTokenOptions | undefined): Promise<string> {
    if (this.#disposed) return Promise.reject(abortError("the token manager was disposed"));
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    const key = this.#token !== null && this.#rejectedGeneration === this.#generation ? this.#generation : -1;
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      const request = ++this.#requestSeq;
      let resolve!: (token: string) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<string>((ok, fail) => { resolve = ok; reject = fail; });
      entry = { request, key, promise, resolve, reject, listeners: 0, pinned: false };
      this.#entries.set(request, entry);
      this.#byKey.set(key, entry);
      this.#feed((t, r, now) => t.get_token(r, now, request, key < 0 ? undefined : key));
    }
    if (signal === undefined) {
      entry.pinned = true;
      return entry.promise;
    }
    return this.#withSignal(entry, signal);
  }

  #withSignal(entry: Entry, signal: AbortSignal): Promise<string> {
    entry.listeners++;
    return new Promise<string>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason);
        entry.listeners--;
        if (entry.listeners === 0 && !entry.pinned && this.#entries.get(entry.request) === entry) {
          this.#forget(entry);
          this.#feed((t, r, now) => t.cancel_get_token(r, now, entry.request));
        }
      };
      signal.addEventListener("abort", onAbort, { once: true });
      entry.promise.then(
        (token) => { signal.removeEventListener("abort", onAbort); resolve(token); },
        (error) => { signal.removeEventListener("abort", onAbort); reject(error); },
      );
    });
  }

  #forget(entry: Entry): void {
    this.#entries.delete(entry.request);
    if (this.#byKey.get(entry.key) === entry) this.#byKey.delete(entry.key);
  }

  setTokens(pair: { access: string; refresh: string; expires_in?: number; expiresIn?: number }): void {
    if (pair === null || typeof pair !== "object") throw invalid("setTokens takes {access, refresh}");
    const { access, refresh } = pair;
    checkTokenString(access, "access");
    checkTokenString(refresh, "refresh");
    if (this.#disposed) throw invalid("the token manager was disposed");
    const [exp, iat] = claims(access, lifetimeOf(pair));
    const failure = this.#feed((t, r, now) => t.login(r, now, access, refresh, exp ?? undefined, iat ?? undefined));
    if (failure !== undefined) throw fromWasmError(failure);
  }

  onChange(callback: (event: TokenEvent) => void): () => void {
    if (typeof callback !== "function") throw invalid("onChange takes a function");
    this.#subscribers.add(callback);
    return () => void this.#subscribers.delete(callback);
  }

  logout(): Promise<void> {
    if (!this.#disposed) this.#feed((t, r, now) => t.logout(r, now));
    return Promise.resolve();
  }

  invalidate(token: string): void {
    if (this.#disposed || typeof token !== "string" || token !== this.#token) return;
    this.#rejectedGeneration = this.#generation;
    // Ask at once: the refresh starts now, and later callers share this request.
    this.#ask(undefined).then(undefined, () => {});
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const error = abortError("the token manager was disposed");
    for (const entry of [...this.#entries.values()]) {
      this.#forget(entry);
      entry.reject(error);
    }
    this.#subscribers.clear();
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unwatch) off();
    this.#channel.close();
    this.#timer.cancel();
    this.#locks?.close();
    for (const abort of this.#refreshes) abort.abort(abortError("the token manager was disposed"));
    this.#refreshes.clear();
    this.#token = null;
    this.#usableUntil = -Infinity;
    this.#tab.free();
  }

  stats(): TokenManagerStats {
    if (this.#closed) throw invalid("the token manager was disposed");
    return {
      ...(this.#tab.stats() as RefreshTabStats),
      oversizedMessages: this.#oversized,
      webLocks: this.#locks !== undefined, storage: this.#store.kind, channel: this.#channel.kind,
    };
  }

  /**
   * Reads the record. A store that throws or answers something that is not a string or
   * null is asked again a few times; if it still fails, the read is "unreadable" (never
   * "no record": that would mean logged out).
   */
  #read(): { ok: true; value: string | null } | { ok: false } {
    for (let i = 0; i < READ_ATTEMPTS; i++) {
      try {
        const v: unknown = this.#store.storage.getItem(this.#key);
        if (v === null || typeof v === "string") return { ok: true, value: v };
      } catch {
        // Try again.
      }
    }
    return { ok: false };
  }

  /**
   * Feeds one event with the record and the time, and executes the effects. Events arriving
   * while effects run (a synchronous custom storage, say) are queued, never nested. Returns
   * what the machine threw for this call (an invalid token), if anything.
   */
  #feed(call: Call): unknown {
    if (this.#closed) return undefined;
    if (this.#busy) {
      this.#queue.push(call);
      return undefined;
    }
    this.#busy = true;
    let failure: unknown;
    try {
      let effects: RefreshEffect[] | undefined;
      try {
        const read = this.#read();
        effects = call(this.#tab, read.ok ? read.value : undefined, Date.now());
      } catch (e) {
        failure = e;
      }
      if (effects !== undefined) this.#execute(effects);
    } finally {
      this.#busy = false;
    }
    const next = this.#queue.shift();
    if (next !== undefined) this.#feed(next);
    if (!this.#closed) this.#timer.keepAlive(this.#entries.size > 0);
    return failure;
  }

  #execute(effects: RefreshEffect[]): void {
    for (const e of effects) {
      switch (e.type) {
        case "post": this.#channel.post(e.message); break;
        case "requestLock": this.#locks?.request(e.request, e.name, e.mode === "wait"); break;
        case "abortLock": this.#locks?.abort(e.request); break;
        case "releaseLock": this.#locks?.release(e.request); break;
        case "startRefresh": {
          const { attempt, refreshToken } = e;
          queueMicrotask(() => void this.#runRefresh(attempt, refreshToken));
          break;
        }
        case "writeRecord":
          try {
            this.#store.storage.setItem(this.#key, e.record);
          } catch {
            // Quota or a closed store: the next event re-reads what is really there.
          }
          break;
        case "setTimer": this.#timer.set(e.atMs); break;
        case "cancelTimer": this.#timer.cancel(); break;
        case "resolve":
          this.#adopt(e.token, e.generation, e.usableUntilMs);
          this.#answer(e.requestId)?.resolve(e.token);
          break;
        case "reject": this.#answer(e.requestId)?.reject(this.#error(e.code as ErrorCode, e.retryAtMs)); break;
        case "changed":
          this.#adopt(e.token, e.generation, e.usableUntilMs);
          this.#notify({ type: "token", accessToken: e.token, generation: e.generation, expiresAtMs: e.expiresAtMs });
          break;
        case "loggedOut": {
          this.#token = null;
          this.#usableUntil = -Infinity;
          const onLogout = this.#opts.onLogout;
          const reason = e.reason;
          if (typeof onLogout === "function" && !this.#disposed) contained(() => onLogout(reason));
          this.#notify({ type: "logout", reason });
          break;
        }
        default: break;
      }
    }
  }

  #adopt(token: string, generation: number, usableUntil: number | null): void {
    this.#token = token;
    this.#generation = generation;
    this.#usableUntil = usableUntil ?? -Infinity;
  }

  #answer(request: number): Entry | undefined {
    const entry = this.#entries.get(request);
    if (entry !== undefined) this.#forget(entry);
    return entry;
  }

  #error(code: ErrorCode, time: number | null): FaultlineError {
    const known = code in ERROR_CODES ? code : "internal";
    const when = time === null ? "" : ` (until ${new Date(time).toISOString()})`;
    const e = new FaultlineError(known, `${ERROR_CODES[known]}${when}`) as FaultlineError & { retryAtMs?: number };
    if (time !== null) e.retryAtMs = time;
    return e;
  }

  #notify(event: TokenEvent): void {
    for (const cb of this.#subscribers) contained(() => cb(event));
  }

  /** Runs your `refresh()` (already in a microtask), bounded by the network timeout. */
  async #runRefresh(attempt: number, refreshToken: string): Promise<void> {
    const abort = new AbortController();
    this.#refreshes.add(abort);
    let settled = false;
    const settle = (call: Call): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      this.#refreshes.delete(abort);
      // After dispose() nothing is committed: #feed does nothing once closed.
      this.#feed(call);
    };
    const timeout = setTimeout(() => {
      abort.abort(new FaultlineError("refresh_timeout", "the refresh call took longer than networkTimeoutMs"));
      settle((t, r, now) => t.refresh_transient(r, now, attempt, undefined));
    }, this.#networkTimeoutMs);
    let pair: unknown;
    try {
      pair = await this.#opts.refresh(refreshToken, { signal: abort.signal });
    } catch (e) {
      const { rejected, retryAfterMs } = refusal(e);
      settle(rejected
        ? (t, r, now) => t.refresh_rejected(r, now, attempt)
        : (t, r, now) => t.refresh_transient(r, now, attempt, retryAfterMs ?? undefined));
      return;
    }
    const tokens = readPair(pair);
    settle(tokens === null
      ? (t, r, now) => t.refresh_unreadable(r, now, attempt)
      : (t, r, now) => {
        try {
          return t.refresh_ok(r, now, attempt, tokens.access, tokens.refresh ?? undefined, tokens.exp ?? undefined, tokens.iat ?? undefined);
        } catch {
          // A token the machine refused (empty, too long): the result is unreadable.
          return t.refresh_unreadable(r, now, attempt);
        }
      });
  }
}

/**
 * Creates a token manager. Feature-detects everything and never throws for a missing API:
 * without `navigator.locks` it uses a lease over `BroadcastChannel` + storage; without
 * `localStorage` an in-memory store; without `BroadcastChannel` an in-realm bus.
 *
 * @throws {FaultlineError} `invalid_argument` for a missing `channel` or `refresh`, or a
 *   timing option that is not a number; `not_initialized` in a browser before `init()`.
 * @example
 * const tokens = createTokenManager({
 *   channel: "my-app",
 *   refresh: async (refreshToken, { signal }) => {
 *     const r = await fetch("/api/v1/auth/refresh", { method: "POST", signal,
 *       headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh: refreshToken }) });
 *     if (!r.ok) throw Object.assign(new Error("refresh failed"), { status: r.status });
 *     return r.json(); // {access, refresh}
 *   },
 *   onLogout: () => location.assign("/login"),
 * });
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  if (options === null || typeof options !== "object") throw invalid("createTokenManager takes an options object");
  const { channel, refresh, onLogout, storage } = options;
  if (typeof channel !== "string" || channel.length === 0 || channel.length > 128) {
    throw invalid("channel must be a string of 1 to 128 characters");
  }
  if (typeof refresh !== "function") throw invalid("refresh must be a function (refreshToken) => Promise<{access, refresh}>");
  if (onLogout !== undefined && typeof onLogout !== "function") throw invalid("onLogout must be a function");
  if (storage !== undefined && storage !== "local" && storage !== "memory" && !isStorage(storage)) {
    throw invalid('storage must be "local", "memory" or {getItem, setItem, removeItem}');
  }
  let m: Manager;
  try {
    m = new Manager(options);
  } catch (e) {
    throw e instanceof FaultlineError ? e : fromWasmError(e);
  }
  return {
    getAccessToken: (o) => m.getAccessToken(o),
    setTokens: (pair) => m.setTokens(pair),
    onChange: (cb) => m.onChange(cb),
    logout: () => m.logout(),
    invalidate: (token) => m.invalidate(token),
    dispose: () => m.dispose(),
    stats: () => m.stats(),
  };
}
