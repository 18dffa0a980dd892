// A SimpleJWT-like auth server for the playground and the browser tests.
//  - real HS256 JWTs (access: token_type "access", refresh: token_type "refresh") with jti
//  - refresh-token ROTATION: every successful refresh blacklists the refresh token it used
//  - REUSE DETECTION: presenting a blacklisted refresh token is treated as theft: 401
//    "Token is blacklisted" and the whole token family is revoked (the user is logged out)
//  - a configurable hold on refresh responses, so a test can close the refreshing tab while
//    the server has already rotated the token
import { createHmac, randomUUID } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const SECRET = "faultline-playground-secret";

export function createAuth({ accessTtlSec = 300, refreshTtlSec = 86_400, refreshHoldMs = 0, now = () => Date.now() } = {}) {
  const config = { accessTtlSec, refreshTtlSec, refreshHoldMs };
  const families = new Map(); // family id -> { revoked, current: jti }
  const refreshTokens = new Map(); // jti -> { family, used: boolean }
  const stats = { logins: 0, refreshes: 0, refreshRequests: 0, reuseDetected: 0, authorized: 0, rejected: 0 };

  function sign(payload) {
    const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(payload));
    const sig = createHmac("sha256", SECRET).update(`${header}.${body}`).digest("base64url");
    return `${header}.${body}.${sig}`;
  }

  function verify(token) {
    const parts = typeof token === "string" ? token.split(".") : [];
    if (parts.length !== 3) return null;
    const sig = createHmac("sha256", SECRET).update(`${parts[0]}.${parts[1]}`).digest("base64url");
    if (sig !== parts[2]) return null;
    try {
      return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
      return null;
    }
  }

  function issue(userId, family) {
    const iat = Math.floor(now() / 1000);
    const jti = randomUUID();
    refreshTokens.set(jti, { family, used: false });
    families.get(family).current = jti;
    return {
      access: sign({ token_type: "access", exp: iat + config.accessTtlSec, iat, jti: randomUUID(), user_id: userId, fam: family }),
      refresh: sign({ token_type: "refresh", exp: iat + config.refreshTtlSec, iat, jti, user_id: userId }),
    };
  }

  return {
    config,
    stats,
    login(username, password) {
      if (!username || password !== "correct horse") return null;
      stats.logins++;
      const family = randomUUID();
      families.set(family, { revoked: false, current: null });
      return issue(username, family);
    },
    /** @returns {{status: number, body: object}} */
    refresh(token) {
      stats.refreshRequests++;
      const claims = verify(token);
      if (!claims || claims.token_type !== "refresh") {
        return { status: 401, body: { detail: "Token is invalid or expired", code: "token_not_valid" } };
      }
      if (claims.exp * 1000 <= now()) {
        return { status: 401, body: { detail: "Token is invalid or expired", code: "token_not_valid" } };
      }
      const rec = refreshTokens.get(claims.jti);
      const fam = rec && families.get(rec.family);
      if (!rec || !fam || fam.revoked) {
        return { status: 401, body: { detail: "Token is blacklisted", code: "token_not_valid" } };
      }
      if (rec.used) {
        stats.reuseDetected++;
        fam.revoked = true;
        return { status: 401, body: { detail: "Token is blacklisted", code: "token_not_valid" } };
      }
      rec.used = true;
      stats.refreshes++;
      return { status: 200, body: issue(claims.user_id, rec.family) };
    },
    /** Checks a Bearer header; returns null when authorized, else the 401 body. */
    authorize(header) {
      if (!header) {
        stats.rejected++;
        return { detail: "Authentication credentials were not provided." };
      }
      const m = /^Bearer (.+)$/.exec(header);
      const claims = m && verify(m[1]);
      const fam = claims && families.get(claims.fam);
      if (!claims || claims.token_type !== "access" || claims.exp * 1000 <= now() || !fam || fam.revoked) {
        stats.rejected++;
        return {
          detail: "Given token not valid for any token type",
          code: "token_not_valid",
          messages: [{ token_class: "AccessToken", token_type: "access", message: "Token is invalid or expired" }],
        };
      }
      stats.authorized++;
      return null;
    },
    reset() {
      families.clear();
      refreshTokens.clear();
      for (const k of Object.keys(stats)) stats[k] = 0;
    },
  };
}
