/** `trading.markets` patterns: `*` matches any run of characters, everything else literally ("nba-*"). */
export function compileMarketPatterns(patterns: readonly string[]): (slug: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 'i'));
  return (slug) => res.some((re) => re.test(slug));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
