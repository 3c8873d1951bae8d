/**
 * Holds everything a simulator sends against the venue's wire contract (shared/venue/contract): every REST
 * answer of the exchange's routes (2xx bodies against their endpoint's response definition, 429 against the
 * venue's `{ status: 429, message: "Too Many Requests" }`, other errors must carry a `message`) and every socket
 * frame (its definition by key, and the key must be one the socket's contract lists). Deprecated fields and
 * deprecated frame keys are violations too, unless the simulator runs with `legacyWire`.
 *
 * `startAuditedSimulator` starts a simulator with the audit on and makes its `close()` fail (after closing) when
 * anything broke the contract, so a suite that closes its simulator in afterAll fails on a bad shape.
 */
import {
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
  type WireAudit,
  type WireAuditRecord,
} from '../../containers/simulator/server.js';
import { WireContract, defName } from '../../shared/venue/contract/wire-contract.js';

const KEPT = 50;

export class WireAuditRecorder {
  /** The first violations (at most 50), each a one-line description. */
  readonly violations: string[] = [];
  /** How many violations there were in all. */
  violationCount = 0;
  /** How many REST answers and frames were judged. */
  readonly judged = { rest: 0, frames: 0 };
  /** The contract definitions seen valid (REST response defs and frame keys). */
  readonly seen = new Set<string>();
  private readonly contract: WireContract;
  private readonly socketFrames: Record<'markets' | 'private', Set<string>>;

  constructor(private readonly opts: { legacyWire?: boolean; contract?: WireContract } = {}) {
    this.contract = opts.contract ?? WireContract.load();
    const framesOf = (suffix: string) => new Set((this.contract.sockets.find((s) => s.path.endsWith(suffix))?.server ?? []).map(defName));
    this.socketFrames = { markets: framesOf('/markets'), private: framesOf('/private') };
  }

  /** The simulator option `wireAudit`. */
  readonly hook: WireAudit = (record) => this.record(record);

  record(record: WireAuditRecord): void {
    if (record.kind === 'rest') this.judgeRest(record.method, record.template, record.status, record.body);
    else this.judgeFrame(record.socket, record.frame);
  }

  /** Throws listing the violations, if any. */
  assertClean(): void {
    if (this.violationCount === 0) return;
    const more = this.violationCount > this.violations.length ? `\n… and ${this.violationCount - this.violations.length} more` : '';
    throw new Error(`the simulator broke the venue's wire contract ${this.violationCount} time(s):\n${this.violations.join('\n')}${more}`);
  }

  /** Forgets what was recorded so far. */
  reset(): void {
    this.violations.length = 0;
    this.violationCount = 0;
  }

  private violation(text: string): void {
    this.violationCount++;
    if (this.violations.length < KEPT && !this.violations.includes(text)) this.violations.push(text);
  }

  private judgeRest(method: string, template: string, status: number, body: unknown): void {
    this.judged.rest++;
    const where = `${method} ${template} → ${status}`;
    if (status === 429) {
      const b = body as { status?: unknown; message?: unknown } | null;
      if (!b || b.status !== 429 || b.message !== 'Too Many Requests') this.violation(`${where}: 429 body is not { status: 429, message: "Too Many Requests" }`);
      return;
    }
    if (status >= 400) {
      if (typeof (body as { message?: unknown } | null)?.message !== 'string') this.violation(`${where}: error body has no message`);
      return;
    }
    const endpoint = this.contract.endpoint(method, template);
    if (!endpoint) return this.violation(`${where}: the contract lists no such endpoint`);
    if (!endpoint.response) return;
    const def = defName(endpoint.response);
    const { errors, deprecated } = this.contract.judge(def, body);
    if (errors.length > 0) return this.violation(`${where} (${def}): ${errors.slice(0, 3).join('; ')}`);
    if (deprecated.length > 0 && !this.opts.legacyWire) return this.violation(`${where} (${def}): deprecated fields sent: ${deprecated.join(', ')}`);
    this.seen.add(def);
  }

  private judgeFrame(socket: 'markets' | 'private', frame: Record<string, unknown>): void {
    this.judged.frames++;
    const j = this.contract.judgeFrame(frame);
    const where = `ws ${socket} ${j.def ?? Object.keys(frame).join('+')}`;
    if (j.def === null || !this.socketFrames[socket].has(j.def)) {
      return this.violation(`${where}: not a server frame of /v1/ws/${socket} in the contract`);
    }
    if (j.errors.length > 0) return this.violation(`${where}: ${j.errors.slice(0, 3).join('; ')}`);
    if (j.deprecated.length > 0 && !this.opts.legacyWire) return this.violation(`${where}: deprecated in the contract: ${j.deprecated.join(', ')}`);
    this.seen.add(j.def);
  }
}

export interface AuditedSimulator extends RunningSimulator {
  audit: WireAuditRecorder;
}

/** A simulator whose every answer and frame is audited; its close() throws (after closing) on a violation. */
export async function startAuditedSimulator(options: SimulatorOptions = {}): Promise<AuditedSimulator> {
  const audit = new WireAuditRecorder({ legacyWire: options.legacyWire });
  const outer = options.wireAudit;
  const sim = await startSimulator({
    ...options,
    wireAudit: (r) => {
      audit.record(r);
      outer?.(r);
    },
  });
  const close = sim.close;
  return Object.assign(sim, {
    audit,
    close: async () => {
      await close();
      audit.assertClean();
    },
  });
}
