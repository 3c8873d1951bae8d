/** Team lists of the simulated leagues (display name and abbreviation, as OpticOdds and the exchange show them). */

export interface TeamInfo {
  /** Provider team id (OpticOdds competitor id style). */
  id: string;
  numericalId: number;
  /** Display name, e.g. "Boston Celtics". */
  name: string;
  /** Upper-case abbreviation, e.g. "BOS". */
  abbreviation: string;
  /** snake_case of the name, e.g. "boston_celtics" (used in odd ids). */
  slug: string;
}

type RawTeam = readonly [name: string, abbreviation: string];

const NBA: readonly RawTeam[] = [
  ['Atlanta Hawks', 'ATL'], ['Boston Celtics', 'BOS'], ['Brooklyn Nets', 'BKN'], ['Charlotte Hornets', 'CHA'],
  ['Chicago Bulls', 'CHI'], ['Cleveland Cavaliers', 'CLE'], ['Dallas Mavericks', 'DAL'], ['Denver Nuggets', 'DEN'],
  ['Detroit Pistons', 'DET'], ['Golden State Warriors', 'GSW'], ['Houston Rockets', 'HOU'], ['Indiana Pacers', 'IND'],
  ['Los Angeles Clippers', 'LAC'], ['Los Angeles Lakers', 'LAL'], ['Memphis Grizzlies', 'MEM'], ['Miami Heat', 'MIA'],
  ['Milwaukee Bucks', 'MIL'], ['Minnesota Timberwolves', 'MIN'], ['New Orleans Pelicans', 'NOP'],
  ['New York Knicks', 'NYK'], ['Oklahoma City Thunder', 'OKC'], ['Orlando Magic', 'ORL'],
  ['Philadelphia 76ers', 'PHI'], ['Phoenix Suns', 'PHX'], ['Portland Trail Blazers', 'POR'],
  ['Sacramento Kings', 'SAC'], ['San Antonio Spurs', 'SAS'], ['Toronto Raptors', 'TOR'], ['Utah Jazz', 'UTA'],
  ['Washington Wizards', 'WAS'],
];

const NFL: readonly RawTeam[] = [
  ['Arizona Cardinals', 'ARI'], ['Atlanta Falcons', 'ATL'], ['Baltimore Ravens', 'BAL'], ['Buffalo Bills', 'BUF'],
  ['Carolina Panthers', 'CAR'], ['Chicago Bears', 'CHI'], ['Cincinnati Bengals', 'CIN'], ['Cleveland Browns', 'CLE'],
  ['Dallas Cowboys', 'DAL'], ['Denver Broncos', 'DEN'], ['Detroit Lions', 'DET'], ['Green Bay Packers', 'GB'],
  ['Houston Texans', 'HOU'], ['Indianapolis Colts', 'IND'], ['Jacksonville Jaguars', 'JAX'],
  ['Kansas City Chiefs', 'KC'], ['Las Vegas Raiders', 'LV'], ['Los Angeles Chargers', 'LAC'],
  ['Los Angeles Rams', 'LAR'], ['Miami Dolphins', 'MIA'], ['Minnesota Vikings', 'MIN'],
  ['New England Patriots', 'NE'], ['New Orleans Saints', 'NO'], ['New York Giants', 'NYG'], ['New York Jets', 'NYJ'],
  ['Philadelphia Eagles', 'PHI'], ['Pittsburgh Steelers', 'PIT'], ['San Francisco 49ers', 'SF'],
  ['Seattle Seahawks', 'SEA'], ['Tampa Bay Buccaneers', 'TB'], ['Tennessee Titans', 'TEN'],
  ['Washington Commanders', 'WAS'],
];

export function teamSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function build(raw: readonly RawTeam[], base: number): TeamInfo[] {
  return raw.map(([name, abbreviation], i) => {
    const numericalId = base + i;
    return {
      id: `${abbreviation}${numericalId.toString(16).toUpperCase().padStart(6, '0')}`,
      numericalId,
      name,
      abbreviation,
      slug: teamSlug(name),
    };
  });
}

export const NBA_TEAMS: readonly TeamInfo[] = build(NBA, 41000);
export const NFL_TEAMS: readonly TeamInfo[] = build(NFL, 52000);
