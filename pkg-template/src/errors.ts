/**
 * Errors thrown by faultline.
 *
 * Every error the library throws is a {@link FaultlineError} with a stable string `code`
 * (the full list is {@link ERROR_CODES}, generated from the Rust core). Failed HTTP responses
 * surface as {@link ApiError}, which also carries the response's {@link Classification}.
 * @module
 */
import { supportReport, type ReportRequest } from "./classify.js";
import { ERROR_CODES, type ErrorCode } from "./codes.js";
import type { Classification } from "./types.js";

export { ERROR_CODES, type ErrorCode };

/** Base class of every error faultline throws. Switch on `code`, never on `message`. */
export class FaultlineError extends Error {
  /** Stable machine-readable code, e.g. `"jwt_malformed"`. */
  readonly code: ErrorCode;

  /**
   * @param code - one of {@link ERROR_CODES}
   * @param message - human-readable detail (defaults to the code's summary)
   * @param options - standard `ErrorOptions` (`cause`)
   */
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code] ?? code, options);
    this.name = "FaultlineError";
    this.code = code;
  }
}

/** What an {@link ApiError} may carry besides its classification. */
export interface ApiErrorOptions {
  /** The underlying error (a network failure, the previous failure of a cut retry, a hook's error). */
  cause?: unknown;
  /** Epoch ms from which trying again makes sense (a server hint too long to wait for). */
  retryAtMs?: number | null;
  /** The request that failed, for {@link ApiError.supportReport} (credentials are redacted there). */
  request?: ReportRequest;
}

/** A request that failed with an HTTP error or a network failure, with its classification. */
export class ApiError extends FaultlineError {
  /** What the failure is and what to do about it. */
  readonly classification: Classification;
  /**
   * Epoch ms from which trying again makes sense, or `null`. Set when the server asked for a
   * wait longer than the retry policy allows (`Retry-After: 3600`): the UI can say "try again
   * at 14:05" instead of retrying into the throttle.
   */
  readonly retryAtMs: number | null;
  /** The request that failed (method, URL, headers), when the client knows it. */
  readonly request: ReportRequest | undefined;

  /**
   * @param classification - the failure's classification
   * @param message - defaults to the classification's `userMessage`
   * @param options - `cause`, `retryAtMs`, `request`
   */
  constructor(classification: Classification, message?: string, options: ApiErrorOptions = {}) {
    super("http_error", message ?? classification.userMessage, "cause" in options ? { cause: options.cause } : undefined);
    this.name = "ApiError";
    this.classification = classification;
    this.retryAtMs = options.retryAtMs ?? null;
    this.request = options.request;
  }

  /** HTTP status, or `null` when no response arrived. */
  get status(): number | null {
    return this.classification.status;
  }

  /**
   * The escalation text for support (see `supportReport`): request id, endpoint, status,
   * classification, response excerpt and a curl command, with credentials redacted. `extra`
   * adds or replaces request details (e.g. the body).
   */
  supportReport(extra: ReportRequest = {}): string {
    return supportReport(this.classification, { ...this.request, ...extra });
  }
}

/**
 * Re-creates an error thrown by the wasm bindings (a plain `Error` named `FaultlineError`
 * with a `code`) as a {@link FaultlineError}; anything else becomes code `internal`.
 * @internal
 */
export function fromWasmError(e: unknown): FaultlineError {
  if (e instanceof FaultlineError) return e;
  if (e instanceof Error && e.name === "FaultlineError") {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code in ERROR_CODES) {
      return new FaultlineError(code as ErrorCode, e.message);
    }
  }
  return new FaultlineError("internal", e instanceof Error ? e.message : String(e), { cause: e });
}
