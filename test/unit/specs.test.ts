/** Every spec we serve is a valid OpenAPI 3 document (start-up only parses them, for speed). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { PROVIDERS } from '../../src/providers/index.js';

const dir = path.join(PACKAGE_ROOT, 'openapi');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('openapi/*.yaml', () => {
  it.each(files)('%s validates against the OpenAPI 3 schema', async (file) => {
    const api = await SwaggerParser.validate(path.join(dir, file));
    expect(api.info.title).toBeTruthy();
  });

  it('every registered provider has its spec, and every spec but control.yaml a provider', () => {
    const providerFiles = PROVIDERS.map((p) => path.basename(p.specFile)).sort();
    expect(files.filter((f) => f !== 'control.yaml').sort()).toEqual(providerFiles);
  });
});
