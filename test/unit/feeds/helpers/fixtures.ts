/** Wire-shaped OpticOdds objects for tests. */
export function oddJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  const sportsbook = (over.sportsbook as string) ?? 'Pinnacle';
  const name = (over.name as string) ?? 'Philadelphia Eagles';
  return {
    id: `28265-17233-24-44:${sportsbook.toLowerCase()}:moneyline:${name.toLowerCase().replace(/ /g, '_')}`,
    fixture_id: '28265-17233-24-44',
    game_id: '28265-17233-24-44',
    sport: 'football',
    league: 'NFL',
    sportsbook,
    market: 'Moneyline',
    name,
    selection: name,
    selection_line: '',
    points: null,
    selection_points: null,
    price: -230,
    is_main: true,
    is_live: false,
    team_id: 'TEAM1',
    player_id: null,
    grouping_key: 'default',
    limits: null,
    deep_link: null,
    timestamp: 1730079534.82,
    ...over,
  };
}

export function resultsJson(over: { status?: string; home?: number; away?: number; inPlay?: unknown; league?: string } = {}): Record<string, unknown> {
  return {
    fixture_id: 'FX1',
    sport: 'basketball',
    league: over.league ?? 'NBA',
    is_live: over.status === 'live',
    score: {
      sport: { id: 'basketball', name: 'Basketball' },
      league: { id: 'nba', name: 'NBA' },
      fixture: {
        id: 'FX1',
        game_id: 'G1',
        start_date: '2026-11-25T00:30:00Z',
        home_competitors: [],
        away_competitors: [],
        home_team_display: 'Boston Celtics',
        away_team_display: 'Los Angeles Lakers',
        status: over.status ?? 'live',
        is_live: over.status === 'live',
        venue: 'TD Garden',
      },
      scores: { home: { total: over.home ?? 60, periods: { period_1: 30 } }, away: { total: over.away ?? 55, periods: {} } },
      ...(over.inPlay !== undefined ? { in_play: over.inPlay } : {}),
    },
  };
}
