/**
 * The machine's single level-triggered wake-up timer.
 *
 * The machine re-arms it for the earliest moment anything may change; a late, early or
 * spurious firing is harmless. In Node the timer keeps the process alive only while a
 * caller is waiting for a token (a background proactive refresh must not keep a script
 * from exiting).
 * @module
 * @internal
 */

/** setTimeout's largest delay (about 24.8 days); longer waits simply re-arm. */
const MAX_DELAY = 2_147_483_647;

type Handle = ReturnType<typeof setTimeout> & { ref?: () => unknown; unref?: () => unknown };

/** One re-armable timer. @internal */
export class WakeTimer {
  #handle: Handle | undefined;
  #keepAlive = true;
  readonly #fire: () => void;

  /** @param fire - called when the timer fires */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Arms the timer for `atMs` (epoch ms), replacing any previous one. */
  set(atMs: number): void {
    this.cancel();
    const delay = Math.min(MAX_DELAY, Math.max(0, Math.ceil(atMs - Date.now())));
    this.#handle = setTimeout(() => {
      this.#handle = undefined;
      this.#fire();
    }, delay) as Handle;
    this.#apply();
  }

  /** Cancels the timer. */
  cancel(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** Node: whether the armed timer keeps the process alive. */
  keepAlive(yes: boolean): void {
    if (yes === this.#keepAlive) return;
    this.#keepAlive = yes;
    this.#apply();
  }

  #apply(): void {
    const h = this.#handle;
    if (h === undefined || typeof h !== "object") return;
    if (this.#keepAlive) h.ref?.();
    else h.unref?.();
  }
}
