/**
 * Optional protection of the control API (`--admin-token`): a shared CI box or a demo server should not
 * let anyone reset state or inject faults. Probes (/health, /ready) and the built-in webhook receivers
 * stay open. The token goes in `Authorization: Bearer …` or `X-Msgsim-Admin-Token`; a browser opens
 * /_sim/ui?admin_token=… once and gets a cookie, since EventSource cannot send headers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { SimError } from '../engine/errors.js';
import { badRequest } from './errors.js';

const COOKIE = 'msgsim_admin';
const OPEN = [/^\/health$/, /^\/ready$/, /^\/receivers\/[^/]+\/hook$/];

const MALFORMED = Symbol('malformed');

/** The admin cookie's decoded value, MALFORMED when it does not decode, undefined when absent. */
function cookieValue(header: string | undefined): string | typeof MALFORMED | undefined {
  const raw = header
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return MALFORMED;
  }
}

export function requireAdminToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  const matches = (candidate: string | typeof MALFORMED | undefined) => {
    if (typeof candidate !== 'string' || !candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return (req, res, next) => {
    if (OPEN.some((re) => re.test(req.path))) return next();
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const header = req.headers['x-msgsim-admin-token'];
    const cookie = cookieValue(req.headers.cookie);
    const query = typeof req.query.admin_token === 'string' ? req.query.admin_token : undefined;
    if (matches(query)) {
      res.cookie(COOKIE, query!, { httpOnly: true, sameSite: 'strict', path: '/_sim' });
      return next();
    }
    if (matches(bearer) || matches(typeof header === 'string' ? header : undefined) || matches(cookie)) return next();
    // Neither lets the request through nor breaks the check: a cookie that is not percent-encoding (as
    // res.cookie writes it) is the client's mistake, named; the value is a credential, so not echoed.
    if (cookie === MALFORMED) return next(badRequest(`the ${COOKIE} cookie is not valid percent-encoding; open /_sim/ui?admin_token=… again`, COOKIE));
    next(
      new SimError({
        kind: 'unauthorized',
        code: 'admin_token_required',
        message: 'The control API needs the admin token (Authorization: Bearer <token> or X-Msgsim-Admin-Token)',
      }),
    );
  };
}
