/** SendHub's doc, example by example: the cURL call and every JSON request and response, ids and times aside. */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import {
  DOC_QUEUED,
  DOC_SCHEDULE,
  DOC_SCHEDULED,
  DOC_SEND,
  DOC_SEND_MANY,
  DOC_SEND_NUMBER,
  FIRST_ID,
  LINKS,
  NUMBERS,
  TENANT,
  TIMESTAMP,
  at,
  outbox,
  receive,
  sendhubSim,
} from './helpers.js';

describe("the doc's cURL example", () => {
  it('works unchanged but for the host: same URL, header and body bytes → 201 with the documented fields', async () => {
    const { sim } = await sendhubSim();
    // curl -H "Content-Type: application/json" -X POST --data '{"contacts" : [1111],"text" : "Testing"}'
    //   'https://api.sendhub.com/v1/messages/?username=USERNAME&api_key=APIKEY'
    const res = await sim.http
      .post('/sendhub/v1/messages/?username=USERNAME&api_key=APIKEY')
      .set('Content-Type', 'application/json')
      .send('{"contacts" : [1111],"text" : "Testing"}');
    expect(res.status, res.text).toBe(201);
    // Exactly the doc's fields, in the doc's (sorted) order.
    expect(Object.keys(res.body)).toEqual(Object.keys(DOC_QUEUED));
    const { id } = res.body;
    expect(id).toMatch(FIRST_ID);
    expect(res.body).toEqual({
      ...DOC_QUEUED,
      created_at: at(0),
      id,
      resource_uri: `${LINKS}/messages/${id}/`,
      // Not yet sent: it leaves the queue on the clock (1 s), where the doc's example was already sent.
      sent: null,
    });
    expect(res.text.indexOf('"acknowledgment"')).toBeLessThan(res.text.indexOf('"unread"'));
    const stored = await outbox(sim);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ to: NUMBERS[1111], status: 'queued', tenant: TENANT, data: { parentId: id, text: 'Testing', contactId: 1111 } });
  });
});

describe("the doc's JSON request examples", () => {
  it('contacts and groups: goes to every distinct number once, and echoes the lists', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', DOC_SEND_MANY);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      contacts: [1111, 1112, 1113],
      groups: [1000, 1001],
      text: 'Testing',
      direction: 'to',
      acknowledgment: 'Message queued for sending.',
    });
    // Groups 1000 (1111, 1112) and 1001 (1113, 21399) overlap the contacts: four numbers in all.
    const numbers = (await outbox(sim)).map((m) => m.to).sort();
    expect(numbers).toEqual([NUMBERS[1111], NUMBERS[1112], NUMBERS[1113], NUMBERS[21399]].sort());
  });

  it('a cell number: sent straight to it, echoed as the string sent', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', DOC_SEND_NUMBER);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ contacts: ['+16505551234'], groups: null, text: 'Testing' });
    const stored = await outbox(sim);
    expect(stored.map((m) => m.to)).toEqual(['+16505551234']);
    expect(stored[0]!.data.contactId).toBeUndefined();
  });

  it('scheduling: the acknowledgment and scheduled_at come back in UTC, sent is null', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', DOC_SCHEDULE);
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body)).toEqual(Object.keys(DOC_SCHEDULED));
    const { id } = res.body;
    expect(id).toMatch(FIRST_ID);
    expect(res.body).toEqual({ ...DOC_SCHEDULED, contacts: [1111], created_at: at(0), id, resource_uri: `${LINKS}/messages/${id}/` });
    expect((await outbox(sim))[0]).toMatchObject({ status: 'queued', sendAt: '2011-02-17T22:30:00.000Z' });
  });
});

describe("the doc's GET and PUT examples", () => {
  it('GET /messages/ID/ shows the status: sent is set once the message has left the queue', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND)).body;
    const before = await api.get(`/messages/${id}/`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id, sent: null, acknowledgment: 'Message queued for sending.' });
    await sim.advance(1_000);
    const after = await api.get(`/messages/${id}/`);
    expect(Object.keys(after.body)).toEqual(Object.keys(DOC_QUEUED));
    expect(after.body).toEqual({ ...DOC_QUEUED, created_at: at(0), sent: at(1_000), id, resource_uri: `${LINKS}/messages/${id}/` });
    expect(after.body.sent).toMatch(TIMESTAMP);
  });

  it('PUT {"unread": false} marks an inbound message as read', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, NUMBERS[1111]!, 'Got it');
    const res = await api.put(`/messages/${reply.id}/`, { unread: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: reply.id, direction: 'from', unread: false });
  });
});

describe("the spec's own examples", () => {
  it('every request body example of openapi/sendhub.yaml works as written', async () => {
    const { sim, api } = await sendhubSim();
    const spec = (await SwaggerParser.dereference(specPath('sendhub'))) as OpenAPIV3.Document;
    const media = (path: string, method: 'post' | 'put') =>
      ((spec.paths[path] as OpenAPIV3.PathItemObject)[method]!.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!;
    const examples = (path: string, method: 'post' | 'put') => {
      const m = media(path, method);
      return [...(m.example !== undefined ? [m.example] : []), ...Object.values(m.examples ?? {}).map((e) => (e as OpenAPIV3.ExampleObject).value)];
    };
    const sends = examples('/messages/', 'post');
    expect(sends).toHaveLength(4);
    for (const example of sends) {
      const res = await api.post('/messages/', example);
      expect(res.status, `${JSON.stringify(example)} → ${res.text}`).toBe(201);
    }
    const reply = await receive(sim, '+16505551234', 'hi');
    for (const example of examples('/messages/{id}/', 'put')) {
      const res = await api.put(`/messages/${reply.id}/`, example);
      expect(res.status, res.text).toBe(200);
    }
  });
});
