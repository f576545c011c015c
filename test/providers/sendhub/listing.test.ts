/** Tastypie lists: GET /v1/messages/, /v1/contacts/, /v1/groups/ and their details. */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, LINKS, NUMBERS, expectError, plus, receive, sendhubSim, type SendhubSim } from './helpers.js';

/** Sends `n` messages and returns their ids, oldest first: consecutive numbers. */
async function sendMany(api: SendhubSim['api'], n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const res = await api.post('/messages/', { contacts: [1111], text: `Message ${i}` });
    expect(res.status).toBe(201);
    ids.push(res.body.id as string);
  }
  expect(ids).toEqual(ids.map((_, i) => plus(ids[0]!, i)));
  return ids;
}

const AUTH = 'username=USERNAME&api_key=APIKEY';

describe('GET /v1/messages/', () => {
  it('is Tastypie-shaped: meta (limit 20, offset 0) and objects, empty for a new account', async () => {
    const { api } = await sendhubSim();
    const res = await api.get('/messages/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: { limit: 20, next: null, offset: 0, previous: null, total_count: 0 }, objects: [] });
    expect(res.text.startsWith('{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":0}')).toBe(true);
  });

  it('lists both directions, newest first, and pages with next/previous that carry the query string', async () => {
    const { sim, api } = await sendhubSim();
    const sent = await sendMany(api, 24);
    const reply = await receive(sim, NUMBERS[1112]!, 'A reply');
    expect(reply.id).toBe(plus(sent[23]!, 1));
    const newestFirst = [reply.id as string, ...sent.toReversed()];
    const first = await api.get('/messages/');
    expect(first.body.meta).toEqual({
      limit: 20,
      next: `${LINKS}/messages/?${AUTH}&limit=20&offset=20`,
      offset: 0,
      previous: null,
      total_count: 25,
    });
    expect(first.body.objects.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(0, 20));
    expect(first.body.objects[0]).toMatchObject({ direction: 'from', text: 'A reply' });

    // Following next: the /api/v1/ URI (like resource_uri) names the same list msgsim serves at /v1/.
    const next = new URL(first.body.meta.next, 'http://x');
    const second = await api.get('/messages/', undefined, { query: { limit: next.searchParams.get('limit')!, offset: next.searchParams.get('offset')! } });
    expect(second.body.objects.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(20));
    expect(second.body.objects.map((m: { id: string }) => m.id)).toEqual(sent.slice(0, 5).toReversed());
    expect(second.body.meta).toEqual({ limit: 20, next: null, offset: 20, previous: `${LINKS}/messages/?${AUTH}&limit=20&offset=0`, total_count: 25 });
  });

  it("previous is null when offset - limit < 0 (Tastypie's paginator), and filters stay in the links", async () => {
    const { api } = await sendhubSim();
    const sent = await sendMany(api, 12);
    const res = await api.get('/messages/', undefined, { query: { direction: 'to', offset: 3, limit: 4 } });
    expect(res.body.meta).toEqual({
      limit: 4,
      next: `${LINKS}/messages/?${AUTH}&direction=to&limit=4&offset=7`,
      offset: 3,
      previous: null,
      total_count: 12,
    });
    // Newest first, skipping the 3 newest: the 9th to the 6th sent.
    expect(res.body.objects.map((m: { id: string }) => m.id)).toEqual(sent.slice(5, 9).toReversed());
  });

  it('limit 0 or above 1000 means 1000; negative or non-integer limit/offset is a 400', async () => {
    const { api } = await sendhubSim();
    await sendMany(api, 3);
    expect((await api.get('/messages/', undefined, { query: { limit: 0 } })).body.meta).toMatchObject({ limit: 1000, total_count: 3, next: null });
    expect((await api.get('/messages/', undefined, { query: { limit: 5000 } })).body.meta.limit).toBe(1000);
    expect((await api.get('/messages/', undefined, { query: { offset: 10 } })).body).toMatchObject({ objects: [], meta: { offset: 10, total_count: 3 } });
    expectError(await api.get('/messages/', undefined, { query: { limit: -1 } }), 400, /limit/);
    expectError(await api.get('/messages/', undefined, { query: { limit: 'ten' } }), 400, /limit/);
    expectError(await api.get('/messages/', undefined, { query: { offset: -1 } }), 400, /offset/);
  });

  it('filters by direction and unread', async () => {
    const { sim, api } = await sendhubSim();
    const sent = await api.post('/messages/', DOC_SEND);
    const reply = await receive(sim, NUMBERS[1111]!, 'Yes');
    const ids = async (query: Record<string, string>) => (await api.get('/messages/', undefined, { query })).body.objects.map((m: { id: string }) => m.id);
    expect(reply.id).not.toBe(sent.body.id);
    expect(await ids({ direction: 'to' })).toEqual([sent.body.id]);
    expect(await ids({ direction: 'from' })).toEqual([reply.id]);
    expect(await ids({ unread: 'true' })).toEqual([reply.id]);
    expect(await ids({ unread: 'false' })).toEqual([]);
    expectError(await api.get('/messages/', undefined, { query: { direction: 'sideways' } }), 400, /direction/);
  });

  it("accepts format=json (Tastypie); refuses other formats, ordering and unknown parameters in Tastypie's words", async () => {
    const { api } = await sendhubSim();
    expect((await api.get('/messages/', undefined, { query: { format: 'json' } })).status).toBe(200);
    expectError(
      await api.get('/messages/', undefined, { query: { format: 'xml' } }),
      400,
      "The format indicated 'xml' had no available serialization method. Please check your ``formats`` and ``content_types`` on your Serializer.",
    );
    expectError(await api.get('/messages/', undefined, { query: { order_by: '-id' } }), 400, "The 'id' field does not allow ordering.");
    expectError(await api.get('/messages/', undefined, { query: { status: 'sent' } }), 400, "The 'status' field does not allow filtering.");
  });
});

describe('contacts and groups', () => {
  it("a new account has the doc's contacts 1111, 1112, 1113 and 21399", async () => {
    const { api } = await sendhubSim();
    const res = await api.get('/contacts/');
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ limit: 20, next: null, offset: 0, previous: null, total_count: 4 });
    expect(res.body.objects.map((c: { id: string }) => c.id)).toEqual(['1111', '1112', '1113', '21399']);
    for (const contact of res.body.objects) {
      expect(contact).toEqual({
        id: contact.id,
        name: expect.any(String),
        number: NUMBERS[Number(contact.id)],
        resource_uri: `${LINKS}/contacts/${contact.id}/`,
      });
    }
    expect((await api.get('/contacts/21399/')).body).toEqual(res.body.objects[3]);
    expectError(await api.get('/contacts/9999/'), 404, 'No contact 9999 in this account.');
  });

  it('and the groups 1000 and 1001 with their members', async () => {
    const { api } = await sendhubSim();
    const res = await api.get('/groups/', undefined, { query: { limit: 1 } });
    expect(res.body.meta).toEqual({ limit: 1, next: `${LINKS}/groups/?${AUTH}&limit=1&offset=1`, offset: 0, previous: null, total_count: 2 });
    expect(res.body.objects).toEqual([{ contacts: [1111, 1112], id: '1000', name: 'Staff', resource_uri: `${LINKS}/groups/1000/` }]);
    expect((await api.get('/groups/1001/')).body).toMatchObject({ id: '1001', contacts: [1113, 21399] });
    expectError(await api.get('/groups/1002/'), 404, 'No group 1002 in this account.');
  });
});
