/** The stage settings that the template alone cannot show are sane: the recordings lifecycle rules. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStageConfigError, STAGES, validateRecordingsLifecycle, type RecordingsLifecycle } from '../../infra/config/stages.js';
import { ORPHAN_POLICIES } from '../../shared/reconciliation/drift.js';

describe('stage config', () => {
  it('every stage has a valid recordings lifecycle and an orphan policy the bot and the reconciler both accept', () => {
    for (const config of Object.values(STAGES)) {
      expect(() => validateRecordingsLifecycle(config.stage, config.recordings)).not.toThrow();
      expect(ORPHAN_POLICIES).toContain(config.orphanPolicy);
    }
  });

  it.each<[string, RecordingsLifecycle, RegExp]>([
    ['Standard-IA before day 30 (S3 refuses it)', { infrequentAccessAfterDays: 29, glacierInstantRetrievalAfterDays: 90, expireAfterDays: 730 }, /at least 30 days/],
    ['Glacier IR inside Standard-IA\'s 30-day minimum', { infrequentAccessAfterDays: 30, glacierInstantRetrievalAfterDays: 59, expireAfterDays: 730 }, /Glacier IR/],
    ['expiry inside Glacier IR\'s 90-day minimum', { infrequentAccessAfterDays: 30, glacierInstantRetrievalAfterDays: 90, expireAfterDays: 179 }, /expiry/],
    ['a fractional day', { infrequentAccessAfterDays: 30.5, glacierInstantRetrievalAfterDays: 90, expireAfterDays: 730 }, /positive integers/],
  ])('refuses %s, naming the stage', (_name, lifecycle, message) => {
    expect(() => validateRecordingsLifecycle('staging', lifecycle)).toThrow(InvalidStageConfigError);
    expect(() => validateRecordingsLifecycle('staging', lifecycle)).toThrow(message);
    expect(() => validateRecordingsLifecycle('staging', lifecycle)).toThrow(/^stage staging: /);
  });

  it('accepts exactly the chains that respect S3\'s floor and each class\'s minimum storage', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 2000 }), (ia, gir, exp) => {
        const ok = ia >= 30 && gir >= ia + 30 && exp >= gir + 90;
        const run = (): void => validateRecordingsLifecycle('prod', { infrequentAccessAfterDays: ia, glacierInstantRetrievalAfterDays: gir, expireAfterDays: exp });
        if (ok) expect(run).not.toThrow();
        else expect(run).toThrow(InvalidStageConfigError);
      }),
    );
  });
});
