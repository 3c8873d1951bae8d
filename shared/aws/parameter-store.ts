/**
 * Runtime settings (trading mode, kill switch) behind a small interface: SSM Parameter Store on AWS, a map or
 * a JSON file locally (edit the file to flip the kill switch of a local session).
 */
import { readFile } from 'node:fs/promises';
import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { TRADING_MODES, type TradingMode } from '../config/trading-mode.js';
import { InvalidSettingError, ParameterNotFoundError } from './errors.js';

export interface ParameterStore {
  /** The current value; throws ParameterNotFoundError if absent. */
  get(name: string): Promise<string>;
}

/** SSM adapter with a small read-through cache (`maxAgeMs`, default 0 = always fresh). */
export class SsmParameterStore implements ParameterStore {
  private readonly cache = new Map<string, { value: string; at: number }>();
  constructor(
    private readonly ssm: SSMClient,
    private readonly options: { maxAgeMs?: number; now?: () => number } = {},
  ) {}

  async get(name: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const maxAge = this.options.maxAgeMs ?? 0;
    const hit = this.cache.get(name);
    if (hit && maxAge > 0 && now - hit.at < maxAge) return hit.value;
    try {
      const r = await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = r.Parameter?.Value;
      if (value === undefined) throw new ParameterNotFoundError(name);
      this.cache.set(name, { value, at: now });
      return value;
    } catch (err) {
      if (err instanceof ParameterNotFound) throw new ParameterNotFoundError(name, { cause: err });
      throw err;
    }
  }
}

export class MemoryParameterStore implements ParameterStore {
  private readonly values: Map<string, string>;
  constructor(initial: Record<string, string> = {}) {
    this.values = new Map(Object.entries(initial));
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  async get(name: string): Promise<string> {
    const v = this.values.get(name);
    if (v === undefined) throw new ParameterNotFoundError(name);
    return v;
  }
}

/** Reads a flat JSON object `{ "/local/trading/kill-switch": "off", … }` on every call. */
export class FileParameterStore implements ParameterStore {
  constructor(private readonly path: string) {}
  async get(name: string): Promise<string> {
    const data = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, unknown>;
    const v = data[name];
    if (typeof v !== 'string') throw new ParameterNotFoundError(name);
    return v;
  }
}

export type KillSwitch = 'on' | 'off';
/** The trading-mode parameter's values: paper, live or shadow (live with a paper exchange beside it). */
export type TradingModeSetting = TradingMode;

/** The kill switch value; anything other than exactly "off" is refused (fail closed is the caller's choice). */
export async function readKillSwitch(store: ParameterStore, name: string): Promise<KillSwitch> {
  const v = (await store.get(name)).trim();
  if (v !== 'on' && v !== 'off') throw new InvalidSettingError(name, ['off', 'on'], v);
  return v;
}

export async function readTradingMode(store: ParameterStore, name: string): Promise<TradingModeSetting> {
  const v = (await store.get(name)).trim();
  const mode = TRADING_MODES.find((m) => m === v);
  if (mode === undefined) throw new InvalidSettingError(name, [...TRADING_MODES], v);
  return mode;
}
