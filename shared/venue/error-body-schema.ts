/**
 * The venue's error body: `{ message }` or `{ error }` (docs/venue-rules.md, "Errors and retries"). Its own
 * module so that classifying an error (error-mapping.ts, also part of every backtest through the executor)
 * does not build every REST schema of wire-schemas.ts, which re-exports it.
 */
import * as z from 'zod';

export const ErrorBodySchema = z.object({ message: z.string().optional(), error: z.string().optional() });
