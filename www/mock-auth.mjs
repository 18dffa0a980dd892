// A SimpleJWT-like auth server for the playground and the browser tests.
//  - real HS256 JWTs (access: token_type "access", refresh: token_type "refresh") with jti
//  - refresh-token ROTATION: every successful refresh blacklists the refresh token it used
//  - REUSE DETECTION: presenting a blacklisted refresh token is treated as theft: 401
//    "Token is blacklisted" and the whole token family is revoked (the user is logged out)
//  - a configurable hold on refresh requests (refreshHoldMs), in two modes:
//      "after"  (default): rotate at once, hold the RESPONSE; a tab closed meanwhile loses
//               a token the server already rotated (the hard case: needs a grace window)
//      "before": hold the REQUEST before processing it and drop it if the client went away,
//               as a real server does with a request whose connection died before it ran
//  - an optional reuse grace window (reuseGraceMs, Auth0 "reuse interval" / Supabase
//    "parent of active"): presenting the just-rotated parent again within the window, while
//    its child is still the family's current token, returns that child instead of revoking
//  - expireAccessTokens(): every access token issued so far is refused from now on, as if it
//    had expired (the playground's "Expire the token now"); refresh tokens are untouched
import { createHmac, randomUUID } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const SECRET = "faultline-playground-secret";

export function createAuth({
  accessTtlSec = 300, refreshTtlSec = 86_400, refreshHoldMs = 0, refreshHoldMode = "after", reuseGraceMs = 0, now = () => Date.now(),
} = {}) {
  const config = { accessTtlSec, refreshTtlSec, refreshHoldMs, refreshHoldMode, reuseGraceMs };
  const initial = { ...config };
  const families = new Map(); // family id -> { revoked, current: jti }
  const refreshTokens = new Map(); // jti -> { family, used: boolean, usedAt, child: {jti, pair} }
  const liveAccess = new Set(); // jti of access tokens issued and not yet expired by expireAccessTokens()
  const expiredAccess = new Set();
  const stats = {
    logins: 0, refreshes: 0, refreshRequests: 0, reuseDetected: 0, authorized: 0, rejected: 0,
    // refresh requests held (either mode), dropped unprocessed ("before" mode, client gone),
    // answered from the grace window, and when the last 200 refresh response was written (ms)
    refreshHeld: 0, refreshDropped: 0, graceReuses: 0, lastRefreshAt: 0,
    // access tokens ended early by expireAccessTokens()
    accessExpired: 0,
  };

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
    refreshTokens.set(jti, { family, used: false, usedAt: 0, child: null });
    families.get(family).current = jti;
    const accessJti = randomUUID();
    liveAccess.add(accessJti);
    return {
      jti,
      access: sign({ token_type: "access", exp: iat + config.accessTtlSec, iat, jti: accessJti, user_id: userId, fam: family }),
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
      const { jti: _jti, ...pair } = issue(username, family);
      return pair;
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
        const child = rec.child;
        if (config.reuseGraceMs > 0 && now() - rec.usedAt <= config.reuseGraceMs && child && fam.current === child.jti) {
          stats.graceReuses++;
          return { status: 200, body: child.pair };
        }
        stats.reuseDetected++;
        fam.revoked = true;
        return { status: 401, body: { detail: "Token is blacklisted", code: "token_not_valid" } };
      }
      rec.used = true;
      rec.usedAt = now();
      stats.refreshes++;
      const { jti, ...pair } = issue(claims.user_id, rec.family);
      rec.child = { jti, pair };
      return { status: 200, body: pair };
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
      const expired = claims && (claims.exp * 1000 <= now() || expiredAccess.has(claims.jti));
      if (!claims || claims.token_type !== "access" || expired || !fam || fam.revoked) {
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
    /** Refuses every access token issued so far; returns how many were live. */
    expireAccessTokens() {
      const n = liveAccess.size;
      for (const jti of liveAccess) expiredAccess.add(jti);
      liveAccess.clear();
      stats.accessExpired += n;
      return n;
    },
    reset() {
      Object.assign(config, initial);
      families.clear();
      refreshTokens.clear();
      liveAccess.clear();
      expiredAccess.clear();
      for (const k of Object.keys(stats)) stats[k] = 0;
    },
  };
}
