/**
 * The calls the wire server makes on the exchange engine (containers/simulator/exchange). Declared here so
 * the server states exactly what it depends on; the engine's `Exchange` class satisfies it structurally.
 */
import type { Micros, PriceMicros } from '../../../shared/domain/money.js';
import type { VenueMarketState } from '../../../shared/domain/venue-enums.js';
import type { VenueBalance, VenueOrder, VenuePosition } from '../../../shared/domain/venue-models.js';
import type { SimEventSpec, SimMarketSpec } from '../module.js';
import type {
  ActivityPage,
  ActivityQuery,
  Bbo,
  BookSnapshot,
  ClosePositionOptions,
  EventFilter,
  ExchangeEventListener,
  MarketFilter,
  ModifyOrderRequest,
  OrderResult,
  Settlement,
  SimEvent,
  SimMarket,
  SubmitOrderRequest,
} from '../exchange/types.js';

export interface ExchangePort {
  addEvent(spec: SimEventSpec): unknown;
  addMarket(spec: SimMarketSpec): unknown;
  listEvents(filter?: EventFilter): SimEvent[];
  getEvent(idOrSlug: string): SimEvent | undefined;
  listMarkets(filter?: MarketFilter): SimMarket[];
  getMarket(idOrSlug: string): SimMarket | undefined;
  setMarketState(slug: string, state: VenueMarketState): void;
  settle(slug: string, settlementPrice: PriceMicros): void;
  getSettlement(slug: string): Settlement | null;
  expireOrders(now?: number): string[];

  openAccount(accountId: string, startingBalance: Micros): unknown;
  submitOrder(accountId: string, req: SubmitOrderRequest): OrderResult;
  cancelOrder(accountId: string, orderId: string, marketSlug: string): unknown;
  modifyOrder(accountId: string, orderId: string, req: ModifyOrderRequest): unknown;
  cancelAll(accountId: string, slugs?: readonly string[]): string[];
  previewOrder(accountId: string, req: SubmitOrderRequest): VenueOrder;
  closePosition(accountId: string, marketSlug: string, options?: ClosePositionOptions): OrderResult;

  book(slug: string): BookSnapshot;
  bbo(slug: string): Bbo;
  openOrders(accountId: string, slugs?: readonly string[]): VenueOrder[];
  getOrder(accountId: string, orderId: string): VenueOrder;
  positions(accountId: string): Record<string, VenuePosition>;
  activities(accountId: string, query?: ActivityQuery): ActivityPage;
  balance(accountId: string): VenueBalance;

  onEvent(listener: ExchangeEventListener): () => void;
}
