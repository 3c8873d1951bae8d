// Node's 'process' required, not imported: see infra/constructs/lambda-bundling.ts (BUILTIN_SHIMS).
/* global module, process */
module.exports = process.getBuiltinModule('process');
