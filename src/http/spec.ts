/**
 * Loads a provider's OpenAPI document once at start-up and fails fast when it cannot be read, so a bad
 * spec stops the server instead of turning into 500s at request time. Full validation against the
 * OpenAPI meta-schema costs seconds per spec, so it runs in the test suite and the spec lint (CI), not
 * at every start (cold start matters: msgsim is on the hot path of every CI run).
 *
 * Parsing YAML and compiling validators were the largest costs of a cold start, so `npm run build` also
 * writes each spec as JSON (dist/openapi/<name>.json) and its request validators as precompiled modules
 * (<name>.parameters.cjs, <name>.body.cjs), with a digest of the YAML they came from. They are used only
 * while the YAML is byte-for-byte what they were made from, so an edited spec is always read afresh.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { PACKAGE_ROOT } from '../paths.js';
import { RequestValidator, VALIDATOR_FORMAT, type PrecompiledValidators } from './request-validator.js';
import { RouteTable } from './route-table.js';

const require = createRequire(import.meta.url);

export interface LoadedSpec {
  /** The spec as written (with $refs). */
  spec: OpenAPIV3.Document;
  /**
   * Loads the build's request validators for exactly this spec (undefined: none). A loader, so that a
   * start pays only for the providers that are used.
   */
  precompiled?: () => PrecompiledValidators | undefined;
  /**
   * The spec's request validator, one per spec file in the process (tests and library mode build many
   * apps), so each operation compiles at most once.
   */
  validator: RequestValidator;
}

const cache = new Map<string, Promise<LoadedSpec>>();

interface CompiledSpec {
  sha256: string;
  document: OpenAPIV3.Document;
}

/** The spec as written (with $refs). */
export async function loadSpec(file: string): Promise<OpenAPIV3.Document> {
  return (await loadSpecWithValidators(file)).spec;
}

export function loadSpecWithValidators(file: string): Promise<LoadedSpec> {
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = read(file);
    cache.set(file, loaded);
    loaded.catch(() => cache.delete(file));
  }
  return loaded;
}

async function read(file: string): Promise<LoadedSpec> {
  const digest = sha256(await readFile(file));
  const compiled = await readCompiled(file);
  const fresh = compiled?.sha256 === digest;
  const spec = fresh ? compiled.document : await parseYaml(file);
  if (!spec.openapi?.startsWith('3.') || !spec.paths) throw new Error(`${file} is not an OpenAPI 3 document`);
  const precompiled = fresh ? () => readValidators(file, digest) : undefined;
  return { spec, validator: new RequestValidator(spec, precompiled), ...(precompiled ? { precompiled } : {}) };
}

/** Writes the JSON copy and the precompiled validators `loadSpec` prefers (run by `npm run build`). */
export async function writeCompiledSpec(file: string): Promise<string> {
  const digest = sha256(await readFile(file));
  const document = await parseYaml(file);
  const compiled: CompiledSpec = { sha256: digest, document };
  const target = compiledPath(file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, JSON.stringify(compiled));
  const modules = new RequestValidator(document).standaloneValidators(new RouteTable(document).operations);
  const stamp = `\nexports.sha256 = ${JSON.stringify(digest)};\nexports.format = ${VALIDATOR_FORMAT};\n`;
  await writeFile(validatorsPath(file, 'parameters'), modules.parameters + stamp);
  await writeFile(validatorsPath(file, 'body'), modules.body + stamp);
  return target;
}

function readValidators(file: string, digest: string): PrecompiledValidators | undefined {
  try {
    type Stamped = { sha256?: string; format?: number };
    const parameters = require(validatorsPath(file, 'parameters')) as PrecompiledValidators['parameters'] & Stamped;
    const body = require(validatorsPath(file, 'body')) as PrecompiledValidators['body'] & Stamped;
    // Made from this very YAML, by a validator that reports what this one reports.
    const current = (m: Stamped) => m.sha256 === digest && m.format === VALIDATOR_FORMAT;
    return current(parameters) && current(body) ? { parameters, body } : undefined;
  } catch {
    return undefined;
  }
}

function validatorsPath(file: string, part: 'parameters' | 'body'): string {
  return compiledPath(file).replace(/\.json$/, `.${part}.cjs`);
}

async function parseYaml(file: string): Promise<OpenAPIV3.Document> {
  // Loaded only when needed: the parser and its YAML reader are a fifth of a cold start.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  return (await SwaggerParser.parse(file)) as OpenAPIV3.Document;
}

async function readCompiled(file: string): Promise<CompiledSpec | undefined> {
  try {
    return JSON.parse(await readFile(compiledPath(file), 'utf8')) as CompiledSpec;
  } catch {
    return undefined;
  }
}

function compiledPath(file: string): string {
  return path.join(PACKAGE_ROOT, 'dist', 'openapi', `${path.basename(file, path.extname(file))}.json`);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
