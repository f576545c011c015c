/**
 * Request bodies: JSON only, size-limited, and free of prototype-polluting keys. Every failure here is
 * a SimError, so the provider renders it in its own envelope (never an HTML page from a default handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import { SimError } from '../engine/errors.js';

export const DEFAULT_BODY_LIMIT = '1mb';
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE']);

/** Sees the raw bytes of a body before they are parsed, valid JSON or not (the request journal keeps them). */
export type RawBodyHook = (req: IncomingMessage, res: ServerResponse, raw: Buffer, encoding: string) => void;

/**
 * Parses JSON bodies; a body of another media type is a 415, not silently ignored. One middleware, not
 * three: every layer costs each request a turn through the router.
 */
export function jsonBody(limit: string = DEFAULT_BODY_LIMIT, options: { verify?: RawBodyHook } = {}): RequestHandler {
  const parse = express.json({ limit, strict: true, type: isJsonType, ...(options.verify ? { verify: options.verify } : {}) });
  return (req, res, next) => {
    // Bodies on GET/HEAD/DELETE mean nothing to these APIs and are ignored, not refused.
    if (hasBody(req.headers) && !isJsonType(req) && !BODYLESS.has(req.method)) {
      next(
        new SimError({
          kind: 'unsupported_media_type',
          message: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
          field: 'Content-Type',
          value: req.headers['content-type'] ?? null,
        }),
      );
      return;
    }
    void parse(req, res, (error?: unknown) => next(error ?? inspect(req.body, '', 0)));
  };
}

function isJsonType(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const type = mediaType(req.headers['content-type']);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** A Content-Type header's media type, lower-cased, without parameters ('' when there is none). */
export function mediaType(contentType: string | string[] | undefined): string {
  return typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : '';
}

export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

/** Finds keys that could pollute prototypes and absurd nesting; returns the error, or undefined. */
function inspect(value: unknown, path: string, depth: number): SimError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) {
    return new SimError({ kind: 'invalid_request', message: `Body is nested deeper than ${MAX_DEPTH} levels`, field: path || 'body' });
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) {
      return new SimError({ kind: 'invalid_request', message: `Property name '${key}' is not allowed`, field, value: key });
    }
    const problem = inspect((value as Record<string, unknown>)[key], field, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
