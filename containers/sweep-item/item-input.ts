/**
 * How the Fargate item task receives its item: the Distributed Map's item event (`{ specKey, item }`, the same
 * event the item Lambda is invoked with) as JSON, in the SWEEP_ITEM environment variable (the state machine's
 * RunTask sets it as a container override) or as the first argument (a local run).
 */
export const SWEEP_ITEM_ENV = 'SWEEP_ITEM';

export class SweepItemInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepItemInputError';
  }
}

/** The item event, parsed (its shape is checked by the job: sweepItemEventSchema()). */
export function readItemEvent(env: NodeJS.ProcessEnv, args: readonly string[]): unknown {
  const fromArg = args[0];
  const text = fromArg !== undefined && fromArg !== '' ? fromArg : env[SWEEP_ITEM_ENV];
  const where = fromArg ? 'the first argument' : SWEEP_ITEM_ENV;
  if (text === undefined || text.trim() === '') {
    throw new SweepItemInputError(`no sweep item: set ${SWEEP_ITEM_ENV} (or pass as the first argument) the item event as JSON, {"specKey":"sweeps/<id>/spec.json","item":{...}}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SweepItemInputError(`${where} is not JSON (${(err as Error).message}): expected the item event {"specKey":…,"item":…}`);
  }
}
