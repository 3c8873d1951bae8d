/** Wire-shaped sample objects for the venue tests. */
export const amount = (value: string) => ({ value, currency: 'USD' });

export function wireOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ord-1',
    marketSlug: 'nba-bos-lal',
    side: 'ORDER_SIDE_BUY',
    type: 'ORDER_TYPE_LIMIT',
    price: amount('0.55'),
    quantity: 10,
    cumQuantity: 0,
    leavesQuantity: 10,
    tif: 'TIME_IN_FORCE_GOOD_TILL_CANCEL',
    intent: 'ORDER_INTENT_BUY_LONG',
    state: 'ORDER_STATE_NEW',
    createTime: '2024-01-16T16:00:00.123Z',
    commissionsBasisPoints: '30',
    marketMetadata: { slug: 'nba-bos-lal', title: 'x' },
    ...over,
  };
}

export function wireExecution(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'exec-1',
    order: wireOrder({ state: 'ORDER_STATE_PARTIALLY_FILLED', cumQuantity: 4, leavesQuantity: 6 }),
    lastShares: '4',
    lastPx: amount('0.54'),
    type: 'EXECUTION_TYPE_PARTIAL_FILL',
    transactTime: '2024-01-16T16:00:01Z',
    tradeId: 't-1',
    aggressor: true,
    commissionNotionalCollected: amount('0.01'),
    ...over,
  };
}

export function wirePosition(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    netPosition: '-5',
    qtyBought: '0',
    qtySold: '5',
    cost: amount('2.25'),
    realized: amount('0'),
    bodPosition: '0',
    expired: false,
    updateTime: '2024-01-16T16:00:02Z',
    ...over,
  };
}

/** A book message with `levels` levels per side, best first. */
export function bookMessage(levels = 10, slug = 'nba-bos-lal'): string {
  const bids = [];
  const offers = [];
  for (let i = 0; i < levels; i++) {
    bids.push({ px: amount((0.5 - i * 0.01).toFixed(2)), qty: String(100 + i) });
    offers.push({ px: amount((0.51 + i * 0.01).toFixed(2)), qty: String(200 + i) });
  }
  return JSON.stringify({
    requestId: 'req-1',
    subscriptionType: 'SUBSCRIPTION_TYPE_MARKET_DATA',
    marketData: { marketSlug: slug, bids, offers, state: 'MARKET_STATE_OPEN', transactTime: '2024-01-16T16:00:00.5Z' },
  });
}
