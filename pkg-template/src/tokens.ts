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
 * never inside the machine, so nothing can deadlock by re-entering it.
 *
 * ```ts
 * const tokens = createTokenManager({ channel: "my-app", refresh: (rt) => callRefreshEndpoint(rt) });
 * tokens.setTokens({ access, refresh });        // after login
 * const token = await tokens.getAccessToken();  // before each request
 * ```
 * @module
 */
import { ERROR_CODES, type ErrorCode, FaultlineError, fromWasmError } from "./errors.js";
import { outSlots, writeStrings } from "./scratch.js";
import { jwtTimes } from "./jwt.js";
import { type Channel, type ChannelKind, openChannel } from "./tokens/channel.js";
import { initialLifecycle, watchLifecycle } from "./tokens/lifecycle.js";
import { detectLocks, LockAdapter } from "./tokens/locks.js";
import { isStorage, pickStorage, type StorageKind, type TokenStorage } from "./tokens/storage.js";
import { WakeTimer } from "./tokens/timers.js";
import { wasm } from "./wasm.js";

export type { StorageKind, TokenStorage } from "./tokens/storage.js";
export type { ChannelKind } from "./tokens/channel.js";

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
   * response. Ignored when the access token is a JWT with `exp`.
   */
  expires_in?: number;
}

/** What your `refresh()` receives besides the refresh token. */
export interface RefreshContext {
  /** Aborted when the manager stops waiting (`networkTimeoutMs`): pass it to `fetch`. */
  signal: AbortSignal;
}

/** Why a session ended. */
export type LogoutReason = "user" | "rejected" | "lost" | "cleared";

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
   * (`retryAfterMs` on the error, e.g. from `Retry-After`, is honoured).
   */
  refresh: (refreshToken: string, context: RefreshContext) => Promise<TokenPair>;
  /**
   * Where the shared record lives. Default: `localStorage` in pages, else an in-memory
   * store shared by the managers of this realm. Pass `"memory"` to force that, or any
   * synchronous `{getItem, setItem, removeItem}`.
   */
  storage?: TokenStorage | "local" | "memory";
  /** Called once per session per tab when it ends (logout anywhere, refresh token refused). */
  onLogout?: (reason: LogoutReason) => void;
  /** Refresh this long before expiry (capped at half the token lifetime). Default 300 000. */
  refreshAheadMs?: number;
  /** Use `navigator.locks` when present. Default true; false forces the lease fallback. */
  webLocks?: boolean;
  /** Per-tab spread of the proactive refresh. Default 10 000. */
  jitterMs?: number;
  /** A token is handed out only if valid at least this much longer. Default 5 000. */
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
  /** No refresh while the session is younger than this (refresh-loop guard). Default 10 000. */
  minRefreshIntervalMs?: number;
  /** Re-check period while something is pending. Default 5 000. */
  pollMs?: number;
  /** Most distinct pending requests to the machine per tab. Default 256. */
  maxWaiters?: number;
  /** Retries of a generation whose refreshing tab was lost, before logging out. Default 1. */
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
export interface TokenManagerStats {
  /** Channel messages that were not ours (ignored). */
  foreignMessages: number;
  /** Channel messages of another protocol version (ignored). */
  versionMessages: number;
  /** Channel messages that were ours but malformed (ignored). */
  malformedMessages: number;
  /** Storage records that could not be read (treated as no record). */
  malformedRecords: number;
  /** Lock grants or refresh results that arrived for something no longer wanted. */
  staleInputs: number;
  /** Successful refresh results discarded because the generation had moved. */
  discardedResults: number;
  /** Requests refused with `refresh_busy`. */
  busyRejections: number;
  /** Refreshes this tab started. */
  refreshesStarted: number;
  /** Takeovers of a lost refresh this tab performed. */
  takeovers: number;
  /** The session generation this tab last adopted. */
  generation: number;
  /** Requests waiting in the machine. */
  waiting: number;
  /** Whether this tab's refresh request is outstanding. */
  refreshing: boolean;
  /** Whether this tab sees a session. */
  hasSession: boolean;
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
   *   `refresh_busy`; an `AbortError` when `signal` fires or the manager is disposed.
   */
  getAccessToken(options?: GetTokenOptions): Promise<string>;
  /**
   * Stores a new session (after a login) for every tab: a new generation everywhere.
   * @throws {FaultlineError} `invalid_argument`, `refresh_invalid_token`.
   */
  setTokens(pair: { access: string; refresh: string; expires_in?: number }): void;
  /** Subscribes to new tokens and logouts (called in a microtask); returns the unsubscribe. */
  onChange(callback: (event: TokenEvent) => void): () => void;
  /** Ends the session in every tab (`onLogout("user")` everywhere). */
  logout(): Promise<void>;
  /**
   * Tells the manager the API refused `token` (a 401): the next `getAccessToken()` will not
   * return it, but a newer one (refreshing if needed). Unknown or older tokens are ignored.
   */
  invalidate(token: string): void;
  /**
   * Stops the manager: pending callers reject with an `AbortError`, listeners are removed.
   * A refresh this tab has in flight is still committed (bounded by `networkTimeoutMs`), so
   * disposing never strands a rotated token.
   */
  dispose(): void;
  /** Counters and adapter choices. */
  stats(): TokenManagerStats;
}

// Effect kinds (src/bindings/refresh.rs, module doc).
const POST = 0, REQUEST_LOCK = 1, ABORT_LOCK = 2, RELEASE_LOCK = 3, START_REFRESH = 4, WRITE_RECORD = 5,
  SET_TIMER = 6, CANCEL_TIMER = 7, RESOLVE = 8, REJECT = 9, CHANGED = 10, LOGGED_OUT = 11;
const FX_WIDTH = 5;

const TIMING_KEYS = [
  "refreshAheadMs", "jitterMs", "expiryMarginMs", "networkTimeoutMs", "leaseMs", "heartbeatMs", "settleMs",
  "confirmMs", "getTokenTimeoutMs", "cooldownBaseMs", "cooldownMaxMs", "maxRetryAfterMs", "minRefreshIntervalMs",
  "pollMs", "maxWaiters", "maxTakeovers",
] as const;

type Glue = ReturnType<typeof wasm>;
type Tab = InstanceType<Glue["RefreshTab"]>;

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

const nanIfAbsent = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Claims of an access token: [exp, iat] in seconds (NaN when unknown / not a JWT). */
function claims(access: string, expiresIn: unknown): [number, number] {
  // An opaque (non-JWT) token has no claims: its expiry comes from `expires_in`.
  let [exp, iat] = jwtTimes(access) ?? [NaN, NaN];
  if (Number.isNaN(exp) && typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn >= 0) {
    iat = Date.now() / 1000;
    exp = iat + expiresIn;
  }
  return [exp, iat];
}

/** Reads whether a `refresh()` rejection means "the refresh token was refused". */
function refusal(e: unknown): { rejected: boolean; retryAfterMs: number } {
  const o = (e !== null && typeof e === "object" ? e : {}) as {
    code?: unknown; status?: unknown; response?: { status?: unknown }; retryAfterMs?: unknown;
    classification?: { status?: unknown; action?: unknown; retryAfterMs?: unknown };
  };
  const status = [o.status, o.response?.status, o.classification?.status].find((s) => typeof s === "number");
  const rejected = o.code === "refresh_logged_out" || o.classification?.action === "reauthenticate" || status === 400 || status === 401;
  const hint = [o.retryAfterMs, o.classification?.retryAfterMs].find((v) => typeof v === "number" && Number.isFinite(v));
  return { rejected, retryAfterMs: typeof hint === "number" ? hint : NaN };
}

class Manager implements TokenManager {
  // The fast path reads these: the token this tab last adopted and until when it may be handed out.
  #token: string | null = null;
  #generation = -1;
  #usableUntil = -Infinity;
  #rejectedGeneration = -1;

  readonly #opts: TokenManagerOptions;
  readonly #glue: Glue;
  readonly #tab: Tab;
  readonly #key: string;
  readonly #storage: TokenStorage;
  readonly #storageKind: StorageKind;
  readonly #channel: Channel;
  readonly #locks: LockAdapter | undefined;
  readonly #timer: WakeTimer;
  readonly #unwatch: Array<() => void> = [];
  readonly #networkTimeoutMs: number;
  readonly #confirmMs: number;
  readonly #expiryMarginMs: number;
  readonly #entries = new Map<number, Entry>(); // by machine request id
  readonly #byKey = new Map<number, Entry>(); // by rejected generation (-1: none)
  readonly #subscribers = new Set<(event: TokenEvent) => void>();
  readonly #lengths: number[] = [0, 0, 0];
  #requestSeq = 0;
  #busy = false;
  readonly #queue: Array<() => void> = [];
  #disposed = false;
  #closed = false;
  #fx = new Float64Array(0);
  #fxPtr = -1;
  #fxLen = 0;

  constructor(opts: TokenManagerOptions) {
    this.#opts = opts;
    this.#glue = wasm();
    const timing = new Float64Array(TIMING_KEYS.length).fill(NaN);
    TIMING_KEYS.forEach((k, i) => {
      const v = opts[k];
      if (v === undefined) return;
      if (typeof v !== "number" || Number.isNaN(v)) throw invalid(`${k} must be a number, got ${typeof v}`);
      timing[i] = v;
    });
    const picked = pickStorage(opts.storage);
    if (picked.kind === "memory") {
      // One realm: the record is seen at once and the bus delivers in a task, so the lease
      // windows (sized for cross-process localStorage) can shrink unless set explicitly.
      if (opts.settleMs === undefined) timing[TIMING_KEYS.indexOf("settleMs")] = 10;
      if (opts.confirmMs === undefined) timing[TIMING_KEYS.indexOf("confirmMs")] = 1;
    }
    const locks = detectLocks(opts.webLocks);
    this.#tab = new this.#glue.RefreshTab(opts.channel, locks !== undefined, random53(), random53(), timing);
    this.#key = this.#tab.key();
    this.#tab.config();
    const cfg = outSlots();
    this.#expiryMarginMs = cfg[2]!;
    this.#networkTimeoutMs = cfg[3]!;
    this.#confirmMs = cfg[7]!;
    this.#storage = picked.storage;
    this.#storageKind = picked.kind;
    this.#timer = new WakeTimer(() => this.#feed((t, s, now) => t.timer(s, now)));
    this.#locks = locks && new LockAdapter(
      locks,
      (request) => this.#feed((t, s, now) => {
        // Across processes the grant can overtake the previous holder's commit in storage:
        // when the machine says so, report it confirmMs later, with a fresh snapshot.
        if (t.grant_needs_settle(s)) {
          setTimeout(() => this.#feed((t2, s2, now2) => t2.lock_granted(s2, now2, request)), this.#confirmMs);
          return null;
        }
        return t.lock_granted(s, now, request);
      }),
      (request) => this.#feed((t, s, now) => t.lock_unavailable(s, now, request)),
    );
    this.#channel = openChannel(opts.channel, picked.kind !== "memory", (data) => this.#feed((t, s, now, len) => t.message(s, now, len[0]!), [data]));
    this.#unwatch.push(picked.watch(this.#key, () => this.#feed((t, s, now) => t.storage_changed(s, now))));
    this.#unwatch.push(watchLifecycle({
      visibility: (visible) => this.#feed((t, s, now) => t.visibility(s, now, visible)),
      connectivity: (online) => this.#feed((t, s, now) => t.connectivity(s, now, online)),
      pageHide: (persisted) => this.#feed((t, s, now) => t.page_hide(s, now, persisted)),
      pageShow: (persisted) => this.#feed((t, s, now) => t.page_show(s, now, persisted)),
    }));
    this.#feed((t, s, now) => t.page_show(s, now, false));
    const { visible, online } = initialLifecycle();
    if (!visible) this.#feed((t, s, now) => t.visibility(s, now, false));
    if (!online) this.#feed((t, s, now) => t.connectivity(s, now, false));
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
      this.#feed((t, s, now) => t.get_token(s, now, request, key < 0 ? NaN : key));
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
          this.#feed((t, s, now) => t.cancel_get_token(s, now, entry.request));
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

  setTokens(pair: { access: string; refresh: string; expires_in?: number }): void {
    if (pair === null || typeof pair !== "object") throw invalid("setTokens takes {access, refresh}");
    checkTokenString(pair.access, "access");
    checkTokenString(pair.refresh, "refresh");
    if (this.#disposed) throw invalid("the token manager was disposed");
    const [exp, iat] = claims(pair.access, pair.expires_in);
    let failure: unknown;
    this.#feed((t, s, now, len) => {
      try {
        return t.login(s, now, len[0]!, len[1]!, exp, iat);
      } catch (e) {
        failure = e;
        return null;
      }
    }, [pair.access, pair.refresh]);
    if (failure !== undefined) throw fromWasmError(failure);
  }

  onChange(callback: (event: TokenEvent) => void): () => void {
    if (typeof callback !== "function") throw invalid("onChange takes a function");
    this.#subscribers.add(callback);
    return () => void this.#subscribers.delete(callback);
  }

  logout(): Promise<void> {
    if (!this.#disposed) this.#feed((t, s, now) => t.logout(s, now));
    return Promise.resolve();
  }

  invalidate(token: string): void {
    if (typeof token === "string" && token === this.#token) this.#rejectedGeneration = this.#generation;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const error = abortError("the token manager was disposed");
    for (const entry of [...this.#entries.values()]) {
      this.#forget(entry);
      entry.reject(error);
      this.#feed((t, s, now) => t.cancel_get_token(s, now, entry.request));
    }
    this.#subscribers.clear();
    if (this.#closed || !this.#tab.is_refreshing()) {
      this.#close();
      return;
    }
    // Let our own refresh land (commit or fail) so its rotated token is not stranded;
    // the machine gives up on it after the network timeout anyway.
    const guard = setTimeout(() => this.#close(), this.#networkTimeoutMs + 2_000) as { unref?: () => void };
    guard.unref?.();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unwatch) off();
    this.#channel.close();
    this.#timer.cancel();
    this.#locks?.close();
    this.#token = null;
    this.#usableUntil = -Infinity;
    this.#tab.free();
  }

  stats(): TokenManagerStats {
    if (this.#closed) throw invalid("the token manager was disposed");
    this.#tab.stats();
    const o = outSlots();
    return {
      foreignMessages: o[0]!, versionMessages: o[1]!, malformedMessages: o[2]!, malformedRecords: o[3]!,
      staleInputs: o[4]!, discardedResults: o[5]!, busyRejections: o[6]!, refreshesStarted: o[7]!, takeovers: o[8]!,
      generation: o[9]!, waiting: o[10]!, refreshing: o[11] === 1, hasSession: o[12] === 1,
      webLocks: this.#locks !== undefined, storage: this.#storageKind, channel: this.#channel.kind,
    };
  }

  /**
   * Feeds one event: reads the record, writes it and the event's strings into the scratch
   * buffer, calls the machine, executes the effects. Events arriving while effects run (a
   * synchronous custom storage, say) are queued, never nested.
   */
  #feed(call: (tab: Tab, storedLen: number, now: number, lengths: number[]) => string | null, strings?: string[]): void {
    if (this.#closed) return;
    if (this.#busy) {
      this.#queue.push(() => this.#feed(call, strings));
      return;
    }
    this.#busy = true;
    try {
      let stored: string | null = null;
      try {
        stored = this.#storage.getItem(this.#key);
      } catch {
        stored = null;
      }
      if (typeof stored !== "string") stored = null;
      const parts = strings === undefined ? (stored === null ? [] : [stored]) : stored === null ? strings : [stored, ...strings];
      const lengths = this.#lengths;
      writeStrings(parts, lengths);
      const storedLen = stored === null ? -1 : lengths[0]!;
      const rest = stored === null ? lengths : lengths.slice(1);
      const text = call(this.#tab, storedLen, Date.now(), rest);
      // null: the export refused its input before reaching the machine (no effects written).
      if (text !== null) this.#execute(text);
    } finally {
      this.#busy = false;
    }
    if (this.#queue.length > 0) this.#queue.shift()!();
    this.#timer.keepAlive(this.#entries.size > 0);
    if (this.#disposed && !this.#closed && !this.#tab.is_refreshing()) this.#close();
  }

  #effects(): Float64Array {
    const out = outSlots();
    const n = out[0]! * FX_WIDTH;
    const ptr = out[1]!;
    const buffer = (this.#glue.wasm_memory() as WebAssembly.Memory).buffer;
    if (ptr !== this.#fxPtr || n > this.#fxLen || this.#fx.buffer !== buffer) {
      this.#fx = new Float64Array(buffer, ptr, n);
      this.#fxPtr = ptr;
      this.#fxLen = this.#fx.length;
    }
    return this.#fx;
  }

  #execute(text: string): void {
    const count = outSlots()[0]!;
    if (count === 0) return;
    const fx = this.#effects();
    let at = 0;
    for (let i = 0; i < count; i++) {
      const o = i * FX_WIDTH;
      const kind = fx[o]!;
      const a = fx[o + 1]!;
      const b = fx[o + 2]!;
      const c = fx[o + 3]!;
      const len = fx[o + 4]!;
      const s = len === 0 ? "" : text.slice(at, at + len);
      at += len;
      switch (kind) {
        case POST: this.#channel.post(s); break;
        case REQUEST_LOCK: this.#locks?.request(a, this.#key, b === 1); break;
        case ABORT_LOCK: this.#locks?.abort(a); break;
        case RELEASE_LOCK: this.#locks?.release(a); break;
        case START_REFRESH: queueMicrotask(() => this.#runRefresh(a, s)); break;
        case WRITE_RECORD:
          try {
            this.#storage.setItem(this.#key, s);
          } catch {
            // Quota or a closed store: the next event re-reads what is really there.
          }
          break;
        case SET_TIMER: this.#timer.set(a); break;
        case CANCEL_TIMER: this.#timer.cancel(); break;
        case RESOLVE: this.#adopt(s, b, c); this.#answer(a)?.resolve(s); break;
        case REJECT: this.#answer(a)?.reject(this.#error(s as ErrorCode, b)); break;
        case CHANGED: {
          this.#adopt(s, a, c);
          this.#notify({ type: "token", accessToken: s, generation: a, expiresAtMs: nanIfAbsent(c) });
          break;
        }
        case LOGGED_OUT: {
          this.#token = null;
          this.#usableUntil = -Infinity;
          const reason = s as LogoutReason;
          const onLogout = this.#opts.onLogout;
          if (typeof onLogout === "function" && !this.#disposed) queueMicrotask(() => onLogout(reason));
          this.#notify({ type: "logout", reason });
          break;
        }
        default: break;
      }
    }
  }

  #adopt(token: string, generation: number, expiresAt: number): void {
    this.#token = token;
    this.#generation = generation;
    this.#usableUntil = Number.isNaN(expiresAt) ? Infinity : expiresAt - this.#expiryMarginMs;
  }

  #answer(request: number): Entry | undefined {
    const entry = this.#entries.get(request);
    if (entry !== undefined) this.#forget(entry);
    return entry;
  }

  #error(code: ErrorCode, time: number): FaultlineError {
    const known = code in ERROR_CODES ? code : "internal";
    const when = Number.isNaN(time) ? "" : ` (until ${new Date(time).toISOString()})`;
    const e = new FaultlineError(known, `${ERROR_CODES[known]}${when}`) as FaultlineError & { retryAtMs?: number };
    if (!Number.isNaN(time)) e.retryAtMs = time;
    return e;
  }

  #notify(event: TokenEvent): void {
    for (const cb of this.#subscribers) queueMicrotask(() => cb(event));
  }

  /** Runs your `refresh()` (already in a microtask), bounded by the network timeout. */
  async #runRefresh(attempt: number, refreshToken: string): Promise<void> {
    const abort = new AbortController();
    let settled = false;
    const settle = (report: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      report();
    };
    const timeout = setTimeout(() => settle(() => {
      abort.abort(new FaultlineError("refresh_timeout", "the refresh call took longer than networkTimeoutMs"));
      this.#feed((t, s, now) => t.refresh_transient(s, now, attempt, NaN));
    }), this.#networkTimeoutMs);
    let pair: unknown;
    try {
      pair = await this.#opts.refresh(refreshToken, { signal: abort.signal });
    } catch (e) {
      const { rejected, retryAfterMs } = refusal(e);
      settle(() => this.#feed(rejected
        ? (t, s, now) => t.refresh_rejected(s, now, attempt)
        : (t, s, now) => t.refresh_transient(s, now, attempt, retryAfterMs)));
      return;
    }
    settle(() => this.#refreshed(attempt, pair));
  }

  #refreshed(attempt: number, pair: unknown): void {
    const p = (pair !== null && typeof pair === "object" ? pair : {}) as Partial<TokenPair>;
    const access = p.access;
    const refresh = typeof p.refresh === "string" && p.refresh.length > 0 ? p.refresh : "";
    if (typeof access !== "string") {
      // Not a token response: treat as a transient failure (cooldown), never adopt it.
      this.#feed((t, s, now) => t.refresh_transient(s, now, attempt, NaN));
      return;
    }
    const [exp, iat] = claims(access, p.expires_in);
    let invalidTokens = false;
    this.#feed((t, s, now, len) => {
      try {
        return t.refresh_ok(s, now, attempt, len[0]!, refresh.length === 0 ? 0 : len[1]!, exp, iat);
      } catch {
        invalidTokens = true;
        return null;
      }
    }, refresh.length === 0 ? [access] : [access, refresh]);
    if (invalidTokens) this.#feed((t, s, now) => t.refresh_transient(s, now, attempt, NaN));
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
    throw fromWasmError(e);
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
