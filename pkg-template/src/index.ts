/**
 * faultline: classify API failures, decide retries, read JWT expiry and share one token
 * refresh across tabs. Rust compiled to WebAssembly, with this hand-written facade.
 *
 * ```ts
 * import init, { classify } from "faultline";
 * await init(); // browsers load the wasm; in Node it is already loaded and this is a no-op
 * ```
 * @module
 */
export { ApiError, ERROR_CODES, FaultlineError, type ApiErrorOptions, type ErrorCode } from "./errors.js";
export type { Action, Category, Classification, Format, HintSource } from "./types.js";
export { wasmVersion } from "./version.js";
export {
  decodeJwt, tokenTiming,
  type ClockSource, type DecodedJwt, type JwtHeader, type JwtOptions, type JwtPayload, type TimeClaims, type TimingOptions,
  type TokenKind, type TokenTiming, type TokenType,
} from "./jwt.js";
export {
  createPacer, Pacer, RetryPolicy,
  type BreakerState, type Jitter, type LargeHint, type PacerOptions, type PacerPolicy, type PacerRate,
  type RetryBreakerOptions, type RetryBudgetOptions, type RetryCircuit, type RetryClassification, type RetryDecideInput,
  type RetryDecision, type RetryPolicyOptions, type RetryReason, type RetrySharedState, type RetryStore,
  type SharedCallOptions, type StoreEntry, type StoredValue, type StoreFallback,
} from "./retry.js";
export {
  createTokenManager,
  type ChannelKind, type GetTokenOptions, type LogoutReason, type RefreshContext, type StorageKind, type TokenEvent,
  type TokenManager, type TokenManagerOptions, type TokenManagerStats, type TokenPair, type TokenStorage,
} from "./tokens.js";
export {
  classify, classifyError, classifyResponse, createClassifier, supportReport,
  type BodyLike, type Classifier, type ClassifyOptions, type ClassifyRule, type HeadersLike, type Phase,
  type ReportRequest, type ResponseOptions, type ResponseParts,
} from "./classify.js";
export {
  createClient,
  type Client, type ClientEvent, type ClientHooks, type ClientOptions, type FetchOptions, type HookRequest, type RequestOptions,
  type TokenSource,
} from "./client.js";
