/**
 * The preflight's judge: what the venue actually sent (raw REST bodies and socket frames, recorded by
 * venue-probe.ts) measured against the venue's wire contract (shared/venue/contract), plus the clock offset,
 * the round-trip times and the request rate the probe used. Pure: observations in, report out.
 *
 * Drift severity:
 *  - breaking: a schema error (missing/renamed required field, wrong JSON type, a body wrapped differently), a
 *    frame key the contract does not know or does not expect on that socket, a non-2xx status, a body that is
 *    not JSON, a socket that did not open, an `error` from the venue, a clock outside the auth window, an enum
 *    value the contract does not list (the venue added a meaning the product does not know: the client would
 *    log, count and handle it conservatively, but going live on it is a decision to take first);
 *  - warning: a deprecated field or frame key, a subscription whose snapshot did not arrive within the listen
 *    window, a clock offset over `clockWarnMs`.
 * Deprecated fields and frame keys (the legacy aliases: `accountBalanceSubscriptionSnapshot` / `…Update`,
 * `positionSubscriptionUpdate`, the rounded int64 position counts …) are warnings, not breaking: the venue
 * still sends and accepts them as aliases and the client reads both today's and the legacy shapes
 * (shared/venue), so going live on them is safe today; the warning says the venue is on a path it may
 * retire (`--strict` makes it fail). A legacy snapshot key answers its subscription as today's key would.
 * The exit code is non-zero on any breaking finding (and on warnings too with `strict`).
 */
import type { WireContract, WireJudgement } from '../../shared/venue/contract/wire-contract.js';
import { defName } from '../../shared/venue/contract/wire-contract.js';

export type Severity = 'breaking' | 'warning';

/** One GET the probe made. */
export interface RestObservation {
  /** The endpoint as the contract lists it, e.g. `/v1/markets/{slug}/book`. */
  pathTemplate: string;
  authenticated: boolean;
  /** HTTP status; 0 when no response came back. */
  status: number;
  body: string;
  /** The response's `Date` header. */
  dateHeader?: string | undefined;
  /** Local wall clock at send and at receipt, ms. */
  sentAtMs: number;
  receivedAtMs: number;
  /** Round trip measured on the monotonic clock, ms. */
  rttMs: number;
  /** Why no response came back (a transport error's message). */
  failure?: string | undefined;
}

export interface SubscriptionObservation {
  requestId: string;
  subscriptionType: string;
  /** The frame key that must answer it within the window (a snapshot), or null when updates may not come. */
  expects: string | null;
  /**
   * Legacy (deprecated) frame keys the venue may answer with instead of `expects`: they answer the
   * subscription too (the client reads them), and their use is reported once as a deprecated key.
   */
  aliases?: readonly string[];
}

/** One socket the probe opened. */
export interface SocketObservation {
  /** `/v1/ws/markets` or `/v1/ws/private`. */
  path: string;
  /** 101 when the upgrade succeeded; the HTTP status of a refused upgrade; 0 when no answer. */
  upgradeStatus: number;
  dateHeader?: string | undefined;
  sentAtMs: number;
  receivedAtMs: number;
  upgradeRttMs: number;
  failure?: string | undefined;
  subscriptions: SubscriptionObservation[];
  /** Raw text of every frame received. */
  frames: string[];
}

export interface Observations {
  rest: RestObservation[];
  sockets: SocketObservation[];
  /** Things the probe could not do (e.g. no open market to read a book from). */
  skipped: string[];
}

export interface Finding {
  severity: Severity;
  /** The endpoint or socket, e.g. `GET /v1/orders/open`, `socket /v1/ws/private`, `clock`. */
  where: string;
  message: string;
  /** How many times the same finding was seen. */
  count: number;
}

export interface CallTiming {
  call: string;
  n: number;
  p50Ms: number;
  maxMs: number;
}

export interface ClockReport {
  /** Estimated server − local clock, ms (null without a Date header). */
  offsetMs: number | null;
  /** Half-width of the interval the Date headers leave for the offset, ms. */
  uncertaintyMs: number | null;
  samples: number;
  authWindowMs: number;
  /** Whether |offset| + uncertainty fits in the auth window (null when unknown). */
  withinWindow: boolean | null;
}

export interface RateReport {
  requests: number;
  authenticated: number;
  public: number;
  spanMs: number;
  /** Most requests started within any one second. */
  peakPerSecond: number;
  limitPerSecond: number;
  headroomPerSecond: number;
}

export interface PreflightReport {
  findings: Finding[];
  breaking: number;
  warnings: number;
  checked: { bodies: number; frames: number };
  timings: CallTiming[];
  clock: ClockReport;
  rate: RateReport;
}

export interface JudgeOptions {
  /** The venue's documented limit: 20 requests per second per key. */
  limitPerSecond?: number;
  /** The signature timestamp must be within this of server time: 30 s. */
  authWindowMs?: number;
  /** A clock offset beyond this is a warning (default 5 s). */
  clockWarnMs?: number;
}

const ENUM_ERROR = /^(\S+) must be one of the contract's values$/;

/** The value at a JSON pointer (`/a/0/b`), or undefined. */
function at(doc: unknown, pointer: string): unknown {
  if (pointer === '/' || pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Array indices folded so that one drift repeated over a list is one finding. */
const foldIndices = (path: string): string => path.replace(/\/\d+(?=\/|$)/g, '/*');

/** Splits a contract judgement into findings: deprecated fields warn, the rest (unknown enum values too) breaks. */
export function classify(where: string, judgement: WireJudgement, doc: unknown): Omit<Finding, 'count'>[] {
  const out: Omit<Finding, 'count'>[] = [];
  for (const e of judgement.errors) {
    const m = ENUM_ERROR.exec(e);
    if (m) {
      const value = at(doc, m[1]!);
      out.push({ severity: 'breaking', where, message: `${foldIndices(m[1]!)}: unknown enum value ${JSON.stringify(value)}` });
    } else {
      out.push({ severity: 'breaking', where, message: foldIndices(e) });
    }
  }
  for (const d of judgement.deprecated) out.push({ severity: 'warning', where, message: `deprecated field or key in use: ${d}` });
  return out;
}

class FindingList {
  private readonly byKey = new Map<string, Finding>();
  add(f: Omit<Finding, 'count'>): void {
    const key = `${f.severity}\u0000${f.where}\u0000${f.message}`;
    const seen = this.byKey.get(key);
    if (seen) seen.count++;
    else this.byKey.set(key, { ...f, count: 1 });
  }
  list(): Finding[] {
    return [...this.byKey.values()].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'breaking' ? -1 : 1));
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The venue's error text of a non-2xx body (`message`, else `error`), shortened. */
function venueMessage(body: string): string {
  const p = parseJson(body);
  if (p.ok && p.value && typeof p.value === 'object') {
    const r = p.value as Record<string, unknown>;
    const m = typeof r.message === 'string' ? r.message : typeof r.error === 'string' ? r.error : '';
    if (m) return `: ${m.slice(0, 120)}`;
  }
  return '';
}

function judgeRest(contract: WireContract, o: RestObservation, findings: FindingList): boolean {
  const where = `GET ${o.pathTemplate}`;
  if (o.status === 0) {
    findings.add({ severity: 'breaking', where, message: `no response (${o.failure ?? 'unknown failure'})` });
    return false;
  }
  if (o.status < 200 || o.status >= 300) {
    const hint = o.status === 401 ? ' (bad key id or secret, or clock skew: see the clock offset)' : o.status === 429 ? ' (rate limited)' : '';
    findings.add({ severity: 'breaking', where, message: `HTTP ${o.status}${venueMessage(o.body)}${hint}` });
    return false;
  }
  const endpoint = contract.endpoint('GET', o.pathTemplate);
  if (!endpoint?.response) {
    findings.add({ severity: 'breaking', where, message: 'the contract lists no such GET endpoint' });
    return false;
  }
  const parsed = parseJson(o.body);
  if (!parsed.ok) {
    findings.add({ severity: 'breaking', where, message: 'the body is not JSON' });
    return true;
  }
  for (const f of classify(where, contract.judge(defName(endpoint.response), parsed.value), parsed.value)) findings.add(f);
  return true;
}

function judgeSocket(contract: WireContract, s: SocketObservation, findings: FindingList): number {
  const where = `socket ${s.path}`;
  if (s.upgradeStatus !== 101) {
    const why = s.upgradeStatus === 0 ? `no upgrade (${s.failure ?? 'unknown failure'})` : `upgrade refused with HTTP ${s.upgradeStatus}`;
    findings.add({ severity: 'breaking', where, message: why });
    return 0;
  }
  const allowed = new Set((contract.sockets.find((x) => x.path === s.path)?.server ?? []).map(defName));
  if (allowed.size === 0) findings.add({ severity: 'breaking', where, message: 'the contract lists no such socket' });
  const seen = new Set<string>();
  for (const text of s.frames) {
    const parsed = parseJson(text);
    if (!parsed.ok) {
      findings.add({ severity: 'breaking', where, message: 'a frame is not JSON' });
      continue;
    }
    const frame = parsed.value;
    const verdict = contract.judgeFrame(frame);
    const fwhere = verdict.def ? `${where} ${verdict.def}` : where;
    if (verdict.def) {
      seen.add(verdict.def);
      if (allowed.size > 0 && !allowed.has(verdict.def)) findings.add({ severity: 'breaking', where: fwhere, message: `frame key ${verdict.def} is not one this socket sends` });
    }
    for (const f of classify(fwhere, verdict, frame)) findings.add(f);
    const err = frame && typeof frame === 'object' ? (frame as Record<string, unknown>).error : undefined;
    if (typeof err === 'string' && err !== '') findings.add({ severity: 'breaking', where: fwhere, message: `the venue sent an error: ${err.slice(0, 160)}` });
  }
  for (const sub of s.subscriptions) {
    if (sub.expects && !seen.has(sub.expects) && !(sub.aliases ?? []).some((a) => seen.has(a))) {
      findings.add({ severity: 'warning', where, message: `${sub.subscriptionType}: no ${sub.expects} frame within the listen window` });
    }
  }
  return s.frames.length;
}

/** The median (lower middle for an even count). */
function p50(sorted: number[]): number {
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function callTimings(obs: Observations): CallTiming[] {
  const groups = new Map<string, number[]>();
  const add = (call: string, ms: number): void => {
    const g = groups.get(call) ?? [];
    g.push(ms);
    groups.set(call, g);
  };
  for (const o of obs.rest) if (o.status !== 0) add(`GET ${o.pathTemplate}`, o.rttMs);
  for (const s of obs.sockets) if (s.upgradeStatus !== 0) add(`WS upgrade ${s.path}`, s.upgradeRttMs);
  return [...groups.entries()].map(([call, ms]) => {
    const sorted = ms.slice().sort((a, b) => a - b);
    return { call, n: sorted.length, p50Ms: round1(p50(sorted)), maxMs: round1(sorted[sorted.length - 1] ?? 0) };
  });
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * The clock offset (server − local) from the Date headers. A header names the server's second S; the server
 * read its clock between our send (t0) and our receipt (t1), so the offset lies in [S − t1, S + 1000 − t0].
 * The intersection of these intervals over all responses is the estimate (its middle) and its uncertainty
 * (half its width). Inconsistent intervals (a clock step mid-run) fall back to the median of the middles.
 */
export function clockOffset(obs: Observations, authWindowMs: number): ClockReport {
  const intervals: [number, number][] = [];
  const samples = [
    ...obs.rest.map((o) => ({ date: o.dateHeader, t0: o.sentAtMs, t1: o.receivedAtMs })),
    ...obs.sockets.map((s) => ({ date: s.dateHeader, t0: s.sentAtMs, t1: s.receivedAtMs })),
  ];
  for (const s of samples) {
    if (!s.date) continue;
    const server = Date.parse(s.date);
    if (!Number.isFinite(server)) continue;
    intervals.push([server - s.t1, server + 1000 - s.t0]);
  }
  if (intervals.length === 0) return { offsetMs: null, uncertaintyMs: null, samples: 0, authWindowMs, withinWindow: null };
  let lo = -Infinity;
  let hi = Infinity;
  for (const [a, b] of intervals) {
    lo = Math.max(lo, a);
    hi = Math.min(hi, b);
  }
  let offsetMs: number;
  let uncertaintyMs: number;
  if (lo <= hi) {
    offsetMs = Math.round((lo + hi) / 2);
    uncertaintyMs = Math.round((hi - lo) / 2);
  } else {
    const mids = intervals.map(([a, b]) => (a + b) / 2).sort((x, y) => x - y);
    offsetMs = Math.round(p50(mids));
    uncertaintyMs = Math.round(Math.max(...intervals.map(([a, b]) => (b - a) / 2)));
  }
  return { offsetMs, uncertaintyMs, samples: intervals.length, authWindowMs, withinWindow: Math.abs(offsetMs) + uncertaintyMs < authWindowMs };
}

export function requestRate(obs: Observations, limitPerSecond: number): RateReport {
  const starts = [...obs.rest.map((o) => o.sentAtMs), ...obs.sockets.map((s) => s.sentAtMs)].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < starts.length; j++) {
    while (starts[j]! - starts[i]! >= 1000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  const authenticated = obs.rest.filter((o) => o.authenticated).length + obs.sockets.length;
  return {
    requests: starts.length,
    authenticated,
    public: starts.length - authenticated,
    spanMs: starts.length > 1 ? starts[starts.length - 1]! - starts[0]! : 0,
    peakPerSecond: peak,
    limitPerSecond,
    headroomPerSecond: limitPerSecond - peak,
  };
}

export function judgeObservations(contract: WireContract, obs: Observations, options: JudgeOptions = {}): PreflightReport {
  const limitPerSecond = options.limitPerSecond ?? 20;
  const authWindowMs = options.authWindowMs ?? 30_000;
  const clockWarnMs = options.clockWarnMs ?? 5_000;
  const findings = new FindingList();
  let bodies = 0;
  let frames = 0;
  for (const o of obs.rest) if (judgeRest(contract, o, findings)) bodies++;
  for (const s of obs.sockets) frames += judgeSocket(contract, s, findings);
  for (const s of obs.skipped) findings.add({ severity: 'warning', where: 'probe', message: s });

  const clock = clockOffset(obs, authWindowMs);
  if (clock.offsetMs !== null) {
    const worst = Math.abs(clock.offsetMs) + (clock.uncertaintyMs ?? 0);
    if (!clock.withinWindow) findings.add({ severity: 'breaking', where: 'clock', message: `offset ${clock.offsetMs} ms is outside the ${authWindowMs / 1000} s auth window: fix the host's time sync` });
    else if (worst > clockWarnMs) findings.add({ severity: 'warning', where: 'clock', message: `offset up to ${worst} ms: over ${clockWarnMs} ms, check the host's time sync` });
  } else if (obs.rest.length > 0) {
    findings.add({ severity: 'warning', where: 'clock', message: 'no Date header: the clock offset is unknown' });
  }
  const rate = requestRate(obs, limitPerSecond);
  if (rate.peakPerSecond > limitPerSecond / 2) {
    findings.add({ severity: 'warning', where: 'rate', message: `the preflight itself reached ${rate.peakPerSecond} requests in one second (limit ${limitPerSecond})` });
  }

  const list = findings.list();
  return {
    findings: list,
    breaking: list.filter((f) => f.severity === 'breaking').length,
    warnings: list.filter((f) => f.severity === 'warning').length,
    checked: { bodies, frames },
    timings: callTimings(obs),
    clock,
    rate,
  };
}

/** 1 on a breaking difference (or, with `strict`, on a warning); else 0. */
export function exitCodeFor(report: PreflightReport, strict = false): number {
  return report.breaking > 0 || (strict && report.warnings > 0) ? 1 : 0;
}

/** The report as the CLI prints it. */
export function formatReport(report: PreflightReport): string {
  const lines: string[] = [];
  const verdict = report.breaking > 0 ? 'BREAKING DIFFERENCES FOUND' : report.warnings > 0 ? 'no breaking difference (warnings below)' : 'clean';
  lines.push(`Preflight: ${verdict}: ${report.breaking} breaking, ${report.warnings} warning(s); checked ${report.checked.bodies} REST bodies and ${report.checked.frames} socket frames`);
  if (report.findings.length > 0) {
    lines.push('', 'Drift against the wire contract:');
    for (const f of report.findings) lines.push(`  ${f.severity === 'breaking' ? 'BREAKING' : 'warning '}  ${f.where}: ${f.message}${f.count > 1 ? `  (x${f.count})` : ''}`);
  }
  const c = report.clock;
  lines.push('', 'Clock:');
  lines.push(
    c.offsetMs === null
      ? '  offset unknown (no Date header)'
      : `  server − local = ${c.offsetMs} ms ± ${c.uncertaintyMs} ms (${c.samples} Date headers); auth window ±${c.authWindowMs / 1000} s: ${c.withinWindow ? 'inside' : 'OUTSIDE'}`,
  );
  lines.push('', 'Round trips (ms):');
  const width = Math.max(4, ...report.timings.map((t) => t.call.length));
  lines.push(`  ${'call'.padEnd(width)}  ${'n'.padStart(3)}  ${'p50'.padStart(8)}  ${'max'.padStart(8)}`);
  for (const t of report.timings) lines.push(`  ${t.call.padEnd(width)}  ${String(t.n).padStart(3)}  ${t.p50Ms.toFixed(1).padStart(8)}  ${t.maxMs.toFixed(1).padStart(8)}`);
  const r = report.rate;
  lines.push('', 'Rate limit:');
  lines.push(
    `  ${r.requests} requests (${r.authenticated} authenticated, ${r.public} public) over ${(r.spanMs / 1000).toFixed(1)} s; peak ${r.peakPerSecond}/s against the venue's ${r.limitPerSecond}/s per key: headroom ${r.headroomPerSecond}/s`,
  );
  return lines.join('\n');
}
