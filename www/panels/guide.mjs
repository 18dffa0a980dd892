// The hand-written approaches from a typical API guide, rebuilt here only to compare them with
// faultline in the plots and the multi-tab panel. They follow what the guide describes; they
// are not recommendations.

/**
 * The guide's `exponentialBackoffRequest(url, options, maxRetries = 5, baseWait = 1000,
 * maxWait = 60000)`: retries only a 429; waits the body's `wait_seconds` when present, else
 * `baseWait · 2^attempt`, plus up to 1 s of random jitter, capped at `maxWait`; after
 * `maxRetries` rate-limited answers it sends the request one last time.
 *
 * Simulated: `answer(tMs)` says what the server answers at that instant
 * ({status, waitSeconds?}); returns the instants at which requests were sent.
 */
export function guideBackoffRun(startMs, answer, random = Math.random, { maxRetries = 5, baseWait = 1000, maxWait = 60_000 } = {}) {
  const sent = [];
  let t = startMs;
  for (let attempt = 0; attempt < maxRetries; attempt++) {
    sent.push(t);
    const res = answer(t);
    if (res.status !== 429) return { sent, ok: res.status < 400 };
    let wait = res.waitSeconds ? res.waitSeconds * 1000 : baseWait * 2 ** attempt;
    wait += random() * 1000;
    t += Math.min(wait, maxWait);
  }
  sent.push(t);
  return { sent, ok: answer(t).status < 400 };
}

/**
 * The guide's cross-tab refresh over BroadcastChannel: a tab whose access token expired posts
 * the stored refresh token to the refresh endpoint, stores the new ACCESS token in
 * localStorage and tells the other tabs. Nothing stops several tabs from doing it at once,
 * and the rotated refresh token is never stored, so with rotation and reuse detection every
 * tab after the first presents a used refresh token and the server revokes the session.
 */
export function guideTokenRefresher({ channelName, storagePrefix, onRefreshed, onFailed }) {
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event) => {
    if (event.data?.type === "token_refreshed") {
      localStorage.setItem(`${storagePrefix}access_token`, event.data.access);
      onRefreshed(event.data.access, false);
    }
  };
  return {
    async refreshToken() {
      const response = await fetch("/api/v1/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh: localStorage.getItem(`${storagePrefix}refresh_token`) }),
      });
      const data = await response.json();
      if (!response.ok) {
        onFailed(response.status, data);
        return;
      }
      localStorage.setItem(`${storagePrefix}access_token`, data.access);
      channel.postMessage({ type: "token_refreshed", access: data.access });
      onRefreshed(data.access, true);
    },
    close: () => channel.close(),
  };
}
