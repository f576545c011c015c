import express from 'express';
import { describe, expect, it } from 'vitest';
import { controlPathRedactor, redactSecret } from '../../src/control/log-redaction.js';
import { routesOf } from '../../src/control/route-list.js';

describe('redactSecret', () => {
  it.each([
    ['mk_live_demo1234', 'mk_live_…'],
    ['mk_live_abcdefgh12345678', 'mk_live_…5678'],
    ['cpk_test_readonly', 'cpk_test_…'],
    ['msgf_team_acme_demo_longer', 'msgf_team_…nger'],
    ['token_rel000100010001', 'token_…0001'],
    ['token_rel00010001', 'token_…'],
    ['USER:KEY', '…'],
    ['username:averylongapikey1234', '…1234'],
    ['', '…'],
  ])('%s → %s', (key, redacted) => {
    expect(redactSecret(key)).toBe(redacted);
  });

  it('always hides at least eight characters', () => {
    for (let n = 0; n < 40; n++) {
      const key = `mk_live_${'x'.repeat(n)}`;
      const shown = redactSecret(key).replace('mk_live_…', '');
      expect(key.length - 'mk_live_'.length - shown.length).toBeGreaterThanOrEqual(Math.min(8, n));
    }
  });
});

describe('controlPathRedactor', () => {
  const router = express.Router();
  router.post('/keys/:provider/:key/revoke', () => undefined);
  router.get('/messages/:provider/:id', () => undefined);
  const redact = controlPathRedactor(() => routesOf(router));

  it.each([
    ['/keys/msghub/mk_live_abcdefgh12345678/revoke', '/keys/msghub/mk_live_…5678/revoke'],
    ['/keys/msghub/mk_live_abcdefgh12345678/revoke/', '/keys/msghub/mk_live_…5678/revoke/'],
    ['/KEYS/msghub/mk_live_abcdefgh12345678/revok', '/KEYS/msghub/mk_live_…5678/revok'],
    ['/keys/msghub/mk%5Flive%5Fabcdefgh12345678', '/keys/msghub/mk_live_…5678'],
    ['/keys/msghub/mk_live_abcdefgh12345678%ZZ', '/keys/msghub/mk_live_…8%ZZ'],
    ['/messages/msghub/msg_123', '/messages/msghub/msg_123'],
    ['/keys', '/keys'],
  ])('%s → %s', (path, redacted) => {
    expect(redact(path)).toBe(redacted);
  });
});
