/** Every registered provider brings every part (test/shared/provider-parts.ts); the registry lists each name once. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { describeProviderParts } from './provider-parts.js';

it('the registry names each provider once', () => {
  const names = PROVIDERS.map((p) => p.name);
  expect(new Set(names).size).toBe(names.length);
});

for (const provider of PROVIDERS) describeProviderParts(provider, { folder: path.join(PACKAGE_ROOT, 'src', 'providers', provider.name) });
