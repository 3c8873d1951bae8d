import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.js';
import { loadConfig } from '../../../shared/config/loader.js';

describe('YAML the parser accepts but cannot build', () => {
  it('an alias with no anchor is a ConfigError naming the file, not a crash (found by the config fuzz, seed 481992589)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-alias-'));
    writeFileSync(join(dir, 'config.yaml'), 'trading:\n  mode: *!\n');
    let err: unknown;
    try {
      loadConfig({ dir, mode: 'paper', env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/config\.yaml/);
    expect((err as ConfigError).message).toMatch(/alias/i);
  });
});
