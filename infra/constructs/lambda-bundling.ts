/**
 * How every Lambda bundle is built, in one place: stage-function.ts turns these options into the
 * NodejsFunction's bundling props (esbuild's CLI), the bundle bench (test/bench/lambda-bundles.bench.ts) passes
 * them to esbuild's API. No aws-cdk-lib import here, so the bench stays light; a template test builds one
 * function both ways and compares the bytes, so the two cannot drift.
 *
 * What the options are for (module initialisation is part of every cold start):
 * - Node 22 target, ESM, minified, the AWS SDK bundled (the versions package-lock.json pins and tests ran).
 * - Node built-ins are `require`d, not `import`ed (BUILTIN_SHIMS): an ESM import of a built-in makes Node build
 *   a module facade that reads every export, and those reads run the built-ins' lazy getters: `node:http`'s
 *   WebSocket getter loads Node's internal undici (and with it http2, tls, worker_threads), `node:process`'s
 *   load the report and finalization modules, `node:fs`'s the file streams. A require reads nothing up front,
 *   and a built-in used only on a rare path (child_process for the SDK's credential_process provider) is then
 *   loaded only if that path runs.
 * - Packages a function never needs on Lambda replaced by a slimmer file (PACKAGE_ALIASES).
 * - A source map without the sources' text, read only when a stack trace is first formatted
 *   (functions/runtime/lazy-source-maps.ts, imported first by every handler) rather than at load as
 *   `--enable-source-maps` would (reading and parsing the map was a tenth of module initialisation): stack
 *   traces in logs still name functions/x.ts:line:column.
 */
import { join } from 'node:path';

/** esbuild banner giving ESM bundles a `require` for CommonJS dependencies. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** Node built-ins bundled as a one-line CommonJS module (functions/runtime/builtins/<name with - for />.cjs). */
export const BUILTIN_SHIMS = [
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'console', 'crypto', 'diagnostics_channel',
  'dns', 'dns/promises', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path',
  'path/posix', 'path/win32', 'perf_hooks', 'process', 'querystring', 'readline', 'readline/promises', 'stream',
  'stream/consumers', 'stream/promises', 'stream/web', 'string_decoder', 'timers', 'timers/promises', 'tls', 'url',
  'util', 'util/types', 'worker_threads', 'zlib',
] as const;

/**
 * Built-ins whose shim exports the built-in object itself. Every other shim exports an object with no own
 * property whose prototype is the built-in (`Object.create(builtin)`): the same functions, classes and values
 * (and the built-in's lazy getters, still run only when read), but nothing to copy. esbuild's interop
 * (`__toESM`) gives each ESM file importing a CommonJS module a fresh object with a getter per own property of
 * that module's exports: with the built-ins themselves as the exports that was ~60 importing files × up to 154
 * names (fs 106, crypto 71, zlib 154) — ~2,700 accessor definitions, a tenth of the sweep item's module
 * initialisation. Kept as the built-in itself: the callable ones (a function cannot inherit its call: assert,
 * events, module, stream) and the ones whose methods run on `this` (process and console are event emitters /
 * bound instances). The derived exports read the same as the built-ins; only writes differ (a property set on
 * the shim shadows rather than patches the built-in: nothing in the bundles patches a built-in).
 */
export const BUILTINS_EXPORTED_AS_IS: readonly (typeof BUILTIN_SHIMS)[number][] = ['assert', 'assert/strict', 'console', 'events', 'module', 'process', 'stream'];

/** Folder of the shims, relative to the project root (esbuild resolves alias paths from its working directory). */
export const BUILTIN_SHIM_DIR = 'functions/runtime/builtins';

export function builtinShimFile(name: string): string {
  return `./${BUILTIN_SHIM_DIR}/${name.replaceAll('/', '-')}.cjs`;
}

/**
 * esbuild `alias`: each shimmed built-in, bare and `node:`-prefixed, to its shim. esbuild also applies an alias
 * to the subpaths of its name (`fs` → `fs/x`), so every subpath a bundle imports needs its own shim (it takes
 * precedence); a missing one fails the build loudly ("Could not resolve ... remapped ... using the alias").
 */
export function builtinAliases(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of BUILTIN_SHIMS) {
    out[name] = builtinShimFile(name);
    out[`node:${name}`] = builtinShimFile(name);
  }
  return out;
}

/**
 * Packages replaced in the bundles only. The SDK's default credential chain by its first link, the environment,
 * which is where Lambda puts the role's credentials (functions/runtime/lambda-credentials.ts): the other links
 * were ~94 KB of every bundle.
 *
 * `yaml` (the config loader, in the sweep item's bundle) by the package's own ES-module build (its `default`
 * export condition; `node` selects the CommonJS one): the same parser, but esbuild can drop what `parse` and
 * `parseDocument` never reach and has no CommonJS wrapper to run per file — the package's share of module
 * initialisation halves (~14 → ~7 ms CPU) and ~17 KB less to compile. Its only Node-specific code is not on the
 * config path: `!!binary` (YAML 1.1 schema only) decodes with atob to a Uint8Array instead of a Buffer, and a
 * parser warning goes to console.warn instead of process.emitWarning. An import of a subpath (`yaml/util`)
 * would fail the build (the alias makes it `…/index.js/util`), not slip through.
 */
export const PACKAGE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './functions/runtime/lambda-credentials.ts',
  yaml: './node_modules/yaml/browser/index.js',
};

/** The options, as esbuild names them (the API; stage-function.ts maps them onto NodejsFunction's bundling). */
export const LAMBDA_ESBUILD = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  sourcemap: true,
  // file:line:column in stack traces without embedding every source: a third of the map to read.
  sourcesContent: false,
  alias: { ...builtinAliases(), ...PACKAGE_ALIASES },
} as const;

/**
 * NODE_OPTIONS every function runs with: none. Not `--enable-source-maps` (the map would be read at every cold
 * start; lazy-source-maps.ts maps stacks on demand instead).
 */
export const LAMBDA_NODE_OPTIONS: string = '';

/** esbuild API options building one function's bundle exactly as the infra does (the bench; tests). */
export function lambdaBuildOptions(projectRoot: string, entry: string, outfile: string) {
  const { banner, alias, ...rest } = LAMBDA_ESBUILD;
  return {
    ...rest,
    mainFields: [...rest.mainFields],
    entryPoints: [entry],
    outfile,
    banner: { js: banner },
    alias: { ...alias },
    absWorkingDir: projectRoot,
  };
}

/** Absolute path of a shim (for tests). */
export function builtinShimPath(projectRoot: string, name: string): string {
  return join(projectRoot, builtinShimFile(name));
}
