// JWT decode and per-request expiry check: faultline (through the built package) vs jose,
// jwt-decode and a hand-written atob + JSON.parse, on the same realistic tokens, one process.
//   node bench/jwt.mjs [--quick]
import { createRequire } from "node:module";
import { decodeJwt as joseDecode } from "jose";
import { jwtDecode } from "jwt-decode";
import { compare, consume } from "./harness.mjs";

const require = createRequire(import.meta.url);
const fl = require("../dist/node.cjs");

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const sig = Buffer.alloc(32, 7).toString("base64url");
const now = 1_763_800_000;
// Shapes seen in the wild: SimpleJWT access tokens (seed 000) and an OIDC-style token with
// profile claims in several scripts. 64 distinct tokens of each, cycled, so nothing is cached.
const simplejwt = Array.from({ length: 64 }, (_, i) => `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", exp: now + 3600 + i, iat: now + i, jti: `9f0c2a7e4b1d4e5f${i.toString(16).padStart(4, "0")}`, user_id: 4200 + i })}.${sig}`);
const oidc = Array.from({ length: 64 }, (_, i) => `${enc({ alg: "RS256", typ: "at+jwt", kid: "k-2024-11" })}.${enc({
  iss: "https://auth.example.com/", sub: `auth0|65f1c0de${i}`, aud: ["https://api.example.com", "https://auth.example.com/userinfo"],
  iat: now + i, exp: now + 86_400 + i, scope: "openid profile email offline_access read:uploads write:uploads",
  name: "José Müller-Łukasz 日本語", email: `jose${i}@example.com`, org_id: "org_8fK2mQ", permissions: ["read:uploads", "write:uploads"],
})}.${Buffer.alloc(256, 3).toString("base64url")}`);

// The same claims under a header that differs on every call (the kid alternates), so
// faultline cannot reuse the last header it checked: its cost for mixed issuers.
const rekeyed = (tokens) => tokens.map((t, i) => {
  const [h, p, s] = t.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  return `${enc({ ...header, kid: `k${i % 2}` })}.${p}.${s}`;
});

function handDecode(token) {
  const part = token.split(".")[1];
  return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
}

for (const [label, tokens] of [["SimpleJWT access token (~230 B)", simplejwt], ["OIDC access token with Unicode profile (~900 B)", oidc]]) {
  const n = tokens.length;
  const mixed = rekeyed(tokens);
  compare(`decodeJwt(token).exp — ${label}`, [
    { name: "faultline decodeJwt", fn: (i) => fl.decodeJwt(tokens[i % n]).exp },
    { name: "faultline decodeJwt, new header each call", fn: (i) => fl.decodeJwt(mixed[i % n]).exp },
    { name: "jose decodeJwt", fn: (i) => joseDecode(tokens[i % n]).exp },
    { name: "jwt-decode", fn: (i) => jwtDecode(tokens[i % n]).exp },
    { name: "hand-written atob + JSON.parse", fn: (i) => handDecode(tokens[i % n]).exp },
  ], { baseline: "faultline decodeJwt", iterations: 100_000 });
}

const token = oidc[0];
const ahead = 300_000;
compare("per-request expiry check, same token every call (OIDC token)", [
  { name: "faultline tokenTiming(token).shouldRefresh", fn: () => fl.tokenTiming(token, { nowMs: now * 1000 }).shouldRefresh },
  { name: "jose decodeJwt + compare", fn: () => joseDecode(token).exp * 1000 - ahead <= now * 1000 },
  { name: "jwt-decode + compare", fn: () => jwtDecode(token).exp * 1000 - ahead <= now * 1000 },
  { name: "hand-written atob + JSON.parse + compare", fn: () => handDecode(token).exp * 1000 - ahead <= now * 1000 },
], { baseline: "faultline tokenTiming(token).shouldRefresh", iterations: 200_000 });
consume(0);
