/**
 * Loads a provider's OpenAPI document once at start-up and fails fast when it cannot be read, so a bad
 * spec stops the server instead of turning into 500s at request time. Full validation against the
 * OpenAPI meta-schema costs seconds per spec, so it runs in the test suite and the spec lint (CI), not
 * at every start (cold start matters: msgsim is on the hot path of every CI run).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';

const cache = new Map<string, Promise<OpenAPIV3.Document>>();

/** The spec as written (with $refs), validated. */
export function loadSpec(file: string): Promise<OpenAPIV3.Document> {
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = (async () => {
      const spec = (await SwaggerParser.parse(file)) as OpenAPIV3.Document;
      if (!spec.openapi?.startsWith('3.') || !spec.paths) throw new Error(`${file} is not an OpenAPI 3 document`);
      return spec;
    })();
    cache.set(file, loaded);
    loaded.catch(() => cache.delete(file));
  }
  return loaded;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
