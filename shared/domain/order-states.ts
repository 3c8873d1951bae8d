/**
 * The engine's order state machine: which status may follow which, and what a venue order state says about
 * the status. Pure data and predicates, beside the order types (order.ts); the order tracker enforces them.
 *
 * Transitions (each edge and why it exists):
 *   CREATED          → SUBMITTED         the request is about to be written to the gateway
 *   CREATED          → REJECTED          refused locally or by the gateway before it reached the venue
 *   SUBMITTED        → PENDING           the venue acknowledged the order (EXECUTION_TYPE_NEW, ORDER_STATE_NEW)
 *   SUBMITTED        → PARTIALLY_FILLED  the first thing heard is a partial fill (an ack can arrive after it)
 *   SUBMITTED        → FILLED            an aggressive order filled completely in the create response
 *   SUBMITTED        → CANCELLED         an IOC that found nothing, or a cancel that raced the ack
 *   SUBMITTED        → REJECTED          the venue refused the order, or reconciliation found it never arrived
 *   PENDING          → PENDING           a modify was acknowledged (EXECUTION_TYPE_REPLACE): price/size change
 *   PENDING          → PARTIALLY_FILLED  part of a resting order traded
 *   PENDING          → FILLED            the whole resting order traded
 *   PENDING          → CANCELLED         cancelled (by us, or unsolicited by the exchange), expired, done for day
 *   PENDING          → REJECTED          the venue rejected an order it had acknowledged (e.g. risk check)
 *   PARTIALLY_FILLED → PARTIALLY_FILLED  another partial fill, or a modify acknowledged
 *   PARTIALLY_FILLED → FILLED            the rest traded
 *   PARTIALLY_FILLED → CANCELLED         the rest was cancelled/expired (by us or by the exchange)
 * FILLED, CANCELLED and REJECTED are terminal and absorbing.
 */
import type { OrderStatus } from './order.js';
import type { VenueOrderState } from './venue-enums.js';

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CREATED: ['SUBMITTED', 'REJECTED'],
  SUBMITTED: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  PENDING: ['PENDING', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELLED'],
  FILLED: [],
  CANCELLED: [],
  REJECTED: [],
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['FILLED', 'CANCELLED', 'REJECTED']);
/** Statuses of an order that may still be working at the venue (or may still reach it). */
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['CREATED', 'SUBMITTED', 'PENDING', 'PARTIALLY_FILLED']);
/** Statuses of an order known to be resting on the venue's book. */
export const RESTING_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['PENDING', 'PARTIALLY_FILLED']);

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The engine status a venue order state maps to; null when the state says nothing about the status. */
export function statusOfVenueState(state: VenueOrderState, cumQuantity = 0): OrderStatus | null {
  switch (state) {
    case 'ORDER_STATE_NEW':
    case 'ORDER_STATE_PENDING_NEW':
    case 'ORDER_STATE_PENDING_RISK':
    case 'ORDER_STATE_PENDING_REPLACE':
    case 'ORDER_STATE_PENDING_CANCEL':
      // Still working (a pending replace or cancel is not done until the venue confirms).
      return cumQuantity > 0 ? 'PARTIALLY_FILLED' : 'PENDING';
    case 'ORDER_STATE_PARTIALLY_FILLED':
      return 'PARTIALLY_FILLED';
    case 'ORDER_STATE_FILLED':
      return 'FILLED';
    case 'ORDER_STATE_CANCELED':
    case 'ORDER_STATE_EXPIRED':
      return 'CANCELLED';
    case 'ORDER_STATE_REJECTED':
      return 'REJECTED';
    default:
      // ORDER_STATE_REPLACED: a modify keeps the order id on this venue; the snapshot says nothing of status.
      return null;
  }
}

/** Venue order states of an order still working (a REJECTED execution with one refused a request, not the order). */
export const LIVE_VENUE_STATES: ReadonlySet<VenueOrderState> = new Set<VenueOrderState>([
  'ORDER_STATE_NEW',
  'ORDER_STATE_PENDING_NEW',
  'ORDER_STATE_PENDING_REPLACE',
  'ORDER_STATE_PENDING_CANCEL',
  'ORDER_STATE_PENDING_RISK',
  'ORDER_STATE_PARTIALLY_FILLED',
]);

export function isLiveVenueState(state: VenueOrderState): boolean {
  return LIVE_VENUE_STATES.has(state);
}
