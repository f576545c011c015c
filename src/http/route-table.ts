/**
 * The provider's routes, built from its spec: which operation a method and path name, and which
 * methods a path allows (for 405 with Allow). Literal segments win over templated ones, as in the
 * OpenAPI rule that concrete paths match before templated paths.
 */
import type { OpenAPIV3 } from 'openapi-types';

/** The operations an OpenAPI path item can hold. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteOperation {
  operationId: string;
  method: HttpMethod;
  /** The spec's path template, e.g. /messages/{messageId}. */
  template: string;
  /** `security: []` in the spec: no credentials (e.g. a partner's delivery-receipt webhook). */
  public: boolean;
}

interface CompiledPath {
  template: string;
  pattern: RegExp;
  paramNames: string[];
  literalSegments: number;
  operations: Map<HttpMethod, RouteOperation>;
}

export type RouteMatch =
  | { kind: 'operation'; operation: RouteOperation; params: Record<string, string>; malformed?: string }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

export class RouteTable {
  private readonly paths: CompiledPath[];

  constructor(spec: OpenAPIV3.Document) {
    this.paths = Object.entries(spec.paths ?? {}).map(([template, item]) => compile(template, item ?? {}));
    // Most literal segments first, so /messages/send beats /messages/{messageId}.
    this.paths.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  get operations(): RouteOperation[] {
    return this.paths.flatMap((path) => [...path.operations.values()]);
  }

  match(method: string, path: string): RouteMatch {
    const wanted = (method.toLowerCase() === 'head' ? 'get' : method.toLowerCase()) as HttpMethod;
    const allow = new Set<string>();
    for (const compiled of this.paths) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      const operation = compiled.operations.get(wanted);
      if (operation) {
        const params: Record<string, string> = {};
        let malformed: string | undefined;
        compiled.paramNames.forEach((name, i) => {
          const raw = found[i + 1] ?? '';
          const decoded = safeDecode(raw);
          if (decoded === undefined) malformed ??= name;
          params[name] = decoded ?? raw;
        });
        return { kind: 'operation', operation, params, ...(malformed ? { malformed } : {}) };
      }
      for (const m of compiled.operations.keys()) allow.add(m.toUpperCase());
    }
    if (allow.size > 0) return { kind: 'method_not_allowed', allow: [...allow].sort() };
    return { kind: 'not_found' };
  }
}

function compile(template: string, item: OpenAPIV3.PathItemObject): CompiledPath {
  const paramNames: string[] = [];
  let literalSegments = 0;
  const source = template
    .split('/')
    .map((segment) => {
      if (/^\{[^}]+\}$/.test(segment)) {
        paramNames.push(segment.slice(1, -1));
        return '([^/]+)';
      }
      if (segment) literalSegments++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const operations = new Map<HttpMethod, RouteOperation>();
  for (const method of HTTP_METHODS) {
    const operation = item[method];
    if (operation?.operationId) {
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      operations.set(method, { operationId: operation.operationId, method, template, public: isPublic });
    }
  }
  return { template, pattern: new RegExp(`^${source}$`), paramNames, literalSegments, operations };
}

/** Decoded value, or undefined when the segment is not valid percent-encoding. */
function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
