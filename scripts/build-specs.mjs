// Part of `npm run build`: writes dist/openapi/<name>.json and its precompiled request validators for
// every provider's spec (see src/http/spec.ts). The control API's spec is only served, never loaded.
import { writeCompiledSpec } from '../dist/http/spec.js';
import { PROVIDERS } from '../dist/providers/index.js';

for (const provider of PROVIDERS) await writeCompiledSpec(provider.specFile);
