// The JWT vectors (tests/vectors/jwt.json, also checked by tests/jwt_vectors.rs) through the
// packed package: same values, same codes, same messages as the Rust core.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeJwt, FaultlineError, tokenTiming } from "faultline";

const doc = JSON.parse(readFileSync("vectors/jwt.json", "utf8"));
const nullable = (v) => (v === undefined ? null : v);

for (const c of doc.cases) {
  test(`decodeJwt: ${c.name}`, () => {
    const opts = c.input.limits ? { maxTokenBytes: c.input.limits.maxTokenBytes } : undefined;
    if (c.expect.ok) {
      const d = decodeJwt(c.input.token, opts);
      assert.equal(nullable(d.exp), c.expect.exp);
      assert.equal(nullable(d.iat), c.expect.iat);
      assert.equal(nullable(d.nbf), c.expect.nbf);
      assert.equal(nullable(d.tokenType), c.expect.tokenType);
      assert.deepEqual(d.header, c.expect.header);
      assert.deepEqual(d.payload, c.expect.payload);
      // The per-request path agrees with the full decode.
      if (c.expect.exp !== null) {
        const t = tokenTiming(c.input.token, { nowMs: 0 });
        assert.equal(t.expiresAtMs, c.expect.exp * 1000);
      }
    } else {
      assert.throws(() => decodeJwt(c.input.token, opts), (e) => {
        assert.ok(e instanceof FaultlineError, `not a FaultlineError: ${e}`);
        assert.equal(e.code, c.expect.code);
        if (c.expect.message) assert.equal(e.message, c.expect.message);
        return true;
      });
    }
  });
}

for (const c of doc.timing) {
  test(`tokenTiming: ${c.name}`, () => {
    const claims = Object.fromEntries(Object.entries(c.input.claims).filter(([, v]) => v !== null));
    const opts = { nowMs: c.input.nowMs };
    for (const k of ["receivedAtMs", "serverDateMs", "refreshAheadMs"]) if (c.input[k] !== null && c.input[k] !== undefined) opts[k] = c.input[k];
    if (c.expect.ok) {
      const t = tokenTiming(claims, opts);
      for (const k of ["expiresAtMs", "refreshAtMs", "expired", "shouldRefresh", "lifetimeMs", "skewMs", "clock"]) {
        assert.equal(t[k], c.expect[k], k);
      }
    } else {
      assert.throws(() => tokenTiming(claims, opts), (e) => e instanceof FaultlineError && e.code === c.expect.code);
    }
  });
}

test("bad arguments are typed errors", () => {
  for (const bad of [undefined, null, 42, {}]) {
    assert.throws(() => decodeJwt(bad), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
  }
  assert.throws(() => decodeJwt("a.b.c", { maxTokenBytes: -1 }), (e) => e.code === "invalid_argument");
  assert.throws(() => tokenTiming(7), (e) => e.code === "invalid_argument");
  assert.throws(() => tokenTiming({ exp: "soon" }), (e) => e.code === "invalid_argument");
  assert.throws(() => tokenTiming({ exp: 10 }, { nowMs: NaN }), (e) => e.code === "jwt_invalid_timing_input");
});

test("the expiry cache never serves a stale token's claims", () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const mk = (exp) => `${enc({ alg: "none" })}.${enc({ exp, iat: exp - 60 })}.`;
  const a = mk(1000), b = mk(2000);
  assert.equal(tokenTiming(a, { nowMs: 0 }).expiresAtMs, 1_000_000);
  assert.equal(tokenTiming(b, { nowMs: 0 }).expiresAtMs, 2_000_000);
  assert.equal(tokenTiming(a, { nowMs: 0 }).expiresAtMs, 1_000_000);
  assert.throws(() => tokenTiming("x.y", { nowMs: 0 }), (e) => e.code === "jwt_malformed");
  assert.equal(tokenTiming(a, { nowMs: 0 }).expiresAtMs, 1_000_000);
});

test("Unicode claims decode exactly", () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = { name: "José 日本語 😀", exp: 1 };
  assert.deepEqual(decodeJwt(`${enc({ alg: "HS256" })}.${enc(payload)}.c2ln`).payload, payload);
});

test("a declared kind other than access or refresh is kept as written; header and payload are parsed once", () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const d = decodeJwt(`${enc({ alg: "RS256", typ: "JWT" })}.${enc({ typ: "ID", exp: 10 })}.c2ln`);
  assert.equal(d.tokenType, "ID");
  assert.equal(d.exp, 10);
  assert.equal(d.iat, undefined);
  assert.equal(d.payload, d.payload);
  assert.deepEqual(d.header, { alg: "RS256", typ: "JWT" });
  assert.deepEqual(JSON.parse(JSON.stringify(d)), { header: { alg: "RS256", typ: "JWT" }, payload: { typ: "ID", exp: 10 }, exp: 10, tokenType: "ID" });
});

test("decodeJwt<T>() types custom claims; the default is JwtPayload (tsc --strict)", async () => {
  const { execFileSync } = await import("node:child_process");
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const file = "consumer-jwt-types.mts";
  writeFileSync(file, [
    'import { decodeJwt, tokenTiming, type DecodedJwt, type JwtPayload, type TokenType, type ClockSource } from "faultline";',
    "interface AppClaims { user_id: number; roles: string[] }",
    'const token = "e30.e30.";',
    "const app: DecodedJwt<AppClaims> = decodeJwt<AppClaims>(token);",
    "const id: number = app.payload.user_id;",
    "// @ts-expect-error user_id is a number",
    "const wrong: string = app.payload.user_id;",
    "const plain: DecodedJwt<JwtPayload> = decodeJwt(token);",
    "const sub: string | undefined = plain.payload.sub;",
    "const alg: string | undefined = plain.header.alg;",
    "const kind: TokenType | undefined = plain.tokenType;",
    "const clock: ClockSource = tokenTiming({ exp: 1 }, { nowMs: 0 }).clock;",
    "export { id, wrong, sub, alg, kind, clock };",
  ].join("\n"));
  const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node", file], { stdio: "inherit" });
});

test("the token's UTF-8 is what the errors measure: non-ASCII text, lone surrogates, the size limit", () => {
  const refused = (token, opts) => {
    try {
      decodeJwt(token, opts);
    } catch (e) {
      return `${e.code}: ${e.message}`;
    }
    return "accepted";
  };
  assert.equal(refused("é30.e30."), "jwt_base64: header segment is not valid base64url: byte 0xc3 at offset 0 is outside the base64url alphabet");
  assert.equal(refused("e30.e30.\ud800"), "jwt_base64: signature segment is not valid base64url: byte 0xef at offset 0 is outside the base64url alphabet");
  // Five UTF-16 units, ten bytes of UTF-8: the limit counts bytes.
  assert.equal(refused("ééééé", { maxTokenBytes: 5 }), "jwt_too_large: token is 10 bytes, above the limit of 5 bytes");
  assert.equal(refused("ééééé", { maxTokenBytes: 10 }), "jwt_malformed: token is not a JWT: expected 3 dot-separated segments, found 1");
  assert.equal(refused("日".repeat(20000)), "jwt_too_large: token is 60000 bytes, above the limit of 16384 bytes");
  assert.equal(tokenTiming("e30.eyJleHAiOjF9.", { nowMs: 0 }).expiresAtMs, 1000);
});
