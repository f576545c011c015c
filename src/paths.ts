/** Where the package's own files live, from src/ (tsx, vitest) and dist/ (built) alike. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const specPath = (name: string): string => path.join(PACKAGE_ROOT, 'openapi', `${name}.yaml`);
export const fixturePath = (name: string): string => path.join(PACKAGE_ROOT, 'fixtures', name);

/** The version in the package's own package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
/** The JSON Schema of the set-up file (msgsim.yaml), shipped for editors and checked at load. */
export const configSchemaPath = path.join(PACKAGE_ROOT, 'schema', 'msgsim-config.schema.json');
