/**
 * Security: tenant isolation on GET-by-id (and PUT/DELETE-by-id where the provider has them) of every
 * provider, scopes and team rules that headers cannot bypass, body (1 MB → 413) and header (16 KB →
 * 431) limits, prototype-pollution keys, webhook URL schemes and the allowlist, and --admin-token.
 * Every provider response goes through the harness's spec-validated clients.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createApp, createEngine, createSimulator, PROVIDERS } from '../../src/index.js';
import { CONTROL_SPEC, createTestSim, T0, type ProviderClient, type TestSim } from '../support/harness.js';
import { credentials, messagePath, PROVIDER_NAMES, sendBody, sendPath, sentId, withQuery, type ProviderName } from './support.js';

export const securityFigures = { isolationChecks: 0, bypassAttempts: 0, oversize: 0, pollution: 0, badUrls: 0, controlProtoStatus: 0, keyPathsLogged: 0 };

const TRICK_HEADERS: Array<Record<string, string>> = [
  { 'X-Team-Id': 'acme' },
  { 'X-Tenant-Id': 'other' },
  { 'X-Msgsim-Tenant': 'other' },
  { 'X-Api-Scopes': 'messages:send messages:read' },
  { 'X-Forwarded-For': '127.0.0.1' },
  { 'X-Msgsim-Admin-Token': 'x' },
  { Prefer: 'code=201' },
];

describe('security', () => {
  let sim: TestSim;
  const api = (p: ProviderName, n: number): ProviderClient => sim.client(p, credentials(p, n).headers);
  beforeAll(async () => {
    sim = await createTestSim({ rateLimits: false });
  });

  it('another tenant gets a 404 with none of the data, on every provider', async () => {
    for (const p of PROVIDER_NAMES) {
      const text = `secret text of ${p} 9f3c`;
      const sent = await api(p, 1).post(withQuery(p, 1, sendPath(p)), sendBody(p, '+14155550199', text));
      expect(sent.status, sent.text).toBe(201);
      const id = sentId(p, sent.body);
      const mine = await api(p, 1).get(withQuery(p, 1, messagePath(p, id)));
      expect(mine.status).toBe(200);
      for (const trick of [{}, ...TRICK_HEADERS]) {
        const theirs = await sim.client(p, { ...credentials(p, 2).headers, ...trick }).get(withQuery(p, 2, messagePath(p, id)));
        expect(theirs.status, `${p} ${JSON.stringify(trick)} ${theirs.text}`).toBeGreaterThanOrEqual(400);
        expect(theirs.status).toBeLessThan(500);
        if (Object.keys(trick).length === 0) expect(theirs.status).toBe(404);
        expect(theirs.text).not.toContain(text);
        expect(theirs.text).not.toContain('4155550199');
        securityFigures.isolationChecks++;
      }
    }
    // resources with PUT/DELETE by id: msghub contacts, msgflash contacts
    const hubContact = await api('msghub', 1).post('/contacts', { name: 'Private Person', phone: '+919876500001' });
    expect(hubContact.status).toBe(201);
    const hubId = String(hubContact.body.id ?? hubContact.body.data?.id ?? hubContact.body.contactId);
    for (const method of ['get', 'put', 'delete'] as const) {
      const res = await api('msghub', 2)[method](`/contacts/${hubId}`, method === 'put' ? { name: 'Hijack' } : undefined);
      expect(res.status, `msghub ${method} ${res.text}`).toBe(404);
      expect(res.text).not.toContain('Private Person');
      securityFigures.isolationChecks++;
    }
    expect((await api('msghub', 1).get(`/contacts/${hubId}`)).body).toMatchObject({});
    expect(JSON.stringify((await api('msghub', 1).get(`/contacts/${hubId}`)).body)).toContain('Private Person');
    const flashContact = await api('msgflash', 1).post('/contacts', { phone: '+919876500002', name: 'Flash Private' });
    expect(flashContact.status, flashContact.text).toBe(201);
    const flashId = String(flashContact.body.data.id);
    for (const method of ['get', 'put', 'delete'] as const) {
      const res = await api('msgflash', 2)[method](`/contacts/${flashId}`, method === 'put' ? { name: 'Hijack' } : undefined);
      expect(res.status, `msgflash ${method} ${res.text}`).toBe(404);
      expect(res.text).not.toContain('Flash Private');
      securityFigures.isolationChecks++;
    }
    expect(JSON.stringify((await api('msgflash', 1).get(`/contacts/${flashId}`)).body)).toContain('Flash Private');
  });

  it('MessageHub scopes: cpk_test_readonly cannot send, whatever the headers say', async () => {
    const before = (await sim.http.get('/_sim/messages').query({ provider: 'messagehub', limit: 1 })).body.total as number;
    for (const trick of [{}, ...TRICK_HEADERS, { 'X-Msgsim-Fault': 'none' }]) {
      const res = await sim
        .client('messagehub', { Authorization: 'Bearer cpk_test_readonly', ...trick })
        .post('/messages/send', sendBody('messagehub', '+14155550123', 'nope'));
      expect(res.status, `${JSON.stringify(trick)} ${res.text}`).toBe(403);
      securityFigures.bypassAttempts++;
    }
    expect((await sim.http.get('/_sim/messages').query({ provider: 'messagehub', limit: 1 })).body.total).toBe(before);
  });

  it('MsgFlash team rules: a personal key cannot borrow a team, a team key cannot switch teams or read the owner', async () => {
    const owner = sim.client('msgflash', { 'x-api-key': 'msgf_live_pro_owner' });
    const sent = await owner.post('/messages/send', sendBody('msgflash', '+14155550188', 'owner private'));
    expect(sent.status, sent.text).toBe(201);
    const ownerMessage = String(sent.body.data.id);
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'x-api-key': 'msgf_live_pro_owner', 'X-Team-Id': 'acme' }, 403],
      [{ 'x-api-key': 'msgf_live_rel0001', 'X-Team-Id': 'acme' }, 403],
      [{ 'x-api-key': 'msgf_team_acme_demo', 'X-Team-Id': 'other-team' }, 403],
      [{ 'x-api-key': 'msgf_team_acme_demo', 'X-Team-Id': 'ACME' }, 403],
      [{ 'x-api-key': 'msgf_team_acme_demo', 'X-Team-Id': 'acme' }, 404],
      [{ 'x-api-key': 'msgf_team_acme_demo', 'X-Team-Id': 'acme', 'X-Msgsim-Tenant': 'msgf_live_pro_owner' }, 404],
    ];
    for (const [headers, status] of cases) {
      const res = await sim.client('msgflash', headers).get(`/messages/${ownerMessage}`);
      expect(res.status, `${JSON.stringify(headers)} ${res.text}`).toBe(status);
      expect(res.text).not.toContain('owner private');
      securityFigures.bypassAttempts++;
    }
    const team = sim.client('msgflash', { 'x-api-key': 'msgf_team_acme_demo' });
    const missing = await team.get('/messages');
    expect(missing.status).toBe(400);
  });

  it('a body over 1 MB is a 413 in the provider envelope, on every provider', async () => {
    const huge = 'x'.repeat(1_100_000);
    for (const p of PROVIDER_NAMES) {
      const res = await api(p, 1).post(withQuery(p, 1, sendPath(p)), sendBody(p, '+14155550123', huge));
      expect(res.status, p).toBe(413);
      securityFigures.oversize++;
    }
  });

  it('__proto__ and constructor keys are refused and leave Object.prototype alone', async () => {
    const payloads = [
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"to":"+14155550123","a":{"b":{"__proto__":{"polluted":"yes"}}}}',
      '[{"__proto__":{"polluted":"yes"}}]',
    ];
    for (const p of PROVIDER_NAMES) {
      for (const raw of payloads) {
        const res = await api(p, 1).post(withQuery(p, 1, sendPath(p)), undefined, { raw });
        expect(res.status, `${p} ${raw} ${res.text}`).toBe(400);
        securityFigures.pollution++;
      }
      // also through a valid-looking send
      const raw = JSON.stringify(sendBody(p, '+14155550123', 'hi')).replace(/^\{/, '{"__proto__":{"polluted":"yes"},');
      expect((await api(p, 1).post(withQuery(p, 1, sendPath(p)), undefined, { raw })).status).toBe(400);
    }
    const control = await sim.http
      .post('/_sim/keys')
      .set('Content-Type', 'application/json')
      .send('{"provider":"msghub","key":"mk_live_x0001","properties":{"__proto__":{"polluted":"yes"}}}');
    // the control API parses with plain express.json (no key guard): it may store the key, but must stay harmless
    expect(control.status).toBeLessThan(500);
    for (const route of ['/_sim/keys', '/_sim/messages', '/_sim/health']) expect((await sim.http.get(route)).status).toBe(200);
    const used = await sim.client('msghub', { 'X-API-Key': 'mk_live_x0001' }).post('/messages/send', sendBody('msghub', '+14155550123', 'after'));
    expect(used.status).toBe(201);
    securityFigures.controlProtoStatus = control.status;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('API keys in control paths never reach a log line: every route of control.yaml with a key or tenant, in any spelling', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString('utf8')), done()) });
    const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 42 });
    const { handler: app } = await createApp({ engine, providers: PROVIDERS, logger: pino({ level: 'info' }, sink) });
    const KEY = 'mk_live_s3cretPart0fKey9876';
    const TENANT = 'USERX:APIKEYs3cretPart0f';
    const spec = (await SwaggerParser.dereference(CONTROL_SPEC)) as OpenAPIV3.Document;
    const templates = Object.entries(spec.paths).filter(([t]) => /\{(key|tenant)\}/.test(t));
    expect(templates.map(([t]) => t)).toEqual(
      expect.arrayContaining(['/keys/{provider}/{key}', '/keys/{provider}/{key}/revoke', '/providers/{provider}/tenants/{tenant}/settings']),
    );
    const spellings = (secret: string) => [secret, encodeURIComponent(secret).replace(/_/g, '%5F'), `${secret}%ZZ`];
    for (const [template, item] of templates) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        if (!item?.[method]) continue;
        for (const secret of [KEY, TENANT]) {
          for (const spelled of spellings(secret)) {
            const path = template.replace('{provider}', 'msghub').replace(/\{(key|tenant)\}/, spelled);
            for (const variant of [
              `/_sim${path}`,
              `/_SIM${path.toUpperCase().replace(spelled.toUpperCase(), spelled)}`,
              `/_sim${path}/`,
              `/_sim${path}/extra`,
              `/_sim${path}?token=x`,
            ]) {
              const res = await request(app)[method](variant);
              expect(res.status, `${method} ${variant}`).toBeLessThan(500);
              securityFigures.keyPathsLogged++;
            }
          }
        }
      }
    }
    const log = lines.join('');
    expect(lines.length).toBe(securityFigures.keyPathsLogged);
    for (const secret of [KEY, TENANT]) {
      for (const piece of [secret, encodeURIComponent(secret), 's3cretPart0f']) expect(log.includes(piece), `a log line contains ${piece}`).toBe(false);
    }
    // the lines are there, with the key's kind and last four characters
    expect(log).toContain('/_sim/keys/msghub/mk_live_…9876/revoke');
    expect(log).toContain('/_sim/providers/msghub/tenants/…rt0f/settings');
    expect(log).toContain('/_SIM/PROVIDERS/MSGHUB/TENANTS/…rt0f/SETTINGS');
  });

  it('webhook URLs other than http/https are refused at creation', async () => {
    const bad = [
      'ftp://127.0.0.1/hook',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'gopher://127.0.0.1:70/',
      'data:text/plain,hi',
      '//127.0.0.1/hook',
      'not a url',
    ];
    for (const url of bad) {
      const hub = await api('msghub', 1).post('/webhooks', { event: 'message.delivered', url });
      expect(hub.status, `msghub ${url} ${hub.text}`).toBe(400);
      const flash = await api('msgflash', 1).post('/webhooks', { url, events: ['message.delivered'] });
      expect(flash.status, `msgflash ${url} ${flash.text}`).toBe(400);
      const gine = await api('msgine', 1).post('/messages/sms', { ...sendBody('msgine', '+14155550123', 'hi'), callbackUrl: url });
      expect(gine.status, `msgine ${url} ${gine.text}`).toBe(400);
      securityFigures.badUrls += 3;
    }
  });
});

describe('security over real HTTP', () => {
  let receiver: Server;
  let hits = 0;
  let receiverUrl: string;
  beforeAll(async () => {
    receiver = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    console.log('security figures', JSON.stringify(securityFigures));
  });

  it('headers over 16 KB get a 431 from Node and the server keeps answering', async () => {
    const sim = await createSimulator({ clock: 'manual', port: 0 });
    try {
      const res = await fetch(`${sim.url}/msghub/api/v1/messages`, {
        headers: { 'X-API-Key': 'mk_live_rel0001', 'X-Big': 'x'.repeat(20_000) },
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(431);
      expect((await fetch(`${sim.url}/_sim/health`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('a host off the allowlist is never called: the delivery fails "not sent"', async () => {
    const sim = await createSimulator({ clock: 'manual', port: 0, webhookAllow: ['hooks.example.com'] });
    try {
      const headers = { 'X-API-Key': 'mk_live_rel0001', 'Content-Type': 'application/json' };
      const created = await fetch(`${sim.url}/msghub/api/v1/webhooks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ event: 'contact.created', url: receiverUrl }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(created.status).toBe(201);
      expect(
        (
          await fetch(`${sim.url}/msghub/api/v1/contacts`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name: 'A', phone: '+919876543210' }),
            signal: AbortSignal.timeout(10_000),
          })
        ).status,
      ).toBe(201);
      await sim.settle();
      for (let i = 0; i < 6; i++) {
        sim.clock.advance(18_000_000);
        await sim.settle();
      }
      const [delivery] = sim.engine.webhooks.list({ namespace: 'msghub' });
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts.every((a) => (a.error ?? '').startsWith('not sent'))).toBe(true);
      expect(hits).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('--admin-token guards every /_sim route but the probes and receivers', async () => {
    const sim = await createSimulator({ clock: 'manual', port: 0, adminToken: 'rel-admin-token-1' });
    try {
      const routes = ['/_sim/messages', '/_sim/clock', '/_sim/config', '/_sim/keys', '/_sim/faults', '/_sim/webhooks/deliveries', '/_sim/receivers'];
      for (const route of routes) {
        const res = await fetch(`${sim.url}${route}`, { signal: AbortSignal.timeout(10_000) });
        expect(res.status, route).toBe(401);
        expect(await res.text()).not.toContain('rel-admin-token-1');
      }
      const writes: Array<[string, unknown]> = [
        ['/_sim/reset', {}],
        ['/_sim/clock/advance', { ms: 1000 }],
        ['/_sim/keys', { provider: 'msghub', key: 'mk_live_x0001', properties: {} }],
        ['/_sim/faults', { provider: 'msghub', status: 500 }],
      ];
      for (const [route, body] of writes) {
        const res = await fetch(`${sim.url}${route}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer wrong' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        expect(res.status, route).toBe(401);
      }
      expect(sim.engine.faults.list()).toHaveLength(0);
      expect((await fetch(`${sim.url}/_sim/health`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
