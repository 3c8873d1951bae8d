/**
 * Fuzzing helpers shared by the parser fuzz tests: structured mutations of valid JSON documents (delete a
 * field, replace a value by a nasty one, add a prototype-named key, flip number ↔ string, duplicate, wrap),
 * text-level corruptions (truncation, inserted bytes, trailing garbage) and pure junk. Every mutation is
 * driven by numbers drawn by fast-check, so a failure shrinks and replays from its seed.
 */
import fc from 'fast-check';

/** Keys that exist on Object.prototype: a parser that indexes a plain object with them finds a function. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
] as const;

/** Numbers and number-like strings at the edges of what money/quantity parsers accept. */
export const EDGE_NUMBERS: readonly unknown[] = [
  0, -0, 1, -1, 0.5, 1e-7, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 0.1 + 0.2,
  '0', '-0', '1', '0.5', '0.55', '1.0000001', '0.1234567', '00.5', '.5', '5.', '1e3', '1E-2', '0x10', ' 0.5', '0.5 ', '+0.5',
  '-0.5', 'NaN', 'Infinity', '-Infinity', '', ' ', '٣', '１', '9007199254740993', '99999999999999999999.5', '0.500000000000000000001',
  '12.0', '12.5', '-12', '1_000',
];

/** Values a hostile or broken peer might put anywhere. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], [{}], { value: '0.5' }, { value: '0.5', currency: 'EUR' }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
);

type Path = (string | number)[];

function paths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...path, k], out);
  return out;
}

function get(root: unknown, path: Path): unknown {
  let cur = root;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur;
}

/** Sets an OWN property (even `__proto__`), so JSON.stringify writes it. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutateOnce(root: unknown, seed: number, replacement: unknown): unknown {
  const all = paths(root);
  const path = all[seed % all.length] as Path;
  const op = Math.floor(seed / all.length) % 7;
  const target = get(root, path);
  const replace = (value: unknown): unknown => {
    if (path.length === 0) return value;
    const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) parent[key as number] = value;
    else setOwn(parent as Record<string, unknown>, String(key), value);
    return root;
  };
  switch (op) {
    case 0:
      return replace(replacement);
    case 1: {
      // delete a field / an array element
      if (path.length === 0) return replacement;
      const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown>;
      const key = path[path.length - 1] as string | number;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return root;
    }
    case 2: {
      // a prototype-named own key next to (or instead of) the real ones
      const container = target !== null && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : null;
      const key = PROTOTYPE_KEYS[seed % PROTOTYPE_KEYS.length] as string;
      if (container) setOwn(container, key, Object.keys(container).length > 0 ? container[Object.keys(container)[0]!] : replacement);
      else return replace({ [key]: target });
      return root;
    }
    case 3:
      // number ↔ string
      if (typeof target === 'number') return replace(String(target));
      if (typeof target === 'string' && target.trim() !== '' && Number.isFinite(Number(target))) return replace(Number(target));
      return replace(replacement);
    case 4:
      // duplicate
      if (Array.isArray(target)) return replace([...target, ...target]);
      if (typeof target === 'string') return replace(target + target);
      return replace(replacement);
    case 5:
      // wrap
      return replace([target]);
    default:
      // reverse an array / negate a number
      if (Array.isArray(target)) return replace([...target].reverse());
      if (typeof target === 'number') return replace(-target);
      return replace(replacement);
  }
}

/** Applies one mutation per seed to a deep copy of `root`. */
export function mutateJson(root: unknown, seeds: readonly number[], replacements: readonly unknown[]): unknown {
  // A JSON round trip after each step: no aliasing, no cycle, and own `__proto__` keys survive.
  const copy = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v) ?? 'null'));
  let doc: unknown = copy(root);
  seeds.forEach((s, i) => {
    doc = copy(mutateOnce(doc, s, copy(replacements[i % Math.max(1, replacements.length)])));
  });
  return doc;
}

/** A valid document mutated 1–4 times, as text. */
export function structurallyMutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.array(nastyValue, { minLength: 1, maxLength: 4 }))
    .map(([doc, seeds, repl]) => JSON.stringify(mutateJson(doc, seeds, repl)) ?? 'null');
}

/** A valid document's text corrupted: truncated, a byte inserted, or garbage appended. */
export function textCorrupted(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat(), fc.nat({ max: 2 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }))
    .map(([doc, at, op, junk]) => {
      const text = JSON.stringify(doc);
      const i = at % (text.length + 1);
      if (op === 0) return text.slice(0, i);
      if (op === 1) return text.slice(0, i) + junk + text.slice(i);
      return text + junk;
    });
}

/** Random JSON and random text. */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '0', 'true', '{"a":', '\u0000', '{"__proto__":{"x":1}}'),
);

/** The standard mix: mostly structured mutations of valid documents, plus corrupted text and junk. */
export function malformedInputs(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: structurallyMutated(valid) },
    { weight: 2, arbitrary: textCorrupted(valid) },
    { weight: 2, arbitrary: junkText },
  );
}

/** Number of runs per property: 10 000 by default, `FUZZ_RUNS` to change it. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? '') > 0 ? Number(process.env.FUZZ_RUNS) : 10_000;
