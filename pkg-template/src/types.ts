/**
 * The public data types, as DESIGN.md defines them.
 * @module
 */

import type { Action, Category, Format } from "./generated.js";

export type { Action, Category, Format };

/** A classified failure: the object users switch on. */
export interface Classification {
  /** What kind of failure. */
  category: Category;
  /** What to do about it. */
  action: Action;
  /** HTTP status; `null` when no response arrived. */
  status: number | null;
  /** The server's machine code, as sent (e.g. `"throttled"`, `"AUTH_TOKEN_INVALID"`). */
  code: string | null;
  /** The server's human message (never shown for 5xx: use `userMessage`). */
  message: string | null;
  /** Whether repeating the same request may succeed. */
  retryable: boolean;
  /** Strongest server delay hint in milliseconds. */
  retryAfterMs: number | null;
  /** Where the hint came from, e.g. `"retry-after"`, `"body:details.wait_seconds"`. */
  hintSource: string | null;
  /** Request id for support (X-Request-Id, body `request_id`, ...). */
  requestId: string | null;
  /** Validation messages per field, for forms. */
  fieldErrors: Record<string, string[]> | null;
  /** The envelope recognised. */
  format: Format;
  /** A message safe to show a person. */
  userMessage: string;
  /** True when the request certainly never reached the server (safe to retry any method). */
  notSent: boolean;
}
