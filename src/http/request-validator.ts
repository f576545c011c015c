/**
 * Request validation from the provider's spec: one pair of Ajv validators per operation (parameters,
 * body), keyed by the operation the route table already matched: precompiled by `npm run build`, or
 * compiled on the operation's first request when the spec has changed since. It replaces
 * express-openapi-validator on the request path, which re-compiled a path regex for every route on every
 * request and compiled the OpenAPI meta-schema on a provider's first request (bench/README.md, findings
 * 1 and 2); the rules it applied are kept: parameters are read as their declared types (query strings
 * coerced, bodies never), unknown and empty query parameters are refused, schema defaults are filled in,
 * and the first problem found is reported.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvCore, ErrorObject, Format, ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { SimError } from '../engine/errors.js';
import { mediaType } from '../web/body.js';
import type { RouteOperation } from './route-table.js';

// Ajv is loaded only when something must be compiled: a start with the build's precompiled validators
// never needs it (it is a sixth of a cold start). Both packages ship CommonJS.
const require = createRequire(import.meta.url);
function ajvPackages() {
  return {
    AjvDraft04: (require('ajv-draft-04') as { default: typeof AjvCore }).default,
    addFormats: (require('ajv-formats') as { default: (ajv: AjvCore, options: { mode: 'fast' }) => AjvCore }).default,
    standaloneCode: (require('ajv/dist/standalone') as { default: (ajv: AjvCore, refs: Record<string, string>) => string }).default,
    code: (require('ajv') as typeof import('ajv'))._,
  };
}

/** Validators compiled by `npm run build` (see `standaloneValidators`), by operation key. */
export interface PrecompiledValidators {
  parameters: Record<string, ValidateFunction>;
  body: Record<string, ValidateFunction>;
}

/** One problem, located as `/<location>/<field path>` (the shape error-mapping turns into a SimError). */
export interface ValidationItem {
  path: string;
  /** Ajv's wording, for diagnostics; clients read error-mapping's (validation-wording.ts). */
  message: string;
  /** The JSON Schema keyword that failed (`required`, `maximum`…), or msgsim's own check (`unknownQuery`, `emptyValue`). */
  keyword: string;
  params?: Record<string, unknown>;
  /** The schema holding the failed keyword (the field's own; the object's for `required`): bounds, formats, types. */
  schema?: Record<string, unknown>;
}

/**
 * Bumped when what the validators report changes (Ajv options), so a build's precompiled validators
 * from before are not used.
 */
export const VALIDATOR_FORMAT = 2;

export class RequestValidationError extends Error {
  readonly status = 400;
  /** The request as validated, so the error can quote the offending value. */
  parts?: RequestParts;
  constructor(readonly errors: ValidationItem[]) {
    super(errors[0]?.message ?? 'Invalid request');
  }
}

export interface RequestParts {
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  path: Record<string, string>;
  body: unknown;
}

interface CompiledOperation {
  parameters: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
  /** Query parameter names the operation accepts (its own plus apiKey credentials sent in the query). */
  knownQuery: Set<string>;
  allowEmpty: Set<string>;
}

// OAS 3.0 schemas are draft-04 flavoured; the spec's components are added once under this id and every
// operation's schemas point into it, so a shared component compiles once per spec.
const SPEC_ID = 'msgsim:spec';

// The OpenAPI numeric formats (as express-openapi-validator defined them) on top of ajv-formats' fast mode.
// Self-contained functions: their source text is written into the build's precompiled modules.
const OPENAPI_FORMATS: Record<string, Format> = {
  int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n <= 2147483647 && n >= -2147483648 },
  int64: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number' as const, validate: (n: number) => Number.isFinite(n) },
  double: { type: 'number' as const, validate: (n: number) => Number.isFinite(n) },
  byte: (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s),
  binary: true,
  password: true,
};

export class RequestValidator {
  private readonly compiled = new Map<string, CompiledOperation>();
  private ajvs?: { parameters: AjvCore; body: AjvCore };

  private precompiled?: { validators: PrecompiledValidators | undefined };

  /** `loadPrecompiled`: loads the build's validators for this spec; called on the first request. */
  constructor(
    private readonly spec: OpenAPIV3.Document,
    private readonly loadPrecompiled?: () => PrecompiledValidators | undefined,
  ) {}

  /**
   * Validates a request for an operation; returns the query as the handler should read it (declared
   * types, defaults filled in). Fills body defaults in place. Throws RequestValidationError.
   */
  validate(operation: RouteOperation, parts: RequestParts): Record<string, unknown> {
    // The handler and any error read the query as coerced (a `limit=0` is quoted back as the number 0).
    const typed = { ...parts, query: { ...parts.query } };
    try {
      return this.check(operation, typed);
    } catch (error) {
      if (error instanceof RequestValidationError) error.parts = typed;
      throw error;
    }
  }

  private check(operation: RouteOperation, parts: RequestParts): Record<string, unknown> {
    const compiled = this.compiledFor(operation);
    const { query } = parts;
    for (const name of Object.keys(query)) {
      if (!compiled.knownQuery.has(name)) throw fail(`/query/${name}`, `Unknown query parameter '${name}'`, 'unknownQuery');
      if (query[name] === '' && !compiled.allowEmpty.has(name)) throw fail(`/query/${name}`, `Empty value found for query parameter '${name}'`, 'emptyValue');
    }
    if (!compiled.parameters({ query, headers: parts.headers, path: parts.path })) throw failed(compiled.parameters.errors, '');
    if (
      compiled.body &&
      mediaType(parts.headers['content-type']) !== 'application/json' &&
      (parts.body !== undefined || compiled.bodyRequired || parts.headers['content-type'] !== undefined)
    ) {
      // A documented body must come as JSON; only an optional one may be left out altogether.
      throw new SimError({
        kind: 'unsupported_media_type',
        message: 'Content-Type must be application/json',
        field: 'Content-Type',
        value: parts.headers['content-type'] ?? null,
      });
    }
    if (parts.body === undefined) {
      if (compiled.bodyRequired) throw fail('/body', "must have required property 'body'", 'bodyRequired');
    } else if (compiled.body && !compiled.body(parts.body)) {
      throw failed(compiled.body.errors, '/body');
    }
    return query;
  }

  private compiledFor(operation: RouteOperation): CompiledOperation {
    const key = operationKey(operation);
    let compiled = this.compiled.get(key);
    if (!compiled) this.compiled.set(key, (compiled = this.compile(operation)));
    return compiled;
  }

  private compile(operation: RouteOperation): CompiledOperation {
    const { key, parametersSchema, bodySchema, ...rules } = this.schemasFor(operation);
    const precompiled = (this.precompiled ??= { validators: this.loadPrecompiled?.() }).validators;
    const parameters = precompiled?.parameters[key] ?? this.ajvFor().parameters.compile(parametersSchema);
    const body = bodySchema ? (precompiled?.body[key] ?? this.ajvFor().body.compile(bodySchema)) : undefined;
    return { parameters, ...(body ? { body } : {}), ...rules };
  }

  /**
   * Module source (CommonJS) of every operation's validators, compiled ahead of time: `npm run build`
   * writes it next to the spec's JSON copy, and a start then compiles nothing.
   */
  standaloneValidators(operations: RouteOperation[]): { parameters: string; body: string } {
    const { standaloneCode, code } = ajvPackages();
    const ajvs = this.createAjvs(code`openapiFormats`);
    const refs = { parameters: {} as Record<string, string>, body: {} as Record<string, string> };
    for (const operation of operations) {
      const { key, parametersSchema, bodySchema } = this.schemasFor(operation);
      ajvs.parameters.addSchema(parametersSchema, key);
      refs.parameters[key] = key;
      if (bodySchema) {
        ajvs.body.addSchema(bodySchema, key);
        refs.body[key] = key;
      }
    }
    const prelude = `const openapiFormats = Object.assign({}, require("ajv-formats/dist/formats").fastFormats, {${Object.entries(OPENAPI_FORMATS)
      .map(([name, format]) => `${JSON.stringify(name)}: ${formatSource(format)}`)
      .join(', ')}});`;
    return {
      parameters: `"use strict";\n${prelude}\n${standaloneCode(ajvs.parameters, refs.parameters)}`,
      body: `"use strict";\n${prelude}\n${standaloneCode(ajvs.body, refs.body)}`,
    };
  }

  private schemasFor(operation: RouteOperation) {
    const key = operationKey(operation);
    const item = this.spec.paths[operation.template] as OpenAPIV3.PathItemObject;
    const op = item[operation.method] as OpenAPIV3.OperationObject;
    // Operation parameters override path-level ones with the same name and location.
    const byKey = new Map<string, OpenAPIV3.ParameterObject>();
    for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const parameter = this.resolve<OpenAPIV3.ParameterObject>(p);
      byKey.set(`${parameter.in}:${parameter.name}`, parameter);
    }
    const groups: Record<'query' | 'headers' | 'path', { properties: Record<string, unknown>; required: string[] }> = {
      query: { properties: {}, required: [] },
      headers: { properties: {}, required: [] },
      path: { properties: {}, required: [] },
    };
    const knownQuery = new Set(this.queryCredentials(op));
    const allowEmpty = new Set<string>();
    for (const parameter of byKey.values()) {
      const group = parameter.in === 'query' ? 'query' : parameter.in === 'header' ? 'headers' : parameter.in === 'path' ? 'path' : undefined;
      if (!group) continue;
      // Header names are case-insensitive; node hands them over lower-cased.
      const name = group === 'headers' ? parameter.name.toLowerCase() : parameter.name;
      groups[group].properties[name] = rebase(parameter.schema ?? {});
      if (parameter.required) groups[group].required.push(name);
      if (group === 'query') {
        knownQuery.add(name);
        if (parameter.allowEmptyValue) allowEmpty.add(name);
      }
    }
    const parametersSchema = {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(groups).map(([group, { properties, required }]) => [group, { type: 'object', properties, ...(required.length ? { required } : {}) }]),
      ),
    };
    const requestBody = op.requestBody ? this.resolve<OpenAPIV3.RequestBodyObject>(op.requestBody) : undefined;
    const body = requestBody?.content?.['application/json']?.schema;
    return {
      key,
      parametersSchema,
      ...(body ? { bodySchema: rebase(body) as object } : {}),
      bodyRequired: requestBody?.required === true,
      knownQuery,
      allowEmpty,
    };
  }

  private ajvFor(): { parameters: AjvCore; body: AjvCore } {
    return (this.ajvs ??= this.createAjvs());
  }

  /** `formatsCode`: how generated module code names the formats (only when generating source). */
  private createAjvs(formatsCode?: object): { parameters: AjvCore; body: AjvCore } {
    const { AjvDraft04, addFormats } = ajvPackages();
    const create = (coerceTypes: boolean): AjvCore => {
      const ajv = new AjvDraft04({
        strict: false,
        strictNumbers: true,
        allErrors: false,
        // The failing schema rides on each error (parentSchema), so a message can name both bounds of a range.
        verbose: true,
        coerceTypes,
        useDefaults: true,
        validateSchema: false,
        ...(formatsCode ? { code: { source: true, formats: formatsCode as never } } : {}),
      });
      addFormats(ajv, { mode: 'fast' });
      for (const [name, format] of Object.entries(OPENAPI_FORMATS)) ajv.addFormat(name, format);
      ajv.addSchema({ id: SPEC_ID, components: rebase(this.spec.components ?? {}) }, SPEC_ID);
      return ajv;
    };
    // Parameters arrive as strings and are read as their declared types; a JSON body is taken as sent,
    // so a number where the spec says string is a 400 (as a strict real API answers).
    return { parameters: create(true), body: create(false) };
  }

  /** apiKey credentials that travel in the query are parameters of every operation they secure. */
  private queryCredentials(op: OpenAPIV3.OperationObject): string[] {
    const schemes = this.spec.components?.securitySchemes ?? {};
    return (op.security ?? this.spec.security ?? []).flatMap((requirement) =>
      Object.keys(requirement).flatMap((name) => {
        const scheme = schemes[name] ? this.resolve<OpenAPIV3.SecuritySchemeObject>(schemes[name]) : undefined;
        return scheme?.type === 'apiKey' && scheme.in === 'query' ? [scheme.name] : [];
      }),
    );
  }

  private resolve<T>(value: T | OpenAPIV3.ReferenceObject): T {
    let current: unknown = value;
    for (let hops = 0; current && typeof current === 'object' && '$ref' in current; hops++) {
      const ref = (current as OpenAPIV3.ReferenceObject).$ref;
      if (!ref.startsWith('#/') || hops > 32) throw new Error(`unsupported $ref ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment], this.spec);
      if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
    }
    return current as T;
  }
}

export function operationKey(operation: RouteOperation): string {
  return `${operation.method} ${operation.template}`;
}

function formatSource(format: Format): string {
  if (typeof format === 'function') return format.toString();
  if (typeof format === 'object' && !(format instanceof RegExp) && typeof format.validate === 'function') {
    return `{ type: ${JSON.stringify(format.type ?? 'string')}, validate: ${format.validate.toString()} }`;
  }
  return JSON.stringify(format);
}

/** A copy of a schema whose local $refs point into the spec's components as added to Ajv. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${SPEC_ID}${value}` : rebase(value);
  }
  return copy;
}

function fail(path: string, message: string, keyword: string): RequestValidationError {
  return new RequestValidationError([{ path, message, keyword }]);
}

/** Ajv's errors, the most telling first, each located at the field it is about (the missing or unknown property itself). */
function failed(errors: ErrorObject[] | null | undefined, prefix: string): RequestValidationError {
  return new RequestValidationError(
    mostTelling(errors ?? []).map((e) => {
      const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
      const property = params.missingProperty ?? params.additionalProperty;
      const message = e.keyword === 'enum' && params.allowedValues ? `${e.message}: ${params.allowedValues.join(', ')}` : (e.message ?? 'is invalid');
      return {
        path: `${prefix}${e.instancePath}${property !== undefined ? `/${property}` : ''}`,
        message,
        keyword: e.keyword,
        params: e.params as Record<string, unknown>,
        ...(isObject(e.parentSchema) ? { schema: e.parentSchema } : {}),
      };
    }),
  );
}

/**
 * Ajv lists a failed `oneOf`/`anyOf` after what each branch found, the first branch's first. The value
 * fits the branch whose type it has: that branch's problem comes first (`to: "0701"` is a malformed
 * number, not "must be array"). When it has none of their types, the alternatives are merged into one
 * `type` problem naming them all (`to` must be an array or a string).
 */
function mostTelling(errors: ErrorObject[]): ErrorObject[] {
  const choice = errors.findIndex((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  if (choice === -1) return errors;
  const at = errors[choice]!.instancePath;
  const branches = errors.slice(0, choice).filter((e) => e.instancePath.startsWith(at));
  const wrongType = (e: ErrorObject) => e.keyword === 'type' && e.instancePath === at;
  const fitting = branches.find((e) => !wrongType(e));
  if (fitting) return [fitting, ...errors.filter((e) => e !== fitting)];
  const types = branches.flatMap((e) => [(e.params as { type?: string | string[] }).type ?? []].flat());
  const merged: ErrorObject = { ...errors[choice]!, keyword: 'type', params: { type: [...new Set(types)] }, parentSchema: undefined };
  return [merged, ...errors];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
