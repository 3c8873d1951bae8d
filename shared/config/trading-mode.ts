/**
 * The trading modes, on their own (no schema): modules that only need the names — the SSM trading-mode
 * parameter's reader (shared/aws/parameter-store.ts) — do not build the whole config schema at import.
 *
 * paper: the fill simulator trades. live: the exchange trades. shadow: the exchange trades (live in every
 * respect: PnL, risk, breaker, persistence) and a paper exchange beside it receives a copy of every order on
 * the same feed, for the calibration panel (shared/shadow/, README "Shadow mode").
 */
export const TRADING_MODES = ['paper', 'live', 'shadow'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];
/** The account whose orders, fills and positions are the mode's own: shadow trades the live account. */
export type TradingAccount = 'paper' | 'live';
export function tradingAccount(mode: TradingMode): TradingAccount {
  return mode === 'paper' ? 'paper' : 'live';
}
