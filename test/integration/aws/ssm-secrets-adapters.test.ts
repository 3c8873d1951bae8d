import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readKillSwitch, readTradingMode, SsmParameterStore, MemoryParameterStore } from '../../../shared/aws/parameter-store.js';
import { getJsonSecret, SecretsManagerSecretStore, EnvSecretStore } from '../../../shared/aws/secret-store.js';
import { InvalidSettingError, ParameterNotFoundError, SecretNotFoundError } from '../../../shared/aws/errors.js';
import { MemoryLogger } from '../../../shared/observability/logger.js';

const ssmMock = mockClient(SSMClient);
const smMock = mockClient(SecretsManagerClient);
afterEach(() => {
  ssmMock.reset();
  smMock.reset();
});

describe('SsmParameterStore', () => {
  it('reads a parameter and validates the kill switch and the mode', async () => {
    ssmMock.on(GetParameterCommand, { Name: '/prod/trading/kill-switch' }).resolves({ Parameter: { Value: 'on' } });
    ssmMock.on(GetParameterCommand, { Name: '/prod/trading/mode' }).resolves({ Parameter: { Value: 'live' } });
    const store = new SsmParameterStore(new SSMClient({ region: 'us-east-1' }));
    expect(await readKillSwitch(store, '/prod/trading/kill-switch')).toBe('on');
    expect(await readTradingMode(store, '/prod/trading/mode')).toBe('live');
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: '/prod/trading/kill-switch', WithDecryption: true });
  });

  it('refuses an unexpected value and maps a missing parameter to a typed error', async () => {
    ssmMock.on(GetParameterCommand, { Name: '/x/kill' }).resolves({ Parameter: { Value: 'maybe' } });
    ssmMock.on(GetParameterCommand, { Name: '/x/missing' }).rejects(new ParameterNotFound({ message: 'nope', $metadata: {} }));
    const store = new SsmParameterStore(new SSMClient({ region: 'us-east-1' }));
    await expect(readKillSwitch(store, '/x/kill')).rejects.toBeInstanceOf(InvalidSettingError);
    await expect(store.get('/x/missing')).rejects.toBeInstanceOf(ParameterNotFoundError);
  });

  it('caches for maxAgeMs by the injected clock, then re-reads', async () => {
    let now = 0;
    ssmMock.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: 'off' } }).resolves({ Parameter: { Value: 'on' } });
    const store = new SsmParameterStore(new SSMClient({ region: 'us-east-1' }), { maxAgeMs: 5_000, now: () => now });
    expect(await store.get('/k')).toBe('off');
    now = 4_999;
    expect(await store.get('/k')).toBe('off');
    now = 5_000;
    expect(await store.get('/k')).toBe('on');
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('MemoryParameterStore can be flipped at run time', async () => {
    const store = new MemoryParameterStore({ '/local/trading/kill-switch': 'off' });
    expect(await readKillSwitch(store, '/local/trading/kill-switch')).toBe('off');
    store.set('/local/trading/kill-switch', 'on');
    expect(await readKillSwitch(store, '/local/trading/kill-switch')).toBe('on');
    await expect(store.get('/nope')).rejects.toBeInstanceOf(ParameterNotFoundError);
  });
});

describe('SecretsManagerSecretStore', () => {
  it('returns the value, masks it in later log lines, and parses JSON secrets', async () => {
    const value = JSON.stringify({ keyId: 'key-123456789', privateKey: 'c2VjcmV0LXNlZWQtdmFsdWUtMTIzNDU2' });
    smMock.on(GetSecretValueCommand, { SecretId: 'arn:exchange' }).resolves({ SecretString: value });
    const store = new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'us-east-1' }));
    const parsed = await getJsonSecret(store, 'arn:exchange');
    expect(parsed.privateKey).toBe('c2VjcmV0LXNlZWQtdmFsdWUtMTIzNDU2');
    const log = new MemoryLogger();
    log.info(`oops ${parsed.privateKey}`);
    expect(log.lines[0]?.msg).not.toContain(parsed.privateKey);
  });

  it('maps a missing or empty secret to SecretNotFoundError without the value in the message', async () => {
    smMock.on(GetSecretValueCommand, { SecretId: 'gone' }).rejects(new ResourceNotFoundException({ message: 'x', $metadata: {} }));
    smMock.on(GetSecretValueCommand, { SecretId: 'empty' }).resolves({ SecretString: '' });
    smMock.on(GetSecretValueCommand, { SecretId: 'notjson' }).resolves({ SecretString: 'plain-secret-value-xyz' });
    const store = new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'us-east-1' }));
    await expect(store.getSecret('gone')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(store.getSecret('empty')).rejects.toBeInstanceOf(SecretNotFoundError);
    const err = await getJsonSecret(store, 'notjson').catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect((err as Error).message).not.toContain('plain-secret-value-xyz');
  });

  it('EnvSecretStore reads the mapped variable only', async () => {
    const store = new EnvSecretStore({ dataProviderKey: 'OPTIC_KEY' }, { OPTIC_KEY: 'k-1234567890' });
    expect(await store.getSecret('dataProviderKey')).toBe('k-1234567890');
    await expect(store.getSecret('exchangeKey')).rejects.toBeInstanceOf(SecretNotFoundError);
  });
});
