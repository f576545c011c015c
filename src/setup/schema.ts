/**
 * Checks a set-up document against the JSON Schema the package ships (schema/msgsim-config.schema.json,
 * also what editors use), reporting the first problem as a ScenarioError that names the field. Ajv is
 * loaded on first use: a start without a set-up file never pays for it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvCore, ErrorObject, ValidateFunction } from 'ajv';
import { configSchemaPath } from '../paths.js';
import { ScenarioError, type DocumentPath } from './scenario-error.js';
import { runtimePart, START_UP_FIELDS, type RuntimeScenario, type ScenarioDocument } from './document.js';

const require = createRequire(import.meta.url);
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const Ajv = (require('ajv') as { default: new (options: object) => AjvCore }).default;
    const addFormats = (require('ajv-formats') as { default: (ajv: AjvCore) => AjvCore }).default;
    // verbose: a `oneOf` error carries its schema, whose title says what it takes (schema/msgsim-config.schema.json).
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false, verbose: true }));
    compiled = ajv.compile(JSON.parse(readFileSync(configSchemaPath, 'utf8')) as object);
  }
  return compiled;
}

/** The schema's field names at the top, for error messages. */
export function topLevelFields(): string[] {
  return Object.keys((validator().schema as { properties: object }).properties);
}

export function checkScenarioDocument(value: unknown): ScenarioDocument {
  const validate = validator();
  if (validate(value)) return value as ScenarioDocument;
  throw toScenarioError(pickError(validate.errors ?? []), value);
}

/**
 * The most telling problem: the deepest; at one depth, a `oneOf` whose title says what it takes rather
 * than what one of its branches wanted.
 */
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) =>
    e.instancePath.split('/').length + (e.keyword === 'additionalProperties' || e.keyword === 'required' || e.propertyName ? 1 : 0);
  const titled = (e: ErrorObject) => (e.keyword === 'oneOf' && titleOf(e) ? 0 : e.keyword === 'oneOf' ? 2 : 1);
  return [...errors].sort((a, b) => depth(b) - depth(a) || titled(a) - titled(b))[0]!;
}

function titleOf(error: ErrorObject): string | undefined {
  const title = (error.parentSchema as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' ? title : undefined;
}

function toScenarioError(error: ErrorObject, document: unknown): ScenarioError {
  const path = pathOf(error.instancePath, document);
  const params = error.params as Record<string, unknown>;
  // A map key the schema refuses (an unknown provider under tenants): the key is the problem.
  if (error.propertyName !== undefined) return new ScenarioError([...path, error.propertyName], describe(error), undefined, true);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = path.length === 0 ? `; a set-up has ${topLevelFields().join(', ')}` : '';
      return new ScenarioError([...path, field], `unknown field${known}`, undefined, true);
    }
    case 'required':
      return new ScenarioError([...path, String(params.missingProperty)], 'is required');
    case 'propertyNames':
      return new ScenarioError([...path, String(params.propertyName)], 'is not a name this map takes', undefined, true);
    default:
      return new ScenarioError(path, describe(error), valueAt(document, path));
  }
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'enum') return `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
  if (error.keyword === 'oneOf' && titleOf(error)) return `must be ${titleOf(error)}`;
  return error.message ?? 'is not valid';
}

/** Ajv's JSON pointer as keys and indexes (an index only where the document has an array). */
function pathOf(pointer: string, document: unknown): DocumentPath {
  const path: Array<string | number> = [];
  let at: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(at) && /^\d+$/.test(part) ? Number(part) : undefined;
    path.push(index ?? part);
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  }
  return path;
}

function valueAt(document: unknown, path: DocumentPath): unknown {
  let at: unknown = document;
  for (const part of path) at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[part] : undefined;
  return at !== null && typeof at === 'object' ? undefined : at;
}

/** A document sent to a running msgsim: checked against the schema, and without start-up parts, which a running server cannot honour. */
export function checkRuntimeScenario(value: unknown): RuntimeScenario {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const startUp = START_UP_FIELDS.find((field) => Object.hasOwn(value, field));
    if (startUp !== undefined) {
      throw new ScenarioError(
        [startUp],
        `is set when msgsim starts (the --config file or a flag); a running msgsim loads keys, tenants (fixtures and generated fixtures), faults, receivers, timings and rateLimits`,
      );
    }
  }
  return runtimePart(checkScenarioDocument(value));
}
