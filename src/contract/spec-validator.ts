/**
 * Response validation against a provider's OpenAPI document (the approach of test/support/spec-check.ts,
 * owned by the product): the status must be documented for the operation (or `default` for an error),
 * required headers present, the JSON body valid against the documented schema. Problems are returned,
 * not thrown, so a contract run can report every one of them.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { RouteTable, type RouteOperation } from '../http/route-table.js';

// ajv-formats ships CommonJS (`exports.default = formatsPlugin`); under NodeNext ESM it arrives wrapped.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

export interface ObservedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly routes: RouteTable;

  private constructor(readonly spec: OpenAPIV3.Document) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.routes = new RouteTable(spec);
  }

  static async load(file: string): Promise<SpecValidator> {
    return new SpecValidator((await SwaggerParser.dereference(file)) as OpenAPIV3.Document);
  }

  get operations(): RouteOperation[] {
    return this.routes.operations;
  }

  operation(op: RouteOperation): OpenAPIV3.OperationObject {
    return (this.spec.paths[op.template] as OpenAPIV3.PathItemObject)[op.method] as OpenAPIV3.OperationObject;
  }

  /** The JSON request body schema of an operation, if it documents one. */
  requestSchema(op: RouteOperation): OpenAPIV3.SchemaObject | undefined {
    const body = this.operation(op).requestBody as OpenAPIV3.RequestBodyObject | undefined;
    return body?.content?.['application/json']?.schema as OpenAPIV3.SchemaObject | undefined;
  }

  /** Header names (lower case) documented for a status of an operation. */
  documentedHeaders(op: RouteOperation, status: number): string[] {
    const response = this.documentedResponse(op, status);
    return Object.keys(response?.headers ?? {}).map((h) => h.toLowerCase());
  }

  documentedResponse(op: RouteOperation, status: number): OpenAPIV3.ResponseObject | undefined {
    const responses = this.operation(op).responses;
    return (responses[String(status)] ?? (status >= 400 ? responses.default : undefined)) as OpenAPIV3.ResponseObject | undefined;
  }

  /** Statuses documented for an operation ('default' included). */
  documentedStatuses(op: RouteOperation): string[] {
    return Object.keys(this.operation(op).responses);
  }

  /** Every way a response to `method apiPath` departs from the spec (empty when it conforms). */
  check(method: string, apiPath: string, response: ObservedResponse): string[] {
    const match = this.routes.match(method, apiPath);
    if (response.status >= 300 && response.status < 400) {
      return response.headers.location ? [] : [`a ${response.status} redirect without a Location header`];
    }
    if (match.kind !== 'operation') {
      const schema = this.spec.components?.schemas?.Error;
      return schema ? this.validate('error-schema', schema, response.body) : [];
    }
    return this.checkOperation(match.operation, response);
  }

  checkOperation(op: RouteOperation, response: ObservedResponse): string[] {
    const documented = this.documentedResponse(op, response.status);
    if (!documented) {
      return [`status ${response.status} is not documented for ${op.operationId} (documented: ${this.documentedStatuses(op).join(', ')})`];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if ((header as OpenAPIV3.HeaderObject).required && response.headers[name.toLowerCase()] === undefined) {
        problems.push(`required header ${name} is missing`);
      }
    }
    const schema = documented.content?.['application/json']?.schema;
    if (!schema) {
      if (response.text.length > 0 && !documented.content) problems.push(`the spec documents no body, got ${response.text.slice(0, 200)}`);
      return problems;
    }
    const contentType = response.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      problems.push(`expected application/json, got ${contentType || 'no content type'}`);
      return problems;
    }
    return [...problems, ...this.validate(`${op.operationId}:${response.status}`, schema, response.body)];
  }

  /** Every way a request departs from the spec: an undocumented route, missing query parameters, a bad JSON body. */
  checkRequest(method: string, apiPath: string, query: URLSearchParams, contentType: string, rawBody: string): string[] {
    const match = this.routes.match(method, apiPath);
    if (match.kind === 'not_found') return [`no documented path matches ${apiPath}`];
    if (match.kind === 'method_not_allowed') return [`${method.toUpperCase()} is not documented for ${apiPath} (allowed: ${match.allow.join(', ')})`];
    const op = match.operation;
    const problems: string[] = [];
    const params = (this.operation(op).parameters ?? []) as OpenAPIV3.ParameterObject[];
    for (const p of params) if (p.in === 'query' && p.required && !query.has(p.name)) problems.push(`required query parameter ${p.name} is missing`);
    const body = this.operation(op).requestBody as OpenAPIV3.RequestBodyObject | undefined;
    const schema = body?.content?.['application/json']?.schema;
    if (!rawBody.length) {
      if (body?.required) problems.push('the required request body is missing');
      return problems;
    }
    if (!schema) return problems;
    if (!contentType.startsWith('application/json')) return [...problems, `request content type ${contentType || '(none)'} is not application/json`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      return [...problems, 'the request body is not valid JSON'];
    }
    return [...problems, ...this.validate(`request:${op.operationId}`, schema, parsed).map((p) => `request ${p}`)];
  }

  private validate(key: string, schema: object, body: unknown): string[] {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `body${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}
