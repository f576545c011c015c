/**
 * Loads a provider's OpenAPI document once at start-up and fails fast when it cannot be read, so a bad
 * spec stops the server instead of turning into 500s at request time. Full validation against the
 * OpenAPI meta-schema costs seconds per spec, so it runs in the test suite and the spec lint (CI), not
 * at every start (cold start matters: msgsim is on the hot path of every CI run).
 *
 * Parsing YAML was the largest single cost of a cold start, so `npm run build` also writes each spec as
 * JSON (dist/openapi/<name>.json) with a digest of the YAML it came from; the JSON is used only while the
 * YAML is byte-for-byte what it was made from, so an edited spec is always read afresh.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { PACKAGE_ROOT } from '../paths.js';

const cache = new Map<string, Promise<OpenAPIV3.Document>>();

interface CompiledSpec {
  sha256: string;
  document: OpenAPIV3.Document;
}

/** The spec as written (with $refs). */
export function loadSpec(file: string): Promise<OpenAPIV3.Document> {
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = read(file);
    cache.set(file, loaded);
    loaded.catch(() => cache.delete(file));
  }
  return loaded;
}

async function read(file: string): Promise<OpenAPIV3.Document> {
  const digest = sha256(await readFile(file));
  const compiled = await readCompiled(file);
  const spec = compiled?.sha256 === digest ? compiled.document : await parseYaml(file);
  if (!spec.openapi?.startsWith('3.') || !spec.paths) throw new Error(`${file} is not an OpenAPI 3 document`);
  return spec;
}

/** Writes the JSON copy `loadSpec` prefers (run by `npm run build`). */
export async function writeCompiledSpec(file: string): Promise<string> {
  const compiled: CompiledSpec = { sha256: sha256(await readFile(file)), document: await parseYaml(file) };
  const target = compiledPath(file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, JSON.stringify(compiled));
  return target;
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

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
