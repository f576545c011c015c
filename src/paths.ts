/** Where the package's own files live, from src/ (tsx, vitest) and dist/ (built) alike. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const specPath = (name: string): string => path.join(PACKAGE_ROOT, 'openapi', `${name}.yaml`);
export const fixturePath = (name: string): string => path.join(PACKAGE_ROOT, 'fixtures', name);
/** The JSON Schema of the set-up file (msgsim.yaml), shipped for editors and checked at load. */
export const configSchemaPath = path.join(PACKAGE_ROOT, 'schema', 'msgsim-config.schema.json');
