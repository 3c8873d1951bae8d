/**
 * The queue messages between the functions (daily-reset, reconciler, odds-poller) and the bot: one contract
 * for producers and consumer, validated at the consumer's edge (a malformed message is counted and left for
 * the dead-letter queue, never a crash). Probabilities travel as decimal strings (6 places), never as binary
 * floats on the wire.
 */
import * as z from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const dailyResetMessageSchema = z.object({
  type: z.literal('daily-reset'),
  day,
  archivedDay: day,
  breakerReset: z.boolean(),
  killSwitch: z.enum(['on', 'off', 'unreadable']),
  at: z.number().int().nonnegative(),
});

export const reconciliationMessageSchema = z.object({
  type: z.literal('reconciliation'),
  at: z.number().int().nonnegative(),
  drift: z.record(z.string(), z.number().int().nonnegative()),
  total: z.number().int().nonnegative(),
});

export type DailyResetMessage = z.infer<typeof dailyResetMessageSchema>;
export type ReconciliationMessage = z.infer<typeof reconciliationMessageSchema>;

export const controlMessageSchema = z.discriminatedUnion('type', [dailyResetMessageSchema, reconciliationMessageSchema]);
export type ControlMessage = z.infer<typeof controlMessageSchema>;

const probabilityText = z.string().regex(/^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/, 'a decimal in [0, 1] with at most 6 places');

export const oddsUpdateMessageSchema = z.object({
  type: z.literal('odds-update'),
  version: z.literal(1),
  fixtureId: z.string().min(1),
  sport: z.string(),
  league: z.string(),
  market: z.string().min(1),
  /** Outcome display name → fair probability. */
  probabilities: z.record(z.string(), probabilityText),
  confidence: probabilityText,
  books: z.number().int().nonnegative(),
  maxAgeMs: z.number().int().nonnegative(),
  computedAt: z.number().int().nonnegative(),
});
export type OddsUpdateMessage = z.infer<typeof oddsUpdateMessageSchema>;

export const parseControlMessage = (json: unknown): ControlMessage => controlMessageSchema.parse(json);
export const parseOddsUpdateMessage = (json: unknown): OddsUpdateMessage => oddsUpdateMessageSchema.parse(json);
