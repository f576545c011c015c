/**
 * The sixth-provider recipe, proved: a toy provider built only from test/fixtures/toy-provider/ (its
 * spec, auth, error renderer, handlers, fixtures and client profile) passes the parts test and the
 * shared behavioural suite unchanged, and is served beside the registered providers.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/index.js';
import { createTestSim } from '../support/harness.js';
import { toy } from '../fixtures/toy-provider/index.js';
import { describeProviderParts } from './provider-parts.js';
import { describeProviderSuite } from './provider-suite.js';

describe('the toy provider', () => {
  it('has a spec that validates against the OpenAPI 3 schema', async () => {
    expect((await SwaggerParser.validate(toy.specFile)).info.title).toBe('Toy API');
  });

  it('is served beside the registered providers: listed, sent through, in the shared outbox', async () => {
    const sim = await createTestSim({ providers: [...PROVIDERS, toy] });
    const health = await sim.http.get('/_sim/health');
    expect(health.body.providers.map((p: { name: string }) => p.name)).toEqual([...PROVIDERS.map((p) => p.name), 'toy']);
    const auth = toy.profile.auth(toy.profile.tenant('beside01'));
    const sent = await sim.client('toy', auth.headers).post(toy.profile.send.path, toy.profile.send.body('+14155550123', 'sixth'));
    expect(sent.status, sent.text).toBe(201);
    const outbox = await sim.http.get('/_sim/messages').query({ provider: 'toy' });
    expect(outbox.body.data).toMatchObject([{ id: toy.profile.sentId(sent.body), status: 'queued', to: '+14155550123' }]);
  });
});

describeProviderParts(toy, { folder: fileURLToPath(new URL('../fixtures/toy-provider/', import.meta.url)) });
describeProviderSuite(toy);
