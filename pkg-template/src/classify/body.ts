/**
 * Reading at most `max + 1` bytes of a response body, never more: the stream is read chunk
 * by chunk, cancelled as soon as enough has arrived (or when the read timeout passes, for a
 * server that stalls mid-body), and a body that cannot be read (already used, locked,
 * errored) yields `null` so the response is classified by its status and headers alone.
 *
 * "Already used" is told by the stream being locked, not by `bodyUsed`: `text()`, `json()`
 * and the other readers keep the stream locked, so `getReader()` throws for them, and in
 * Node `bodyUsed` cost more than the whole classification (a few µs per response). A body
 * someone read through a reader of their own and then released is read for what is left
 * of it (nothing, once they read it all: the body counts as empty).
 * @module
 * @internal
 */

/**
 * Read deadlines share one timer: arming and clearing a timer per response cost more than
 * classifying it. Each pending read registers its deadline and what to do when it passes
 * (cancel the stream: that ends the pending read, so no read has to race a timeout
 * promise); the timer is armed for the earliest deadline and, when it fires, expires the
 * reads that are due and re-arms for the next. A read that finishes first just unregisters.
 * In Node the timer holds the process open only while some read is pending
 * (`ref`/`unref`, which cost far less than a new timer); in browsers a timer holds nothing
 * open.
 */
const pending = new Map<number, { at: number; expire: () => void }>();
let nextId = 0;
type NodeTimer = { ref?: () => void; unref?: () => void };
let timer: ReturnType<typeof setTimeout> | undefined;
let armedFor = Infinity;

function arm(at: number): void {
  if (timer !== undefined && at >= armedFor) {
    (timer as NodeTimer).ref?.();
    return;
  }
  if (timer !== undefined) clearTimeout(timer);
  armedFor = at;
  timer = setTimeout(fire, Math.max(0, at - Date.now()));
}

function fire(): void {
  timer = undefined;
  armedFor = Infinity;
  const now = Date.now();
  let next = Infinity;
  for (const [id, p] of pending) {
    if (p.at <= now) {
      pending.delete(id);
      p.expire();
    } else if (p.at < next) {
      next = p.at;
    }
  }
  if (next !== Infinity) arm(next);
}

/** Unregisters a read's deadline. */
function settle(id: number): void {
  pending.delete(id);
  if (pending.size === 0 && timer !== undefined) (timer as NodeTimer).unref?.();
}

/** Calls `expire` `ms` after `now` (epoch ms) unless {@link settle} is called first with the id returned. */
function deadline(now: number, ms: number, expire: () => void): number {
  const id = nextId++;
  const at = now + ms;
  pending.set(id, { at, expire });
  arm(at);
  return id;
}

/** What {@link readPrefix} got: the bytes, or `null` when the body could not be read. @internal */
export type Prefix = Uint8Array | string | null;

/**
 * The first `max + 1` bytes of `response`'s body (one more than the core looks at, so it
 * knows the body was cut). Without a stream (`body` undefined: a non-streaming fetch
 * polyfill, which already holds the body in memory) `text()` is used.
 * @internal
 */
export async function readPrefix(response: Response, max: number, timeoutMs: number, now: number): Promise<Prefix> {
  let body: ReadableStream<Uint8Array> | null | undefined;
  try {
    body = response.body;
    if (body === undefined) return typeof response.text === "function" ? await response.text() : null;
  } catch {
    return null;
  }
  if (body === null) return new Uint8Array(0);
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = body.getReader();
  } catch {
    return null; // locked by another reader
  }
  const want = max + 1;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  let expired = false;
  // Cancelling the stream ends the pending read as if the body had ended.
  const id = deadline(now, timeoutMs, () => {
    expired = true;
    reader.cancel().catch(() => {});
  });
  try {
    while (total < want) {
      const r = await reader.read();
      if (r.done) {
        finished = !expired;
        break;
      }
      const chunk = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value as ArrayBufferLike);
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch {
    if (total === 0) return null; // the stream errored before anything arrived
  } finally {
    settle(id);
    // A finished stream is closed and stays locked, as after `text()`; only a body left
    // unread is cancelled (unless its deadline did) and released.
    if (!finished) {
      if (!expired) reader.cancel().catch(() => {});
      try {
        reader.releaseLock();
      } catch {
        // a pending read keeps the lock until cancel settles; nothing to do
      }
    }
  }
  if (chunks.length === 1) return chunks[0]!.subarray(0, want);
  const out = new Uint8Array(Math.min(total, want));
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}
