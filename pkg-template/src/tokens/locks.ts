/**
 * Path A of the protocol: exclusive Web Locks (`navigator.locks`), feature-detected.
 *
 * The machine decides when to ask (`RequestLock`), when to give up a queued request
 * (`AbortLockRequest`) and when to release (`ReleaseLock`, right after the commit); this
 * adapter only keeps the lock callback's promise pending in between. A lock whose page
 * dies is released by the browser, which is what lets the next tab take over.
 * @module
 * @internal
 */

/** The `navigator.locks` to use, or `undefined` (disabled, or not in this environment). @internal */
export function detectLocks(enabled: boolean | undefined): LockManager | undefined {
  if (enabled === false) return undefined;
  try {
    const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
    const locks = nav?.locks;
    return locks && typeof locks.request === "function" ? locks : undefined;
  } catch {
    return undefined;
  }
}

/** Requests, aborts and releases locks by the machine's request ids. @internal */
export class LockAdapter {
  readonly #locks: LockManager;
  readonly #granted: (request: number) => void;
  readonly #unavailable: (request: number) => void;
  readonly #queued = new Map<number, AbortController>();
  readonly #held = new Map<number, () => void>();

  /**
   * @param locks - the lock manager
   * @param granted - called (from the lock callback) when a request holds the lock
   * @param unavailable - called when an `ifAvailable` request found it taken, or a request failed
   */
  constructor(locks: LockManager, granted: (request: number) => void, unavailable: (request: number) => void) {
    this.#locks = locks;
    this.#granted = granted;
    this.#unavailable = unavailable;
  }

  /** Asks for the lock; `wait` queues (abortable), otherwise `ifAvailable`. */
  request(request: number, name: string, wait: boolean): void {
    const abort = new AbortController();
    this.#queued.set(request, abort);
    const options: LockOptions = wait ? { mode: "exclusive", signal: abort.signal } : { mode: "exclusive", ifAvailable: true };
    let p: Promise<unknown>;
    try {
      p = this.#locks.request(name, options, (lock) => {
        this.#queued.delete(request);
        if (lock === null) {
          this.#unavailable(request);
          return undefined;
        }
        return new Promise<void>((release) => {
          this.#held.set(request, release);
          this.#granted(request);
        });
      });
    } catch {
      this.#queued.delete(request);
      queueMicrotask(() => this.#unavailable(request));
      return;
    }
    p.catch(() => {
      // Aborted on the machine's request: it already forgot it, say nothing.
      const aborted = abort.signal.aborted;
      this.#queued.delete(request);
      if (!aborted) this.#unavailable(request);
    });
  }

  /**
   * Withdraws a request: aborts it while queued, releases it when already granted but not
   * yet reported to the machine (a grant held back for the storage to settle).
   */
  abort(request: number): void {
    const abort = this.#queued.get(request);
    this.#queued.delete(request);
    abort?.abort();
    this.release(request);
  }

  /** Releases a held lock. */
  release(request: number): void {
    const release = this.#held.get(request);
    this.#held.delete(request);
    release?.();
  }

  /** Releases and withdraws everything (dispose). */
  close(): void {
    for (const request of [...this.#queued.keys()]) this.abort(request);
    for (const request of [...this.#held.keys()]) this.release(request);
  }
}
