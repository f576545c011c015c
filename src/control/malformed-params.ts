/**
 * Express 5's router percent-decodes path parameters while it matches routes, and a malformed escape
 * (`%ZZ`, a lone `%`, a cut-off UTF-8 sequence such as `%E0%A4%A`) comes out of it as a URIError that
 * names no parameter and that every error handler treats as a 500. This check runs before any route
 * matches: a path segment that is not valid percent-encoding (RFC 3986 §2.1, UTF-8 per RFC 3987) is a
 * 400 naming the parameter it would have filled, or `path` when no route takes it.
 */
import type { RequestHandler } from 'express';
import { badRequest } from './errors.js';
import { paramAt, type ControlRoute } from './route-list.js';

/** `routes` is read at request time: the routes are registered after this middleware. */
export function rejectMalformedParams(routes: () => readonly ControlRoute[]): RequestHandler {
  return (req, _res, next) => {
    const path = req.path;
    if (!path.includes('%')) return next();
    const segments = path.replace(/(.)\/$/, '$1').split('/');
    const bad = segments.findIndex((segment) => segment.includes('%') && !decodes(segment));
    if (bad < 0) return next();
    const name = paramAt(routes(), segments, bad);
    const what = name ? `path parameter ${name}` : 'the path';
    next(badRequest(`${what} is not valid percent-encoding (RFC 3986 §2.1): ${segments[bad]}`, name ?? 'path', segments[bad]));
  };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
