// The plain-JavaScript peer of faultline's classify(), written for bench/classify.mjs: what a
// competent developer would write by hand to get the same main answers, tuned for speed the
// usual way (JSON.parse, direct property reads, one lower-casing pass over the headers, no
// regex on the hot path except for HTML titles and the DRF throttle sentence).
//
// It covers the main rules — status mapping, the envelope fields of the nine formats in the
// benchmark (code, message, request id, field errors, body retry hints), Retry-After /
// retry-after-ms (seconds and HTTP-dates against the Date header), request-id headers, the
// common 401 distinctions and a user message per category — but not the long tail faultline
// handles (RateLimit fields, reset headers, cut bodies, BOMs, invalid UTF-8, HTML entities,
// code-table refinements, message bounds). So it does somewhat less work than faultline; the
// benchmark prints where their answers differ.

const BY_STATUS = {
  401: ["unauthenticated", "refresh_token", false],
  403: ["forbidden", "request_permission", false],
  404: ["not_found", "verify_resource", false],
  408: ["timeout", "retry_with_backoff", true],
  409: ["conflict", "fix_request", false],
  413: ["payload_too_large", "fix_request", false],
  429: ["rate_limited", "wait_and_retry", true],
  501: ["server", "contact_support", false],
  502: ["unavailable", "retry_with_backoff", true],
  503: ["unavailable", "retry_with_backoff", true],
  504: ["timeout", "retry_with_backoff", true],
};

const USER_MESSAGES = {
  unauthenticated: "Your session has expired. Please log in again.",
  forbidden: "You don't have permission to perform this action.",
  not_found: "The requested item was not found. It may have been deleted or you may not have access.",
  invalid_request: "Some of the information provided is not valid. Please check it and try again.",
  conflict: "This item was changed or already exists. Please refresh and try again.",
  payload_too_large: "The file or request is too large.",
  rate_limited: "Too many requests. Please wait a moment and try again.",
  server: "A temporary error occurred. Please try again.",
  unavailable: "The service is temporarily unavailable. Please try again shortly.",
  timeout: "The server took too long to respond. Please try again.",
  network: "Unable to reach the server. Please check your connection and try again.",
  aborted: "The request was cancelled.",
  unknown: "An unexpected error occurred.",
};

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id"];
const REFRESH_CODES = new Set(["token_not_valid", "auth_token_invalid", "auth_token_expired", "invalid_token", "token_expired"]);
const ADD_CREDENTIALS_CODES = new Set(["not_authenticated", "auth_token_missing", "bad_authorization_header"]);

function byStatus(status) {
  const known = BY_STATUS[status];
  if (known !== undefined) return known;
  if (status >= 400 && status < 500) return ["invalid_request", "fix_request", false];
  if (status >= 500 && status < 600) return ["server", "retry_with_backoff", true];
  return ["unknown", "none", false];
}

const str = (v) => (typeof v === "string" ? v : null);
const lastSegment = (s) => {
  const i = Math.max(s.lastIndexOf("/"), s.lastIndexOf("#"));
  return i < 0 ? s : s.slice(i + 1);
};

function drfFields(o, prefix, out) {
  for (const k in o) {
    const v = o[k];
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const m = v[i];
        if (typeof m === "string") (out[key] ??= []).push(m);
        else if (m && typeof m === "object") drfFields(m, `${key}.${i}`, out);
      }
    } else if (v && typeof v === "object") {
      drfFields(v, key, out);
    }
  }
  return out;
}

function pointerKey(p) {
  return p.replace(/^#?\//, "").replace(/^data\/attributes\//, "").split("/").join(".");
}

/** Reads one of the known envelopes into `r`. */
function envelope(j, problemType, r) {
  const err = j.error;
  if (!problemType && err && typeof err === "object") {
    if (typeof err.code === "number" && (typeof err.status === "string" || Array.isArray(err.details))) {
      r.format = "google";
      r.message = str(err.message);
      r.code = str(err.status);
      for (const d of Array.isArray(err.details) ? err.details : []) {
        const t = d && d["@type"];
        if (typeof t !== "string") continue;
        if (t.endsWith("ErrorInfo") && typeof d.reason === "string") r.code = d.reason;
        else if (t.endsWith("RetryInfo") && typeof d.retryDelay === "string" && r.hintMs === null) {
          r.hintMs = parseFloat(d.retryDelay) * 1000;
          r.hintSource = "body:retryInfo.retryDelay";
        } else if (t.endsWith("BadRequest") && Array.isArray(d.fieldViolations)) {
          r.fieldErrors ??= {};
          for (const v of d.fieldViolations) (r.fieldErrors[v.field] ??= []).push(v.description);
        } else if (t.endsWith("RequestInfo") && typeof d.requestId === "string") r.requestId ??= d.requestId;
      }
      return;
    }
    r.format = "upstream";
    r.code = str(err.code);
    r.message = str(err.message);
    r.requestId ??= str(err.request_id);
    const details = err.details;
    if (details && typeof details === "object") {
      if (typeof details.wait_seconds === "number" && details.wait_seconds >= 0) {
        r.hintMs = details.wait_seconds * 1000;
        r.hintSource = "body:error.details.wait_seconds";
      }
      r.requestId ??= str(details.request_id);
      if (r.code === "validation_error") {
        const f = drfFields(details, "", {});
        for (const _ in f) {
          r.fieldErrors = f;
          break;
        }
      }
    }
    return;
  }
  if (problemType || typeof j.title === "string" || (typeof j.type === "string" && (typeof j.status === "number" || typeof j.detail === "string"))) {
    r.format = "problem";
    if (typeof j.type === "string" && j.type !== "about:blank") r.code = lastSegment(j.type);
    r.message = str(j.detail) ?? str(j.title);
    r.requestId ??= str(j.traceId) ?? str(j.request_id);
    const list = Array.isArray(j["invalid-params"]) ? j["invalid-params"] : Array.isArray(j.errors) ? j.errors : null;
    if (list) {
      r.fieldErrors = {};
      for (const e of list) {
        const name = typeof e.name === "string" ? e.name : typeof e.pointer === "string" ? pointerKey(e.pointer) : null;
        const msg = str(e.reason) ?? str(e.detail);
        if (name && msg) (r.fieldErrors[name] ??= []).push(msg);
      }
    } else if (j.errors && typeof j.errors === "object") {
      r.fieldErrors = drfFields(j.errors, "", {});
    }
    return;
  }
  if (Array.isArray(j.errors) && j.errors.length > 0 && typeof j.errors[0].message === "string") {
    r.format = "graphql";
    const e = j.errors[0];
    r.message = e.message;
    r.code = e.extensions && typeof e.extensions.code === "string" ? e.extensions.code : null;
    return;
  }
  const details = j.details;
  if (typeof j.message === "string" && ((details && typeof details === "object") || typeof j.requestId === "string")) {
    r.format = "sachain";
    r.message = j.message;
    r.requestId ??= str(j.requestId);
    if (details && typeof details === "object") {
      r.code = str(details.code);
      if (typeof details.retryable === "boolean") r.retryable = details.retryable;
      if (typeof details.retryAfter === "number" && r.hintMs === null) {
        r.hintMs = details.retryAfter * 1000;
        r.hintSource = "body:details.retryAfter";
      }
      if (typeof details.field === "string") r.fieldErrors = { [details.field]: [j.message] };
    }
    return;
  }
  const detail = j.detail;
  if (detail !== undefined) {
    r.format = "detail";
    r.code = str(j.code);
    if (typeof detail === "string") {
      r.message = detail;
    } else if (Array.isArray(detail)) {
      r.fieldErrors = {};
      for (const e of detail) {
        if (!e || typeof e.msg !== "string") continue;
        const key = Array.isArray(e.loc) ? e.loc.join(".") : "non_field_errors";
        (r.fieldErrors[key] ??= []).push(e.msg);
        r.message ??= e.msg;
      }
    }
    return;
  }
  r.format = "unknown";
  r.code = str(j.code);
  r.message = str(j.message) ?? str(j.error);
}

function retryAfterHeader(h, now) {
  const ms = h["retry-after-ms"];
  if (ms !== undefined && +ms >= 0) return [+ms, "retry-after-ms"];
  const ra = h["retry-after"];
  if (ra === undefined) return null;
  const secs = Number(ra);
  if (ra.trim() !== "" && secs >= 0) return [secs * 1000, "retry-after"];
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return null;
  const base = h.date !== undefined ? Date.parse(h.date) : now;
  return [Math.max(0, at - (Number.isNaN(base) ? now : base)), "retry-after"];
}

/**
 * Classifies {status, headers (plain object, any case, or a Headers), body (string)}.
 * Returns the same fields as faultline's Classification.
 */
export function plainClassify({ status, headers, body, phase }) {
  // One pass to lower-case header names (a Headers object already is).
  let h = {};
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    for (const n of ["retry-after-ms", "retry-after", "date", "content-type", ...REQUEST_ID_HEADERS]) {
      const v = headers.get(n);
      if (v !== null) h[n] = v;
    }
  } else if (headers) {
    for (const k in headers) h[k.toLowerCase()] = headers[k];
  }
  const r = {
    format: "empty", code: null, message: null, requestId: null, fieldErrors: null,
    retryable: null, hintMs: null, hintSource: null,
  };
  const text = typeof body === "string" ? body.trim() : "";
  const c0 = text.charCodeAt(0);
  const ct = h["content-type"] ?? "";
  if (c0 === 123 /* { */ || c0 === 91 /* [ */) {
    let j;
    try {
      j = JSON.parse(text);
    } catch {
      r.format = "unknown";
    }
    if (j && typeof j === "object" && !Array.isArray(j)) {
      envelope(j, ct.includes("problem+json"), r);
      r.requestId ??= str(j.request_id) ?? str(j.requestId);
    } else if (j !== undefined) r.format = "unknown";
  } else if (c0 === 60 /* < */ || ct.includes("html")) {
    r.format = "html";
    const m = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
    r.message = m ? m[1].trim() || null : null;
  } else if (text !== "") {
    r.format = "text";
    r.message = text;
  }
  if (r.hintMs === null && r.message !== null && r.message.includes("vailable in")) {
    const m = /expected available in (\d+(?:\.\d+)?) seconds?/i.exec(r.message);
    if (m) {
      r.hintMs = +m[1] * 1000;
      r.hintSource = "body:text";
    }
  }
  const header = retryAfterHeader(h, Date.now());
  if (header !== null) {
    r.hintMs = header[0];
    r.hintSource = header[1];
  }
  let [category, action, retryable] = byStatus(status);
  if (status === 401) {
    const code = r.code === null ? "" : r.code.toLowerCase();
    const msg = r.message === null ? "" : r.message.toLowerCase();
    if (phase === "refresh") action = "reauthenticate";
    else if (ADD_CREDENTIALS_CODES.has(code) || (msg.includes("not provided") && !msg.includes("invalid"))) action = "add_credentials";
    else if (msg.includes("no active account")) action = "check_credentials";
    else if (REFRESH_CODES.has(code)) action = "refresh_token";
  } else if (phase === "refresh" && status === 400) {
    category = "unauthenticated";
    action = "reauthenticate";
  }
  if (r.retryable !== null) {
    retryable = r.retryable;
    if (!retryable && (action === "retry_with_backoff" || action === "wait_and_retry")) action = "contact_support";
  }
  if (retryable && r.hintMs !== null) action = "wait_and_retry";
  let requestId = null;
  for (const n of REQUEST_ID_HEADERS) {
    if (h[n] !== undefined) {
      requestId = h[n];
      break;
    }
  }
  return {
    category,
    action,
    status,
    code: r.code,
    message: r.message,
    retryable,
    retryAfterMs: r.hintMs,
    hintSource: r.hintSource,
    requestId: requestId ?? r.requestId,
    fieldErrors: r.fieldErrors,
    format: r.format,
    userMessage: USER_MESSAGES[category],
    notSent: false,
  };
}
