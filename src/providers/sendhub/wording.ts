/**
 * SendHub's words for a request it refuses. SendHub's own checks (recipients, scheduling, marking as
 * read) write these messages themselves; the checks msgsim's shared layers make before SendHub's
 * handlers run (the spec's request validator, the JSON body reader) raise errors in msgsim's general
 * wording; SendHub's `validationError` hook words the validator's in SendHub's voice, so that a SendHub client never reads a
 * validator's sentence ("must have required property 'text'"). Where Tastypie has a sentence for the
 * case it is copied (django-tastypie: tastypie/fields.py, paginator.py, serializers.py, resources.py);
 * elsewhere the words are msgsim's, in the same voice, and name the field and the value.
 */
import type { SimError } from '../../engine/errors.js';
import type { ValidationProblem } from '../provider.js';

/** The doc's "Available Fields" limits (openapi/sendhub.yaml says the same; a test holds them equal). */
export const MAX_TEXT_CHARS = 500;
export const MAX_CONTACTS = 20;
export const MAX_GROUPS = 3;

/** A value inside the quotes of a message: strings as they are, anything else as JSON. */
const quote = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
/** A value after "got": as JSON, so that "15" and 15 read differently. */
const got = (value: unknown): string => JSON.stringify(value) ?? String(value);

export function invalidContact(item: unknown): string {
  return `Invalid contact '${quote(item)}': use a contact id from your contacts or a cell number such as +16505551234.`;
}

export function invalidCellNumber(item: string): string {
  return `Invalid cell number '${item}': write it in E.164 form, e.g. +16505551234.`;
}

export function invalidGroup(item: unknown): string {
  return `Invalid group id '${quote(item)}': use a group id from your groups.`;
}

export function invalidScheduledAt(value: unknown): string {
  return `Invalid scheduled_at '${quote(value)}': it must be a timestamp of exactly 24 characters with its timezone, e.g. 2011-02-17T20:29:40-0800.`;
}

/** Tastypie's serializer, when a format has no (de)serialization method (the pre-0.9.12 UnsupportedFormat text). */
export function unsupportedFormat(format: string, direction: 'serialization' | 'deserialization'): string {
  return `The format indicated '${format}' had no available ${direction} method. Please check your \`\`formats\`\` and \`\`content_types\`\` on your Serializer.`;
}

/** Tastypie's Serializer.from_json. */
export const NOT_JSON = 'Request is not valid JSON.';

/**
 * SendHub's words for a request its spec refuses (Provider.validationError): Tastypie's bodies carry only
 * a message, so the field, its value and where it was (body or query) choose the sentence.
 */
export function sendhubValidationError(problem: ValidationProblem): { message: string } | undefined {
  const { field, location, value } = problem;
  const message =
    location === 'body' && field
      ? bodyField(field, value)
      : location === 'query' && field
        ? queryParameter(field, value)
        : // The validator names no field when the body as a whole is of the wrong type (an array, a string).
          !field && value !== undefined
          ? 'The request body must be a JSON object.'
          : undefined;
  return message === undefined ? undefined : { message };
}

/** The message for a SendHub 4xx: SendHub's own as written, a shared layer's reworded. */
export function sendhubMessage(error: SimError): string {
  switch (error.kind) {
    case 'invalid_json':
      return NOT_JSON;
    case 'unsupported_media_type':
      if (typeof error.value === 'string') return unsupportedFormat(error.value.split(';')[0]!.trim(), 'deserialization');
      return error.value === null ? 'The request has no Content-Type: send the body as JSON, with Content-Type: application/json.' : error.message;
    default:
      return error.message;
  }
}

function bodyField(field: string, value: unknown): string | undefined {
  if (/^contacts\[\d+\]$/.test(field)) return invalidContact(value);
  if (/^groups\[\d+\]$/.test(field)) return invalidGroup(value);
  switch (field) {
    case 'text':
      if (value === undefined || value === null) return "The 'text' field has no data and doesn't allow a default or null value.";
      if (typeof value !== 'string') return `The 'text' field must be a string, e.g. "Testing"; got ${got(value)}.`;
      if (value.length === 0) return "The 'text' field is empty: a message needs some text.";
      return `The 'text' field is ${[...value].length} characters long: Max ${MAX_TEXT_CHARS} chars.`;
    case 'contacts':
      if (!Array.isArray(value))
        return `The 'contacts' field must be a list of contact ids or cell numbers, e.g. [1111] or ["+16505551234"]; got ${got(value)}.`;
      return `The 'contacts' field has ${value.length} entries: Max ${MAX_CONTACTS}.`;
    case 'groups':
      if (!Array.isArray(value)) return `The 'groups' field must be a list of group ids, e.g. [1000]; got ${got(value)}.`;
      return `The 'groups' field has ${value.length} entries: Max ${MAX_GROUPS}.`;
    case 'scheduled_at':
      return invalidScheduledAt(value);
    case 'unread':
      // A boolean is refused only where unread is not a field (a new message); elsewhere it must be false.
      if (typeof value === 'boolean') return "The 'unread' field cannot be set on a new message: mark an inbound message as read with PUT.";
      return `The 'unread' field must be false (got ${got(value)}): you may only mark a message as read.`;
    default:
      // A field inside another one (msgsim's nesting and key guards) keeps its own message.
      return /^[^.[\]]+$/.test(field) ? `The '${field}' field is not one you can set on a message.` : undefined;
  }
}

function queryParameter(name: string, value: unknown): string {
  if (Array.isArray(value)) return `The '${name}' parameter is given ${value.length} times; give it once.`;
  const given = quote(value);
  switch (name) {
    case 'limit':
      return /^-\d+$/.test(given)
        ? `Invalid limit '${given}' provided. Please provide a positive integer >= 0.`
        : `Invalid limit '${given}' provided. Please provide a positive integer.`;
    case 'offset':
      return /^-\d+$/.test(given)
        ? `Invalid offset '${given}' provided. Please provide a positive integer >= 0.`
        : `Invalid offset '${given}' provided. Please provide an integer.`;
    case 'direction':
      return `Invalid direction '${given}': filter with direction=to (outbound) or direction=from (inbound).`;
    case 'unread':
      // Django's BooleanField, which Tastypie's filter hands the value to.
      return `'${given}' value must be either True or False.`;
    case 'format':
      return unsupportedFormat(given, 'serialization');
    case 'order_by':
      return `The '${given.replace(/^-/, '')}' field does not allow ordering.`;
    default:
      return `The '${name}' field does not allow filtering.`;
  }
}
