/**
 * zod schemas of the authenticated request bodies (docs/venue-rules.md, "Wire shapes, in brief", and the contract in shared/venue/contract), converting wire
 * units to engine units: Amounts → micros, ISO timestamps → epoch ms, quantities → integer contracts.
 * Unknown fields are ignored (as the venue's gateway does); wrong types, unknown enum strings and missing
 * required fields are errors.
 */
import { parseQuantity } from '../../../shared/domain/quantity.js';
import { z } from 'zod';
import { MoneyFormatError, parseMicros } from '../../../shared/domain/money.js';
import { ORDER_INTENTS, ORDER_TYPES, TIMES_IN_FORCE } from '../../../shared/domain/venue-enums.js';

const DECIMAL_RE = /^-?\d{1,12}(\.\d{1,12})?$/;

export const amountSchema = z
  .object({
    value: z.string().regex(DECIMAL_RE, 'must be a decimal string'),
    currency: z.literal('USD').optional(),
  })
  .transform((a, ctx) => {
    try {
      return parseMicros(a.value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof MoneyFormatError ? err.message : 'invalid amount' });
      return z.NEVER;
    }
  });

/**
 * Contracts, a positive decimal (JSON number or, proto3-JSON style, a decimal string), read exactly into
 * hundredths of a contract; finer precision is normalised down as the venue does (0.015 → 0.01), and the
 * market's own increment is applied by validateQuantity.
 */
const quantitySchema = z
  .union([z.number().positive().max(1e12), z.string().regex(/^\d{1,12}(\.\d{1,20})?$/)])
  .transform((v, ctx) => {
    const p = parseQuantity(v, 'toward_zero');
    if (p === null || p.qty <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive quantity of at least 0.01' });
      return z.NEVER;
    }
    return p.qty;
  });

const isoTimeSchema = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const slugSchema = z.string().min(1).max(200);

/** `{ currentPrice, bips?, ticks? }` as the official SDK sends it, or a bare number / decimal string. */
const slippageSchema = z.union([
  z.number().nonnegative(),
  z.string().max(40),
  z.object({
    currentPrice: amountSchema.optional(),
    bips: z.number().int().nonnegative().optional(),
    ticks: z.number().int().nonnegative().optional(),
  }),
]);

export const MANUAL_ORDER_INDICATORS = [
  'MANUAL_ORDER_INDICATOR_UNSPECIFIED',
  'MANUAL_ORDER_INDICATOR_MANUAL',
  'MANUAL_ORDER_INDICATOR_AUTOMATIC',
] as const;

const OUTCOME_SIDES = ['OUTCOME_SIDE_YES', 'OUTCOME_SIDE_NO'] as const;
const ORDER_ACTIONS = ['ORDER_ACTION_BUY', 'ORDER_ACTION_SELL'] as const;
const INTENT_OF: Record<string, (typeof ORDER_INTENTS)[number]> = {
  OUTCOME_SIDE_YES_ORDER_ACTION_BUY: 'ORDER_INTENT_BUY_LONG',
  OUTCOME_SIDE_YES_ORDER_ACTION_SELL: 'ORDER_INTENT_SELL_LONG',
  OUTCOME_SIDE_NO_ORDER_ACTION_BUY: 'ORDER_INTENT_BUY_SHORT',
  OUTCOME_SIDE_NO_ORDER_ACTION_SELL: 'ORDER_INTENT_SELL_SHORT',
};

/** A create: `intent`, or `outcomeSide` + `action` (which win when both are sent). */
export const createOrderSchema = z
  .object({
  marketSlug: slugSchema,
  intent: z.enum(ORDER_INTENTS).optional(),
  outcomeSide: z.enum(OUTCOME_SIDES).optional(),
  action: z.enum(ORDER_ACTIONS).optional(),
  type: z.enum(ORDER_TYPES).optional(),
  price: amountSchema.optional(),
  quantity: quantitySchema.optional(),
  tif: z.enum(TIMES_IN_FORCE).optional(),
  participateDontInitiate: z.boolean().optional(),
  goodTillTime: isoTimeSchema.optional(),
  cashOrderQty: amountSchema.optional(),
  manualOrderIndicator: z.enum(MANUAL_ORDER_INDICATORS).optional(),
  synchronousExecution: z.boolean().optional(),
  maxBlockTime: z.union([z.number().nonnegative(), z.string().max(40)]).optional(),
  slippageTolerance: slippageSchema.optional(),
  })
  .transform((b, ctx) => {
    const intent = b.outcomeSide && b.action ? INTENT_OF[`${b.outcomeSide}_${b.action}`] : b.intent;
    if (!intent) {
      ctx.addIssue({ code: 'custom', path: ['intent'], message: 'intent (or outcomeSide and action) is required' });
      return z.NEVER;
    }
    return { ...b, intent };
  });
export type CreateOrderBody = z.infer<typeof createOrderSchema>;

export const cancelOrderSchema = z.object({ marketSlug: slugSchema });

export const modifyOrderSchema = z.object({
  marketSlug: slugSchema,
  price: amountSchema.optional(),
  quantity: quantitySchema.optional(),
  tif: z.enum(TIMES_IN_FORCE).optional(),
  participateDontInitiate: z.boolean().optional(),
  goodTillTime: isoTimeSchema.optional(),
});
export type ModifyOrderBody = z.infer<typeof modifyOrderSchema>;

export const cancelAllSchema = z.object({ slugs: z.array(slugSchema).max(1000).optional() });

/** Batches: 1 to MAX_BATCH entries, every entry valid, or the whole batch is refused (400). */
export const MAX_BATCH = 20;

export const createOrderListSchema = z.object({ orders: z.array(createOrderSchema).min(1).max(MAX_BATCH) });

export const cancelOrderListSchema = z.object({
  orders: z.array(z.object({ orderId: z.string().min(1).max(200), marketSlug: slugSchema })).min(1).max(MAX_BATCH),
});

export const modifyOrderListSchema = z.object({
  orders: z.array(modifyOrderSchema.extend({ orderId: z.string().min(1).max(200) })).min(1).max(MAX_BATCH),
});

export const previewOrderSchema = z.object({ request: createOrderSchema });

export const closePositionSchema = z.object({
  marketSlug: slugSchema,
  slippageTolerance: slippageSchema.optional(),
  manualOrderIndicator: z.enum(MANUAL_ORDER_INDICATORS).optional(),
  synchronousExecution: z.boolean().optional(),
  maxBlockTime: z.union([z.number().nonnegative(), z.string().max(40)]).optional(),
});

/** A compact, client-facing description of what was wrong with a body (field paths, no values echoed). */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
  return `invalid request: ${parts.join('; ')}`;
}
