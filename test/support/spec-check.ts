/**
 * Response validation for tests: every response a test sees is checked against the provider's spec —
 * the status must be documented for the operation (or `default`), the body must match its schema,
 * required headers must be present. Unknown routes and wrong methods are checked against the spec's
 * shared Error schema, since no operation documents them.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { RouteTable } from '../../src/http/route-table.js';

// ajv-formats ships CommonJS (`exports.default = formatsPlugin`); under NodeNext ESM it arrives wrapped.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

export interface CheckedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

export class SpecChecker {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: RouteTable;

  private constructor(private readonly spec: OpenAPIV3.Document) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.routes = new RouteTable(spec);
  }

  static async load(file: string): Promise<SpecChecker> {
    const spec = (await SwaggerParser.dereference(file)) as OpenAPIV3.Document;
    return new SpecChecker(spec);
  }

  /** Throws an Error describing every way the response departs from the spec. */
  check(method: string, apiPath: string, response: CheckedResponse): void {
    const match = this.routes.match(method, apiPath);
    const where = `${method.toUpperCase()} ${apiPath} → ${response.status}`;
    // A redirect (trailing-slash APIs) is not a document of the API; it must say where to go.
    if (response.status >= 300 && response.status < 400) {
      if (!response.headers.location) throw new Error(`${where}: a redirect without a Location header`);
      return;
    }
    if (match.kind !== 'operation') {
      this.validate(`error-schema`, this.errorSchema(), response.body, where);
      return;
    }
    const { operation } = match;
    const op = (this.spec.paths[operation.template] as OpenAPIV3.PathItemObject)[operation.method] as OpenAPIV3.OperationObject;
    // `default` documents error statuses (msgsim's specs use it for injected 5xx); a success status must
    // be listed, exactly or by its range (`4XX`, as OpenAPI 3.0 allows).
    const range = `${Math.floor(response.status / 100)}XX`;
    const documented = op.responses[String(response.status)] ?? op.responses[range] ?? (response.status >= 400 ? op.responses.default : undefined);
    if (!documented) {
      throw new Error(
        `${where}: status ${response.status} is not documented for ${operation.operationId} (documented: ${Object.keys(op.responses).join(', ')})`,
      );
    }
    const spec = documented as OpenAPIV3.ResponseObject;
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      if ((header as OpenAPIV3.HeaderObject).required && response.headers[name.toLowerCase()] === undefined) {
        throw new Error(`${where}: required header ${name} is missing`);
      }
    }
    const schema = spec.content?.['application/json']?.schema;
    const contentType = String(response.headers['content-type'] ?? '');
    const documentedTypes = Object.keys(spec.content ?? {});
    if (!schema && documentedTypes.length > 0) {
      // A documented document of another kind (YAML, HTML, an event stream): its media type must be one of them.
      const type = contentType.split(';')[0]!.trim().toLowerCase();
      if (!documentedTypes.includes(type) && !documentedTypes.includes('*/*'))
        throw new Error(`${where}: expected ${documentedTypes.join(' or ')}, got ${contentType || 'no content type'}`);
      return;
    }
    if (!schema) {
      if (response.text && response.text.length > 0) throw new Error(`${where}: the spec documents no body, got ${response.text.slice(0, 200)}`);
      return;
    }
    if (!contentType.startsWith('application/json')) throw new Error(`${where}: expected application/json, got ${contentType || 'no content type'}`);
    this.validate(`${operation.operationId}:${response.status}`, schema, response.body, where);
  }

  private errorSchema(): OpenAPIV3.SchemaObject {
    const schema = this.spec.components?.schemas?.Error;
    if (!schema) throw new Error('the spec has no components.schemas.Error to check unrouted responses against');
    return schema as OpenAPIV3.SchemaObject;
  }

  private validate(key: string, schema: object, body: unknown, where: string): void {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      throw new Error(`${where}: response does not match the spec:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(body).slice(0, 1000)}`);
    }
  }
}
