// decodeJwt(token).exp against jose's decodeJwt (and jwt-decode, and a hand-written
// atob + JSON.parse), on rotations of distinct tokens, one process. The floor (not a race):
// faultline at least 2× jose on a rotation of at least 4 distinct tokens.
//   node bench/jwt.mjs [--quick]      FAULTLINE_DIST=path/to/dist to measure another build
// Timed on process CPU time (BENCH_CLOCK=wall for the wall clock): on a shared machine it
// moves less with other processes' load.
import { createRequire } from "node:module";
import { decodeJwt as joseDecode } from "jose";
import { jwtDecode } from "jwt-decode";
import { compare, consume } from "./harness.mjs";

const require = createRequire(import.meta.url);
const dist = process.env.FAULTLINE_DIST ?? new URL("../dist", import.meta.url).pathname;
const fl = require(`${dist}/node.cjs`);

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const sig = Buffer.alloc(32, 7).toString("base64url");
const now = 1_763_800_000;
// Shapes seen in the wild: SimpleJWT access tokens (seed 000) and an OIDC-style token with
// profile claims in several scripts. Servers see many users' tokens, not one.
const simplejwt = (i) => `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", exp: now + 3600 + i, iat: now + i, jti: `9f0c2a7e4b1d4e5f${i.toString(16).padStart(4, "0")}`, user_id: 4200 + i })}.${sig}`;
const oidc = (i) => `${enc({ alg: "RS256", typ: "at+jwt", kid: `k-2024-${i % 3}` })}.${enc({
  iss: "https://auth.example.com/", sub: `auth0|65f1c0de${i}`, aud: ["https://api.example.com", "https://auth.example.com/userinfo"],
  iat: now + i, exp: now + 86_400 + i, scope: "openid profile email offline_access read:uploads write:uploads",
  name: "José Müller-Łukasz 日本語", email: `jose${i}@example.com`, org_id: "org_8fK2mQ", permissions: ["read:uploads", "write:uploads"],
})}.${Buffer.alloc(256, 3).toString("base64url")}`;

function handDecode(token) {
  const part = token.split(".")[1];
  return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
}

const clock = process.env.BENCH_CLOCK ?? "cpu";
const FLOOR = 2;
let held = true;
for (const [label, make] of [["SimpleJWT access token (~230 B)", simplejwt], ["OIDC access token with Unicode profile (~900 B)", oidc]]) {
  for (const n of [4, 64]) {
    const tokens = Array.from({ length: n }, (_, i) => make(i));
    const r = compare(`decodeJwt(token).exp — ${label}, rotation of ${n} tokens`, [
      { name: "faultline decodeJwt", fn: (i) => fl.decodeJwt(tokens[i % n]).exp },
      { name: "jose decodeJwt", fn: (i) => joseDecode(tokens[i % n]).exp },
      { name: "jwt-decode", fn: (i) => jwtDecode(tokens[i % n]).exp },
      { name: "hand-written atob + JSON.parse", fn: (i) => handDecode(tokens[i % n]).exp },
    ], { baseline: "faultline decodeJwt", iterations: 100_000, clock });
    const speedup = r["jose decodeJwt"] / r["faultline decodeJwt"];
    const ok = speedup >= FLOOR;
    held &&= ok;
    console.log(`  floor: faultline is ${speedup.toFixed(2)}× jose (floor ${FLOOR}×): ${ok ? "holds" : "MISSED"}`);
  }
}

const token = oidc(0);
const ahead = 300_000;
compare("per-request expiry check, same token every call (OIDC token)", [
  { name: "faultline tokenTiming(token).shouldRefresh", fn: () => fl.tokenTiming(token, { nowMs: now * 1000 }).shouldRefresh },
  { name: "jose decodeJwt + compare", fn: () => joseDecode(token).exp * 1000 - ahead <= now * 1000 },
  { name: "jwt-decode + compare", fn: () => jwtDecode(token).exp * 1000 - ahead <= now * 1000 },
], { baseline: "faultline tokenTiming(token).shouldRefresh", iterations: 200_000, clock });
consume(0);
console.log(`\njwt floor ${held ? "holds" : "MISSED"} on every rotation (machine load makes single figures noisy)`);
