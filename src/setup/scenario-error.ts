/**
 * A problem with a set-up document, located by its path in the document, so that one error names the
 * field (`tenants.msghub.mk_live_a.contacts[2].phone`) whether it came from the schema or from the
 * provider that refused a fixture, and a file's error can add its line.
 */
import { SimError } from '../engine/errors.js';

/** Keys and array indexes from the document's root. */
export type DocumentPath = ReadonlyArray<string | number>;

export class ScenarioError extends SimError {
  /**
   * @param key the problem is the key at `path` itself (an unknown field), not its value: a file's line
   *   is then the key's.
   */
  constructor(
    readonly path: DocumentPath,
    message: string,
    value?: unknown,
    readonly key = false,
  ) {
    super({
      kind: 'invalid_request',
      message: path.length > 0 ? `${formatPath(path)}: ${message}` : message,
      field: formatPath(path) || 'body',
      ...(value !== undefined ? { value } : {}),
    });
    this.name = 'ScenarioError';
  }
}

/** `['tenants', 'msghub', 'k', 'contacts', 0, 'phone']` → `tenants.msghub.k.contacts[0].phone`. */
export function formatPath(path: DocumentPath): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

/** Turns a refusal met while applying the part at `path` into a ScenarioError naming the field it names inside it. */
export function scenarioErrorAt(path: DocumentPath, error: unknown): ScenarioError {
  if (error instanceof ScenarioError) return error;
  if (!(error instanceof SimError)) throw error;
  const inner = error.field ? parseField(error.field) : [];
  const status = error.status === 400 ? '' : ` (the provider answered ${error.status}${error.code ? ` ${error.code}` : ''})`;
  return new ScenarioError([...path, ...inner], `${error.message}${status}`, error.value);
}

/** `contactIds[0].x` → `['contactIds', 0, 'x']`. */
function parseField(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return out;
}
