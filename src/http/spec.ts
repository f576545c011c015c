/**
 * Loads a provider's OpenAPI document once at start-up and fails fast when it is broken, so a bad
 * spec stops the server instead of turning into 500s at request time.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';

const cache = new Map<string, Promise<OpenAPIV3.Document>>();

/** The spec as written (with $refs), validated. */
export function loadSpec(file: string): Promise<OpenAPIV3.Document> {
  let loaded = cache.get(file);
  if (!loaded) {
    loaded = (async () => {
      // validate() dereferences in place, so validate a separate copy and keep the $ref'd original.
      await SwaggerParser.validate(file);
      return (await SwaggerParser.parse(file)) as OpenAPIV3.Document;
    })();
    cache.set(file, loaded);
    loaded.catch(() => cache.delete(file));
  }
  return loaded;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
