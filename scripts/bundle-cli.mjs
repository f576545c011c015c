// Part of `npm run build`: dist/cli.js as one ES module (node_modules stay external). Loading the
// ~150 modules of src/ one by one was ~80 ms of every start; the bundle loads in ~20 (bench/README.md,
// cold start). The library entry (dist/index.js) stays tsc's per-file output.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
