/**
 * The venue's error body: `{ message }` or `{ error }` (docs/venue-rules.md, "Errors and retries"). Its own
 * module so that classifying an error (error-mapping.ts, also part of every backtest through the executor)
 * does not build every REST schema of wire-schemas.ts, which re-exports it; built on first use, so importing
 * the error mapping builds no schema at all (module initialisation is part of every Lambda cold start).
 */
import * as z from 'zod';

const buildErrorBodySchema = () => z.object({ message: z.string().optional(), error: z.string().optional() });
let built: ReturnType<typeof buildErrorBodySchema> | undefined;

export function errorBodySchema(): ReturnType<typeof buildErrorBodySchema> {
  return (built ??= buildErrorBodySchema());
}
