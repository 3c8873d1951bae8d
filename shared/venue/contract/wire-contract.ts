/**
 * The venue's wire contract (polymarket-us-wire.schema.json beside this file): one JSON Schema with a
 * definition for every REST body and WebSocket frame of the Polymarket US retail API, structure only, taken
 * from the venue's published OpenAPI files and WebSocket pages (the schema's `x-source` names the files and
 * commits). Used by the contract tests, the simulator's wire tests and the go-live preflight.
 *
 * Besides the JSON Schema itself, two rules catch what a permissive schema lets through:
 * - an object that has keys but none of its declared properties (a body sent unwrapped, e.g. a bare book where
 *   `{ marketData: … }` is due) is an error;
 * - a field or frame key the contract marks `deprecated` is reported (sending one is drift: the venue still
 *   accepts some aliases, but today's keys are the ones to send).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  deprecated?: boolean;
  required?: string[];
  enum?: unknown[];
};

export interface WireEndpoint {
  method: string;
  path: string;
  host: 'api' | 'gateway';
  request?: string;
  response?: string;
  query: string[];
}

export interface WireSocket {
  path: string;
  host: string;
  client: string[];
  server: string[];
}

interface ContractDocument {
  $id: string;
  $defs: Record<string, JsonSchema>;
  'x-endpoints': WireEndpoint[];
  'x-websockets': WireSocket[];
}

export interface WireJudgement {
  /** Schema violations and vacuous objects: a non-empty list means the document breaks the contract. */
  errors: string[];
  /** Deprecated fields (or a deprecated frame key) the document uses. */
  deprecated: string[];
}

const SCHEMA_URL = new URL('./polymarket-us-wire.schema.json', import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Strips the `#/$defs/` prefix of an endpoint's or socket's reference. */
export function defName(ref: string): string {
  return ref.replace(/^#\/\$defs\//, '');
}

/** The contract, compiled once per process (compiling the 200-odd definitions takes a few hundred ms). */
export class WireContract {
  private static shared: WireContract | null = null;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly document: ContractDocument;

  constructor(document?: ContractDocument) {
    this.document = document ?? (JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as ContractDocument);
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('decimal', { type: 'string', validate: /^-?\d+(\.\d+)?$/ });
    this.ajv.addFormat('int64', { type: 'string', validate: /^-?\d+$/ });
    this.ajv.addSchema(this.document);
  }

  static load(): WireContract {
    WireContract.shared ??= new WireContract();
    return WireContract.shared;
  }

  get endpoints(): readonly WireEndpoint[] {
    return this.document['x-endpoints'];
  }

  get sockets(): readonly WireSocket[] {
    return this.document['x-websockets'];
  }

  has(def: string): boolean {
    return Object.hasOwn(this.document.$defs, def);
  }

  isDeprecated(def: string): boolean {
    return this.document.$defs[def]?.deprecated === true;
  }

  /** The endpoint the contract lists for a method and a path template (e.g. `/v1/order/{orderId}`). */
  endpoint(method: string, pathTemplate: string): WireEndpoint | undefined {
    return this.endpoints.find((e) => e.method === method.toUpperCase() && e.path === pathTemplate);
  }

  /** The server frame definition for a WebSocket frame: its one non-envelope key names it. */
  frameDef(frame: Record<string, unknown>): string | null {
    for (const k of Object.keys(frame)) {
      if (k === 'requestId' || k === 'subscriptionType') continue;
      if (this.has(k)) return k;
    }
    return null;
  }

  /** Judges one document against one definition. */
  judge(def: string, data: unknown): WireJudgement {
    const validate = this.validator(def);
    if (!validate) return { errors: [`no definition ${def} in the contract`], deprecated: [] };
    const errors = validate(data) ? [] : formatErrors(validate.errors ?? []);
    const walk = { vacuous: [] as string[], deprecated: new Set<string>() };
    walkBeside(this.document.$defs, this.document.$defs[def]!, data, '', walk, 0);
    if (this.isDeprecated(def)) walk.deprecated.add(def);
    return { errors: [...errors, ...walk.vacuous], deprecated: [...walk.deprecated] };
  }

  /** Judges a WebSocket server frame by its key; an unknown key is an error. */
  judgeFrame(frame: unknown): WireJudgement & { def: string | null } {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return { def: null, errors: ['a frame must be a JSON object'], deprecated: [] };
    }
    const def = this.frameDef(frame as Record<string, unknown>);
    if (!def) return { def, errors: [`no frame key the contract knows: ${Object.keys(frame).join(', ')}`], deprecated: [] };
    return { def, ...this.judge(def, frame) };
  }

  private validator(def: string): ValidateFunction | undefined {
    let v = this.validators.get(def);
    if (!v && this.has(def)) {
      v = this.ajv.getSchema(`${this.document.$id}#/$defs/${def}`);
      if (v) this.validators.set(def, v);
    }
    return v;
  }
}

function formatErrors(errors: ErrorObject[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const at = e.instancePath || '/';
    let msg: string;
    if (e.keyword === 'enum') msg = `${at} must be one of the contract's values`;
    else if (e.keyword === 'anyOf' && out.length > 0) continue;
    else msg = `${at} ${e.message ?? e.keyword}`;
    if (!out.includes(msg)) out.push(msg);
  }
  return out;
}

function deref(defs: Record<string, JsonSchema>, s: JsonSchema | undefined): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 20; i++) cur = defs[defName(cur.$ref)];
  return cur;
}

/** Walks data beside its schema: objects with keys but none of the declared properties; deprecated fields. */
function walkBeside(
  defs: Record<string, JsonSchema>,
  schema: JsonSchema,
  data: unknown,
  path: string,
  out: { vacuous: string[]; deprecated: Set<string> },
  depth: number,
): void {
  const s = deref(defs, schema);
  if (!s || depth > 16 || data === null || data === undefined) return;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    let best: { vacuous: string[]; deprecated: Set<string> } | null = null;
    for (const alt of alternatives) {
      const a = deref(defs, alt);
      if (!a || a.type === 'null') continue;
      const trial = { vacuous: [] as string[], deprecated: new Set<string>() };
      walkBeside(defs, a, data, path, trial, depth + 1);
      if (!best || trial.vacuous.length < best.vacuous.length) best = trial;
      if (trial.vacuous.length === 0) break;
    }
    if (best) {
      out.vacuous.push(...best.vacuous);
      for (const d of best.deprecated) out.deprecated.add(d);
    }
    return;
  }
  if (Array.isArray(data)) {
    if (s.items) data.slice(0, 20).forEach((x, i) => walkBeside(defs, s.items!, x, `${path}/${i}`, out, depth + 1));
    return;
  }
  if (typeof data !== 'object') return;
  const props = s.properties ?? {};
  const declared = Object.keys(props);
  const keys = Object.keys(data);
  if (declared.length > 0 && keys.length > 0 && !keys.some((k) => Object.hasOwn(props, k))) {
    out.vacuous.push(`${path || '/'} has none of its declared properties (${declared.slice(0, 3).join(', ')}…); got ${keys.slice(0, 5).join(', ')}`);
  }
  const record = data as Record<string, unknown>;
  for (const k of keys) {
    if (Object.hasOwn(props, k)) {
      if (props[k]!.deprecated) out.deprecated.add(k);
      walkBeside(defs, props[k]!, record[k], `${path}/${k}`, out, depth + 1);
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      walkBeside(defs, s.additionalProperties, record[k], `${path}/${k}`, out, depth + 1);
    }
  }
}
