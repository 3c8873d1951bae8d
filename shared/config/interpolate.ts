/**
 * `${NAME}` and `${NAME:-default}` interpolation of the string scalars of a parsed YAML document. Runs after
 * parsing, so a value containing YAML syntax can never change the document's structure. `$${` escapes a
 * literal `${`. A variable that is unset (or empty, for the `:-` form) with no default is an error naming the
 * variable and the field; all such errors are collected before failing.
 */
import type { ConfigIssue } from './errors.js';

const TOKEN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

function interpolateString(value: string, path: string, env: Env, file: string | undefined, issues: ConfigIssue[]): string {
  return value.replace(TOKEN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) return match;
    // Own keys only: a plain-object env would otherwise resolve ${constructor} to Object's source text.
    const v = Object.hasOwn(env, name) ? env[name] : undefined;
    if (fallback !== undefined) return v === undefined || v === '' ? fallback : v;
    if (v === undefined) {
      issues.push({
        path,
        file,
        message: `references \${${name}}, which is not set; set the environment variable ${name} or write \${${name}:-default}`,
      });
      return '';
    }
    return v;
  });
}

/** Returns a deep copy of `doc` with every string interpolated; problems are appended to `issues`. */
export function interpolateEnv(doc: unknown, env: Env, issues: ConfigIssue[], file?: string, path = ''): unknown {
  if (typeof doc === 'string') return interpolateString(doc, path, env, file, issues);
  if (Array.isArray(doc)) return doc.map((v, i) => interpolateEnv(v, env, issues, file, `${path}[${i}]`));
  if (doc !== null && typeof doc === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) out[k] = interpolateEnv(v, env, issues, file, path ? `${path}.${k}` : k);
    return out;
  }
  return doc;
}
