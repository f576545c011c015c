/** The control API's own envelope: `{ error: { code, message, field?, value? } }`. */
import type { NextFunction, Request, Response } from 'express';
import { SimError, isSimError } from '../engine/errors.js';
import { readingError } from '../web/client-errors.js';

export function controlError(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const err: SimError = isSimError(error) ? error : (readingError(error) ?? new SimError({ kind: 'internal', message: 'Internal error' }));
  res
    .status(err.status)
    .set(err.headers)
    .json({
      error: {
        code: err.code ?? err.kind,
        message: err.message,
        ...(err.field ? { field: err.field } : {}),
        ...(err.value !== undefined ? { value: err.value } : {}),
      },
    });
}

export function badRequest(message: string, field?: string, value?: unknown): SimError {
  return new SimError({ kind: 'invalid_request', message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) });
}

export function notFound(message: string): SimError {
  return new SimError({ kind: 'not_found', message });
}
