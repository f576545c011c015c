/**
 * fast-check arbitraries shared by the spec-derived fuzzers (providers: fuzz.test.ts, control API:
 * control-fuzz.test.ts): values built from a JSON schema, and mutations of them.
 */
import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';

export type Schema = OpenAPIV3.SchemaObject;
/** Field names whose random values would almost never be valid, with an arbitrary of good ones. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** Undefined most of the time; one in six cases gets a value. */
export const rare = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: arb, weight: 1 });

/** A value that (mostly) satisfies the schema, built from it; `depth` bounds recursion. */
export function validish(schema: Schema | undefined, hints: Hints = {}, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf || schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf)!.map((s) => validish(s as Schema, hints, depth + 1)));
  if (schema.allOf) return validish(Object.assign({}, ...(schema.allOf as Schema[])), hints, depth + 1);
  switch (schema.type) {
    case 'string':
      if (schema.example !== undefined) return fc.oneof(fc.constant(schema.example), fc.string({ maxLength: 40 }));
      if (schema.format === 'date-time') return fc.constantFrom('2024-04-08T11:00:00Z', '2030-01-01T00:00:00Z');
      if (schema.format === 'uri' || schema.format === 'url') return fc.constantFrom('http://127.0.0.1:1/hook', 'https://example.com/x');
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000;
      const max = schema.maximum ?? 1_000;
      return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validish(schema.items as Schema, hints, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object':
    default: {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) return fc.constant({});
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(
          props.map(([k, s]) => [
            k,
            hints[k]
              ? fc.oneof({ arbitrary: hints[k], weight: 3 }, { arbitrary: validish(s as Schema, hints, depth + 1), weight: 1 })
              : validish(s as Schema, hints, depth + 1),
          ]),
        ),
        { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) },
      );
    }
  }
}

/** Bounds and edge values of the numbers in a schema, and what lies just beyond them. */
export const edgeNumber = fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, 1e-9);
export const hugeString = fc.constantFrom('x'.repeat(100_000), '💥'.repeat(20_000), '\u0000'.repeat(1_000), 'a'.repeat(10_000));
export const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', ' ', '\u202e', '𝕏', 'null', '<script>', "'; DROP TABLE", '%00', '../..', '+', '++14155550123'),
);
export const deep = fc.integer({ min: 20, max: 2_000 }).map((n) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
export const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), edgeNumber, weirdString, hugeString, deep);

/** Mutates a valid-ish object: drops a field, retypes a field, adds an unknown field, or replaces it all. */
export function mutate(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: base, weight: 3 },
    fc.tuple(base, fc.nat()).map(([b, i]) => {
      if (!b || typeof b !== 'object' || Array.isArray(b)) return b;
      const keys = Object.keys(b);
      const copy: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      if (keys.length) delete copy[keys[i % keys.length]!];
      return copy;
    }),
    fc.tuple(base, fc.nat(), anyJson).map(([b, i, v]) => {
      if (!b || typeof b !== 'object' || Array.isArray(b)) return v;
      const keys = Object.keys(b);
      return keys.length ? { ...b, [keys[i % keys.length]!]: v } : { x: v };
    }),
    fc
      .tuple(base, fc.string({ minLength: 1, maxLength: 12 }), anyJson)
      .map(([b, k, v]) => (b && typeof b === 'object' && !Array.isArray(b) ? { ...b, [k]: v } : b)),
    anyJson,
  );
}
