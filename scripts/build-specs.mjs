// Part of `npm run build`: writes dist/openapi/<name>.json for every spec (see src/http/spec.ts).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCompiledSpec } from '../dist/http/spec.js';

const dir = fileURLToPath(new URL('../openapi/', import.meta.url));
for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  await writeCompiledSpec(path.join(dir, name));
}
