/**
 * The paper parameters a backtest takes from a shadow calibration (`npm run backtest -- --paper-params <file>`):
 * a JSON file holding, in order of preference,
 *   - a report summary with a shadow panel (`shadow.suggestedPaperParams`: what `npm start -- --mode shadow`
 *     and a shadow day's report write),
 *   - a panel itself (`suggestedPaperParams`),
 *   - a configuration fragment `{ "trading": { "paper": { … } } }`,
 *   - or the bare keys `{ "order_latency_ms": 80, "queue_ahead_fraction": 0.5 }`.
 * Only the model's keys are taken (PAPER_PARAM_KEYS, spelled as in config.yaml); any other key under
 * trading.paper is an error naming it. The values become `trading.paper.*` overrides, validated by the
 * configuration schema like any other (a bad value is a ConfigError naming the field).
 */
import { readFileSync } from 'node:fs';

export const PAPER_PARAM_KEYS = ['order_latency_ms', 'cancel_latency_ms', 'market_data_delay_ms', 'queue_ahead_fraction'] as const;

export class PaperParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaperParamsError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The trading.paper block found in a parsed document (see the shapes above), or an error saying what was expected. */
function paperBlockOf(doc: unknown, source: string): { block: Record<string, unknown>; where: string } {
  if (isObject(doc)) {
    if (isObject(doc.shadow) && isObject(doc.shadow.suggestedPaperParams)) return { block: doc.shadow.suggestedPaperParams, where: 'shadow.suggestedPaperParams' };
    if (isObject(doc.suggestedPaperParams)) return { block: doc.suggestedPaperParams, where: 'suggestedPaperParams' };
    if (isObject(doc.trading) && isObject(doc.trading.paper)) return { block: doc.trading.paper, where: 'trading.paper' };
    if (PAPER_PARAM_KEYS.some((k) => k in doc)) return { block: doc, where: '(top level)' };
  }
  throw new PaperParamsError(
    `${source}: no paper parameters found — expected a shadow report summary (with "shadow"), a shadow panel, {"trading":{"paper":{…}}} or {${PAPER_PARAM_KEYS.map((k) => `"${k}"`).join(', ')}}`,
  );
}

/** The overrides (`trading.paper.<key>` → number) of a parsed document. */
export function paperParamsOverrides(doc: unknown, source: string): Record<string, number> {
  const { block, where } = paperBlockOf(doc, source);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(block)) {
    if (!(PAPER_PARAM_KEYS as readonly string[]).includes(k)) {
      throw new PaperParamsError(`${source}: ${where}.${k} is not a paper model parameter; allowed: ${PAPER_PARAM_KEYS.join(', ')}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PaperParamsError(`${source}: ${where}.${k} must be a number, got ${JSON.stringify(v)}`);
    out[`trading.paper.${k}`] = v;
  }
  if (Object.keys(out).length === 0) throw new PaperParamsError(`${source}: ${where} holds no paper parameter; allowed: ${PAPER_PARAM_KEYS.join(', ')}`);
  return out;
}

/** Reads a --paper-params file. */
export function readPaperParamsFile(path: string): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PaperParamsError(`${path}: cannot be read (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PaperParamsError(`${path}: not JSON (${(err as Error).message})`);
  }
  return paperParamsOverrides(doc, path);
}
