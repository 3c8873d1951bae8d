/** The venue intent each signal action becomes (see domain/venue-enums.ts for the long-side price rule). */
import type { SignalAction } from '../domain/signal.js';
import type { OrderIntent } from '../domain/venue-enums.js';

export const ACTION_INTENT: Readonly<Record<SignalAction, OrderIntent>> = {
  BUY_YES: 'ORDER_INTENT_BUY_LONG',
  SELL_YES: 'ORDER_INTENT_SELL_LONG',
  BUY_NO: 'ORDER_INTENT_BUY_SHORT',
  SELL_NO: 'ORDER_INTENT_SELL_SHORT',
};
