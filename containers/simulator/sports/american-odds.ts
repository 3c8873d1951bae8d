/** American odds arithmetic (OpticOdds `price`). */

/** Decimal odds of an American price. */
export function americanToDecimal(american: number): number {
  if (american >= 100) return 1 + american / 100;
  if (american <= -100) return 1 + 100 / -american;
  throw new RangeError(`not an American price: ${american}`);
}

/** Implied probability (with the book's margin) of an American price. */
export function americanToImplied(american: number): number {
  return 1 / americanToDecimal(american);
}

/**
 * The American price of an implied probability r in (0, 1), rounded to a multiple of `step` (1 or 5) away
 * from the customer's favour, and bounded to [-maxFavourite, +maxUnderdog].
 */
export function impliedToAmerican(r: number, step = 1, maxFavourite = 20000, maxUnderdog = 10000): number {
  if (!(r > 0 && r < 1)) throw new RangeError(`implied probability out of (0, 1): ${r}`);
  let price: number;
  if (r >= 0.5) {
    // favourite: -100·r/(1−r); rounding toward more negative gives the customer less
    price = -Math.ceil((100 * r) / (1 - r) / step - 1e-9) * step;
    if (price > -100) price = -100;
    price = Math.max(price, -maxFavourite);
  } else {
    price = Math.floor((100 * (1 - r)) / r / step + 1e-9) * step;
    if (price < 100) price = 100;
    price = Math.min(price, maxUnderdog);
  }
  return price;
}

/** Multiplicative no-vig probabilities of a two-way market. */
export function noVigTwoWay(priceA: number, priceB: number): [number, number] {
  const a = americanToImplied(priceA);
  const b = americanToImplied(priceB);
  return [a / (a + b), b / (a + b)];
}
