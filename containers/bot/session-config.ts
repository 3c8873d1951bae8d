/**
 * The configuration of a local session: config.yaml + config.paper.yaml + config.local.yaml, with the
 * simulator's URLs and throwaway keys injected as environment variables, validated like any other config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deepMerge } from '../../shared/config/deep-merge.js';
import { parseConfigDocuments } from '../../shared/config/loader.js';
import type { AppConfig } from '../../shared/config/schema.js';
import type { RunningSimulator } from '../simulator/server.js';
import type { SportsModule } from '../simulator/sports/index.js';

export interface SimulatorEndpoints {
  baseUrl: string;
  wsMarketsUrl: string;
  wsPrivateUrl: string;
  keyId: string;
  secretBase64: string;
  oddsBaseUrl: string;
  oddsApiKey: string;
}

/** The endpoints and throwaway keys of a running simulator with its sports world. */
export function simulatorEndpoints(sim: RunningSimulator, sports: SportsModule): SimulatorEndpoints {
  return {
    baseUrl: sim.baseUrl,
    wsMarketsUrl: sim.wsMarketsUrl,
    wsPrivateUrl: sim.wsPrivateUrl,
    keyId: sim.credentials.keyId,
    secretBase64: sim.credentials.secretBase64,
    oddsBaseUrl: `${sim.baseUrl}${sports.pathPrefix}`,
    oddsApiKey: sports.apiKey,
  };
}

const readYaml = (dir: string, name: string): unknown => parse(readFileSync(join(dir, name), 'utf8')) ?? {};

export function localSessionConfig(dir: string, sim: SimulatorEndpoints, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const overlay = deepMerge(readYaml(dir, 'config.paper.yaml'), readYaml(dir, 'config.local.yaml'));
  return parseConfigDocuments({
    base: readYaml(dir, 'config.yaml'),
    overlays: { paper: overlay },
    overlayFiles: { paper: 'config.paper.yaml + config.local.yaml' },
    baseFile: 'config.yaml',
    mode: 'paper',
    env: {
      ...env,
      PM_API_BASE_URL: sim.baseUrl,
      PM_GATEWAY_URL: sim.baseUrl,
      PM_WS_MARKETS_URL: sim.wsMarketsUrl,
      PM_WS_PRIVATE_URL: sim.wsPrivateUrl,
      PM_API_KEY_ID: sim.keyId,
      PM_PRIVATE_KEY: sim.secretBase64,
      OPTICODDS_BASE_URL: sim.oddsBaseUrl,
      OPTICODDS_API_KEY: sim.oddsApiKey,
    },
  });
}
