//! Deterministic simulation of the cross-tab refresh protocol: the acceptance proof of
//! DESIGN's seven invariants.
//!
//! `cargo run --profile sim --example refresh_sim -- [--schedules N] [--seed S]`
//!
//! Each schedule draws, from its seed: 2–16 tabs, path A (a Web Locks service) or path B
//! (no locks: lease over the channel), a broadcast channel with random delay, reordering
//! and loss, a rotating server with reuse detection (a second use of a refresh token is an
//! attack: 401 and the whole token family is revoked), random 503s, outages, slow and lost
//! responses, a server clock skewed by up to an hour, and chaos: callers asking for tokens
//! (sometimes after a 401), logins, logouts racing refreshes, tabs dying at any step
//! (preferably the one holding the refresh, including after the server rotated and before
//! the response arrived), tabs frozen (timers and events held back) or throttled (hidden
//! tabs' timers aligned to 1 s), back/forward-cache hide/show, offline periods, foreign,
//! old-version and malformed channel messages, and storage cleared or corrupted by the
//! page. After the chaos a quiet phase lets everything settle and every live tab asks for
//! a token once more.
//!
//! The faults of restored sessions and short-lived tokens: half the schedules have clocks
//! that agree with the server's, half of those 1–10 s access tokens; logins restore sessions
//! whose access token already expired; storage reads fail (the tab gets no snapshot);
//! refresh results cannot be read after the server rotated; an API that rejects expired
//! tokens, revoked families and tokens signed before a key change (callers' 401s follow it);
//! and an attacker on the channel (600 KB messages, `refreshing` floods with a lease end an
//! hour ahead, a nonce-0 claim answering every claim, `done` with generation 2^53 − 1). The
//! checker also fails a schedule on an expired access token handed out and on a logout
//! while the server would still have accepted the record's refresh token.
//!
//! Storage is modelled as the HTML spec describes `localStorage`: one linearizable value,
//! each tab's task runs to completion (the adapter executes effects synchronously).
//!
//! After every step the checker verifies the invariants; the first violation stops the
//! schedule and prints its seed; `--seed S --schedules 1` replays it exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code,
    missing_docs
)]

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use faultline::core::rand::SplitMix64;
use faultline::core::refresh::{
    AccessToken, Config, Effect, Event, Grant, LockMode, LogoutReason, Message, RefreshError,
    RefreshOutcome, RefreshToken, SharedRecord, Tab, TimerId,
};

/// Simulated time in microseconds.
type Us = u64;
const MS: Us = 1_000;

/// How big each schedule is.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub min_tabs: usize,
    pub max_tabs: usize,
    /// Chaos phase length.
    pub run_ms: u64,
    /// Mean gap between chaos ticks.
    pub tick_ms: u64,
}

/// Fast enough for `cargo test` (debug build).
pub const TEST_SCALE: Scale = Scale {
    min_tabs: 2,
    max_tabs: 8,
    run_ms: 45_000,
    tick_ms: 200,
};

/// The example's default.
pub const FULL_SCALE: Scale = Scale {
    min_tabs: 2,
    max_tabs: 16,
    run_ms: 150_000,
    tick_ms: 120,
};

/// The simulation's protocol configuration: the defaults scaled down ~5x so a schedule
/// covers several token lifetimes.
pub fn sim_config(path_a: bool) -> Config {
    Config {
        namespace: "sim".into(),
        web_locks: path_a,
        refresh_ahead_ms: 8_000.0,
        jitter_ms: 2_000.0,
        expiry_margin_ms: 1_000.0,
        network_timeout_ms: 2_000.0,
        lease_ms: 4_000.0,
        heartbeat_ms: 500.0,
        settle_ms: 50.0,
        confirm_ms: 20.0,
        get_token_timeout_ms: 7_000.0,
        cooldown_base_ms: 500.0,
        cooldown_max_ms: 6_000.0,
        max_retry_after_ms: 5_000.0,
        min_refresh_interval_ms: 2_000.0,
        max_refreshes_per_window: 30,
        refresh_window_ms: 10_000.0,
        opaque_lifetime_ms: 60_000.0,
        poll_ms: 1_000.0,
        max_waiters: 64,
        max_takeovers: 1,
    }
}

/// Hidden tabs' timers are aligned to this (Chrome's basic background throttling).
const THROTTLE: Us = 1_000 * MS;

// ---------------------------------------------------------------------------------------
// Figures

/// What one schedule measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub schedules: u64,
    pub path_a: u64,
    pub path_b: u64,
    pub tabs_total: u64,
    pub events: u64,
    pub requests_sent: u64,
    pub server_unavailable: u64,
    pub processed: u64,
    pub commits: u64,
    /// Most requests of one refresh token that were outstanding in live, unfrozen tabs at
    /// the same time (must be 1).
    pub max_live_concurrent: u64,
    /// Most requests the server processed for one refresh token (1 + documented reuses).
    pub max_processed_per_token: u64,
    /// Requests with a token of an already revoked family (answered 401, harmless).
    pub revoked_uses: u64,
    pub resend_after_transient: u64,
    pub takeover_after_death: u64,
    pub takeover_after_frozen: u64,
    pub reuse_after_death: u64,
    pub reuse_after_lost_response: u64,
    pub reuse_after_frozen: u64,
    pub logouts_user: u64,
    pub logouts_rejected: u64,
    pub logouts_lost: u64,
    pub logouts_cleared: u64,
    pub holder_deaths_in_flight: u64,
    pub get_token: u64,
    pub resolved: u64,
    pub rejected_logged_out: u64,
    pub rejected_failed: u64,
    pub rejected_cooldown: u64,
    pub rejected_timeout: u64,
    pub rejected_busy: u64,
    pub messages_posted: u64,
    pub messages_lost: u64,
    pub ignored_foreign: u64,
    pub ignored_version: u64,
    pub ignored_malformed: u64,
    pub malformed_records: u64,
    /// Schedules whose clocks agree with the server's, and those with 1-10 s tokens.
    pub agreeing_clocks: u64,
    pub short_lived: u64,
    /// Access tokens handed out (Resolve) after their true expiry: must be 0.
    pub expired_handed_out: u64,
    /// Logouts (rejected or lost) while the server still accepted the record's refresh token.
    pub needless_logouts: u64,
    pub restored_dead: u64,
    pub unreadable_reads: u64,
    pub unreadable_results: u64,
    pub hostile_messages: u64,
    pub convergence_us: Vec<Us>,
    pub replacement_us: Vec<Us>,
    pub final_checks: u64,
}

impl Figures {
    pub fn merge(&mut self, o: &Figures) {
        macro_rules! add {
            ($($f:ident),*) => { $( self.$f += o.$f; )* };
        }
        add!(
            schedules,
            path_a,
            path_b,
            tabs_total,
            events,
            requests_sent,
            server_unavailable,
            processed,
            revoked_uses,
            commits,
            resend_after_transient,
            takeover_after_death,
            takeover_after_frozen,
            reuse_after_death,
            reuse_after_lost_response,
            reuse_after_frozen,
            logouts_user,
            logouts_rejected,
            logouts_lost,
            logouts_cleared,
            holder_deaths_in_flight,
            get_token,
            resolved,
            rejected_logged_out,
            rejected_failed,
            rejected_cooldown,
            rejected_timeout,
            rejected_busy,
            messages_posted,
            messages_lost,
            ignored_foreign,
            ignored_version,
            ignored_malformed,
            malformed_records,
            agreeing_clocks,
            short_lived,
            expired_handed_out,
            needless_logouts,
            restored_dead,
            unreadable_reads,
            unreadable_results,
            hostile_messages,
            final_checks
        );

        self.max_live_concurrent = self.max_live_concurrent.max(o.max_live_concurrent);
        self.max_processed_per_token = self.max_processed_per_token.max(o.max_processed_per_token);
        self.convergence_us.extend_from_slice(&o.convergence_us);
        self.replacement_us.extend_from_slice(&o.replacement_us);
    }

    pub fn reuse_total(&self) -> u64 {
        self.reuse_after_death + self.reuse_after_lost_response + self.reuse_after_frozen
    }
}

fn pct(v: &mut [Us], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)] as f64 / 1000.0
}

/// The printed report.
pub fn report(f: &Figures) -> String {
    let mut conv = f.convergence_us.clone();
    let mut rep = f.replacement_us.clone();
    let mut s = String::new();
    s += &format!(
        "schedules run: {} (path A Web Locks: {}, path B lease: {}), tabs: {}, events: {}\n",
        f.schedules, f.path_a, f.path_b, f.tabs_total, f.events
    );
    s += &format!(
        "refresh requests: {} sent, {} answered 503 before processing, {} processed, {} commits\n",
        f.requests_sent, f.server_unavailable, f.processed, f.commits
    );
    s += &format!(
        "requests per generation: max live-concurrent per refresh token = {} (must be 1); \
         max processed per token while its family was valid = {} (1 rotation, + 1 when it is a \
         documented reuse below); {} later uses of revoked tokens (401)\n",
        f.max_live_concurrent, f.max_processed_per_token, f.revoked_uses
    );
    s += &format!(
        "  re-sends of a token: {} after a reported transient failure + cooldown, {} takeovers \
         after the holder died, {} after the holder froze past its lease\n",
        f.resend_after_transient, f.takeover_after_death, f.takeover_after_frozen
    );
    s += &format!(
        "reuse detections: {} documented (the rotated token was lost): {} holder died after \
         rotation, {} response lost/timed out after rotation, {} holder frozen past its lease; \
         undocumented: 0 (any would have failed the run)\n",
        f.reuse_total(),
        f.reuse_after_death,
        f.reuse_after_lost_response,
        f.reuse_after_frozen
    );
    s += &format!(
        "logouts (onLogout per tab): user {}, rejected {}, lost {}, storage cleared {}; \
         holder deaths in flight: {}\n",
        f.logouts_user,
        f.logouts_rejected,
        f.logouts_lost,
        f.logouts_cleared,
        f.holder_deaths_in_flight
    );
    s += &format!(
        "getToken: {} calls, {} resolved, rejected: logged_out {}, failed {}, cooldown {}, \
         timeout {}, busy {}\n",
        f.get_token,
        f.resolved,
        f.rejected_logged_out,
        f.rejected_failed,
        f.rejected_cooldown,
        f.rejected_timeout,
        f.rejected_busy
    );
    s += &format!(
        "convergence (commit -> all live tabs adopted): n={} p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n",
        conv.len(),
        pct(&mut conv, 0.5),
        pct(&mut conv, 0.99),
        pct(&mut conv, 1.0)
    );
    s += &format!(
        "dead holder -> next refresh of its generation (whenever a tab next needed one): n={} \
         p50 {:.1} ms, max {:.1} ms; bound checked while a caller waits: path A 2.2 s, path B 4.7 s \
         after the lease end (sim timings)\n",
        rep.len(),
        pct(&mut rep, 0.5),
        pct(&mut rep, 1.0)
    );
    s += &format!(
        "messages: {} posted, {} lost; ignored: {} foreign, {} other version, {} malformed; \
         unreadable records {}\n",
        f.messages_posted,
        f.messages_lost,
        f.ignored_foreign,
        f.ignored_version,
        f.ignored_malformed,
        f.malformed_records
    );
    s += &format!(
        "faults: {} schedules with 1-10 s tokens, {} with agreeing clocks; {} sessions restored \
         already expired, {} failed storage reads, {} unreadable refresh results, {} hostile \
         messages (oversized, refreshing floods, nonce games, generation jumps)\n",
        f.short_lived,
        f.agreeing_clocks,
        f.restored_dead,
        f.unreadable_reads,
        f.unreadable_results,
        f.hostile_messages
    );
    s += &format!(
        "max refreshes per generation (requests of one refresh token in flight in live tabs): {} \
         (must be 1); expired tokens handed out: {} (must be 0); needless logouts: {} (must be \
         0); crashes: 0 (a panic would have ended the run)\n",
        f.max_live_concurrent, f.expired_handed_out, f.needless_logouts
    );
    s += &format!("final quiet-phase checks passed: {}\n", f.final_checks);
    s
}

// ---------------------------------------------------------------------------------------
// The world

#[derive(Debug, Clone)]
enum Input {
    Raw(String),
    Msg(Message),
    Storage,
    Granted(u64),
    Unavailable(u64),
    Done {
        attempt: u64,
        outcome: RefreshOutcome,
        timeout: bool,
    },
    Timer(u64),
    Get {
        id: u64,
        reject: bool,
    },
    Logout,
    Login,
    /// A session restored with an access token that has already expired.
    LoginDead,
    Visible(bool),
    Online(bool),
    PageHide,
    PageShow,
}

#[derive(Debug)]
enum Ev {
    Tab { tab: usize, input: Input },
    Arrive { req: usize },
    Thaw { tab: usize, epoch: u64 },
    Freeze { tab: usize, dur: Us, bfcache: bool },
    Tick,
}

struct Item {
    at: Us,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Item {
    fn eq(&self, o: &Self) -> bool {
        self.at == o.at && self.seq == o.seq
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

struct Pending {
    issued: Us,
    frozen_at_issue: Us,
    steady_from: Us,
}

struct Slot {
    tab: Tab,
    id: u64,
    alive: bool,
    died_at: Us,
    frozen: bool,
    bfcache: bool,
    frozen_since: Us,
    frozen_total: Us,
    freeze_epoch: u64,
    /// Last moment the tab became unfrozen, online and shown.
    steady_since: Us,
    deferred: Vec<Input>,
    visible: bool,
    online: bool,
    timer_token: u64,
    pending: HashMap<u64, Pending>,
    /// attempt -> server request index, while the adapter waits for the result.
    attempts: HashMap<u64, usize>,
    logouts_since_session: u32,
    /// Refresh results the tab holds while it cannot read storage: (request, state).
    held: Vec<(usize, ClientState)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Outstanding,
    Ok,
    Transient,
    Rejected,
    TabDied,
}

struct Req {
    tab: usize,
    attempt: u64,
    token: String,
    generation: u64,
    state: ClientState,
    via_timeout: bool,
    processed: bool,
    frozen_superseded: bool,
}

struct Family {
    chain: Vec<String>,
    revoked: bool,
}

struct Death {
    tab: usize,
    generation: u64,
    at: Us,
    resolved: bool,
}

struct World {
    seed: u64,
    rng: SplitMix64,
    now: Us,
    seq: u64,
    queue: BinaryHeap<Item>,
    cfg: Config,
    path_a: bool,
    scale: Scale,
    chaos: bool,
    skew_s: f64,
    p_loss: f64,
    p_slow_msg: f64,
    p_unavail: f64,
    p_slow_resp: f64,
    p_lost_resp: f64,
    outage_until: Us,
    storage: Option<String>,
    slots: Vec<Slot>,
    lock_holder: Option<(usize, u64)>,
    lock_queue: VecDeque<(usize, u64)>,
    families: Vec<Family>,
    token_pos: HashMap<String, (usize, usize)>,
    issued_by: HashMap<String, usize>,
    reqs: Vec<Req>,
    reqs_by_token: HashMap<String, Vec<usize>>,
    processed_by_token: HashMap<String, u64>,
    all_refresh: Vec<String>,
    ever_stored: HashSet<String>,
    cooldown_by_gen: HashMap<u64, f64>,
    conv: Option<(u64, Us, HashSet<usize>)>,
    deaths: Vec<Death>,
    next_token: u64,
    next_req_id: u64,
    fig: Figures,
    trace: bool,
    /// Last lease end each tab (by id) wrote.
    lease_end: HashMap<u64, Us>,
    last_gen_change: Us,
    /// The server's epoch (s) at sim time 0: 0 makes the tabs' clocks agree with it.
    server_base_s: f64,
    /// 1-10 s access tokens.
    short: bool,
    p_unreadable_store: f64,
    p_unreadable_result: f64,
    /// Attacker on the channel (refreshing floods, nonce-0 claims, generation jumps).
    hostile: bool,
    /// True expiry (sim time) of every access token issued.
    expiry_us: HashMap<String, Us>,
    /// Issue time and family of every access token.
    issued: HashMap<String, (Us, usize)>,
    /// The API rejects access tokens issued before this (its signing key changed).
    keys_rotated_at: Us,
}

type Check = Result<(), String>;

fn fail<T>(msg: String) -> Result<T, String> {
    Err(msg)
}

impl World {
    fn new(seed: u64, scale: Scale) -> World {
        let mut rng = SplitMix64::new(seed);
        let path_a = rng.below(2) == 0;
        let cfg = sim_config(path_a);
        let p_loss = [0.0, 0.02, 0.1, 0.3][rng.below(4) as usize];
        let p_slow_msg = rng.uniform(0.0, 0.1);
        let p_unavail = rng.uniform(0.0, 0.15);
        let p_slow_resp = rng.uniform(0.0, 0.1);
        let p_lost_resp = rng.uniform(0.0, 0.05);
        let agree = rng.below(2) == 0;
        let short = agree && rng.below(2) == 0;
        let skew_s = if agree {
            0.0
        } else {
            rng.uniform(-3600.0, 3600.0).round()
        };
        let p_unreadable_store = [0.0, 0.0, 0.02, 0.1][rng.below(4) as usize];
        let p_unreadable_result = [0.0, 0.0, 0.01, 0.05][rng.below(4) as usize];
        let hostile = rng.below(3) == 0;
        World {
            seed,
            rng,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            cfg,
            path_a,
            scale,
            chaos: true,
            skew_s,
            p_loss,
            p_slow_msg,
            p_unavail,
            p_slow_resp,
            p_lost_resp,
            outage_until: 0,
            storage: None,
            slots: Vec::new(),
            lock_holder: None,
            lock_queue: VecDeque::new(),
            families: Vec::new(),
            token_pos: HashMap::new(),
            issued_by: HashMap::new(),
            reqs: Vec::new(),
            reqs_by_token: HashMap::new(),
            processed_by_token: HashMap::new(),
            all_refresh: Vec::new(),
            ever_stored: HashSet::new(),
            cooldown_by_gen: HashMap::new(),
            conv: None,
            deaths: Vec::new(),
            next_token: 0,
            next_req_id: 0,
            fig: Figures::default(),
            trace: std::env::var_os("SIM_TRACE").is_some(),
            lease_end: HashMap::new(),
            last_gen_change: 0,
            server_base_s: if agree { 0.0 } else { 1_700_000_000.0 },
            short,
            p_unreadable_store,
            p_unreadable_result,
            hostile,
            expiry_us: HashMap::new(),
            issued: HashMap::new(),
            keys_rotated_at: 0,
        }
    }

    /// Whether the API answers 401 to this access token: revoked family, expired, or
    /// issued before the API's signing key changed.
    fn api_rejects(&self, access: &str) -> bool {
        let expired = self.expiry_us.get(access).is_some_and(|&e| e <= self.now);
        let (at, f) = self.issued.get(access).copied().unwrap_or((0, 0));
        expired || at < self.keys_rotated_at || self.families.get(f).is_some_and(|fam| fam.revoked)
    }

    fn ms(&self) -> f64 {
        self.now as f64 / 1000.0
    }

    fn at(&mut self, at: Us, ev: Ev) {
        self.seq += 1;
        self.queue.push(Item {
            at: at.max(self.now),
            seq: self.seq,
            ev,
        });
    }

    fn send_tab(&mut self, tab: usize, delay: Us, input: Input) {
        let at = self.now + delay;
        self.at(at, Ev::Tab { tab, input });
    }

    fn rec(&self) -> Option<SharedRecord> {
        self.storage
            .as_deref()
            .and_then(|s| SharedRecord::decode(s).ok())
    }

    fn ctx(&self) -> String {
        format!(
            "seed {} t={:.3}ms path {}",
            self.seed,
            self.ms(),
            if self.path_a { "A" } else { "B" }
        )
    }

    fn live(&self) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| self.slots[i].alive)
            .collect()
    }

    fn slot_of_id(&self, id: u64) -> Option<usize> {
        self.slots.iter().position(|s| s.id == id)
    }

    // ----- tabs -----

    fn spawn(&mut self) {
        let id = self.rng.next_u64() & ((1 << 53) - 1);
        let tab_seed = self.rng.next_u64();
        let visible = self.rng.below(4) != 0;
        let idx = self.slots.len();
        self.slots.push(Slot {
            tab: Tab::new(self.cfg.clone(), id, tab_seed),
            id,
            alive: true,
            died_at: 0,
            frozen: false,
            bfcache: false,
            frozen_since: 0,
            frozen_total: 0,
            freeze_epoch: 0,
            steady_since: self.now,
            deferred: Vec::new(),
            visible: true,
            online: true,
            timer_token: 0,
            pending: HashMap::new(),
            attempts: HashMap::new(),
            logouts_since_session: 0,
            held: Vec::new(),
        });
        self.fig.tabs_total += 1;
        self.send_tab(idx, 0, Input::PageShow);
        if !visible {
            self.send_tab(idx, 0, Input::Visible(false));
        }
    }

    fn kill(&mut self, tab: usize) {
        if self.trace {
            eprintln!(
                "{:>10.3} tab{tab} KILLED (lock {:?} queue {:?})",
                self.ms(),
                self.lock_holder,
                self.lock_queue
            );
        }
        let s = &mut self.slots[tab];
        if !s.alive {
            return;
        }
        s.alive = false;
        s.died_at = self.now;
        s.pending.clear();
        s.deferred.clear();
        let mut attempts: Vec<usize> = s.attempts.drain().map(|(_, r)| r).collect();
        // Results the tab held (storage unreadable) die with it too.
        attempts.extend(s.held.drain(..).map(|(r, _)| r));
        if let Some(&r) = attempts.first() {
            self.fig.holder_deaths_in_flight += 1;
            self.deaths.push(Death {
                tab,
                generation: self.reqs[r].generation,
                at: self.now,
                resolved: false,
            });
        }
        for r in attempts {
            self.reqs[r].state = ClientState::TabDied;
        }
        if let Some((_, _, c)) = &mut self.conv {
            c.remove(&tab);
        }
        self.conv_progress();
        // The browser releases the dead tab's locks and drops its queued requests.
        self.lock_queue.retain(|(t, _)| *t != tab);
        if matches!(self.lock_holder, Some((t, _)) if t == tab) {
            self.lock_holder = None;
            self.grant_next();
        }
    }

    fn freeze(&mut self, tab: usize, dur: Us, bfcache: bool) {
        let now = self.now;
        if self.trace {
            eprintln!(
                "{:>10.3} tab{tab} FROZEN for {} ms (bfcache {bfcache})",
                self.ms(),
                dur / MS
            );
        }
        let s = &mut self.slots[tab];
        if !s.alive || s.frozen {
            return;
        }
        s.frozen = true;
        s.bfcache = bfcache;
        s.frozen_since = now;
        s.freeze_epoch += 1;
        let epoch = s.freeze_epoch;
        if let Some((_, _, c)) = &mut self.conv {
            c.remove(&tab);
        }
        self.conv_progress();
        self.at(now + dur, Ev::Thaw { tab, epoch });
    }

    fn thaw(&mut self, tab: usize) -> Check {
        let now = self.now;
        if self.trace {
            eprintln!("{:>10.3} tab{tab} THAWED", self.ms());
        }
        let s = &mut self.slots[tab];
        if !s.alive || !s.frozen {
            return Ok(());
        }
        s.frozen = false;
        s.frozen_total += now - s.frozen_since;
        s.steady_since = now;
        let bf = s.bfcache;
        s.bfcache = false;
        let deferred = std::mem::take(&mut s.deferred);
        for input in deferred {
            self.deliver(tab, input)?;
        }
        if bf {
            self.deliver(tab, Input::PageShow)?;
        }
        Ok(())
    }

    // ----- locks (path A) -----

    fn grant_next(&mut self) {
        if self.lock_holder.is_some() {
            return;
        }
        if let Some((t, r)) = self.lock_queue.pop_front() {
            self.lock_holder = Some((t, r));
            let d = self.rng.below(3 * MS);
            self.send_tab(t, d, Input::Granted(r));
        }
    }

    // ----- server -----

    fn new_token(&mut self, kind: &str) -> String {
        self.next_token += 1;
        let r = self.rng.next_u64() & 0xffff_ffff;
        format!("{kind}_{}_{:08x}", self.next_token, r)
    }

    fn server_now_s(&self) -> f64 {
        (self.now as f64 / 1_000_000.0 + self.server_base_s + self.skew_s).floor()
    }

    /// Claims of a new access token `at` (recording its true expiry); `dead`: issued long
    /// ago and already expired (a session restored from somewhere).
    fn claims(&mut self, at: &str, dead: bool) -> (Option<f64>, Option<f64>) {
        let life = if self.short {
            self.rng.uniform(1.0, 10.0).round()
        } else {
            self.rng.uniform(20.0, 90.0).round()
        };
        let mut iat = self.server_now_s();
        if dead {
            iat -= 2.0 * life + 5.0;
        }
        let exp = iat + life;
        let true_exp = (exp - self.server_base_s - self.skew_s) * 1_000_000.0;
        self.expiry_us
            .insert(at.to_string(), true_exp.max(0.0) as Us);
        (Some(exp), Some(iat))
    }

    fn login_grant(&mut self, dead: bool) -> (AccessToken, RefreshToken, Option<f64>, Option<f64>) {
        let rt = self.new_token("rt");
        let at = self.new_token("at");
        let f = self.families.len();
        self.issued.insert(at.clone(), (self.now, f));
        self.families.push(Family {
            chain: vec![rt.clone()],
            revoked: false,
        });
        self.token_pos.insert(rt.clone(), (f, 0));
        self.all_refresh.push(rt.clone());
        let (exp, iat) = self.claims(&at, dead);
        (
            AccessToken::new(at).unwrap(),
            RefreshToken::new(rt).unwrap(),
            exp,
            iat,
        )
    }

    fn arrive(&mut self, req: usize) -> Check {
        let token = self.reqs[req].token.clone();
        let (tab, attempt) = (self.reqs[req].tab, self.reqs[req].attempt);
        let outcome = if self.now < self.outage_until || self.rng.next_f64() < self.p_unavail {
            self.fig.server_unavailable += 1;
            RefreshOutcome::Transient {
                retry_after_ms: if self.rng.below(2) == 0 {
                    Some(self.rng.uniform(0.0, 3_000.0).round())
                } else {
                    None
                },
            }
        } else {
            self.reqs[req].processed = true;
            self.fig.processed += 1;
            let valid = self
                .token_pos
                .get(&token)
                .is_some_and(|&(f, _)| !self.families[f].revoked);
            if valid {
                let n = self.processed_by_token.entry(token.clone()).or_insert(0);
                *n += 1;
                let n = *n;
                self.fig.max_processed_per_token = self.fig.max_processed_per_token.max(n);
            } else {
                self.fig.revoked_uses += 1;
            }
            match self.token_pos.get(&token).copied() {
                None => RefreshOutcome::Rejected,
                Some((f, _)) if self.families[f].revoked => RefreshOutcome::Rejected,
                Some((f, pos)) if pos + 1 == self.families[f].chain.len() => {
                    if self.rng.next_f64() < 0.003 {
                        // Refresh token expired or the account was disabled.
                        self.families[f].revoked = true;
                        RefreshOutcome::Rejected
                    } else {
                        let rt = self.new_token("rt");
                        let at = self.new_token("at");
                        self.issued.insert(at.clone(), (self.now, f));
                        self.families[f].chain.push(rt.clone());
                        self.token_pos.insert(rt.clone(), (f, pos + 1));
                        self.issued_by.insert(rt.clone(), req);
                        self.all_refresh.push(rt.clone());
                        let (exp_s, iat_s) = self.claims(&at, false);
                        RefreshOutcome::Ok(Grant {
                            access: AccessToken::new(at).unwrap(),
                            refresh: Some(RefreshToken::new(rt).unwrap()),
                            exp_s,
                            iat_s,
                        })
                    }
                }
                Some((f, pos)) => {
                    // Reuse of a rotated token: an attack for the server.
                    self.families[f].revoked = true;
                    let successor = self.families[f].chain[pos + 1].clone();
                    // Every send was checked against storage (the token was current) and
                    // against live duplicates, so a reuse can only come from a lost holder:
                    // either this request's (it died or froze and its request arrived after
                    // the takeover's), or the rotating request's (its result never reached
                    // storage).
                    let q = self.issued_by[&successor];
                    let this = &self.reqs[req];
                    let prev = &self.reqs[q];
                    if this.frozen_superseded || prev.frozen_superseded {
                        self.fig.reuse_after_frozen += 1;
                    } else if this.state == ClientState::TabDied
                        || prev.state == ClientState::TabDied
                    {
                        self.fig.reuse_after_death += 1;
                    } else if prev.state == ClientState::Transient && prev.via_timeout {
                        self.fig.reuse_after_lost_response += 1;
                    } else {
                        return fail(format!(
                            "{}: undocumented reuse of {token}: rotating request {:?}, reusing request {:?}",
                            self.ctx(),
                            prev.state,
                            this.state
                        ));
                    }
                    RefreshOutcome::Rejected
                }
            }
        };
        if self.rng.next_f64() < self.p_lost_resp {
            return Ok(()); // the adapter's timeout reports it
        }
        // The response arrived but its result could not be read (a getter threw): the
        // server has rotated, the tab must never send the old token again.
        let outcome = if matches!(outcome, RefreshOutcome::Ok(_))
            && self.rng.next_f64() < self.p_unreadable_result
        {
            self.fig.unreadable_results += 1;
            RefreshOutcome::Unreadable
        } else {
            outcome
        };
        let delay = if self.rng.next_f64() < self.p_slow_resp {
            self.rng.below(4_500 * MS)
        } else {
            1 + self.rng.below(200 * MS)
        };
        self.send_tab(
            tab,
            delay,
            Input::Done {
                attempt,
                outcome,
                timeout: false,
            },
        );
        Ok(())
    }

    // ----- delivery -----

    fn deliver(&mut self, tab: usize, input: Input) -> Check {
        if !self.slots[tab].alive {
            return Ok(());
        }
        if self.slots[tab].frozen {
            self.slots[tab].deferred.push(input);
            return Ok(());
        }
        self.fig.events += 1;
        let now = self.now;
        let stored = self.storage.clone();
        let event = match &input {
            Input::Raw(s) => Event::RawMessage(s.as_str()),
            Input::Msg(m) => Event::Message(*m),
            Input::Storage => Event::StorageChanged,
            Input::Granted(r) => Event::LockGranted { request: *r },
            Input::Unavailable(r) => Event::LockUnavailable { request: *r },
            Input::Done {
                attempt,
                outcome,
                timeout,
            } => {
                // The adapter settles each attempt once: the first of response and timeout.
                let Some(r) = self.slots[tab].attempts.remove(attempt) else {
                    return Ok(());
                };
                self.reqs[r].state = match outcome {
                    RefreshOutcome::Ok(_) => ClientState::Ok,
                    RefreshOutcome::Transient { .. } => ClientState::Transient,
                    RefreshOutcome::Rejected => ClientState::Rejected,
                    RefreshOutcome::Unreadable => ClientState::Transient,
                };
                self.reqs[r].via_timeout = *timeout;
                Event::RefreshDone {
                    attempt: *attempt,
                    outcome: outcome.clone(),
                }
            }
            Input::Timer(token) => {
                if *token != self.slots[tab].timer_token {
                    return Ok(());
                }
                self.slots[tab].timer_token = 0;
                Event::Timer(TimerId::Wake)
            }
            Input::Get { id, reject } => {
                self.fig.get_token += 1;
                let s = &mut self.slots[tab];
                s.pending.insert(
                    *id,
                    Pending {
                        issued: now,
                        frozen_at_issue: s.frozen_total,
                        steady_from: s.steady_since.max(now),
                    },
                );
                let g = s.tab.generation();
                // The caller saw a 401 only if the API really rejects the tab's token.
                let current = self
                    .rec()
                    .filter(|r| r.generation == g)
                    .and_then(|r| r.session.map(|s| s.access.as_str().to_string()));
                let rejected = *reject && current.is_some_and(|a| self.api_rejects(&a));
                Event::GetToken {
                    request_id: *id,
                    reject_gen: if rejected { Some(g) } else { None },
                }
            }
            Input::Logout => Event::Logout,
            Input::Login | Input::LoginDead => {
                let dead = matches!(input, Input::LoginDead);
                if dead {
                    self.fig.restored_dead += 1;
                }
                let (access, refresh, exp_s, iat_s) = self.login_grant(dead);
                Event::Login {
                    access,
                    refresh,
                    exp_s,
                    iat_s,
                }
            }
            Input::Visible(v) => {
                self.slots[tab].visible = *v;
                Event::Visibility { visible: *v }
            }
            Input::Online(o) => {
                self.slots[tab].online = *o;
                if *o {
                    self.slots[tab].steady_since = now;
                }
                Event::Connectivity { online: *o }
            }
            Input::PageHide => Event::PageHide { persisted: true },
            Input::PageShow => {
                self.slots[tab].steady_since = now;
                Event::PageShow { persisted: true }
            }
        };
        let now_ms = self.ms();
        if self.trace {
            eprintln!("{now_ms:>10.3} tab{tab} <- {event:?}");
        }
        // Storage faults are chaos: the quiet phase that checks convergence has none.
        let fx = if self.chaos && self.rng.next_f64() < self.p_unreadable_store {
            self.fig.unreadable_reads += 1;
            if let Input::Done { attempt, .. } = &input {
                // The tab keeps the result until it can read storage: still outstanding
                // for the server's bookkeeping (a death now loses it with the tab).
                let held = self
                    .reqs
                    .iter()
                    .rposition(|q| q.tab == tab && q.attempt == *attempt);
                if let Some(r) = held {
                    self.slots[tab].held.push((r, self.reqs[r].state));
                    self.reqs[r].state = ClientState::Outstanding;
                }
            }
            self.slots[tab].tab.handle_unreadable(event, now_ms)
        } else {
            // Held results are applied now, before this event.
            for (r, state) in std::mem::take(&mut self.slots[tab].held) {
                self.reqs[r].state = state;
            }
            self.slots[tab].tab.handle(event, stored.as_deref(), now_ms)
        };
        if self.trace {
            for e in &fx {
                eprintln!("{:>10}      -> {e:?}", "");
            }
        }
        self.apply(tab, fx)?;
        // Convergence bookkeeping: this tab has looked at storage.
        let g = self.slots[tab].tab.generation();
        if let Some((cg, _, set)) = &mut self.conv {
            if g >= *cg {
                set.remove(&tab);
            }
        }
        self.conv_progress();
        Ok(())
    }

    /// Records a convergence sample once every tab that must adopt a commit has.
    fn conv_progress(&mut self) {
        if let Some((_, t0, set)) = &self.conv {
            if set.is_empty() {
                let dt = self.now - *t0;
                if std::env::var_os("SIM_SLOW_CONV").is_some() && dt > 100 * MS {
                    eprintln!(
                        "slow convergence seed {} at {} ms: {} ms",
                        self.seed,
                        self.now / MS,
                        dt / MS
                    );
                }
                self.fig.convergence_us.push(dt);
                self.conv = None;
            }
        }
    }

    fn apply(&mut self, tab: usize, fx: Vec<Effect>) -> Check {
        let me = self.slots[tab].id;
        for e in fx {
            match e {
                Effect::Post(m) => self.post(tab, m)?,
                Effect::RequestLock { request, mode, .. } => {
                    if !self.path_a {
                        return fail(format!("{}: lock requested on path B", self.ctx()));
                    }
                    if self.lock_holder.is_none() && self.lock_queue.is_empty() {
                        self.lock_holder = Some((tab, request));
                        let d = self.rng.below(3 * MS);
                        self.send_tab(tab, d, Input::Granted(request));
                    } else if mode == LockMode::IfAvailable {
                        let d = self.rng.below(3 * MS);
                        self.send_tab(tab, d, Input::Unavailable(request));
                    } else {
                        self.lock_queue.push_back((tab, request));
                    }
                }
                Effect::AbortLockRequest { request } => {
                    let before = self.lock_queue.len();
                    self.lock_queue
                        .retain(|&(t, r)| !(t == tab && r == request));
                    if self.lock_queue.len() != before {
                        self.send_tab(tab, 0, Input::Unavailable(request));
                    }
                }
                Effect::ReleaseLock { request } => {
                    if self.lock_holder == Some((tab, request)) {
                        self.lock_holder = None;
                        self.grant_next();
                    }
                }
                Effect::StartRefresh {
                    attempt,
                    refresh_token,
                } => self.start_refresh(tab, attempt, refresh_token.expose_secret().to_string())?,
                Effect::WriteRecord(rec) => self.write(tab, me, rec)?,
                Effect::SetTimer { at_ms, .. } => {
                    if !at_ms.is_finite() || at_ms < 0.0 {
                        return fail(format!("{}: bad timer {at_ms}", self.ctx()));
                    }
                    self.next_req_id += 1;
                    let token = self.next_req_id;
                    self.slots[tab].timer_token = token;
                    let at = (at_ms * 1000.0).ceil() as Us;
                    let at = at.max(self.now);
                    let fire = if self.slots[tab].visible {
                        at + self.rng.below(3 * MS)
                    } else {
                        at.div_ceil(THROTTLE) * THROTTLE + self.rng.below(20 * MS)
                    };
                    self.at(
                        fire,
                        Ev::Tab {
                            tab,
                            input: Input::Timer(token),
                        },
                    );
                }
                Effect::CancelTimer { .. } => self.slots[tab].timer_token = 0,
                Effect::Resolve {
                    request_id,
                    token,
                    generation,
                    ..
                } => {
                    if self.slots[tab].pending.remove(&request_id).is_none() {
                        return fail(format!(
                            "{}: answer to unknown request {request_id}",
                            self.ctx()
                        ));
                    }
                    let rec = self.rec();
                    let current = rec
                        .as_ref()
                        .and_then(|r| r.session.as_ref().map(|s| (r.generation, s.access.clone())));
                    if current != Some((generation, token.clone())) {
                        return fail(format!(
                            "{}: tab {tab} resolved with {token:?} gen {generation}, storage has {:?}",
                            self.ctx(),
                            current
                        ));
                    }
                    if self
                        .expiry_us
                        .get(token.as_str())
                        .is_some_and(|&exp| exp <= self.now)
                    {
                        self.fig.expired_handed_out += 1;
                        return fail(format!(
                            "{}: tab {tab} handed out {token:?}, expired at {} ms",
                            self.ctx(),
                            self.expiry_us[token.as_str()] / MS
                        ));
                    }
                    self.fig.resolved += 1;
                }
                Effect::Reject { request_id, error } => {
                    if self.slots[tab].pending.remove(&request_id).is_none() {
                        return fail(format!(
                            "{}: answer to unknown request {request_id}",
                            self.ctx()
                        ));
                    }
                    let rec = self.rec();
                    let has_session = rec.as_ref().is_some_and(|r| r.session.is_some());
                    match error {
                        RefreshError::LoggedOut => {
                            if has_session {
                                return fail(format!(
                                    "{}: logged_out while a session exists",
                                    self.ctx()
                                ));
                            }
                            self.fig.rejected_logged_out += 1;
                        }
                        RefreshError::Failed { retry_at_ms } => {
                            if !retry_at_ms.is_finite() || retry_at_ms < self.ms() {
                                return fail(format!("{}: bad retry_at {retry_at_ms}", self.ctx()));
                            }
                            self.fig.rejected_failed += 1;
                        }
                        RefreshError::Cooldown { until_ms } => {
                            if until_ms <= self.ms() || until_ms.is_nan() {
                                return fail(format!("{}: cooldown in the past", self.ctx()));
                            }
                            self.fig.rejected_cooldown += 1;
                        }
                        RefreshError::Timeout => self.fig.rejected_timeout += 1,
                        RefreshError::Busy => self.fig.rejected_busy += 1,
                        other => {
                            return fail(format!("{}: unexpected rejection {other:?}", self.ctx()));
                        }
                    }
                }
                Effect::Changed { .. } => self.slots[tab].logouts_since_session = 0,
                Effect::LoggedOut { reason } => {
                    let s = &mut self.slots[tab];
                    s.logouts_since_session += 1;
                    if s.logouts_since_session > 1 {
                        return fail(format!(
                            "{}: tab {tab} signalled logout twice for one session",
                            self.ctx()
                        ));
                    }
                    match reason {
                        LogoutReason::User => self.fig.logouts_user += 1,
                        LogoutReason::Rejected => self.fig.logouts_rejected += 1,
                        LogoutReason::Lost => self.fig.logouts_lost += 1,
                        LogoutReason::Cleared => self.fig.logouts_cleared += 1,
                    }
                }
            }
        }
        Ok(())
    }

    fn post(&mut self, from: usize, m: Message) -> Check {
        let wire = m.encode();
        // Invariant 5: no refresh token (nor any token) on the wire.
        if wire.contains("rt_")
            || wire.contains("at_")
            || self.all_refresh.iter().any(|t| wire.contains(t.as_str()))
        {
            return fail(format!(
                "{}: a token travelled over the channel: {wire}",
                self.ctx()
            ));
        }
        if Message::decode(&wire).map(|d| d.encode()).as_deref() != Ok(wire.as_str()) {
            return fail(format!("{}: wire round trip failed: {wire}", self.ctx()));
        }
        self.fig.messages_posted += 1;
        if let (true, Message::Claim { generation, .. }) = (self.hostile, m) {
            self.fig.hostile_messages += 1;
            let raw =
                format!("{{\"fl\":1,\"t\":\"claim\",\"from\":0,\"gen\":{generation},\"nonce\":0}}");
            for t in self.live() {
                let d = self.rng.below(5 * MS);
                self.send_tab(t, d, Input::Raw(raw.clone()));
            }
        }
        for t in self.live() {
            if t == from {
                continue;
            }
            if self.rng.next_f64() < self.p_loss {
                self.fig.messages_lost += 1;
                continue;
            }
            let delay = if self.rng.next_f64() < self.p_slow_msg {
                self.rng.below(1_500 * MS)
            } else {
                self.rng.below(20 * MS)
            };
            let input = if self.rng.below(2) == 0 {
                Input::Raw(wire.clone())
            } else {
                Input::Msg(m)
            };
            self.send_tab(t, delay, input);
        }
        Ok(())
    }

    fn start_refresh(&mut self, tab: usize, attempt: u64, token: String) -> Check {
        let now_ms = self.ms();
        let rec = self.rec();
        let Some(r) = rec else {
            return fail(format!("{}: refresh without a record", self.ctx()));
        };
        let Some(s) = r.session.as_ref() else {
            return fail(format!("{}: refresh without a session", self.ctx()));
        };
        if s.refresh.expose_secret() != token {
            return fail(format!(
                "{}: refresh token is not the stored one",
                self.ctx()
            ));
        }
        let me = self.slots[tab].id;
        if !r
            .inflight
            .is_some_and(|i| i.owner == me && i.attempt == attempt && i.generation == r.generation)
        {
            return fail(format!(
                "{}: refresh sent without its in-flight marker",
                self.ctx()
            ));
        }
        // Invariant 6: cooldown respected.
        if r.cooldown_until_ms > now_ms
            || self
                .cooldown_by_gen
                .get(&r.generation)
                // The record keeps whole milliseconds.
                .is_some_and(|&u| u.round() > now_ms)
        {
            return fail(format!(
                "{}: refresh during cooldown (until {} / {:?})",
                self.ctx(),
                r.cooldown_until_ms,
                self.cooldown_by_gen.get(&r.generation)
            ));
        }
        if !self.path_a
            && !r.lease.is_some_and(|l| {
                l.owner == me && l.generation == r.generation && l.until_ms > now_ms
            })
        {
            return fail(format!(
                "{}: path B refresh without a live lease",
                self.ctx()
            ));
        }
        // Invariant 1: one live request per token; re-sends only after a reported failure
        // or a lost holder.
        let prev: Vec<usize> = self.reqs_by_token.get(&token).cloned().unwrap_or_default();
        let mut resend = None;
        for p in prev {
            let (ptab, state) = (self.reqs[p].tab, self.reqs[p].state);
            match state {
                ClientState::Outstanding => {
                    if self.slots[ptab].frozen && !self.path_a {
                        self.reqs[p].frozen_superseded = true;
                        resend = Some("frozen");
                    } else {
                        return fail(format!(
                            "{}: two live refreshes of one token (tabs {ptab} and {tab})",
                            self.ctx()
                        ));
                    }
                }
                ClientState::Transient => resend = resend.or(Some("transient")),
                ClientState::TabDied => resend = Some("died"),
                ClientState::Ok | ClientState::Rejected => {
                    if !self.reqs[p].frozen_superseded {
                        return fail(format!(
                            "{}: token re-sent after its refresh completed ({state:?})",
                            self.ctx()
                        ));
                    }
                }
            }
        }
        match resend {
            Some("frozen") => self.fig.takeover_after_frozen += 1,
            Some("died") => self.fig.takeover_after_death += 1,
            Some(_) => self.fig.resend_after_transient += 1,
            None => {}
        }
        let live_now = 1 + self.reqs_by_token.get(&token).map_or(0, |v| {
            v.iter()
                .filter(|&&p| {
                    self.reqs[p].state == ClientState::Outstanding
                        && !self.slots[self.reqs[p].tab].frozen
                })
                .count() as u64
        });
        self.fig.max_live_concurrent = self.fig.max_live_concurrent.max(live_now);
        // Replacement latency of dead holders of this generation.
        for d in &mut self.deaths {
            if !d.resolved && d.generation == r.generation {
                d.resolved = true;
                self.fig.replacement_us.push(self.now - d.at);
            }
        }
        let idx = self.reqs.len();
        self.reqs.push(Req {
            tab,
            attempt,
            token: token.clone(),
            generation: r.generation,
            state: ClientState::Outstanding,
            via_timeout: false,
            processed: false,
            frozen_superseded: false,
        });
        self.reqs_by_token.entry(token).or_default().push(idx);
        self.slots[tab].attempts.insert(attempt, idx);
        self.fig.requests_sent += 1;
        let d = 1 + self.rng.below(150 * MS);
        self.at(self.now + d, Ev::Arrive { req: idx });
        // The adapter aborts the call after the network timeout.
        let t = (self.cfg.network_timeout_ms * 1000.0) as Us;
        self.send_tab(
            tab,
            t,
            Input::Done {
                attempt,
                outcome: RefreshOutcome::Transient {
                    retry_after_ms: None,
                },
                timeout: true,
            },
        );
        Ok(())
    }

    fn write(&mut self, tab: usize, me: u64, rec: SharedRecord) -> Check {
        let old = self.rec();
        // A logout (rejected or lost) while the server still accepts the refresh token in
        // the record is needless: the session could have gone on.
        let ended = rec.session.is_none()
            && matches!(
                rec.logout,
                Some(LogoutReason::Rejected | LogoutReason::Lost)
            );
        let prev_rt = old
            .as_ref()
            .and_then(|o| o.session.as_ref())
            .map(|s| s.refresh.expose_secret().to_string());
        if let (true, Some(rt)) = (ended, prev_rt) {
            let accepted = self.token_pos.get(&rt).is_some_and(|&(f, pos)| {
                !self.families[f].revoked && pos + 1 == self.families[f].chain.len()
            });
            if accepted {
                self.fig.needless_logouts += 1;
                return fail(format!(
                    "{}: needless logout ({:?}) while the server accepts {rt}",
                    self.ctx(),
                    rec.logout
                ));
            }
        }
        if let Some(o) = &old {
            if rec.generation < o.generation {
                return fail(format!(
                    "{}: generation went back {} -> {}",
                    self.ctx(),
                    o.generation,
                    rec.generation
                ));
            }
        }
        // Invariant 3: a refresh result is committed only if the generation has not moved
        // and the in-flight marker is this attempt's.
        if let Some(s) = &rec.session {
            let rt = s.refresh.expose_secret().to_string();
            if !self.ever_stored.contains(&rt) {
                if let Some(&q) = self.issued_by.get(&rt) {
                    let req = &self.reqs[q];
                    let ok = req.tab == tab
                        && old.as_ref().is_some_and(|o| {
                            o.generation == req.generation
                                && rec.generation == o.generation + 1
                                && o.inflight
                                    .is_some_and(|i| i.owner == me && i.attempt == req.attempt)
                        });
                    if !ok {
                        return fail(format!("{}: commit of a moved generation", self.ctx()));
                    }
                    self.fig.commits += 1;
                }
                self.ever_stored.insert(rt);
            }
        }
        if rec.failures
            > old.as_ref().map_or(0, |o| {
                if o.generation == rec.generation {
                    o.failures
                } else {
                    0
                }
            })
        {
            self.cooldown_by_gen
                .insert(rec.generation, rec.cooldown_until_ms);
        }
        if let Some(l) = rec.lease.filter(|l| l.owner == me) {
            self.lease_end.insert(me, (l.until_ms * 1000.0) as Us);
        }
        let changed_gen = old.as_ref().is_none_or(|o| o.generation != rec.generation);
        self.storage = Some(rec.encode());
        let back = SharedRecord::decode(self.storage.as_deref().unwrap())
            .ok()
            .map(|r| r.encode());
        if back.as_deref() != self.storage.as_deref() {
            return fail(format!("{}: record round trip failed", self.ctx()));
        }
        for t in self.live() {
            if t != tab {
                let d = self.rng.below(10 * MS);
                self.send_tab(t, d, Input::Storage);
            }
        }
        if changed_gen {
            self.last_gen_change = self.now;
            let set: HashSet<usize> = self
                .live()
                .into_iter()
                .filter(|&t| !self.slots[t].frozen && t != tab)
                .collect();
            self.conv = if set.is_empty() {
                None
            } else {
                Some((rec.generation, self.now, set))
            };
        }
        Ok(())
    }

    // ----- chaos -----

    fn pick_live(&mut self) -> Option<usize> {
        let live = self.live();
        if live.is_empty() {
            None
        } else {
            Some(live[self.rng.below(live.len() as u64) as usize])
        }
    }

    fn tick(&mut self) -> Check {
        self.check_liveness()?;
        let gap = 1 + self.rng.below(2 * self.scale.tick_ms * MS);
        self.at(self.now + gap, Ev::Tick);
        if !self.chaos {
            return Ok(());
        }
        let live = self.live();
        if live.len() < self.scale.min_tabs
            || (live.len() < self.scale.max_tabs && self.rng.below(60) == 0)
        {
            self.spawn();
        }
        let roll = self.rng.below(1000);
        let Some(t) = self.pick_live() else {
            return Ok(());
        };
        match roll {
            0..=449 if !self.slots[t].frozen => {
                self.next_req_id += 1;
                let id = self.next_req_id;
                let reject = self.rng.below(4) == 0;
                self.send_tab(t, 0, Input::Get { id, reject });
            }
            450..=452 => self.send_tab(t, 0, Input::Logout),
            460..=479 => {
                let has = self.rec().is_some_and(|r| r.session.is_some());
                if !has || self.rng.below(8) == 0 {
                    // A dead token is recognised by the local clock, so only where the
                    // clocks agree (see `restored_expires_at`).
                    let input = if self.server_base_s == 0.0 && self.rng.below(3) == 0 {
                        Input::LoginDead
                    } else {
                        Input::Login
                    };
                    self.send_tab(t, 0, input);
                }
            }
            480..=509 => {
                // Kill, preferring the tab that holds the refresh.
                let holder = self
                    .live()
                    .into_iter()
                    .find(|&i| self.slots[i].tab.is_refreshing());
                let victim = match holder {
                    Some(h) if self.rng.below(3) != 0 => h,
                    _ => t,
                };
                self.kill(victim);
            }
            510..=559 => {
                let holder = self
                    .live()
                    .into_iter()
                    .find(|&i| self.slots[i].tab.is_refreshing());
                let victim = holder.filter(|_| self.rng.below(2) == 0).unwrap_or(t);
                let dur = if self.rng.below(3) == 0 {
                    self.rng.below(15_000 * MS)
                } else {
                    self.rng.below(1_500 * MS)
                };
                self.freeze(victim, dur, false);
            }
            560..=579 if !self.slots[t].frozen => {
                // Back/forward cache: pagehide, frozen, then pageshow on restore.
                self.deliver(t, Input::PageHide)?;
                let dur = self.rng.below(8_000 * MS);
                self.freeze(t, dur, true);
            }
            580..=639 => {
                let v = !self.slots[t].visible;
                self.send_tab(t, 0, Input::Visible(v));
            }
            640..=649 => {
                self.send_tab(t, 0, Input::Online(false));
                let back = self.rng.below(5_000 * MS);
                self.send_tab(t, back, Input::Online(true));
            }
            650..=679 => {
                let raw = match self.rng.below(6) {
                    0 => r#"{"type":"token_refreshed","access":"x"}"#.to_string(),
                    1 => "not json at all".to_string(),
                    2 => r#"{"fl":0,"t":"done","from":1,"gen":99999999999}"#.to_string(),
                    3 => r#"{"fl":2,"t":"logout","from":1,"gen":99999999999}"#.to_string(),
                    4 => r#"{"fl":1,"t":"done","from":"x","gen":-1}"#.to_string(),
                    _ => format!("{{\"fl\":1,\"pad\":\"{}\"}}", "x".repeat(600)),
                };
                self.send_tab(t, 0, Input::Raw(raw));
            }
            690..=719 if self.hostile => {
                self.fig.hostile_messages += 1;
                let g = self.rec().map_or(0, |r| r.generation);
                let far = self.ms() + 3_600_000.0;
                let raw = match self.rng.below(4) {
                    0 => format!(
                        "{{\"fl\":1,\"t\":\"done\",\"from\":1,\"gen\":{},\"pad\":\"{}\"}}",
                        g + 1,
                        "x".repeat(600_000)
                    ),
                    1 => format!(
                        "{{\"fl\":1,\"t\":\"done\",\"from\":1,\"gen\":{},\"exp\":null}}",
                        (1u64 << 53) - 1
                    ),
                    _ => format!(
                        "{{\"fl\":1,\"t\":\"refreshing\",\"from\":1,\"gen\":{g},\"until\":{}}}",
                        far as u64
                    ),
                };
                for l in self.live() {
                    self.send_tab(l, 0, Input::Raw(raw.clone()));
                }
            }
            // The API's signing key changes (rarely: at most once a minute).
            684..=686 if self.now > self.keys_rotated_at + 60_000 * MS => {
                self.keys_rotated_at = self.now;
            }
            680..=682 => {
                let dur = self.rng.below(6_000 * MS);
                self.outage_until = self.now + dur;
            }
            683 => {
                // The page clears or corrupts storage.
                self.storage = if self.rng.below(2) == 0 {
                    None
                } else {
                    Some("{corrupt".into())
                };
                self.conv = None;
                for l in self.live() {
                    let d = self.rng.below(10 * MS);
                    self.send_tab(l, d, Input::Storage);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Invariants 4 and 7, checked at every tick.
    fn check_liveness(&mut self) -> Check {
        let now = self.now;
        let cfg = self.cfg.clone();
        // 7: every GetToken is answered within its bound (time frozen does not count).
        let bound7 = ((cfg.get_token_timeout_ms + 100.0) * 1000.0) as Us + THROTTLE;
        for (i, s) in self.slots.iter().enumerate() {
            if !s.alive {
                continue;
            }
            let frozen_now = s.frozen_total + if s.frozen { now - s.frozen_since } else { 0 };
            for (id, p) in &s.pending {
                let age = now - p.issued - (frozen_now - p.frozen_at_issue);
                if age > bound7 {
                    return fail(format!(
                        "{}: getToken {id} in tab {i} unanswered for {} ms",
                        self.ctx(),
                        age / MS
                    ));
                }
            }
        }
        // 4: a dead (or, on path B, frozen past its lease) holder is replaced within a bound
        // when a caller needs a token.
        let Some(r) = self.rec() else { return Ok(()) };
        let (Some(_), Some(inf)) = (r.session.as_ref(), r.inflight) else {
            return Ok(());
        };
        let Some(h) = self.slot_of_id(inf.owner) else {
            return Ok(());
        };
        let holder = &self.slots[h];
        let lease_end = self.lease_end.get(&inf.owner).copied().unwrap_or(0);
        let free_since = if !holder.alive {
            if self.path_a {
                holder.died_at
            } else {
                holder.died_at.max(lease_end)
            }
        } else if holder.frozen && !self.path_a {
            holder.frozen_since.max(lease_end)
        } else {
            return Ok(());
        };
        let mut cool = (r.cooldown_until_ms * 1000.0) as Us;
        // Path A: another tab may hold the lock (granted while it was frozen); the
        // takeover waits for it, which is the lock's job, not a lost holder.
        if let Some((lt, _)) = self.lock_holder {
            let l = &self.slots[lt];
            if l.frozen {
                return Ok(());
            }
            cool = cool.max(l.steady_since);
        }
        let bound4 = if self.path_a {
            2 * THROTTLE + ((cfg.settle_ms + 200.0) * 1000.0) as Us
        } else {
            // Hidden tabs' timers are aligned to 1 s: lease end, settle and confirm each
            // may cost one alignment.
            4 * THROTTLE + ((3.0 * cfg.settle_ms + 2.0 * cfg.confirm_ms + 500.0) * 1000.0) as Us
        };
        for (i, s) in self.slots.iter().enumerate() {
            if !s.alive || s.frozen || !s.online || i == h {
                continue;
            }
            for p in s.pending.values() {
                let start = free_since.max(p.steady_from).max(s.steady_since).max(cool);
                if now > start + bound4 {
                    return fail(format!(
                        "{}: lost holder (tab {h}) of gen {} not replaced: tab {i} waits since {:.1} ms",
                        self.ctx(),
                        inf.generation,
                        start as f64 / 1000.0
                    ));
                }
            }
        }
        Ok(())
    }

    // ----- run -----

    fn dispatch(&mut self, ev: Ev) -> Check {
        match ev {
            Ev::Tab { tab, input } => self.deliver(tab, input),
            Ev::Arrive { req } => self.arrive(req),
            Ev::Freeze { tab, dur, bfcache } => {
                self.freeze(tab, dur, bfcache);
                Ok(())
            }
            Ev::Thaw { tab, epoch } => {
                if self.slots[tab].freeze_epoch == epoch {
                    self.thaw(tab)
                } else {
                    Ok(())
                }
            }
            Ev::Tick => self.tick(),
        }
    }

    fn run_until(&mut self, end: Us) -> Check {
        while let Some(top) = self.queue.peek() {
            if top.at > end {
                break;
            }
            let item = self.queue.pop().unwrap();
            self.now = item.at;
            self.dispatch(item.ev)?;
        }
        self.now = end;
        Ok(())
    }

    fn run(&mut self) -> Check {
        let n = self.scale.min_tabs
            + self
                .rng
                .below((self.scale.max_tabs - self.scale.min_tabs + 1) as u64)
                as usize;
        for _ in 0..n {
            self.spawn();
        }
        let first = self.rng.below(n as u64) as usize;
        self.send_tab(first, MS, Input::Login);
        self.at(10 * MS, Ev::Tick);
        let end = self.scale.run_ms * MS;
        self.run_until(end)?;

        // Quiet phase: no more chaos or faults; thaw, show and reconnect everyone.
        self.chaos = false;
        self.p_unavail = 0.0;
        self.p_lost_resp = 0.0;
        self.p_slow_resp = 0.0;
        self.outage_until = 0;
        for t in self.live() {
            if self.slots[t].frozen {
                self.thaw(t)?;
            }
            if !self.slots[t].online {
                self.deliver(t, Input::Online(true))?;
            }
        }
        let quiet =
            ((self.cfg.cooldown_max_ms + self.cfg.lease_ms + 3.0 * self.cfg.network_timeout_ms)
                * 1000.0) as Us;
        self.run_until(self.now + quiet)?;
        // "Quiet": no generation change in flight (a proactive refresh may just have
        // committed; storage events take up to 10 ms).
        for _ in 0..100 {
            if self.now >= self.last_gen_change + 200 * MS {
                break;
            }
            self.run_until(self.now + 200 * MS)?;
        }
        let live = self.live();
        if live.is_empty() {
            return Ok(());
        }
        // Invariant 2: every live tab has converged on storage.
        let rec = self.rec();
        let (g, has) = rec
            .as_ref()
            .map_or((0, false), |r| (r.generation, r.session.is_some()));
        for &t in &live {
            let tab = &self.slots[t].tab;
            if tab.generation() != g || tab.has_session() != has {
                return fail(format!(
                    "{}: tab {t} did not converge: gen {} session {} vs storage gen {g} session {has}",
                    self.ctx(),
                    tab.generation(),
                    tab.has_session()
                ));
            }
        }
        // Everyone asks once more: all must be answered with the current token, or
        // logged_out when there is no session.
        let before = (self.fig.resolved, self.fig.rejected_logged_out);
        let mut ids = Vec::new();
        for &t in &live {
            self.next_req_id += 1;
            ids.push((t, self.next_req_id));
            self.deliver(
                t,
                Input::Get {
                    id: self.next_req_id,
                    reject: false,
                },
            )?;
        }
        let wait = ((self.cfg.get_token_timeout_ms + 2_000.0) * 1000.0) as Us;
        self.run_until(self.now + wait)?;
        for (t, id) in ids {
            if self.slots[t].alive && self.slots[t].pending.contains_key(&id) {
                return fail(format!(
                    "{}: final getToken in tab {t} unanswered",
                    self.ctx()
                ));
            }
        }
        let answered_ok =
            (self.fig.resolved - before.0) + (self.fig.rejected_logged_out - before.1);
        if answered_ok < live.len() as u64 {
            return fail(format!(
                "{}: final getToken answered with errors other than logged_out ({} of {} fine)",
                self.ctx(),
                answered_ok,
                live.len()
            ));
        }
        self.fig.final_checks += 1;
        Ok(())
    }
}

/// Runs one schedule; `Err` carries the violation (with its seed).
pub fn run_schedule(seed: u64, scale: Scale) -> Result<Figures, String> {
    let mut w = World::new(seed, scale);
    w.run()?;
    let mut f = w.fig;
    f.schedules = 1;
    if w.path_a {
        f.path_a = 1;
    } else {
        f.path_b = 1;
    }
    f.agreeing_clocks = u64::from(w.server_base_s == 0.0);
    f.short_lived = u64::from(w.short);
    for s in &w.slots {
        let st = s.tab.stats();
        f.ignored_foreign += st.foreign_messages;
        f.ignored_version += st.version_messages;
        f.ignored_malformed += st.malformed_messages;
        f.malformed_records += st.malformed_records;
    }
    Ok(f)
}

/// Runs `n` schedules with seeds derived from `seed` (schedule `i` uses `seed + i`).
pub fn run_many(seed: u64, n: u64, scale: Scale) -> Result<Figures, String> {
    let mut all = Figures::default();
    for i in 0..n {
        let s = seed.wrapping_add(i);
        let f = run_schedule(s, scale)?;
        all.merge(&f);
    }
    Ok(all)
}

fn main() {
    let mut schedules = 10_000u64;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--schedules" => {
                schedules = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(schedules)
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            _ => {
                eprintln!("usage: refresh_sim [--schedules N] [--seed S]");
                std::process::exit(2);
            }
        }
    }
    let started = std::time::Instant::now();
    match run_many(seed, schedules, FULL_SCALE) {
        Ok(f) => {
            print!("{}", report(&f));
            println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
        }
        Err(e) => {
            eprintln!("VIOLATION: {e}");
            eprintln!(
                "replay: cargo run --profile sim --example refresh_sim -- --seed <seed above> --schedules 1"
            );
            std::process::exit(1);
        }
    }
}
