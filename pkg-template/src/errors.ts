/**
 * Errors thrown by faultline.
 *
 * Every error the library throws is a {@link FaultlineError} with a stable string `code`
 * (the full list is {@link ERROR_CODES}, generated from the Rust core). Failed HTTP responses
 * surface as {@link ApiError}, which also carries the response's {@link Classification}.
 * @module
 */
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

/** A request that failed with an HTTP error or a network failure, with its classification. */
export class ApiError extends FaultlineError {
  /** What the failure is and what to do about it. */
  readonly classification: Classification;

  /**
   * @param classification - the failure's classification
   * @param message - defaults to the classification's `userMessage`
   * @param options - standard `ErrorOptions` (`cause`)
   */
  constructor(classification: Classification, message?: string, options?: { cause?: unknown }) {
    super("http_error", message ?? classification.userMessage, options);
    this.name = "ApiError";
    this.classification = classification;
  }

  /** HTTP status, or `null` when no response arrived. */
  get status(): number | null {
    return this.classification.status;
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
