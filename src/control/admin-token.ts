/**
 * Optional protection of the control API (`--admin-token`): a shared CI box or a demo server should not
 * let anyone reset state or inject faults. Probes (/health, /ready) and the built-in webhook receivers
 * stay open. The token goes in `Authorization: Bearer …` or `X-Msgsim-Admin-Token`; a browser opens
 * /_sim/ui?admin_token=… once and gets a cookie, since EventSource cannot send headers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { SimError } from '../engine/errors.js';

const COOKIE = 'msgsim_admin';
const OPEN = [/^\/health$/, /^\/ready$/, /^\/receivers\/[^/]+\/hook$/];

export function requireAdminToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  const matches = (candidate: string | undefined) => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return (req, res, next) => {
    if (OPEN.some((re) => re.test(req.path))) return next();
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const header = req.headers['x-msgsim-admin-token'];
    const cookie = req.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
    const query = typeof req.query.admin_token === 'string' ? req.query.admin_token : undefined;
    if (matches(query)) {
      res.cookie(COOKIE, query!, { httpOnly: true, sameSite: 'strict', path: '/_sim' });
      return next();
    }
    if (matches(bearer) || matches(typeof header === 'string' ? header : undefined) || matches(cookie ? decodeURIComponent(cookie) : undefined)) return next();
    next(new SimError({ kind: 'unauthorized', code: 'admin_token_required', message: 'The control API needs the admin token (Authorization: Bearer <token> or X-Msgsim-Admin-Token)' }));
  };
}
