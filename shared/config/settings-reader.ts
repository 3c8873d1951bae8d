/**
 * Reads settings for a cross-field check (a superRefine on a section or on the whole document).
 *
 * zod runs such a check after the children are parsed. A child that parsed clean has been converted (USD →
 * micros, …) and, if it is a mapping, renamed to camelCase; a child with a problem was left as its fields
 * came out (zod stops a transform at the first issue), so its keys are still snake_case. `get` therefore
 * looks a key up under either spelling, and answers only for a setting with no issue of its own: a check
 * compares valid values only, so one wrong value is reported once, not again as a broken comparison.
 */
import { isPlainObject } from './deep-merge.js';
import { camelCase } from './camel-keys.js';

type Path = readonly (string | number)[];

export interface SettingsReader {
  /** True when no issue was found at `path` or below it. */
  clean(path: Path): boolean;
  /** The parsed (converted) value at `path` (a YAML path), or undefined when absent or not clean. */
  get<T>(path: Path): T | undefined;
}

export function settingsReader(value: unknown, ctx: { readonly issues: readonly { readonly path?: readonly PropertyKey[] | undefined }[] }): SettingsReader {
  const bad = ctx.issues.map((i) => i.path ?? []);
  const clean = (path: Path): boolean => !bad.some((p) => path.every((k, j) => p[j] === k));
  return {
    clean,
    get<T>(path: Path): T | undefined {
      if (!clean(path)) return undefined;
      let cur: unknown = value;
      for (const key of path) {
        if (typeof key === 'number') {
          if (!Array.isArray(cur)) return undefined;
          cur = cur[key];
        } else {
          if (!isPlainObject(cur)) return undefined;
          cur = Object.hasOwn(cur, key) ? cur[key] : cur[camelCase(key)];
        }
      }
      return cur as T | undefined;
    },
  };
}
