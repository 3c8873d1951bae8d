/**
 * `npm run preflight` (usage and behaviour: run-preflight.ts; what to do with the report:
 * docs/go-live-checklist.md). Exit codes: 0 clean or warnings only, 1 breaking difference (or a warning with
 * --strict), 2 usage/configuration error or a failure to run.
 */
import { formatReport } from './preflight-judge.js';
import { parsePreflightArgs, runPreflight, type PreflightArgs } from './run-preflight.js';

async function main(): Promise<void> {
  let args: PreflightArgs;
  try {
    args = parsePreflightArgs(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`preflight: ${(err as Error).message}`);
    process.exit(2);
  }
  try {
    const { report, exitCode } = await runPreflight(args);
    process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
    process.exit(exitCode);
  } catch (err) {
    // CredentialError and friends: their messages never contain the secret (shared/venue/auth.ts).
    console.error(`preflight: ${(err as Error).message}`);
    process.exit(2);
  }
}

void main();
