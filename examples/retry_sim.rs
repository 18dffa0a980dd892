//! Retry simulation benchmark: faultline's retry engine against plain backoff formulas and
//! the defaults of popular JavaScript retry libraries, in three discrete-event simulations.
//!
//! Why: retry behaviour only shows under contention and outages, which unit tests cannot
//! reproduce. Every run is a deterministic event-queue simulation (integer microseconds,
//! `BinaryHeap`, one seeded `SplitMix64`), so the numbers reproduce from the printed seed.
//!
//! a) AWS Architecture Blog "Exponential Backoff And Jitter" (2015): N clients do one
//!    optimistic-concurrency write each to one row (read version, write if unchanged).
//! b) Outage: 1000 clients in a think/request loop; the server answers 503 for 30 s.
//! c) 429 storm: 1000 clients hit a limit; the server answers 429 with Retry-After until
//!    the window resets, then serves a bounded rate.
//!
//! Run: `cargo run --profile sim --example retry_sim` (full, < 3 min on one core) or
//! `-- --quick` (< 20 s; exits non-zero when a headline conclusion does not hold).
//! `-- --seed N` changes the seed.

// Index-heavy simulation bookkeeping: client ids always come from the vectors they index.
#![allow(clippy::indexing_slicing)]

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::process::ExitCode;

use faultline::core::classify::model::{Action, Category, Classification, Format};
use faultline::core::rand::SplitMix64;
use faultline::core::retry::{Backoff, DecideInput, Jitter, Policy, RetryConfig};

// ---------------------------------------------------------------------------------------
// Event queue

type Micros = u64;

fn us(ms: f64) -> Micros {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1000.0).round() as Micros
    } else {
        0
    }
}

fn ms(t: Micros) -> f64 {
    t as f64 / 1000.0
}

struct Ev<K> {
    t: Micros,
    seq: u64,
    kind: K,
}

impl<K> PartialEq for Ev<K> {
    fn eq(&self, o: &Self) -> bool {
        (self.t, self.seq) == (o.t, o.seq)
    }
}
impl<K> Eq for Ev<K> {}
impl<K> PartialOrd for Ev<K> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<K> Ord for Ev<K> {
    // Min-heap on (time, insertion order).
    fn cmp(&self, o: &Self) -> Ordering {
        (o.t, o.seq).cmp(&(self.t, self.seq))
    }
}

struct Queue<K> {
    heap: BinaryHeap<Ev<K>>,
    seq: u64,
    now: Micros,
}

impl<K> Queue<K> {
    fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            seq: 0,
            now: 0,
        }
    }
    fn at(&mut self, t: Micros, kind: K) {
        self.seq += 1;
        self.heap.push(Ev {
            t,
            seq: self.seq,
            kind,
        });
    }
    fn after(&mut self, dt: Micros, kind: K) {
        let t = self.now + dt;
        self.at(t, kind);
    }
    fn pop(&mut self) -> Option<K> {
        let e = self.heap.pop()?;
        debug_assert!(e.t >= self.now, "time went backwards");
        self.now = e.t;
        Some(e.kind)
    }
}

/// One-way network delay ~ |N(10 ms, 2 ms)|, as in the AWS simulation.
fn net(rng: &mut SplitMix64) -> Micros {
    us(rng.normal(10.0, 2.0).abs())
}

fn classification(category: Category, status: u16, hint_ms: Option<f64>) -> Classification {
    Classification {
        category,
        action: Action::RetryWithBackoff,
        status: Some(status),
        code: None,
        message: None,
        retryable: true,
        retry_after_ms: hint_ms,
        hint_source: hint_ms.map(|_| faultline::core::retry::hints::HintSource::RetryAfter),
        request_id: None,
        field_errors: None,
        format: Format::Empty,
        user_message: String::new(),
        not_sent: false,
    }
}

// ---------------------------------------------------------------------------------------
// a) AWS OCC contention

#[derive(Clone, Copy, PartialEq)]
enum Occ {
    NoBackoff,
    Expo,
    Equal,
    Full,
    Decorr,
    Faultline,
}

impl Occ {
    const ALL: [Occ; 6] = [
        Occ::NoBackoff,
        Occ::Expo,
        Occ::Equal,
        Occ::Full,
        Occ::Decorr,
        Occ::Faultline,
    ];
    fn name(self) -> &'static str {
        match self {
            Occ::NoBackoff => "no backoff",
            Occ::Expo => "expo",
            Occ::Equal => "equal",
            Occ::Full => "full",
            Occ::Decorr => "decorr",
            Occ::Faultline => "faultline",
        }
    }
}

enum OccEv {
    ReadArrive(usize),
    ReadReply(usize, u64),
    WriteArrive(usize, u64),
    WriteReply(usize, bool),
}

struct OccClient {
    attempt: u32,
    prev_ms: f64,
    policy: Option<Policy>,
}

/// One run: returns (completion time ms, write calls, clients that gave up).
fn occ_run(n: usize, strategy: Occ, rng: &mut SplitMix64) -> (f64, u64, u64) {
    let base = 5.0;
    let cap = 2000.0;
    let jitter = match strategy {
        Occ::Expo | Occ::NoBackoff => Jitter::None,
        Occ::Equal => Jitter::Equal,
        Occ::Decorr => Jitter::Decorrelated,
        Occ::Full | Occ::Faultline => Jitter::Full,
    };
    let Ok(backoff) = Backoff::new(base, cap, 2.0, jitter) else {
        return (0.0, 0, n as u64);
    };
    let mut clients: Vec<OccClient> = (0..n)
        .map(|_| OccClient {
            attempt: 0,
            prev_ms: base,
            policy: if strategy == Occ::Faultline {
                // faultline defaults, with the experiment's base and cap and no attempt limit
                // (each client must finish its write); budget and breaker stay on.
                Policy::new(RetryConfig {
                    base_ms: base,
                    cap_ms: cap,
                    max_attempts: u32::MAX,
                    max_retries: u32::MAX,
                    seed: rng.next_u64(),
                    ..RetryConfig::default()
                })
                .ok()
            } else {
                None
            },
        })
        .collect();
    let conflict = classification(Category::Conflict, 409, None);
    let mut q = Queue::new();
    for i in 0..n {
        q.at(net(rng), OccEv::ReadArrive(i));
    }
    let (mut version, mut calls, mut gave_up) = (0u64, 0u64, 0u64);
    while let Some(ev) = q.pop() {
        match ev {
            OccEv::ReadArrive(i) => q.after(net(rng), OccEv::ReadReply(i, version)),
            OccEv::ReadReply(i, v) => q.after(net(rng), OccEv::WriteArrive(i, v)),
            OccEv::WriteArrive(i, v) => {
                calls += 1;
                let ok = v == version;
                if ok {
                    version += 1;
                }
                q.after(net(rng), OccEv::WriteReply(i, ok));
            }
            OccEv::WriteReply(i, true) => {
                if let Some(p) = clients[i].policy.as_mut() {
                    p.record_success(Some("db"), ms(q.now));
                }
            }
            OccEv::WriteReply(i, false) => {
                let c = &mut clients[i];
                c.attempt += 1;
                let wait = match (strategy, c.policy.as_mut()) {
                    (Occ::NoBackoff, _) => 0.0,
                    (Occ::Faultline, Some(p)) => {
                        let d = p.decide(&DecideInput {
                            now_ms: ms(q.now),
                            origin: Some("db"),
                            previous_delay_ms: Some(c.prev_ms),
                            method: "PUT",
                            ..DecideInput::new(c.attempt, &conflict)
                        });
                        if !d.retry {
                            gave_up += 1;
                            continue;
                        }
                        d.delay_ms
                    }
                    // Reference simulator: n starts at 1 for the first retry.
                    _ => backoff.delay_ms(c.attempt, c.prev_ms, rng),
                };
                c.prev_ms = wait;
                q.after(net(rng) + us(wait), OccEv::ReadArrive(i));
            }
        }
    }
    (ms(q.now), calls, gave_up)
}

struct OccRow {
    clients: usize,
    time: [f64; 6],
    calls: [f64; 6],
    gave_up: u64,
}

fn run_occ(rng: &mut SplitMix64, quick: bool) -> Vec<OccRow> {
    let sizes: Vec<usize> = if quick {
        vec![50, 100, 150]
    } else {
        (10..=190).step_by(20).collect()
    };
    let runs = if quick { 15 } else { 100 };
    println!(
        "\n## a) AWS \"Exponential Backoff And Jitter\": OCC writes to one row, net ~N(10,2) ms, base 5 ms, cap 2000 ms, {runs} runs a point"
    );
    println!("   mean completion time ms / mean write calls per run");
    print!("{:>7}", "clients");
    for s in Occ::ALL {
        print!(" | {:>16}", s.name());
    }
    println!();
    let mut rows = Vec::new();
    for &n in &sizes {
        let mut row = OccRow {
            clients: n,
            time: [0.0; 6],
            calls: [0.0; 6],
            gave_up: 0,
        };
        for (k, s) in Occ::ALL.into_iter().enumerate() {
            let (mut t, mut c) = (0.0, 0.0);
            for _ in 0..runs {
                let (rt, rc, g) = occ_run(n, s, rng);
                t += rt;
                c += rc as f64;
                row.gave_up += g;
            }
            row.time[k] = t / runs as f64;
            row.calls[k] = c / runs as f64;
        }
        print!("{n:>7}");
        for k in 0..6 {
            print!(" | {:>8.0} / {:>5.0}", row.time[k], row.calls[k]);
        }
        println!();
        rows.push(row);
    }
    println!(
        "   reference (anchor, 100 runs): 50: 1140/691 36992/628 4284/347 2836/333 2198/374; 100: 2035/2425 63514/1859 6689/813 4925/795 4610/1004; 150: 2875/5145 86261/3551 8302/1325 6443/1318 6567/1760"
    );
    println!(
        "   faultline = default policy (full jitter, budget, breaker) with base 5 / cap 2000 and no attempt limit; its first retry uses base*2^0 where the reference uses base*2^1"
    );
    rows
}

// ---------------------------------------------------------------------------------------
// b) and c): clients against one HTTP server

#[derive(Clone, Copy, PartialEq, Debug)]
enum Lib {
    Faultline,
    PRetry,
    Ky,
    AxiosRetry,
}

impl Lib {
    const ALL: [Lib; 4] = [Lib::Faultline, Lib::PRetry, Lib::Ky, Lib::AxiosRetry];
    fn name(self) -> &'static str {
        match self {
            Lib::Faultline => "faultline default",
            Lib::PRetry => "p-retry 1s*2^n x10",
            Lib::Ky => "ky 0.3s*2^n x2",
            Lib::AxiosRetry => "axios-retry 0ms x3",
        }
    }

    /// The peer libraries' default delay (ms) before retry `attempt` (1-based), or `None`
    /// to give up. ky and axios-retry follow Retry-After; p-retry does not read responses.
    fn peer_delay(self, attempt: u32, retry_after_ms: Option<f64>) -> Option<f64> {
        let exp = f64::from(attempt.saturating_sub(1));
        match self {
            Lib::PRetry => (attempt <= 10).then(|| 1000.0 * 2f64.powf(exp)),
            Lib::Ky => (attempt <= 2).then(|| retry_after_ms.unwrap_or(300.0 * 2f64.powf(exp))),
            Lib::AxiosRetry => (attempt <= 3).then(|| retry_after_ms.unwrap_or(0.0)),
            Lib::Faultline => None,
        }
    }
}

#[derive(Clone, Copy)]
enum Scenario {
    /// 503 during [start, end); afterwards a token bucket of `rate`/s (burst `burst`).
    Outage {
        start: Micros,
        end: Micros,
        rate: f64,
        burst: f64,
    },
    /// 429 with Retry-After until `reset`; afterwards a token bucket, excess 429 + Retry-After 1.
    Storm {
        reset: Micros,
        rate: f64,
        burst: f64,
    },
}

enum HttpEv {
    StartOp(usize),
    Send(usize),
    Arrive(usize),
    Reply(usize, u16, Option<f64>),
}

struct HttpClient {
    policy: Option<Policy>,
    attempt: u32,
    throttled: u32,
    prev_delay: Option<f64>,
    op_start: Micros,
    not_before: Micros,
    first_ok_after_outage: Option<Micros>,
    ever_ok: bool,
}

#[derive(Default, Debug)]
struct HttpStats {
    requests: u64,
    during_bad: u64,
    early: u64,
    ops_ok: u64,
    ops_failed: u64,
    fast_fails: u64,
    last_ok: Micros,
    max_op: Micros,
    bins: Vec<u32>,
}

struct Server {
    scenario: Scenario,
    tokens: f64,
    last: Micros,
}

impl Server {
    /// Status and Retry-After (ms) for a request arriving at `t`.
    fn answer(&mut self, t: Micros) -> (u16, Option<f64>, bool) {
        let (rate, burst) = match self.scenario {
            Scenario::Outage { start, end, .. } if t >= start && t < end => {
                return (503, None, true);
            }
            Scenario::Storm { reset, .. } if t < reset => {
                // Retry-After in whole seconds, as HTTP sends it.
                let secs = ((reset - t) as f64 / 1e6).ceil();
                return (429, Some(secs * 1000.0), true);
            }
            Scenario::Outage { rate, burst, .. } | Scenario::Storm { rate, burst, .. } => {
                (rate, burst)
            }
        };
        let dt = t.saturating_sub(self.last) as f64 / 1e6;
        self.last = t;
        self.tokens = (self.tokens + dt * rate).min(burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            (200, None, false)
        } else if matches!(self.scenario, Scenario::Storm { .. }) {
            (429, Some(1000.0), false)
        } else {
            (503, None, false)
        }
    }
}

struct HttpSetup {
    clients: usize,
    /// First op of each client starts uniformly in [0, spread).
    spread: Micros,
    /// Think time between ops, uniform [lo, hi) ms; `None`: one op per client.
    think: Option<(f64, f64)>,
    /// No new op starts after this time.
    stop_new_ops: Micros,
    /// When the bad phase ends (recovery is measured from here).
    bad_end: Micros,
    bin: Micros,
    horizon_bins: usize,
}

fn http_run(lib: Lib, sc: Scenario, setup: &HttpSetup, seed: u64) -> (HttpStats, Vec<HttpClient>) {
    let mut rng = SplitMix64::new(seed);
    let mut clients: Vec<HttpClient> = (0..setup.clients)
        .map(|_| HttpClient {
            policy: if lib == Lib::Faultline {
                Policy::new(RetryConfig {
                    seed: rng.next_u64(),
                    ..RetryConfig::default()
                })
                .ok()
            } else {
                None
            },
            attempt: 0,
            throttled: 0,
            prev_delay: None,
            op_start: 0,
            not_before: 0,
            first_ok_after_outage: None,
            ever_ok: false,
        })
        .collect();
    let burst = match sc {
        Scenario::Outage { burst, .. } | Scenario::Storm { burst, .. } => burst,
    };
    let mut server = Server {
        scenario: sc,
        tokens: burst,
        last: 0,
    };
    let mut st = HttpStats {
        bins: vec![0; setup.horizon_bins],
        ..HttpStats::default()
    };
    let mut q = Queue::new();
    for i in 0..setup.clients {
        let t = (rng.next_f64() * setup.spread as f64) as Micros;
        q.at(t, HttpEv::StartOp(i));
    }
    let origin = "https://api.example.com";
    while let Some(ev) = q.pop() {
        let now = q.now;
        match ev {
            HttpEv::StartOp(i) => {
                if now > setup.stop_new_ops {
                    continue;
                }
                let c = &mut clients[i];
                c.attempt = 0;
                c.throttled = 0;
                c.prev_delay = None;
                c.op_start = now;
                q.at(now, HttpEv::Send(i));
            }
            HttpEv::Send(i) => {
                let c = &mut clients[i];
                if let Some(p) = c.policy.as_mut() {
                    if !p.allow_request(origin, ms(now)) {
                        // Circuit open: fail fast without a request.
                        st.fast_fails += 1;
                        st.ops_failed += 1;
                        if let Some((lo, hi)) = setup.think {
                            q.after(us(rng.uniform(lo, hi)), HttpEv::StartOp(i));
                        }
                        continue;
                    }
                }
                q.after(net(&mut rng), HttpEv::Arrive(i));
            }
            HttpEv::Arrive(i) => {
                st.requests += 1;
                let (status, ra, bad) = server.answer(now);
                if bad {
                    st.during_bad += 1;
                }
                if now < clients[i].not_before {
                    st.early += 1;
                }
                if let Some(b) = st.bins.get_mut((now / setup.bin) as usize) {
                    *b += 1;
                }
                q.after(net(&mut rng), HttpEv::Reply(i, status, ra));
            }
            HttpEv::Reply(i, status, ra) => {
                let c = &mut clients[i];
                let op_done_ok = status == 200;
                let mut op_over = op_done_ok;
                if op_done_ok {
                    st.ops_ok += 1;
                    st.last_ok = st.last_ok.max(now);
                    c.ever_ok = true;
                    if now >= setup.bad_end && c.first_ok_after_outage.is_none() {
                        c.first_ok_after_outage = Some(now);
                    }
                    if let Some(p) = c.policy.as_mut() {
                        p.record_success(Some(origin), ms(now));
                    }
                } else {
                    c.attempt += 1;
                    if let Some(h) = ra {
                        c.not_before = c.not_before.max(now + us(h));
                    }
                    let delay = match c.policy.as_mut() {
                        Some(p) => {
                            let category = if status == 429 {
                                Category::RateLimited
                            } else {
                                Category::Unavailable
                            };
                            let cl = classification(category, status, ra);
                            let d = p.decide(&DecideInput {
                                elapsed_ms: ms(now - c.op_start),
                                now_ms: ms(now),
                                origin: Some(origin),
                                throttled_retries: c.throttled,
                                previous_delay_ms: c.prev_delay,
                                ..DecideInput::new(c.attempt, &cl)
                            });
                            if d.throttled {
                                c.throttled += 1;
                            }
                            d.retry.then_some(d.delay_ms)
                        }
                        None => lib.peer_delay(c.attempt, ra),
                    };
                    match delay {
                        Some(d) => {
                            c.prev_delay = Some(d);
                            q.after(us(d), HttpEv::Send(i));
                        }
                        None => {
                            st.ops_failed += 1;
                            op_over = true;
                        }
                    }
                }
                if op_over {
                    st.max_op = st.max_op.max(now - c.op_start);
                    if let Some((lo, hi)) = setup.think {
                        q.after(us(rng.uniform(lo, hi)), HttpEv::StartOp(i));
                    }
                }
            }
        }
    }
    (st, clients)
}

struct OutageRow {
    lib: Lib,
    during: u64,
    total: u64,
    ops_ok: u64,
    ops_failed: u64,
    fast_fails: u64,
    clients_ok: usize,
    recovery_s: f64,
    max_op_s: f64,
}

fn run_outage(seed: u64) -> Vec<OutageRow> {
    let sec = 1_000_000;
    let setup = HttpSetup {
        clients: 1000,
        spread: sec,
        think: Some((500.0, 1500.0)),
        stop_new_ops: 90 * sec,
        bad_end: 40 * sec,
        bin: sec,
        horizon_bins: 0,
    };
    let sc = Scenario::Outage {
        start: 10 * sec,
        end: 40 * sec,
        rate: 1500.0,
        burst: 300.0,
    };
    println!(
        "\n## b) Outage: 1000 clients, request / think U(0.5,1.5) s loop for 90 s; server 503 from 10 s to 40 s, then 1500 req/s (burst 300)"
    );
    println!(
        "{:<20} | {:>9} | {:>8} | {:>7} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10}",
        "policy",
        "outage rq",
        "total rq",
        "ops ok",
        "ops failed",
        "fast fails",
        "clients ok",
        "recovery s",
        "max op s"
    );
    let mut rows = Vec::new();
    for lib in Lib::ALL {
        let (st, clients) = http_run(lib, sc, &setup, seed);
        let recovery = clients
            .iter()
            .map(|c| c.first_ok_after_outage.map(|t| t.saturating_sub(40 * sec)))
            .try_fold(0u64, |acc, t| t.map(|t| acc.max(t)));
        let row = OutageRow {
            lib,
            during: st.during_bad,
            total: st.requests,
            ops_ok: st.ops_ok,
            ops_failed: st.ops_failed,
            fast_fails: st.fast_fails,
            clients_ok: clients
                .iter()
                .filter(|c| c.first_ok_after_outage.is_some())
                .count(),
            recovery_s: recovery.map_or(f64::INFINITY, |t| t as f64 / 1e6),
            max_op_s: st.max_op as f64 / 1e6,
        };
        println!(
            "{:<20} | {:>9} | {:>8} | {:>7} | {:>10} | {:>10} | {:>10} | {:>10.2} | {:>10.2}",
            lib.name(),
            row.during,
            row.total,
            row.ops_ok,
            row.ops_failed,
            row.fast_fails,
            row.clients_ok,
            row.recovery_s,
            row.max_op_s
        );
        rows.push(row);
    }
    println!(
        "   outage rq: requests the server received while down; fast fails: ops refused by the open breaker without a request;\n   recovery s: time after the outage until EVERY client has had a success; max op s: longest a caller waited for one operation's outcome"
    );
    rows
}

struct StormRow {
    lib: Lib,
    early: u64,
    total: u64,
    clients_ok: usize,
    peak: u32,
    last_ok_s: f64,
}

fn run_storm(seed: u64) -> Vec<StormRow> {
    let sec = 1_000_000;
    let setup = HttpSetup {
        clients: 1000,
        spread: 100_000,
        think: None,
        stop_new_ops: 100_000,
        bad_end: 5 * sec,
        bin: 100_000,
        horizon_bins: 4000,
    };
    let sc = Scenario::Storm {
        reset: 5 * sec,
        rate: 500.0,
        burst: 100.0,
    };
    println!(
        "\n## c) 429 storm: 1000 clients in 100 ms; 429 + Retry-After (whole seconds) until the window resets at 5 s, then 500 req/s (burst 100), excess 429 + Retry-After: 1"
    );
    println!(
        "{:<20} | {:>13} | {:>8} | {:>10} | {:>14} | {:>11}",
        "policy", "before hint", "total rq", "clients ok", "peak rq/100ms", "last ok s"
    );
    let mut rows = Vec::new();
    for lib in Lib::ALL {
        let (st, clients) = http_run(lib, sc, &setup, seed);
        // Peak after the first 100 ms (the initial burst is the same for everyone).
        let peak = st.bins.iter().skip(1).copied().max().unwrap_or(0);
        let row = StormRow {
            lib,
            early: st.early,
            total: st.requests,
            clients_ok: clients.iter().filter(|c| c.ever_ok).count(),
            peak,
            last_ok_s: st.last_ok as f64 / 1e6,
        };
        println!(
            "{:<20} | {:>13} | {:>8} | {:>10} | {:>14} | {:>11.2}",
            lib.name(),
            row.early,
            row.total,
            row.clients_ok,
            row.peak,
            row.last_ok_s
        );
        rows.push(row);
    }
    println!(
        "   before hint: requests that arrived before the Retry-After of that client's last 429 had expired"
    );
    rows
}

// ---------------------------------------------------------------------------------------
// Headline checks

struct Checks {
    failed: Vec<String>,
    passed: usize,
}

impl Checks {
    fn check(&mut self, ok: bool, what: String) {
        if ok {
            self.passed += 1;
            println!("  ok    {what}");
        } else {
            println!("  FAIL  {what}");
            self.failed.push(what);
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20_150_304);
    println!(
        "faultline retry simulation — seed {seed}{}",
        if quick { " (quick)" } else { "" }
    );
    let started = std::time::Instant::now();
    let mut rng = SplitMix64::new(seed);
    let occ = run_occ(&mut rng, quick);
    let outage = run_outage(seed ^ 0xB);
    let storm = run_storm(seed ^ 0xC);

    println!("\n## Headline checks");
    let mut c = Checks {
        failed: Vec::new(),
        passed: 0,
    };
    let (no, expo, full, decorr, fl) = (0, 1, 3, 4, 5);
    for row in occ.iter().filter(|r| r.clients >= 50) {
        let n = row.clients;
        c.check(
            row.calls[full] < row.calls[no] && row.calls[full] < row.calls[expo],
            format!(
                "a) {n} clients: full jitter does less work ({:.0} calls) than no backoff ({:.0}) and un-jittered exponential ({:.0})",
                row.calls[full], row.calls[no], row.calls[expo]
            ),
        );
        c.check(
            row.time[expo] > 5.0 * row.time[full],
            format!(
                "a) {n} clients: un-jittered exponential is > 5x slower ({:.0} ms vs {:.0} ms)",
                row.time[expo], row.time[full]
            ),
        );
        c.check(
            row.calls[decorr] > row.calls[full],
            format!(
                "a) {n} clients: decorrelated costs more calls than full ({:.0} vs {:.0})",
                row.calls[decorr], row.calls[full]
            ),
        );
        c.check(
            row.calls[fl] < row.calls[no] && row.calls[fl] < row.calls[expo],
            format!(
                "a) {n} clients: faultline's default does less work ({:.0} calls) than no backoff and un-jittered exponential",
                row.calls[fl]
            ),
        );
    }
    let gave_up: u64 = occ.iter().map(|r| r.gave_up).sum();
    c.check(
        gave_up == 0,
        format!("a) no faultline client gave up ({gave_up})"),
    );
    let get = |lib: Lib| outage.iter().find(|r| r.lib == lib);
    if let (Some(f), Some(p), Some(k), Some(a)) = (
        get(Lib::Faultline),
        get(Lib::PRetry),
        get(Lib::Ky),
        get(Lib::AxiosRetry),
    ) {
        c.check(
            f.during * 3 < k.during && f.during * 8 < a.during,
            format!(
                "b) faultline sends far fewer requests into the outage: {} vs ky {} ({:.1}x) and axios-retry {} ({:.1}x)",
                f.during,
                k.during,
                k.during as f64 / f.during.max(1) as f64,
                a.during,
                a.during as f64 / f.during.max(1) as f64
            ),
        );
        c.check(
            f.clients_ok == 1000 && f.max_op_s * 3.0 < p.max_op_s,
            format!(
                "b) every faultline client recovers, and no caller waits more than {:.1} s for an answer (p-retry: {:.1} s)",
                f.max_op_s, p.max_op_s
            ),
        );
        c.check(
            f.recovery_s <= 8.0,
            format!(
                "b) faultline full recovery within breaker cool-down + think time: {:.2} s <= 8 s",
                f.recovery_s
            ),
        );
    }
    let gets = |lib: Lib| storm.iter().find(|r| r.lib == lib);
    if let (Some(f), Some(p), Some(k), Some(a)) = (
        gets(Lib::Faultline),
        gets(Lib::PRetry),
        gets(Lib::Ky),
        gets(Lib::AxiosRetry),
    ) {
        c.check(
            f.early == 0 && p.early > 0,
            format!(
                "c) faultline sends nothing before Retry-After expires ({}); p-retry does ({})",
                f.early, p.early
            ),
        );
        c.check(
            f.peak < k.peak && f.peak < a.peak,
            format!(
                "c) hint jitter flattens the return herd: peak {} vs ky {} and axios-retry {} per 100 ms",
                f.peak, k.peak, a.peak
            ),
        );
        c.check(
            f.clients_ok == 1000 && f.clients_ok > k.clients_ok,
            format!(
                "c) every faultline client succeeds ({}), ky's 2 retries leave {} failing",
                f.clients_ok,
                1000 - k.clients_ok
            ),
        );
    }
    println!(
        "\n{} checks passed, {} failed, {:.1} s",
        c.passed,
        c.failed.len(),
        started.elapsed().as_secs_f64()
    );
    if c.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
