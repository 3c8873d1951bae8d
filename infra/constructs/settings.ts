/**
 * Runtime settings: the paper/live switch and the kill switch as SSM parameters (read by the bot while it runs
 * and by the functions), and the secrets (exchange key pair, data-provider key) in Secrets Manager. Secrets are
 * created with a generated placeholder — never a real value in the template; operators put the real value with
 * `aws secretsmanager put-secret-value`. Grants are by ARN, per consumer.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';

export const PARAM_ENV = { tradingMode: 'TRADING_MODE_PARAM', killSwitch: 'KILL_SWITCH_PARAM' } as const;
export const SECRET_ENV = { exchangeKey: 'EXCHANGE_KEY_SECRET_ARN', dataProviderKey: 'DATA_PROVIDER_KEY_SECRET_ARN' } as const;

export class Settings extends Construct {
  readonly tradingMode: ssm.StringParameter;
  readonly killSwitch: ssm.StringParameter;
  readonly exchangeKey: secretsmanager.Secret;
  readonly dataProviderKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);
    this.tradingMode = new ssm.StringParameter(this, 'TradingMode', {
      parameterName: `/${config.stage}/trading/mode`,
      stringValue: config.initialTradingMode,
      allowedPattern: '^(paper|live)$',
      description: 'paper | live. The bot re-reads it while running; switching to paper cancels resting live orders first.',
    });
    this.killSwitch = new ssm.StringParameter(this, 'KillSwitch', {
      parameterName: `/${config.stage}/trading/kill-switch`,
      stringValue: 'off',
      allowedPattern: '^(off|on)$',
      description: 'on = stop trading: the breaker stays tripped and the daily reset does not clear it.',
    });
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.exchangeKey = new secretsmanager.Secret(this, 'ExchangeKey', {
      description: `Polymarket US API key pair for ${config.stage}: JSON {"keyId": "...", "privateKey": "<base64 Ed25519 seed>"}. Set with put-secret-value.`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy,
    });
    this.dataProviderKey = new secretsmanager.Secret(this, 'DataProviderKey', {
      description: `OpticOdds API key for ${config.stage}: the plain key string. Set with put-secret-value.`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
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
