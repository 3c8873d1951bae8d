/**
 * The columnar schema of the replay form (docs/replay-format.md): which recorded events get typed columns,
 * field by field, in the key order the recording writes them. An event that does not fit its shape exactly
 * (another key, another order, another type) is stored as its JSON text instead, so the decoded lines are
 * always identical to the NDJSON ones; the schema only decides what is fast.
 *
 * Changing anything here changes the layout: bump REPLAY_FORMAT_VERSION (replay-layout.ts) with it.
 */
import type { RecordKind } from '../record-format.js';

export type FieldType = 'num' | 'qty' | 'str' | 'bool' | 'const' | 'list' | 'obj';

export interface Field {
  key: string;
  type: FieldType;
  /** null is a value of this field. */
  nullable?: boolean;
  /** The key may be absent (a presence column says whether it is there). */
  optional?: boolean;
  /** The value of a 'const' field. */
  value?: string;
  /** The element shape of a 'list', the shape of an 'obj'. */
  of?: Shape;
  /**
   * A 'list' of flat elements stored interned: each distinct element once, each distinct list once (an
   * index column of element rows), so a reader can hand out one object per distinct element and one array
   * per distinct list (book levels: most repeat from one frame to the next).
   */
  interned?: boolean;
}

export interface Shape {
  name: string;
  fields: readonly Field[];
}

/** A recorded event kind with its own tables: the line's `k` and the event's `type`. */
export interface EventShape {
  /** Small enum value in the line table's shape column (0 is "JSON text"). */
  id: number;
  k: RecordKind;
  shape: Shape;
}

const num = (key: string, nullable = false, optional = false): Field => ({ key, type: 'num', nullable, optional });
const str = (key: string, nullable = false, optional = false): Field => ({ key, type: 'str', nullable, optional });
const bool = (key: string): Field => ({ key, type: 'bool' });
const qty = (key: string): Field => ({ key, type: 'qty' });
const kind = (value: string): Field => ({ key: 'type', type: 'const', value });

const level: Shape = { name: 'level', fields: [num('price'), qty('qty')] };

const book: Shape = {
  name: 'book',
  fields: [
    kind('book'),
    str('marketSlug'),
    { key: 'bids', type: 'list', of: level, interned: true },
    { key: 'asks', type: 'list', of: level, interned: true },
    str('state'),
    num('transactTime', true),
    bool('snapshot'),
    num('receivedAt'),
  ],
};

const bbo: Shape = {
  name: 'bbo',
  fields: [kind('bbo'), str('marketSlug'), num('bestBid', true), num('bestAsk', true), num('lastTradePx', true), num('receivedAt')],
};

const trade: Shape = {
  name: 'trade',
  fields: [kind('trade'), str('marketSlug'), num('price'), qty('qty'), str('qtyExact', false, true), num('tradeTime'), str('takerSide'), num('receivedAt')],
};

/** A quote's first fields and its price fields, the same in both quote shapes below. */
const quoteSource: readonly Field[] = [str('key'), str('oddId'), str('fixtureId'), str('sport'), str('league'), str('sportsbook')];
const quotePrice: readonly Field[] = [str('selectionLine'), num('points', true), num('americanOdds'), bool('isMain'), bool('isLive'), bool('locked')];

const quote: Shape = {
  name: 'quote',
  fields: [
    ...quoteSource,
    str('sportsbookId', false, true),
    str('market'),
    str('marketId', false, true),
    str('normalizedSelection', false, true),
    num('maxStake', true, true),
    str('name'),
    str('selection'),
    ...quotePrice,
    num('timestamp'),
    num('receivedAt'),
  ],
};

const odds: Shape = { name: 'odds', fields: [kind('odds'), { key: 'quotes', type: 'list', of: quote }, str('entryId', true)] };

/**
 * A quote as the feed adapter makes it today (shared/feeds/wire.ts `oddToQuote`: ids always set, the
 * normalized selection after the selection, the book's stake limit before the times). `quote` above is the
 * order of recordings made before it (the committed sample among them); both stay readable at full speed.
 */
const quoteByIds: Shape = {
  name: 'quoteByIds',
  fields: [
    ...quoteSource,
    str('sportsbookId'),
    str('market'),
    str('marketId'),
    str('name'),
    str('selection'),
    str('normalizedSelection'),
    ...quotePrice,
    num('maxStake', true),
    num('timestamp'),
    num('receivedAt'),
  ],
};

const oddsByIds: Shape = { name: 'oddsByIds', fields: [kind('odds'), { key: 'quotes', type: 'list', of: quoteByIds }, str('entryId', true)] };

const gameState: Shape = {
  name: 'gameState',
  fields: [
    str('gameId'),
    str('sport'),
    str('league'),
    str('homeTeam'),
    str('awayTeam'),
    num('homeScore'),
    num('awayScore'),
    num('period'),
    num('clockSeconds', true),
    num('secondsRemaining', true),
    str('timeRemaining'),
    str('status'),
    str('rawStatus'),
    num('startTime'),
    num('updatedAt'),
  ],
};

const game: Shape = { name: 'game', fields: [kind('game'), { key: 'game', type: 'obj', of: gameState }, str('entryId', true)] };

const settle: Shape = { name: 'settle', fields: [str('marketSlug'), num('settlementPrice')] };

/** The event kinds with columns, by enum value (the order is part of the format). */
export const EVENT_SHAPES: readonly EventShape[] = [
  { id: 1, k: 'market', shape: book },
  { id: 2, k: 'market', shape: trade },
  { id: 3, k: 'market', shape: bbo },
  { id: 4, k: 'feed', shape: odds },
  { id: 5, k: 'feed', shape: game },
  { id: 6, k: 'settle', shape: settle },
  { id: 7, k: 'feed', shape: oddsByIds },
];

/** Shape column value of a line stored as the JSON text of its event. */
export const JSON_SHAPE = 0;

/** The line kinds, by enum value (the order is part of the format). */
export const LINE_KINDS: readonly RecordKind[] = ['market', 'private', 'feed', 'settle', 'meta', 'own'];
