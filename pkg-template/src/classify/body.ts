/**
 * Reading at most `max + 1` bytes of a response body, never more: the stream is read chunk
 * by chunk, cancelled as soon as enough has arrived (or when the read timeout passes, for a
 * server that stalls mid-body), and a body that cannot be read (already used, locked,
 * errored) yields `null` so the response is classified by its status and headers alone.
 * @module
 * @internal
 */

const done = Symbol("timeout");

/** What {@link readPrefix} got: the bytes, or `null` when the body could not be read. @internal */
export type Prefix = Uint8Array | string | null;

/**
 * The first `max + 1` bytes of `response`'s body (one more than the core looks at, so it
 * knows the body was cut). Without a stream (`body` undefined: a non-streaming fetch
 * polyfill, which already holds the body in memory) `text()` is used.
 * @internal
 */
export async function readPrefix(response: Response, max: number, timeoutMs: number): Promise<Prefix> {
  let body: ReadableStream<Uint8Array> | null | undefined;
  try {
    if (response.bodyUsed) return null;
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof done>((resolve) => {
    timer = setTimeout(() => resolve(done), timeoutMs);
  });
  try {
    while (total < want) {
      const r = await Promise.race([reader.read(), timeout]);
      if (r === done) break;
      if (r.done) {
        finished = true;
        break;
      }
      const chunk = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value as ArrayBufferLike);
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch {
    if (total === 0) return null; // the stream errored before anything arrived
  } finally {
    clearTimeout(timer);
    if (!finished) reader.cancel().catch(() => {});
    try {
      reader.releaseLock();
    } catch {
      // a pending read keeps the lock until cancel settles; nothing to do
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
