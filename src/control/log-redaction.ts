/**
 * Control paths that carry a credential in a path parameter (`/_sim/keys/<provider>/<key>/revoke`,
 * `/_sim/providers/<p>/tenants/<tenant>/settings`: a tenant is its API key) are logged with that
 * parameter redacted, `mk_live_…a1b2`: the prefix says which kind of key it was, the last four
 * characters tell keys apart, and at least eight characters are always hidden. Which segments to redact
 * comes from the control router's route table, so a route added later with a `key` or `tenant`
 * parameter is covered without a change here. A segment is hidden when the route's literal segments
 * before it match, so a key is hidden in a mistyped path too (`/_sim/keys/msghub/<key>/revok/x`).
 */
import type { ControlRoute } from './route-list.js';

/** Path parameters whose values are credentials. */
const SECRET_PARAMS = new Set(['key', 'tenant']);
/** A key's kind (`mk_live_`, `cpk_test_`, `msgf_team_`, `token_`), never secret. */
const KIND = /^[A-Za-z]{1,12}_(?:(?:live|test|team)_)?/;

export function redactSecret(value: string): string {
  const kind = KIND.exec(value)?.[0] ?? '';
  const rest = value.slice(kind.length);
  return `${kind}…${rest.length >= 12 ? rest.slice(-4) : ''}`;
}

/** `path` is below the control prefix (`/keys/msghub/mk_live_…/revoke`); `routes` read at call time. */
export function controlPathRedactor(routes: () => readonly ControlRoute[]): (path: string) => string {
  return (path) => {
    const segments = path.split('/');
    const secret = secretSegments(routes(), segments);
    if (secret.size === 0) return path;
    return segments.map((segment, i) => (secret.has(i) ? redactSecret(safeDecode(segment)) : segment)).join('/');
  };
}

/** Indexes of the segments that fill a secret parameter of a route whose literal segments before it match. */
function secretSegments(routes: readonly ControlRoute[], segments: readonly string[]): Set<number> {
  const found = new Set<number>();
  for (const { template } of routes) {
    const parts = template.split('/');
    const n = Math.min(parts.length, segments.length);
    for (let i = 0; i < n; i++) {
      const param = /^\{(\w+)\}$/.exec(parts[i]!)?.[1];
      if (param === undefined && parts[i]!.toLowerCase() !== segments[i]!.toLowerCase()) break;
      if (param !== undefined && SECRET_PARAMS.has(param) && segments[i] !== '') found.add(i);
    }
  }
  return found;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
