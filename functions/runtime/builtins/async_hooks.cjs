// Node's 'async_hooks' required, not imported: see infra/constructs/lambda-bundling.ts (BUILTIN_SHIMS); an object inheriting from it, so esbuild's interop has no property to copy (BUILTINS_EXPORTED_AS_IS).
/* global module, process */
module.exports = Object.create(process.getBuiltinModule('async_hooks'));
