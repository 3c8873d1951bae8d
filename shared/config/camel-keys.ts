/**
 * The one key mapping of the configuration: YAML's snake_case setting names become the engine's camelCase
 * names, at the type level (so `AppConfig` is derived from the schema) and at run time. A setting whose unit
 * changes on the way (seconds → ms) is renamed explicitly, e.g. `{ refresh_interval: 'refreshIntervalMs' }`.
 * Only the keys of one settings mapping are renamed: nested mappings are renamed by their own schema, and
 * user-keyed records (sports_data.sportsbook_weights) are left as written.
 */

/** "max_daily_loss" → "maxDailyLoss". */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export type Renames<T> = { readonly [K in keyof T]?: string };

export type CamelKeys<T, R extends Renames<T> = Record<never, string>> = {
  [K in keyof T as K extends keyof R ? (R[K] extends string ? R[K] : never) : K extends string ? CamelCase<K> : K]: T[K];
};

const camelNames = new Map<string, string>();

/** "max_daily_loss" → "maxDailyLoss" (memoised: the setting names are a small fixed set, parsed often by the fuzz tests). */
export function camelCase(key: string): string {
  let name = camelNames.get(key);
  if (name === undefined) {
    name = key.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
    if (camelNames.size < 1_000) camelNames.set(key, name);
  }
  return name;
}

/** The settings of `o` under their engine names; `renames` overrides the name of a setting. */
export function camelKeys<T extends object, const R extends Renames<T> = Record<never, string>>(o: T, renames?: R): CamelKeys<T, R> {
  const out: Record<string, unknown> = {};
  const names = renames as Record<string, string | undefined> | undefined;
  for (const k of Object.keys(o)) out[names?.[k] ?? camelCase(k)] = (o as Record<string, unknown>)[k];
  return out as CamelKeys<T, R>;
}
