/** What the request journal shows of credentials: never the secret, enough to tell credentials apart. */
import { describe, expect, it } from 'vitest';
import { redactHeaders, redactQuery, redactTenant } from '../../src/http/journal-redaction.js';

describe('request journal redaction', () => {
  it('hides Authorization, API-key headers, cookies and the admin token, and keeps the rest', () => {
    const shown = redactHeaders({
      authorization: 'Bearer cpk_live_abcdefghijkl1234',
      'x-api-key': 'mk_live_abcdefghijklmnop9876',
      'x-msgsim-admin-token': 'admin-secret-token-5555',
      cookie: 'msgsim_admin=admin-secret-token-5555; theme=dark',
      'proxy-authorization': 'Basic dXNlcjpwYXNzd29yZA==',
      'content-type': 'application/json',
      'idempotency-key': 'order-42',
      'x-team-id': 'acme',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(shown).toEqual({
      authorization: 'Bearer cpk_live_…1234',
      'x-api-key': 'mk_live_…9876',
      'x-msgsim-admin-token': '…5555',
      cookie: 'msgsim_admin=…; theme=…',
      'proxy-authorization': 'Basic …ZA==',
      'content-type': 'application/json',
      'idempotency-key': 'order-42',
      'x-team-id': 'acme',
      'set-cookie': '…',
    });
    expect(JSON.stringify(shown)).not.toMatch(/abcdefgh|admin-secret|dXNlcjpw/);
  });

  it("hides SendHub's api_key and the admin token in the query, keeps a repeated parameter as a list", () => {
    expect(redactQuery('username=bob&api_key=abcdef1234567890&limit=5&limit=6&admin_token=qwertyuiopasdf')).toEqual({
      username: 'bob',
      api_key: '…7890',
      limit: ['5', '6'],
      admin_token: '…asdf',
    });
    expect(redactQuery('')).toEqual({});
  });

  it('shows a tenant by its kind and last four characters; SendHub keeps its username', () => {
    expect(redactTenant('mk_live_abcdefghijkl1234')).toBe('mk_live_…1234');
    expect(redactTenant('bob:abcdef1234567890')).toBe('bob:…7890');
    expect(redactTenant('short')).toBe('…');
  });
});
