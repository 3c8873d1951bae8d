/** Proves the cdk-nag check used by the stage suites detects an error and honours a written acknowledgment. */
import { describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';

function build(acknowledge: boolean): { app: App; nag: AwsSolutionsChecks } {
  const app = new App();
  const stack = new Stack(app, 'NagProbe');
  const q = new sqs.Queue(stack, 'NoDlq', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  if (acknowledge) Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'probe: acknowledged on purpose' });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, nag };
}

describe('cdk-nag harness', () => {
  it('reports an unacknowledged error and fails synth', () => {
    const { app, nag } = build(false);
    expect(nag.validateScope(app).violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS3');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('an acknowledgment with a reason clears it', () => {
    const { app, nag } = build(true);
    expect(nag.validateScope(app).violations.map((v) => v.ruleName)).not.toContain('AwsSolutions-SQS3');
    expect(() => app.synth()).not.toThrow();
    expect((app as unknown as { _validationPlugins: unknown[] })._validationPlugins).toContain(nag);
  });
});
