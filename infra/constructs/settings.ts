/**
 * Runtime settings: the paper/live switch and the kill switch as SSM parameters (read by the bot while it runs
 * and by the functions), and the secrets (exchange key pair, data-provider key) in Secrets Manager.
 *
 *  - The two parameters are the operator's (operator-parameters.ts): created once with safe defaults (paper,
 *    kill switch off) when absent, never rewritten by a deploy.
 *  - Secrets are created with a placeholder — never a real value in the template. The bot starts, stays
 *    healthy and idle ("waiting for credentials") until the operator puts the real value with
 *    `aws secretsmanager put-secret-value`, and picks it up (and later rotations) by itself.
 * Grants are by ARN, per consumer.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PLACEHOLDER_FIELD } from '../../shared/aws/credentials.js';
import type { StageConfig } from '../config/stages.js';
import { OperatorParameters, type OperatorParameter } from './operator-parameters.js';

export const PARAM_ENV = { tradingMode: 'TRADING_MODE_PARAM', killSwitch: 'KILL_SWITCH_PARAM' } as const;
export const SECRET_ENV = { exchangeKey: 'EXCHANGE_KEY_SECRET_ARN', dataProviderKey: 'DATA_PROVIDER_KEY_SECRET_ARN' } as const;

/**
 * The secrets' first value: JSON `{"placeholder": "...", "random": "<generated>"}`, which the bot and the odds
 * poller recognise as "not set yet" (shared/aws/credentials.ts). Changing these options would make CloudFormation
 * generate a new value over the operator's: keep them as they are.
 */
const PLACEHOLDER_SECRET: secretsmanager.SecretStringGenerator = {
  secretStringTemplate: JSON.stringify({ [PLACEHOLDER_FIELD]: 'not set: put the real value with aws secretsmanager put-secret-value' }),
  generateStringKey: 'random',
  passwordLength: 16,
  excludePunctuation: true,
};

export class Settings extends Construct {
  readonly tradingMode: OperatorParameter;
  readonly killSwitch: OperatorParameter;
  readonly exchangeKey: secretsmanager.Secret;
  readonly dataProviderKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);
    const params = new OperatorParameters(
      this,
      'OperatorParameters',
      [
        {
          id: 'TradingMode',
          name: `/${config.stage}/trading/mode`,
          initialValue: config.initialTradingMode,
          allowedPattern: '^(paper|live|shadow)$',
          description: 'paper | live | shadow (live with a paper exchange beside it). The bot re-reads it while running; switching to paper cancels resting live orders first.',
        },
        {
          id: 'KillSwitch',
          name: `/${config.stage}/trading/kill-switch`,
          initialValue: 'off',
          allowedPattern: '^(off|on)$',
          description: 'on = stop trading: the breaker stays tripped and the daily reset does not clear it.',
        },
      ],
      config.logRetentionDays,
    );
    this.tradingMode = params.parameters.TradingMode!;
    this.killSwitch = params.parameters.KillSwitch!;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.exchangeKey = new secretsmanager.Secret(this, 'ExchangeKey', {
      description: `Polymarket US API key pair for ${config.stage}: JSON {"keyId": "...", "privateKey": "<base64 Ed25519 seed>"}. Set with put-secret-value.`,
      generateSecretString: PLACEHOLDER_SECRET,
      removalPolicy,
    });
    this.dataProviderKey = new secretsmanager.Secret(this, 'DataProviderKey', {
      description: `OpticOdds API key for ${config.stage}: the plain key string. Set with put-secret-value.`,
      generateSecretString: PLACEHOLDER_SECRET,
      removalPolicy,
    });
    for (const secret of [this.exchangeKey, this.dataProviderKey]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Third-party API credentials issued by the exchange / data provider: they cannot be rotated by a Lambda; operators rotate them at the provider and put the new value.',
      });
    }
  }

  grantReadParameters(grantee: iam.IGrantable, which: readonly ('tradingMode' | 'killSwitch')[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const w of which) {
      this[w].grantRead(grantee);
      env[PARAM_ENV[w]] = this[w].parameterName;
    }
    return env;
  }

  grantReadSecrets(grantee: iam.IGrantable, which: readonly ('exchangeKey' | 'dataProviderKey')[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const w of which) {
      this[w].grantRead(grantee);
      env[SECRET_ENV[w]] = this[w].secretArn;
    }
    return env;
  }
}
