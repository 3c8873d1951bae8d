/**
 * The Lambda bundling options (infra/constructs/lambda-bundling.ts): every shimmed built-in has its shim, each
 * shim is that very built-in, and the alias map covers both spellings. (That the infra and the bench build the
 * same bytes with them is checked on the synthesized stack: stage-template-suite.ts.)
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SHIM_DIR, BUILTIN_SHIMS, BUILTINS_EXPORTED_AS_IS, builtinAliases, builtinShimPath } from '../../infra/constructs/lambda-bundling.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';

const require = createRequire(import.meta.url);

describe('Lambda bundling: built-in shims', () => {
  it('has one shim per listed built-in, and no other file', () => {
    const files = readdirSync(join(PROJECT_ROOT, BUILTIN_SHIM_DIR)).sort();
    expect(files).toEqual(BUILTIN_SHIMS.map((n) => `${n.replaceAll('/', '-')}.cjs`).sort());
  });

  it('makes the as-is shims export the built-in itself (the same object Node gives)', () => {
    for (const name of BUILTINS_EXPORTED_AS_IS) {
      expect(require(builtinShimPath(PROJECT_ROOT, name)), name).toBe(process.getBuiltinModule(name));
    }
  });

  it('makes every other shim an object with no own property that reads exactly as the built-in', () => {
    const derived = BUILTIN_SHIMS.filter((n) => !BUILTINS_EXPORTED_AS_IS.includes(n));
    expect(derived.length).toBeGreaterThan(20);
    for (const name of derived) {
      const builtin = process.getBuiltinModule(name) as Record<string, unknown>;
      const shim = require(builtinShimPath(PROJECT_ROOT, name)) as Record<string, unknown>;
      // Nothing for esbuild's __toESM to copy, and everything reached through the built-in itself.
      expect(Object.getOwnPropertyNames(shim), name).toEqual([]);
      expect(Object.getPrototypeOf(shim), name).toBe(builtin);
      expect(typeof builtin, name).toBe('object');
      for (const key of Object.getOwnPropertyNames(builtin)) expect(shim[key], `${name}.${key}`).toBe(builtin[key]);
    }
  });

  it('keeps the callable and the this-bound built-ins as they are (a derived object would break them)', () => {
    for (const name of ['assert', 'events', 'module', 'stream', 'process', 'console'] as const) expect(BUILTINS_EXPORTED_AS_IS, name).toContain(name);
    // One of each kind, through the bundle's view: a derived process would keep its listeners to itself.
    expect(typeof require(builtinShimPath(PROJECT_ROOT, 'stream'))).toBe('function');
  });

  it('aliases the bare and the node: spelling of each', () => {
    const alias = builtinAliases();
    expect(Object.keys(alias)).toHaveLength(BUILTIN_SHIMS.length * 2);
    for (const name of BUILTIN_SHIMS) {
      expect(alias[name]).toBe(`./${BUILTIN_SHIM_DIR}/${name.replaceAll('/', '-')}.cjs`);
      expect(alias[`node:${name}`]).toBe(alias[name]);
    }
  });
});
