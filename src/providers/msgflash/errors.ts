/**
 * MsgFlash's error envelope, as its doc shows it: `{"error":{"code":"NOT_FOUND","message":"Message not found"}}`,
 * with msgsim's optional `details: {field, value}`. Codes are UPPER_SNAKE like the doc's.
 */
import { SimError, type SimErrorKind } from '../../engine/errors.js';
import type { MagicRefusals } from '../../engine/magic.js';
import { errorDetails, type RenderedError } from '../provider.js';

/** The doc's codes first, then msgsim's (all listed in the spec's Error schema). */
export const MsgflashCode = {
  notFound: 'NOT_FOUND',
  validationError: 'VALIDATION_ERROR',
  unauthorized: 'UNAUTHORIZED',
  apiRateLimitExceeded: 'API_RATE_LIMIT_EXCEEDED',
  teamKeyRequired: 'TEAM_KEY_REQUIRED',
  teamKeyNotAllowed: 'TEAM_KEY_NOT_ALLOWED',
  monthlyApiQuotaExceeded: 'MONTHLY_API_QUOTA_EXCEEDED',
  monthlyMessageLimitExceeded: 'MONTHLY_MESSAGE_LIMIT_EXCEEDED',
  featureNotAvailable: 'FEATURE_NOT_AVAILABLE',
  teamIdRequired: 'TEAM_ID_REQUIRED',
  teamIdMismatch: 'TEAM_ID_MISMATCH',
  invalidCursor: 'INVALID_CURSOR',
  invalidPhoneNumber: 'INVALID_PHONE_NUMBER',
  invalidJson: 'INVALID_JSON',
  instanceDisconnected: 'INSTANCE_DISCONNECTED',
  invalidCampaignState: 'INVALID_CAMPAIGN_STATE',
  bulkJobNotCancellable: 'BULK_JOB_NOT_CANCELLABLE',
  contactAlreadyExists: 'CONTACT_ALREADY_EXISTS',
  templateNameTaken: 'TEMPLATE_NAME_TAKEN',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  unprocessable: 'UNPROCESSABLE_ENTITY',
  internalError: 'INTERNAL_ERROR',
  badGateway: 'BAD_GATEWAY',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  gatewayTimeout: 'GATEWAY_TIMEOUT',
} as const;

/** The doc's own wording where it has one ("Too many API requests"). */
export const MsgflashMessage = {
  apiRateLimitExceeded: 'Too many API requests',
  monthlyApiQuotaExceeded: 'Monthly API request quota exceeded',
  unauthorized: 'Missing or invalid API key',
  revoked: 'This API key has been revoked',
  internalError: 'Internal server error',
  invalidPhoneNumber: 'Phone number must be in E.164 format, e.g. +14155550123',
  invalidCursor: 'The cursor is not valid; start again without one',
} as const;

const CODE_FOR_KIND: Record<SimErrorKind, string> = {
  invalid_request: MsgflashCode.validationError,
  invalid_json: MsgflashCode.invalidJson,
  unauthorized: MsgflashCode.unauthorized,
  forbidden: MsgflashCode.teamKeyNotAllowed,
  not_found: MsgflashCode.notFound,
  route_not_found: MsgflashCode.notFound,
  method_not_allowed: MsgflashCode.methodNotAllowed,
  conflict: MsgflashCode.conflict,
  idempotency_mismatch: MsgflashCode.unprocessable,
  idempotency_in_flight: MsgflashCode.conflict,
  payload_too_large: MsgflashCode.payloadTooLarge,
  unsupported_media_type: MsgflashCode.unsupportedMediaType,
  unprocessable: MsgflashCode.unprocessable,
  rate_limited: MsgflashCode.apiRateLimitExceeded,
  internal: MsgflashCode.internalError,
  bad_gateway: MsgflashCode.badGateway,
  service_unavailable: MsgflashCode.serviceUnavailable,
  gateway_timeout: MsgflashCode.gatewayTimeout,
};

/** 429s always carry the doc's wording for their code, whoever raised them (limiter, magic, fault). */
const FIXED_MESSAGE: Record<string, string> = {
  [MsgflashCode.apiRateLimitExceeded]: MsgflashMessage.apiRateLimitExceeded,
  [MsgflashCode.monthlyApiQuotaExceeded]: MsgflashMessage.monthlyApiQuotaExceeded,
};

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

export function renderMsgflashError(error: SimError): RenderedError {
  // Shared layers may set their own lower-case codes (e.g. `internal_error`); MsgFlash's are UPPER_SNAKE.
  const code = error.code !== undefined && UPPER_SNAKE.test(error.code) ? error.code : CODE_FOR_KIND[error.kind];
  return {
    status: error.status,
    body: {
      error: {
        code,
        message: FIXED_MESSAGE[code] ?? error.message,
        ...errorDetails(error),
      },
    },
    ...(error.retryAfter !== undefined ? { headers: { 'Retry-After': String(error.retryAfter) } } : {}),
  };
}

/** Shorthands for the errors handlers throw. */
export const msgflashError = {
  invalid: (message: string, field: string, value?: unknown) =>
    new SimError({ kind: 'invalid_request', code: MsgflashCode.validationError, message, field, ...(value !== undefined ? { value } : {}) }),
  invalidPhone: (field: string, value: unknown) =>
    new SimError({ kind: 'invalid_request', code: MsgflashCode.invalidPhoneNumber, message: MsgflashMessage.invalidPhoneNumber, field, value }),
  notFound: (what: string, field: string, value: unknown) =>
    new SimError({ kind: 'not_found', code: MsgflashCode.notFound, message: `${what} not found`, field, value }),
  conflict: (code: string, message: string, field?: string, value?: unknown) =>
    new SimError({ kind: 'conflict', code, message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) }),
  forbidden: (code: string, message: string, field?: string, value?: unknown) =>
    new SimError({ kind: 'forbidden', code, message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) }),
};

/** MsgFlash's 429 and 500 for the magic recipients that refuse a send (engine/magic.ts). */
export const MAGIC_REFUSALS: MagicRefusals = {
  rateLimited: { code: MsgflashCode.apiRateLimitExceeded, message: MsgflashMessage.apiRateLimitExceeded, retryAfter: 1 },
  serverError: { code: MsgflashCode.internalError, message: MsgflashMessage.internalError },
};
