import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/http/route-table.js';
import { loadSpec } from '../../src/http/spec.js';

const MSGHUB_SPEC = fileURLToPath(new URL('../../openapi/msghub.yaml', import.meta.url));

const ok: OpenAPIV3.ResponsesObject = { '200': { description: 'ok' } };

/** A hand-made spec: paths in an order that puts templates before literals, to prove ordering is by literalness. */
function tinySpec(paths: OpenAPIV3.PathsObject): OpenAPIV3.Document {
  return { openapi: '3.0.3', info: { title: 'tiny', version: '1' }, paths };
}

describe('RouteTable on the msghub spec', () => {
  let routes: RouteTable;

  beforeAll(async () => {
    routes = new RouteTable(await loadSpec(MSGHUB_SPEC));
  });

  it('knows every operation of the spec', () => {
    const ids = routes.operations.map((o) => o.operationId);
    expect(ids).toEqual(expect.arrayContaining(['sendMessage', 'getMessage', 'listMessages', 'createContact', 'deleteWebhook', 'triggerFlow']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(routes.operations.find((o) => o.operationId === 'getMessage')).toEqual({
      operationId: 'getMessage',
      method: 'get',
      template: '/messages/{messageId}',
      public: false,
    });
  });

  it('a literal path beats a template: POST /messages/send is sendMessage', () => {
    expect(routes.match('POST', '/messages/send')).toEqual({
      kind: 'operation',
      operation: { operationId: 'sendMessage', method: 'post', template: '/messages/send', public: false },
      params: {},
    });
  });

  it('GET /messages/{messageId} is getMessage with the id as a param', () => {
    expect(routes.match('GET', '/messages/msg_abc123')).toEqual({
      kind: 'operation',
      operation: { operationId: 'getMessage', method: 'get', template: '/messages/{messageId}', public: false },
      params: { messageId: 'msg_abc123' },
    });
  });

  it('an operation with security: [] is public', () => {
    const open = new RouteTable({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/receipts': { post: { operationId: 'receipt', security: [], responses: {} } }, '/private': { get: { operationId: 'private', responses: {} } } },
    });
    expect(open.match('POST', '/receipts')).toMatchObject({ kind: 'operation', operation: { operationId: 'receipt', public: true } });
    expect(open.match('GET', '/private')).toMatchObject({ kind: 'operation', operation: { operationId: 'private', public: false } });
  });

  it('GET /messages/send falls through to the template, since the literal path has no GET', () => {
    expect(routes.match('GET', '/messages/send')).toMatchObject({
      kind: 'operation',
      operation: { operationId: 'getMessage' },
      params: { messageId: 'send' },
    });
  });

  it('matches methods case-insensitively and treats HEAD as GET', () => {
    expect(routes.match('post', '/messages/send')).toMatchObject({ kind: 'operation', operation: { operationId: 'sendMessage' } });
    expect(routes.match('HEAD', '/messages')).toMatchObject({ kind: 'operation', operation: { operationId: 'listMessages' } });
    expect(routes.match('head', '/contacts/ct_1')).toMatchObject({
      kind: 'operation',
      operation: { operationId: 'getContact' },
      params: { contactId: 'ct_1' },
    });
  });

  it('nested templates: POST /flows/{flowId}/trigger', () => {
    expect(routes.match('POST', '/flows/flow_welcome/trigger')).toMatchObject({
      kind: 'operation',
      operation: { operationId: 'triggerFlow', template: '/flows/{flowId}/trigger' },
      params: { flowId: 'flow_welcome' },
    });
  });

  it('a wrong method gives 405 with the sorted allow list of the path', () => {
    expect(routes.match('PATCH', '/contacts/ct_1')).toEqual({ kind: 'method_not_allowed', allow: ['DELETE', 'GET', 'PUT'] });
    expect(routes.match('POST', '/messages/msg_1')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(routes.match('DELETE', '/messages')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    expect(routes.match('GET', '/flows/flow_1/trigger')).toEqual({ kind: 'method_not_allowed', allow: ['POST'] });
    expect(routes.match('PUT', '/contacts')).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'POST'] });
  });

  it('the allow list of a path matched by a literal and a template includes both', () => {
    // /messages/send is POST on the literal path and GET (messageId = "send") on the template.
    expect(routes.match('DELETE', '/messages/send')).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'POST'] });
  });

  it.each(['/', '', '/nope', '/messages/', '/messages/msg_1/extra', '/contacts//', '/api/v1/messages', '/Messages', '/messages/send/'])(
    'not found: %j',
    (path) => {
      expect(routes.match('GET', path)).toEqual({ kind: 'not_found' });
    },
  );

  it('path params are percent-decoded', () => {
    expect(routes.match('GET', '/contacts/ct%20one')).toMatchObject({ params: { contactId: 'ct one' } });
    expect(routes.match('GET', '/contacts/%E2%9C%93')).toMatchObject({ params: { contactId: '\u2713' } });
    expect(routes.match('GET', '/messages/msg%2Fslash')).toMatchObject({ operation: { operationId: 'getMessage' }, params: { messageId: 'msg/slash' } });
    expect(routes.match('DELETE', '/webhooks/wh_%41%42')).toMatchObject({ params: { webhookId: 'wh_AB' } });
  });

  it('a malformed percent-encoding is passed through as is rather than throwing', () => {
    expect(routes.match('GET', '/contacts/%E0%A4%A')).toMatchObject({ kind: 'operation', params: { contactId: '%E0%A4%A' } });
    expect(routes.match('GET', '/contacts/100%')).toMatchObject({ kind: 'operation', params: { contactId: '100%' } });
  });
});

describe('RouteTable on a hand-made spec', () => {
  it('literal beats template whatever the declaration order', () => {
    const routes = new RouteTable(
      tinySpec({
        '/items/{itemId}': { get: { operationId: 'getItem', responses: ok } },
        '/items/special': { get: { operationId: 'getSpecial', responses: ok } },
        '/items/{itemId}/parts/{partId}': { get: { operationId: 'getPart', responses: ok } },
        '/items/special/parts/{partId}': { get: { operationId: 'getSpecialPart', responses: ok } },
      }),
    );
    expect(routes.match('GET', '/items/special')).toMatchObject({ operation: { operationId: 'getSpecial' }, params: {} });
    expect(routes.match('GET', '/items/other')).toMatchObject({ operation: { operationId: 'getItem' }, params: { itemId: 'other' } });
    expect(routes.match('GET', '/items/special/parts/p1')).toMatchObject({ operation: { operationId: 'getSpecialPart' }, params: { partId: 'p1' } });
    expect(routes.match('GET', '/items/i1/parts/p%201')).toMatchObject({ operation: { operationId: 'getPart' }, params: { itemId: 'i1', partId: 'p 1' } });
  });

  it('regex metacharacters in literal segments are matched literally', () => {
    const routes = new RouteTable(tinySpec({ '/v1.0/a+b': { get: { operationId: 'dotted', responses: ok } } }));
    expect(routes.match('GET', '/v1.0/a+b')).toMatchObject({ kind: 'operation', operation: { operationId: 'dotted' } });
    expect(routes.match('GET', '/v1x0/a+b')).toEqual({ kind: 'not_found' });
    expect(routes.match('GET', '/v1.0/aab')).toEqual({ kind: 'not_found' });
  });

  it('an empty spec matches nothing', () => {
    const routes = new RouteTable(tinySpec({}));
    expect(routes.operations).toEqual([]);
    expect(routes.match('GET', '/anything')).toEqual({ kind: 'not_found' });
  });
});
