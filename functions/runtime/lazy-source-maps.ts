/**
 * Stack traces of a Lambda bundle in source terms (functions/x.ts:12:5), with the map read only when a stack is
 * first formatted — an error path — instead of at every cold start, as `--enable-source-maps` does (it reads and
 * parses the whole map while the bundle loads: a tenth of module initialisation).
 *
 * Imported first by each handler, so it is installed before any other module of the bundle runs. It installs
 * nothing when there is no map beside the running file (tests run the TypeScript sources) or when Node maps
 * stacks itself (--enable-source-maps). A frame outside the bundle, or one the map does not cover, prints as V8
 * would print it; a map that cannot be read leaves every frame as it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Installs the lazy mapping for the bundle at `bundleUrl` (its map: `<file>.map`); false when not installed. */
export function installLazySourceMaps(bundleUrl: string): boolean {
  if (!bundleUrl.startsWith('file:') || process.sourceMapsEnabled) return false;
  const mapFile = `${fileURLToPath(bundleUrl)}.map`;
  if (!existsSync(mapFile)) return false;
  const previous = Error.prepareStackTrace;
  let map: Mapped | null | undefined;
  const load = (): Mapped | null => {
    if (map !== undefined) return map;
    try {
      const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
      map = { sm: new SourceMap(payload), root: projectPrefix(payload.sources) };
    } catch {
      map = null;
    }
    return map;
  };
  Error.prepareStackTrace = (error, trace) => {
    const sm = trace.some((cs) => cs.getFileName() === bundleUrl) ? load() : null;
    if (!sm) return previous ? previous(error, trace) : defaultFormat(error, trace);
    return [errorHeader(error), ...trace.map((cs, i) => `    at ${cs.getFileName() === bundleUrl ? mappedFrame(sm, trace, i) : String(cs)}`)].join('\n');
  };
  return true;
}

interface Mapped {
  sm: SourceMap;
  /** The leading part every project source shares in the map (`../../`, the build machine's checkout path). */
  root: string;
}

function defaultFormat(error: Error, trace: NodeJS.CallSite[]): string {
  return [errorHeader(error), ...trace.map((cs) => `    at ${String(cs)}`)].join('\n');
}

function errorHeader(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/** `name (source:line:column)` for a bundle frame, or V8's own text when the map has no entry for it. */
function mappedFrame({ sm, root }: Mapped, trace: NodeJS.CallSite[], i: number): string {
  const cs = trace[i]!;
  const line = cs.getLineNumber();
  const column = cs.getColumnNumber();
  if (line === null || column === null) return String(cs);
  const entry = sm.findEntry(line - 1, column - 1);
  if (!('originalSource' in entry)) return String(cs);
  const where = `${sourcePath(entry.originalSource, root)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const name = originalName(sm, trace, i);
  const asyncPrefix = cs.isAsync() ? 'async ' : '';
  return name ? `${asyncPrefix}${name} (${where})` : `${asyncPrefix}${where}`;
}

/**
 * The frame's function name in the sources: the map's name at the enclosing function (or at its declared
 * identifier), else at the caller's call site when the caller is in the bundle too (the way Node names mapped
 * frames), else V8's (minified) name.
 */
function originalName(sm: SourceMap, trace: NodeJS.CallSite[], i: number): string | null {
  const cs = trace[i]!;
  const el = cs.getEnclosingLineNumber();
  const ec = cs.getEnclosingColumnNumber();
  if (el !== null && ec !== null) {
    const enclosing = nameAt(sm, el - 1, ec - 1);
    if (enclosing) return enclosing;
    // A minified declaration starts at its keyword: the name is mapped where the identifier follows it.
    for (const keyword of ['function ', 'async function ', 'function*', 'async function*']) {
      const declared = nameAt(sm, el - 1, ec - 1 + keyword.length, true);
      if (declared) return declared;
    }
  }
  const caller = trace[i + 1];
  if (caller && caller.getFileName() === cs.getFileName()) {
    const l = caller.getLineNumber();
    const c = caller.getColumnNumber();
    const called = l !== null && c !== null ? nameAt(sm, l - 1, c - 1) : undefined;
    if (called) return called;
  }
  return cs.getFunctionName();
}

/** The source name the map gives at a generated position (0-based); `exact`: only an entry starting there. */
function nameAt(sm: SourceMap, line: number, column: number, exact = false): string | undefined {
  const entry = sm.findEntry(line, column) as { generatedColumn?: number; name?: unknown };
  if (exact && entry.generatedColumn !== column) return undefined;
  return typeof entry.name === 'string' && entry.name ? entry.name : undefined;
}

/**
 * The folder prefix the map's project sources share (outside node_modules): `../../../repo/` for sources
 * `../../../repo/functions/x.ts` and `../../../repo/shared/y.ts`.
 */
export function projectPrefix(sources: readonly string[]): string {
  const own = sources.filter((s) => !s.includes('node_modules/'));
  if (own.length === 0) return '';
  let prefix = own[0]!.slice(0, own[0]!.lastIndexOf('/') + 1);
  for (const s of own) while (prefix && !s.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  return prefix;
}

/** A map source as a project path: `<prefix>functions/x.ts` → `functions/x.ts`, `…/node_modules/p/f.js` → `node_modules/p/f.js`. */
export function sourcePath(source: string, prefix: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) return source.slice(nm);
  return prefix && source.startsWith(prefix) ? source.slice(prefix.length) : source;
}
