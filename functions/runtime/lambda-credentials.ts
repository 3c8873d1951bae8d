/**
 * The AWS SDK's default credential chain as the Lambda bundles get it (lambda-bundling.ts aliases
 * `@aws-sdk/credential-provider-node` to this file; the TypeScript sources — tests, local runs — keep the full
 * chain). On Lambda the credentials of the function's role are always in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the chain's first link; its other links (SSO, shared ini files,
 * credential_process, web identity, container and instance metadata) never run there but were a tenth of each
 * bundle to compile at every cold start, and pulled child_process in.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';

export const LAMBDA_CREDENTIALS_HINT =
  'this Lambda bundle takes AWS credentials from the environment only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: set by Lambda for the function role); run the TypeScript sources for the full credential chain';

/** Same name and call shape as credential-provider-node's `defaultProvider`, which the SDK clients call. */
export const defaultProvider = (init: { logger?: Logger } = {}): AwsCredentialIdentityProvider => {
  const env = fromEnv(init);
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      return await env();
    } catch (err) {
      if (err instanceof Error) err.message += ` (${LAMBDA_CREDENTIALS_HINT})`;
      throw err;
    }
  };
};
