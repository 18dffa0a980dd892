// A token source for tests (no Node APIs: it also runs in the browser suites).

/**
 * A token source: starts with `initial` (an expired or revoked token), and
 * refreshes through `refresh()` (one at a time, counted). Invalidating a token that came
 * from a refresh ends the session (`onLogout("rejected")`, once), as the token manager does.
 */
export function stubTokens({ initial, refresh, delayMs = 20 }) {
  const s = { refreshes: 0, logouts: [], invalidated: [], token: initial, fresh: false, stale: false, loggedOut: false, inflight: null };
  s.getAccessToken = async () => {
    if (s.loggedOut) throw Object.assign(new Error("logged out"), { code: "refresh_logged_out" });
    if (!s.stale) return s.token;
    s.inflight ??= (async () => {
      s.refreshes++;
      await new Promise((r) => setTimeout(r, delayMs));
      s.token = await refresh();
      s.stale = false;
      s.fresh = true;
      s.inflight = null;
      return s.token;
    })();
    return s.inflight;
  };
  s.invalidate = (token) => {
    s.invalidated.push(token);
    if (token !== s.token || s.loggedOut) return;
    if (s.fresh) {
      s.loggedOut = true;
      s.logouts.push("rejected");
      return;
    }
    s.stale = true;
  };
  return s;
}
