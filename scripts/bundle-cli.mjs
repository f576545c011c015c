// Part of `npm run build`: dist/cli.js as one ES module, its dependencies included. Node resolves and
// loads a module file by file: src/'s ~150 modules cost ~80 ms of every start, and express, pino,
// commander, Ajv and libphonenumber-js with their ~250 files another ~250 ms (bench/README.md, cold
// start). The library entry (dist/index.js) stays tsc's per-file output with its dependencies external.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The CommonJS dependencies (express and its stack) call require() for node's built-ins, which an
  // ES module lacks; esbuild's shim uses a module-level `require` when there is one.
  banner: { js: "import { createRequire as __msgsimCreateRequire } from 'node:module';\nconst require = __msgsimCreateRequire(import.meta.url);" },
  // Precompiled validators (dist/openapi/*.cjs) require Ajv's runtime from node_modules at run time,
  // and redoc is served as a file, never imported: neither is in the bundle.
  // Faker (generated fixtures) is loaded only when a set-up asks for generated people, from node_modules:
  // half a megabyte of English names the cold start of every other run need not read.
  external: ['@faker-js/faker', '@faker-js/faker/*'],
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
// Runnable as ./dist/cli.js, and through a node_modules/.bin link made without npm (a workspace, a symlinked checkout).
chmodSync('dist/cli.js', 0o755);
