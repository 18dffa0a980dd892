// What a successful GET costs on top of fetch: createClient and ky with faultlineKy's hooks,
// beside plain ky, all against the same in-memory fetch (a fresh JSON Response per call, no
// network), in one process. Each case: `await` of the call and the parsed body, sequentially;
// the figure is the median over rounds of µs per request, and the overhead is the case minus
// bare fetch + res.json(). Budget (DESIGN.md): the client's overhead is less than a quarter
// of ky's.
//   node bench/client-overhead.mjs [--quick]
import { performance } from "node:perf_hooks";
import ky from "ky";
import { createClient } from "../dist/node.mjs";
import { faultlineKy } from "../dist/ky.mjs";

const QUICK = process.env.QUICK === "1" || process.argv.includes("--quick");
const N = QUICK ? 2_000 : 20_000;
const ROUNDS = QUICK ? 3 : 7;

const body = JSON.stringify({ id: 7, name: "Ada", tags: ["a", "b"] });
const fetchStub = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const base = "https://api.example.com/v1";
const tokens = { getAccessToken: async () => "header.payload.signature" };

const client = createClient({ baseUrl: base, fetch: fetchStub });
const clientTokens = createClient({ baseUrl: base, fetch: fetchStub, tokens });
const plainKy = ky.create({ baseUrl: `${base}/`, fetch: fetchStub });
const hookedKy = ky.create({ baseUrl: `${base}/`, fetch: fetchStub }).extend(faultlineKy());

const cases = [
  ["bare fetch + res.json()", async () => (await fetchStub(`${base}/users/7`, { method: "GET" })).json()],
  ["createClient", () => client.request("GET", "users/7")],
  ["createClient + tokens", () => clientTokens.request("GET", "users/7")],
  ["ky (plain)", () => plainKy.get("users/7").json()],
  ["ky + faultlineKy", () => hookedKy.get("users/7").json()],
];

async function run(fn) {
  for (let i = 0; i < Math.min(N, 2_000); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  return ((performance.now() - t0) * 1000) / N;
}

const samples = Object.fromEntries(cases.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of cases) samples[name].push(await run(fn));
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const bare = us["bare fetch + res.json()"];
const kyOverhead = us["ky (plain)"] - bare;

console.log(`\nclient overhead per successful GET (${N} sequential requests x ${ROUNDS} rounds, median${QUICK ? "; quick mode: rough" : ""})`);
console.log(`  ${"case".padEnd(26)} ${"µs/req".padStart(8)} ${"overhead µs".padStart(12)} ${"vs ky's overhead".padStart(17)}`);
for (const [name] of cases) {
  const over = us[name] - bare;
  const ratio = name.startsWith("bare") ? "" : `${(over / kyOverhead).toFixed(2)}×`;
  console.log(`  ${name.padEnd(26)} ${us[name].toFixed(2).padStart(8)} ${(name.startsWith("bare") ? "" : over.toFixed(2)).padStart(12)} ${ratio.padStart(17)}`);
}
const ours = us.createClient - bare;
console.log(`\nbudget: createClient's overhead ${ours.toFixed(2)} µs vs ky's ${kyOverhead.toFixed(2)} µs = ${(ours / kyOverhead).toFixed(2)}× (budget < 0.25×) ${ours / kyOverhead < 0.25 ? "OK" : "OVER"}`);
