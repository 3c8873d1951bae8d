/** Query-string helpers for the OpticOdds wire: repeated parameters (`a=1&a=2`) and the `a[]=` form. */

export function listParam(url: URL, name: string): string[] {
  return [...url.searchParams.getAll(name), ...url.searchParams.getAll(`${name}[]`)]
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** A lower-cased set of a list parameter, or null when the parameter is absent (no filter). */
export function lowerSet(url: URL, name: string): Set<string> | null {
  const values = listParam(url, name);
  return values.length === 0 ? null : new Set(values.map((v) => v.toLowerCase()));
}

export function boolParam(url: URL, name: string): boolean | null {
  const v = url.searchParams.get(name);
  if (v === null) return null;
  return v === 'true' || v === '1' || v === 'True';
}
