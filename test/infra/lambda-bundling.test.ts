/**
 * The Lambda bundling options (infra/constructs/lambda-bundling.ts): every shimmed built-in has its shim, each
 * shim is that very built-in, and the alias map covers both spellings. (That the infra and the bench build the
 * same bytes with them is checked on the synthesized stack: stage-template-suite.ts.)
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SHIM_DIR, BUILTIN_SHIMS, builtinAliases, builtinShimPath } from '../../infra/constructs/lambda-bundling.js';
import { PROJECT_ROOT } from '../../infra/trading-app.js';

const require = createRequire(import.meta.url);

describe('Lambda bundling: built-in shims', () => {
  it('has one shim per listed built-in, and no other file', () => {
    const files = readdirSync(join(PROJECT_ROOT, BUILTIN_SHIM_DIR)).sort();
    expect(files).toEqual(BUILTIN_SHIMS.map((n) => `${n.replaceAll('/', '-')}.cjs`).sort());
  });

  it('makes each shim export the built-in itself (the same object Node gives)', () => {
    for (const name of BUILTIN_SHIMS) {
      expect(require(builtinShimPath(PROJECT_ROOT, name)), name).toBe(process.getBuiltinModule(name));
    }
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
