/**
 * What a client reads when the spec refuses a request: plain sentences that name the field ("to is
 * required", "limit must be an integer from 1 to 100"), never the validator's own phrasing ("must have
 * required property 'to'"), which no provider writes. Built from the failed keyword and the field's
 * schema (its bounds, type and format), so a range is named whole whichever end was crossed. A provider
 * whose doc words an error its own way says so through Provider.validationError.
 */
import type { ValidationItem } from './request-validator.js';

/** The sentence for one problem with a field (`field` undefined: the body as a whole). */
export function plainWording(item: ValidationItem, field: string | undefined): string {
  const name = field ?? 'The request body';
  const schema = item.schema ?? {};
  const params = item.params ?? {};
  switch (item.keyword) {
    case 'required':
      return `${name} is required`;
    case 'bodyRequired':
      return 'A JSON request body is required';
    // msgsim's wording from before this module, kept: plain already, and clients match on the quoted name.
    case 'additionalProperties':
      return `Unknown field '${name}'`;
    case 'unknownQuery':
      return `Unknown query parameter '${name}'`;
    case 'emptyValue':
      return `${name} must not be empty`;
    case 'type':
      return `${name} must be ${typesPhrase(params.type)}`;
    case 'enum':
      return `${name} must be one of ${(Array.isArray(params.allowedValues) ? params.allowedValues : []).map(String).join(', ')}`;
    case 'format':
      return `${name} must be ${formatPhrase(String(params.format))}`;
    case 'pattern':
      return `${name} does not have the expected form (${String(params.pattern)})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${name} must be ${numberPhrase(schema)}`;
    case 'minLength':
    case 'maxLength':
      return `${name} must be ${rangePhrase(num(schema.minLength), num(schema.maxLength), 'character')} long`;
    case 'minItems':
    case 'maxItems':
      return `${name} must have ${rangePhrase(num(schema.minItems), num(schema.maxItems), 'item')}`;
    case 'minProperties':
    case 'maxProperties':
      return `${name} must have ${rangePhrase(num(schema.minProperties), num(schema.maxProperties), 'field')}`;
    case 'uniqueItems':
      return `${name} must not list the same value twice`;
    case 'multipleOf':
      return `${name} must be a multiple of ${String(params.multipleOf)}`;
    default:
      return `${name} is not valid`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

function typesPhrase(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types.at(-1)!}` : (types[0] ?? 'of another type');
}

const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'a date-time such as 2024-04-08T10:30:00Z',
  date: 'a date such as 2024-04-08',
  email: 'an email address',
  uri: 'an absolute URL',
  url: 'an absolute URL',
  uuid: 'a UUID',
  int32: 'a 32-bit integer',
  int64: 'an integer',
  byte: 'base64',
};

function formatPhrase(format: string): string {
  return FORMAT_WORDS[format] ?? `a valid ${format}`;
}

/** "an integer from 1 to 100", "an integer of at least 1", "a number greater than 0". */
function numberPhrase(schema: Record<string, unknown>): string {
  const kind = schema.type === 'integer' ? 'an integer' : 'a number';
  // Draft-04 (OpenAPI 3.0): exclusiveMinimum/Maximum are booleans qualifying minimum/maximum.
  const low = num(schema.minimum);
  const high = num(schema.maximum);
  const lowOpen = schema.exclusiveMinimum === true;
  const highOpen = schema.exclusiveMaximum === true;
  if (low !== undefined && high !== undefined && !lowOpen && !highOpen) return `${kind} from ${low} to ${high}`;
  const parts = [
    low !== undefined ? (lowOpen ? `greater than ${low}` : `of at least ${low}`) : undefined,
    high !== undefined ? (highOpen ? `less than ${high}` : `of at most ${high}`) : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

/** "1 to 100 items", "at least 1 item", "at most 20 fields". */
function rangePhrase(low: number | undefined, high: number | undefined, unit: string): string {
  const units = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (low !== undefined && high !== undefined) return low === high ? `exactly ${units(low)}` : `${low} to ${units(high)}`;
  if (low !== undefined) return `at least ${units(low)}`;
  if (high !== undefined) return `at most ${units(high)}`;
  return `a valid number of ${unit}s`;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
