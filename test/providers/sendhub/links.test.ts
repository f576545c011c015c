/**
 * Every link SendHub writes (meta.next, meta.previous, resource_uri) followed as given, the way a
 * Tastypie client follows it: joined to the host it called, nothing rewritten, the credentials the
 * link carries (next/previous) or the client adds (resource_uri). Both mount modes: under /sendhub,
 * and alone at the root (`msgsim --provider sendhub`). Issue 20: these links used to 404.
 */
import { describe, expect, it } from 'vitest';
import { APIKEY, USERNAME, plus, receive, sendhubSim, type SendhubSim } from './helpers.js';

const ITEMS = 250;
const AUTH = `username=${USERNAME}&api_key=${APIKEY}`;

/** A GET of a link as given, through the spec-checking harness; answers must be 200. */
async function follow(sim: SendhubSim['sim'], link: string): Promise<Record<string, any>> {
  expect(link, 'a path on the host, not a full URL').toMatch(/^\//);
  const res = await sim.http.get(link);
  expect(res.status, `${link} → ${res.status} ${res.text}`).toBe(200);
  return res.body as Record<string, any>;
}

/** A resource_uri carries no credentials: the client adds them, as to any request. */
const withAuth = (uri: string) => `${uri}${uri.includes('?') ? '&' : '?'}${AUTH}`;

describe.each([
  ['under /sendhub', undefined, '/sendhub'],
  ['alone at the root (--provider sendhub)', 'sendhub', ''],
])('links %s', (_mode, only, mount) => {
  it(`a ${ITEMS}-message list walked by following next alone, back by previous, and every resource_uri`, { timeout: 60_000 }, async () => {
    const { sim, api } = await sendhubSim(only ? { only } : {});
    const sent: string[] = [];
    for (let i = 1; i <= ITEMS; i++) {
      const res = await api.post('/messages/', { contacts: [1111], text: `Message ${i}` });
      expect(res.status).toBe(201);
      sent.push(res.body.id as string);
    }

    // Forward: the first page is the doc's request URL; every later one is only meta.next, as given.
    const pages: Array<Record<string, any>> = [];
    let page = await follow(sim, `${mount}/v1/messages/?${AUTH}`);
    pages.push(page);
    while (page.meta.next !== null) {
      expect(page.meta.next).toMatch(new RegExp(`^${mount}/api/v1/messages/\\?`));
      page = await follow(sim, page.meta.next as string);
      pages.push(page);
    }
    const seen = pages.flatMap((p) => p.objects as Array<{ id: string; resource_uri: string }>);
    expect(pages).toHaveLength(Math.ceil(ITEMS / 20));
    expect(seen.map((m) => m.id)).toEqual(sent.toReversed());
    // Consecutive from the account's first id.
    expect(sent).toEqual(sent.map((_, i) => plus(sent[0]!, i)));
    for (const p of pages) expect(p.meta.total_count).toBe(ITEMS);

    // Back: previous from the last page lands on each earlier page in turn, then is null.
    let back = pages.length - 1;
    while (pages[back]!.meta.previous !== null) {
      const previous = await follow(sim, pages[back]!.meta.previous as string);
      back--;
      expect(previous.objects).toEqual(pages[back]!.objects);
    }
    expect(back).toBe(0);

    // Every resource_uri seen is the message it was listed as.
    for (const message of seen) {
      expect(message.resource_uri).toBe(`${mount}/api/v1/messages/${message.id}/`);
      expect(await follow(sim, withAuth(message.resource_uri))).toEqual(message);
    }
  });

  it('the send, an inbound reply, contacts and groups: every resource_uri and list link leads to its object', async () => {
    const { sim, api } = await sendhubSim(only ? { only } : {});
    const sent = (await api.post('/messages/', { contacts: [1111], text: 'Hi' })).body;
    expect(await follow(sim, withAuth(sent.resource_uri as string))).toEqual(sent);
    const reply = await receive(sim, '+14155550132', 'Hello back');
    expect(reply.resource_uri).toBe(`${mount}/api/v1/messages/${reply.id}/`);
    expect(await follow(sim, withAuth(reply.resource_uri as string))).toEqual(reply);

    for (const resource of ['contacts', 'groups']) {
      let page = await follow(sim, `${mount}/v1/${resource}/?${AUTH}&limit=1`);
      const objects = [...page.objects];
      while (page.meta.next) objects.push(...(page = await follow(sim, page.meta.next as string)).objects);
      expect(objects.length).toBe(page.meta.total_count);
      for (const object of objects) expect(await follow(sim, withAuth(object.resource_uri as string))).toEqual(object);
    }
  });

  it('/v1/ and /api/v1/ serve the same account, and each redirects a GET without its slash to itself', async () => {
    const { sim, api } = await sendhubSim(only ? { only } : {});
    const { id } = (await api.post('/messages/', { contacts: [1111], text: 'Hi' })).body;
    const v1 = await follow(sim, `${mount}/v1/messages/${id}/?${AUTH}`);
    expect(v1).toMatchObject({ id, text: 'Hi' });
    expect(await follow(sim, `${mount}/api/v1/messages/${id}/?${AUTH}`)).toEqual(v1);
    const posted = await sim.http.post(`${mount}/api/v1/messages/?${AUTH}`).send({ contacts: [1112], text: 'Via the alias' });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.id).toBe(plus(id, 1));
    expect((await follow(sim, `${mount}/v1/messages/?${AUTH}`)).meta.total_count).toBe(2);
    for (const base of ['/v1', '/api/v1']) {
      const res = await sim.http.get(`${mount}${base}/messages/${posted.body.id}?${AUTH}`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`${mount}${base}/messages/${posted.body.id}/?${AUTH}`);
    }
  });
});
