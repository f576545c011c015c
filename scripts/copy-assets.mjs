// Part of `npm run build`: the API reference's one browser file, Redoc's standalone bundle, is copied
// into dist/assets so an installed msgsim serves it without installing redoc (react, mobx,
// styled-components, core-js: ~100 MB) for that one file. redoc is a devDependency for this copy only.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const bundle = require.resolve('redoc/bundles/redoc.standalone.js');
const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'assets');
mkdirSync(out, { recursive: true });
// The bundle with its licence notices (Redoc is MIT; the bundle's third-party notices sit beside it).
for (const file of ['redoc.standalone.js', 'redoc.standalone.js.LICENSE.txt']) copyFileSync(path.join(path.dirname(bundle), file), path.join(out, file));
