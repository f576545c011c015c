/**
 * Malformed percent-encoding in a /_sim path parameter or in the admin cookie is a 400 naming it, never a
 * 500 (express 5's router used to throw a URIError while matching). Every path parameter of every route
 * in openapi/control.yaml is tried, so a route added later is covered without editing this file.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { CONTROL_SPEC, createTestSim, type TestSim } from '../support/harness.js';

/** Each fails decodeURIComponent: a lone %, non-hex digits, a cut-off 3-byte sequence, bad UTF-8, a surrogate. */
const MALFORMED = ['%', '%ZZ', '%E0%A4%A', '%C3%28', '%ED%A0%80', 'ok%2'];
const SAMPLE: Record<string, string> = { provider: 'msghub', name: 'qa', file: 'msghub.yaml' };

interface Case {
  method: string;
  template: string;
  path: string;
  param: string;
  value: string;
}

async function cases(): Promise<Case[]> {
  const spec = (await SwaggerParser.dereference(CONTROL_SPEC)) as OpenAPIV3.Document;
  const out: Case[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      if (!item?.[method]) continue;
      for (const param of params) {
        for (const value of MALFORMED) {
          const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => (name === param ? value : (SAMPLE[name] ?? 'x1')));
          out.push({ method, template, path, param, value });
        }
      }
    }
  }
  return out;
}

describe('malformed percent-encoding on /_sim', () => {
  let sim: TestSim;
  let all: Case[];
  beforeAll(async () => {
    sim = await createTestSim();
    all = await cases();
  });

  it('every path parameter of every documented route answers 400 naming the parameter', async () => {
    const routes = new Set(all.map((c) => `${c.method} ${c.template} ${c.param}`));
    expect(routes.size, [...routes].join(', ')).toBeGreaterThanOrEqual(20);
    for (const c of all) {
      // sim.http checks each answer against openapi/control.yaml too
      const res = await sim.http[c.method as 'get'](`/_sim${c.path}`);
      expect(res.status, `${c.method} ${c.path} ${res.text}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error, `${c.method} ${c.path}`).toMatchObject({ code: 'invalid_request', field: c.param, value: c.value });
    }
  });

  it('a malformed segment outside any route names the path', async () => {
    const res = await sim.http.get('/_sim/nowhere/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'path' });
  });

  it('well-formed escapes still decode into the parameter', async () => {
    const res = await sim.http.post('/_sim/keys/msghub/mk_live_%C3%A9t%C3%A91234/revoke');
    expect(res.status).toBe(200);
    expect(res.body.key).toBe('mk_live_été1234');
  });
});

describe('malformed input and --admin-token', () => {
  let sim: Simulator;
  const TOKEN = 'malformed-admin-token';
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${sim.url}${path}`, { method, headers, signal: AbortSignal.timeout(10_000) });
  beforeAll(async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, adminToken: TOKEN });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a malformed path without the token is a 401, not a way around the check', async () => {
    for (const path of ['/_sim/messages/msghub/%E0%A4%A', '/_sim/keys/msghub/%ZZ/revoke', '/_sim/%']) {
      const res = await get(path, {}, path.endsWith('revoke') ? 'POST' : 'GET');
      expect(res.status, path).toBe(401);
    }
  });

  it('a malformed path with the token is a 400 naming the parameter', async () => {
    const res = await get('/_sim/keys/msghub/%ZZ/revoke', { Authorization: `Bearer ${TOKEN}` }, 'POST');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('key');
  });

  it('the open receiver hook answers 400 for a malformed name, token or not', async () => {
    const res = await get('/_sim/receivers/%/hook', {}, 'POST');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('name');
  });

  it('a malformed admin cookie is a 400 naming the cookie, without echoing it; a valid header still wins', async () => {
    const bad = await get('/_sim/clock', { Cookie: 'other=1; msgsim_admin=%E0%A4%A' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; field: string; value?: unknown } };
    expect(body.error).toMatchObject({ code: 'invalid_request', field: 'msgsim_admin' });
    expect(body.error.value).toBeUndefined();
    expect((await get('/_sim/clock', { Cookie: 'msgsim_admin=%ZZ', Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/_sim/clock', { Cookie: `msgsim_admin=${encodeURIComponent(TOKEN)}` })).status).toBe(200);
    expect((await get('/_sim/clock', { Cookie: 'msgsim_admin=wrong' })).status).toBe(401);
    expect((await get('/_sim/health', { Cookie: 'msgsim_admin=%ZZ' })).status).toBe(200);
  });
});
