/**
 * The two limits of a call, as abort signals: the call's (the caller's abort and the overall
 * deadline: they stop attempts and the waits between them) and each attempt's (the call's,
 * plus the attempt's own timeout). Controllers are made only when something can abort, since
 * one costs more than the rest of a request's bookkeeping in Node.
 * @module
 * @internal
 */
import { timeoutError } from "./shared.js";

/** A call's signal and how to release it. */
export interface CallSignal {
  signal: AbortSignal | undefined;
  /** Removes the listener and the timer. */
  end(): void;
}

export function callSignal(caller: AbortSignal | undefined, deadlineMs: number | false): CallSignal {
  if (caller === undefined && deadlineMs === false) return { signal: undefined, end: () => {} };
  const ac = new AbortController();
  const onAbort = () => ac.abort(caller?.reason);
  if (caller?.aborted) ac.abort(caller.reason);
  else caller?.addEventListener("abort", onAbort, { once: true });
  const timer = deadlineMs === false ? undefined : setTimeout(() => ac.abort(timeoutError(`the call took longer than its deadline of ${deadlineMs} ms`)), deadlineMs);
  return {
    signal: ac.signal,
    end: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

/** An attempt's signal: whether its own timer fired, and how to release it. */
export interface AttemptSignal extends CallSignal {
  timedOut: boolean;
}

export function attemptSignal(call: AbortSignal | undefined, timeoutMs: number | false): AttemptSignal {
  if (call === undefined && timeoutMs === false) return { signal: undefined, timedOut: false, end: () => {} };
  const ac = new AbortController();
  const follow = () => ac.abort(call?.reason);
  if (call?.aborted) ac.abort(call.reason);
  else call?.addEventListener("abort", follow, { once: true });
  const out: AttemptSignal = {
    signal: ac.signal,
    timedOut: false,
    end: () => {
      clearTimeout(timer);
      call?.removeEventListener("abort", follow);
    },
  };
  const timer = timeoutMs === false ? undefined : setTimeout(() => {
    out.timedOut = true;
    ac.abort(timeoutError(`no response within the timeout of ${timeoutMs} ms`));
  }, timeoutMs);
  return out;
}
