/**
 * Msghub's error envelope and codes, as its documentation writes them:
 * `{"error":{"code":"invalid_phone_number","message":"Phone number is not in valid E.164 format","details":{"field":"to","value":"919876543210"}}}`.
 */
import { SimError, type SimErrorKind } from '../../engine/errors.js';
import type { MagicRefusals } from '../../engine/magic.js';
import { errorDetails, type RenderedError, type ValidationProblem } from '../provider.js';

/** Codes from the doc's "Common Errors" table, then msgsim's additions (listed in the spec's Error schema). */
export const MsghubCode = {
  invalidApiKey: 'invalid_api_key',
  invalidPhoneNumber: 'invalid_phone_number',
  invalidEmail: 'invalid_email',
  channelNotConnected: 'channel_not_connected',
  templateNotFound: 'template_not_found',
  contactNotFound: 'contact_not_found',
  rateLimitExceeded: 'rate_limit_exceeded',
  internalError: 'internal_error',
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  messageNotFound: 'message_not_found',
  campaignNotFound: 'campaign_not_found',
  flowNotFound: 'flow_not_found',
  webhookNotFound: 'webhook_not_found',
  campaignNotEditable: 'campaign_not_editable',
  invalidStatusTransition: 'invalid_status_transition',
  flowInactive: 'flow_inactive',
  idempotencyKeyInUse: 'idempotency_key_in_use',
  idempotencyKeyReused: 'idempotency_key_reused',
} as const;

/** The doc's own wording where it has one. */
export const MsghubMessage = {
  invalidApiKey: 'API key is invalid or missing',
  /** msgsim's: the doc has no word for a revoked key, which it would answer as invalid_api_key. */
  revokedApiKey: 'API key has been revoked',
  invalidPhoneNumber: 'Phone number is not in valid E.164 format',
  invalidEmail: 'Email address is invalid',
  channelNotConnected: 'Channel is not connected in Settings',
  templateNotFound: 'Template does not exist',
  contactNotFound: 'Contact does not exist',
  rateLimitExceeded: 'Too many requests',
  internalError: 'Internal server error',
} as const;

const CODE_FOR_KIND: Record<SimErrorKind, string> = {
  invalid_request: MsghubCode.invalidRequest,
  invalid_json: MsghubCode.invalidJson,
  unauthorized: MsghubCode.invalidApiKey,
  forbidden: MsghubCode.invalidApiKey,
  not_found: MsghubCode.notFound,
  route_not_found: MsghubCode.notFound,
  method_not_allowed: MsghubCode.methodNotAllowed,
  conflict: MsghubCode.invalidStatusTransition,
  idempotency_mismatch: MsghubCode.idempotencyKeyReused,
  idempotency_in_flight: MsghubCode.idempotencyKeyInUse,
  payload_too_large: MsghubCode.payloadTooLarge,
  unsupported_media_type: MsghubCode.unsupportedMediaType,
  unprocessable: MsghubCode.invalidRequest,
  rate_limited: MsghubCode.rateLimitExceeded,
  internal: MsghubCode.internalError,
  bad_gateway: 'bad_gateway',
  service_unavailable: 'service_unavailable',
  gateway_timeout: 'gateway_timeout',
};

export function renderMsghubError(error: SimError): RenderedError {
  return {
    status: error.status,
    body: {
      error: {
        code: error.code ?? CODE_FOR_KIND[error.kind],
        message: error.message,
        ...errorDetails(error),
      },
    },
    ...(error.retryAfter !== undefined ? { headers: { 'Retry-After': String(error.retryAfter) } } : {}),
  };
}

/**
 * A contact's `phone` or `email` the spec refuses is the doc's invalid_phone_number or invalid_email,
 * in the doc's words when a string was sent (a number where a string belongs keeps the plain sentence).
 */
export function msghubValidationError(problem: ValidationProblem): { code: string; message?: string } | undefined {
  if (problem.location !== 'body' || (problem.field !== 'phone' && problem.field !== 'email')) return undefined;
  const phone = problem.field === 'phone';
  const code = phone ? MsghubCode.invalidPhoneNumber : MsghubCode.invalidEmail;
  return typeof problem.value === 'string' ? { code, message: phone ? MsghubMessage.invalidPhoneNumber : MsghubMessage.invalidEmail } : { code };
}

/** Shorthands for the errors handlers throw. */
export const msghubError = {
  invalidPhone: (field: string, value: unknown) =>
    new SimError({ kind: 'invalid_request', code: MsghubCode.invalidPhoneNumber, message: MsghubMessage.invalidPhoneNumber, field, value }),
  invalidEmail: (field: string, value: unknown) =>
    new SimError({ kind: 'invalid_request', code: MsghubCode.invalidEmail, message: MsghubMessage.invalidEmail, field, value }),
  invalid: (message: string, field: string, value?: unknown) =>
    new SimError({ kind: 'invalid_request', message, field, ...(value !== undefined ? { value } : {}) }),
  notFound: (code: string, message: string, field: string, value: unknown) => new SimError({ kind: 'not_found', code, message, field, value }),
  conflict: (code: string, message: string, field?: string, value?: unknown) =>
    new SimError({ kind: 'conflict', code, message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) }),
};

/** Msghub's 429 and 500 for the magic recipients that refuse a send (engine/magic.ts). */
export const MAGIC_REFUSALS: MagicRefusals = {
  rateLimited: { code: MsghubCode.rateLimitExceeded, message: MsghubMessage.rateLimitExceeded, retryAfter: 30 },
  serverError: { code: MsghubCode.internalError, message: MsghubMessage.internalError },
};
