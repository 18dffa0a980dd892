/**
 * `faultline/axios`: the client's decisions inside an axios (1.x) instance a team already has.
 *
 * `faultlineAxios(instance)` installs a request interceptor (the bearer token before each
 * attempt) and a response interceptor (classify every failure, refresh-and-replay on a 401
 * that asks for it, and retry when the {@link RetryPolicy} says so, after its delay, by
 * sending the request again through the same instance). The failure's
 * {@link Classification} is attached to the error axios rejects with (`error.classification`,
 * and `error.retryAtMs` when the server asked for a wait too long to make). It returns a
 * function that removes both interceptors.
 *
 * axios is not imported: the interceptors only use the instance given, so axios stays the
 * app's own (an optional peer dependency).
 * @module
 */
import { classify, classifyError, type BodyLike, type ResponseParts } from "./classify.js";
import { FaultlineError } from "./errors.js";
import type { Classification } from "./types.js";
import {
  attach, checkTokens, isObject, makePolicy, makeShared, newCall, nextStep, sleep, succeeded, takeToken, timeoutError,
  type AdapterOptions, type CallState, type ClientEvent, type TokenSource,
} from "./client/shared.js";

/** Options of {@link faultlineAxios}. */
export type FaultlineAxiosOptions = AdapterOptions;

/** The part of an axios request config the interceptors read and write. */
interface Config {
  method?: string;
  headers?: { set?: (name: string, value: string) => unknown; get?: (name: string) => unknown; [name: string]: unknown };
  signal?: unknown;
  withCredentials?: boolean;
  /** This call's state, kept across the retries (a class instance: axios copies config by reference). */
  faultlineCall?: AxiosCall;
}

/** Handlers as axios declares them (its types are not imported, so any instance fits). */
type Handler = ((value: any) => any) | null;

/** The part of an axios instance used. */
export interface AxiosLike {
  interceptors: {
    request: { use(onFulfilled?: Handler, onRejected?: Handler, options?: any): number; eject(id: number): void };
    response: { use(onFulfilled?: Handler, onRejected?: Handler): number; eject(id: number): void };
  };
  request(config: any): Promise<any>;
  getUri(config?: any): string;
}

interface AxiosResponseLike {
  status: number;
  headers?: unknown;
  data?: unknown;
  config?: Config;
}

class AxiosCall {
  call: CallState = newCall();
  token: string | undefined = undefined;
  sentAt = 0;
}

const header = (config: Config, name: string): string | null => {
  const h = config.headers;
  const v = typeof h?.get === "function" ? h.get(name) : h?.[name];
  return typeof v === "string" && v !== "" ? v : null;
};

/** Response headers as a plain object (an `AxiosHeaders` has `toJSON()`). */
function plainHeaders(h: unknown): Record<string, string> {
  const src = isObject(h) && typeof h.toJSON === "function" ? (h.toJSON as () => unknown)() : h;
  const out: Record<string, string> = {};
  if (isObject(src)) for (const [k, v] of Object.entries(src)) if (typeof v === "string") out[k] = v;
  return out;
}

/** A failure with no response: axios's codes for its own timeout and cancel, else the cause. */
function classifyThrown(error: { code?: unknown; message?: unknown; cause?: unknown }): Classification {
  if (error.code === "ERR_CANCELED") return classifyError(Object.assign(new Error(String(error.message)), { name: "AbortError" }));
  if (error.code === "ECONNABORTED" || error.code === "ETIMEDOUT") return classifyError(timeoutError(String(error.message)));
  return classifyError(error.cause ?? error);
}

/**
 * Installs interceptors on an axios instance that do what `createClient` does.
 * @returns a function that removes them
 * @throws {FaultlineError} `invalid_argument` for a bad instance or option.
 * @example
 * import axios from "axios";
 * import { faultlineAxios } from "faultline/axios";
 * const api = axios.create({ baseURL: "https://api.example.com/v1/" });
 * const eject = faultlineAxios(api, { tokens });
 */
export function faultlineAxios(instance: AxiosLike, options: FaultlineAxiosOptions = {}): () => void {
  const i = instance as unknown as { interceptors?: { request?: { use?: unknown }; response?: { use?: unknown } }; request?: unknown; getUri?: unknown };
  if ((typeof i !== "object" && typeof i !== "function") || i === null || typeof i.interceptors?.request?.use !== "function" || typeof i.interceptors.response?.use !== "function" || typeof i.request !== "function") {
    throw new FaultlineError("invalid_argument", "faultlineAxios takes an axios instance (axios.create()) first");
  }
  if (!isObject(options as unknown)) throw new FaultlineError("invalid_argument", "faultlineAxios takes an options object second");
  const shared = makeShared({ policy: makePolicy(options.retry), tokens: checkTokens(options.tokens), onEvent: options.onEvent });
  const where = (config: Config) => {
    let url = "";
    try {
      url = instance.getUri(config);
      return { url, origin: new URL(url, (globalThis as { location?: { href?: string } }).location?.href).origin };
    } catch {
      return { url, origin: "null" };
    }
  };

  const requestId = instance.interceptors.request.use(async (config: Config) => {
    const st = (config.faultlineCall ??= new AxiosCall());
    st.call.attempt++;
    const at = { method: (config.method ?? "get").toUpperCase(), url: where(config).url, attempt: st.call.attempt };
    st.token = await takeToken(shared, at);
    if (st.token !== undefined) {
      const value = `Bearer ${st.token}`;
      if (typeof config.headers?.set === "function") config.headers.set("Authorization", value);
      else config.headers = { ...config.headers, Authorization: value };
    }
    st.sentAt = Date.now();
    shared.emit({ type: "request", ...at });
    return config;
  });

  const onResponse = async (response: AxiosResponseLike) => {
    const config = response.config;
    const st = config?.faultlineCall;
    if (config === undefined || st === undefined) return response;
    const { url, origin } = where(config);
    shared.emit({ type: "response", method: (config.method ?? "get").toUpperCase(), url, attempt: st.call.attempt, status: response.status, durationMs: Date.now() - st.sentAt });
    await succeeded(shared, origin);
    return response;
  };

  const onFailure = async (error: { config?: Config; response?: AxiosResponseLike; code?: unknown; message?: unknown; cause?: unknown }) => {
    const config = error?.config;
    const st = config?.faultlineCall;
    if (config === undefined || st === undefined) throw error;
    const method = (config.method ?? "get").toUpperCase();
    const { url, origin } = where(config);
    const at = { method, url, attempt: st.call.attempt };
    let c: Classification;
    const res = error.response;
    if (res !== undefined) {
      shared.emit({ type: "response", ...at, status: res.status, durationMs: Date.now() - st.sentAt });
      const credentialsSent = header(config, "authorization") !== null || config.withCredentials === true;
      const parts: ResponseParts & { credentialsSent: boolean } = { status: res.status, headers: plainHeaders(res.headers), body: (res.data ?? null) as BodyLike, method, url, credentialsSent };
      c = classify(parts);
    } else {
      c = classifyThrown(error);
    }
    const next = await nextStep(shared, st.call, { ...at, origin, idempotencyKey: header(config, "idempotency-key"), token: st.token }, c);
    if (next.kind === "give_up") {
      attach(error, next.classification, next.retryAtMs);
      throw error;
    }
    if (next.kind === "retry") {
      const signal = config.signal instanceof AbortSignal ? config.signal : undefined;
      try {
        await sleep(next.decision.delayMs, signal);
      } catch {
        const aborted = classifyThrown({ code: "ERR_CANCELED", message: "canceled during the wait before a retry" });
        shared.emit({ type: "give_up", ...at, classification: aborted, decision: null, retryAtMs: null });
        attach(error, aborted, null);
        throw error;
      }
    }
    return instance.request(config);
  };
  const responseId = instance.interceptors.response.use(onResponse, onFailure);

  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

export type { ClientEvent, TokenSource };
