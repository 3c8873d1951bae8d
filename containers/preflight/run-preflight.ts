/**
 * The preflight's options and run (the CLI is main.ts). `npm run preflight`: a read-only check of the venue
 * with the real keys before going live (see docs/go-live-checklist.md). GETs markets, one book, balances, positions, open orders and activities, listens
 * briefly on both sockets, judges every raw body and frame against the wire contract, and prints the drift,
 * the clock offset, the round-trip times and the request rate used. Exits 1 on a breaking difference
 * (with --strict, on a warning too), 2 on a usage or configuration error. Places no order.
 *
 *   PM_API_KEY_ID=… PM_PRIVATE_KEY=… npm run preflight -- [--market <slug>] [--repeat 3] [--listen-ms 5000]
 *       [--max-rps 5] [--strict] [--json] [--api-url …] [--gateway-url …] [--ws-markets-url …] [--ws-private-url …]
 *       [--simulator http://127.0.0.1:<port>]   (all four URLs from one simulator base)
 *
 * URLs default to PM_API_BASE_URL, PM_GATEWAY_URL, PM_WS_MARKETS_URL, PM_WS_PRIVATE_URL (the bot's own
 * variables), else the production hosts. The secret is read from PM_PRIVATE_KEY only (never a flag, so it
 * stays out of shell history and process lists) and is never printed.
 */
import { parseArgs } from 'node:util';
import { WireContract } from '../../shared/venue/contract/wire-contract.js';
import { exitCodeFor, judgeObservations, type PreflightReport } from './preflight-judge.js';
import { VenueProbe, type ProbeOptions } from './venue-probe.js';

export class PreflightUsageError extends Error {}

export interface PreflightArgs {
  probe: ProbeOptions;
  strict: boolean;
  json: boolean;
}

const USAGE =
  'usage: PM_API_KEY_ID=… PM_PRIVATE_KEY=… npm run preflight -- [--market slug] [--repeat 3] [--listen-ms 5000] [--max-rps 5] [--strict] [--json] [--simulator http://127.0.0.1:PORT | --api-url U --gateway-url U --ws-markets-url U --ws-private-url U]';

function positiveNumber(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new PreflightUsageError(`--${name} must be a number in (0, ${max}]; got ${JSON.stringify(text)}`);
  return n;
}

/** Flags and environment → probe options. Throws PreflightUsageError naming the field and the fix. */
export function parsePreflightArgs(argv: string[], env: NodeJS.ProcessEnv): PreflightArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        market: { type: 'string' },
        repeat: { type: 'string' },
        'listen-ms': { type: 'string' },
        'max-rps': { type: 'string' },
        strict: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        simulator: { type: 'string' },
        'api-url': { type: 'string' },
        'gateway-url': { type: 'string' },
        'ws-markets-url': { type: 'string' },
        'ws-private-url': { type: 'string' },
        'key-id': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new PreflightUsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const sim = values.simulator?.replace(/\/+$/, '');
  const wsSim = sim?.replace(/^http/, 'ws');
  const keyId = values['key-id'] ?? env.PM_API_KEY_ID;
  const secret = env.PM_PRIVATE_KEY;
  if (!keyId) throw new PreflightUsageError('PM_API_KEY_ID is not set: export the API key id (or pass --key-id)');
  if (!secret) throw new PreflightUsageError('PM_PRIVATE_KEY is not set: export the base64 Ed25519 secret (it is read from the environment only)');
  return {
    strict: values.strict,
    json: values.json,
    probe: {
      apiBaseUrl: values['api-url'] ?? sim ?? env.PM_API_BASE_URL ?? 'https://api.polymarket.us',
      gatewayBaseUrl: values['gateway-url'] ?? sim ?? env.PM_GATEWAY_URL ?? 'https://gateway.polymarket.us',
      wsMarketsUrl: values['ws-markets-url'] ?? (wsSim ? `${wsSim}/v1/ws/markets` : undefined) ?? env.PM_WS_MARKETS_URL ?? 'wss://api.polymarket.us/v1/ws/markets',
      wsPrivateUrl: values['ws-private-url'] ?? (wsSim ? `${wsSim}/v1/ws/private` : undefined) ?? env.PM_WS_PRIVATE_URL ?? 'wss://api.polymarket.us/v1/ws/private',
      credentials: { keyId, secretBase64: secret },
      ...(values.market ? { marketSlug: values.market } : {}),
      repeat: positiveNumber('repeat', values.repeat, 3, 20),
      listenMs: positiveNumber('listen-ms', values['listen-ms'], 5_000, 60_000),
      maxRequestsPerSecond: Math.max(1, Math.floor(positiveNumber('max-rps', values['max-rps'], 5, 10))),
    },
  };
}

/** Probes, judges and returns the report and the exit code (the CLI prints; tests call this directly). */
export async function runPreflight(args: PreflightArgs): Promise<{ report: PreflightReport; exitCode: number }> {
  const probe = new VenueProbe(args.probe);
  try {
    const observations = await probe.run();
    const report = judgeObservations(WireContract.load(), observations);
    return { report, exitCode: exitCodeFor(report, args.strict) };
  } finally {
    await probe.close();
  }
}
