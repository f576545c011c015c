/**
 * SendHub message ids (issue 20): integers, a new account's first one drawn from the seed, sequential
 * within the account. A state document restored through /_sim/state may hold any ids: an account saved
 * when ids started at 1, one with gaps, one in another order. The next id never collides with them.
 */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, FIRST_ID, TENANT, plus, sendhubSim, type SendhubSim } from './helpers.js';

const SCOPE = `?provider=sendhub&tenant=${encodeURIComponent(TENANT)}`;

interface Entry {
  provider: string;
  tenant: string;
  collection: string;
  record: { id: string };
}

/** The account's state document, with its SendHub message records passed through `edit`, restored. */
async function rewrite(sim: SendhubSim['sim'], edit: (messages: Entry[]) => Entry[]): Promise<void> {
  const exported = await sim.http.get(`/_sim/state${SCOPE}`);
  expect(exported.status, exported.text.slice(0, 300)).toBe(200);
  const doc = JSON.parse(exported.text) as { collections: Entry[] };
  const isMessage = (entry: Entry) => entry.collection === 'sh_messages';
  const messages = doc.collections.filter(isMessage);
  expect(messages).toHaveLength(3);
  doc.collections = [...doc.collections.filter((entry) => !isMessage(entry)), ...edit(messages)];
  const restored = await sim.http.put('/_sim/state').send(doc);
  expect(restored.status, restored.text).toBe(200);
}

async function sendThree(api: SendhubSim['api']): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await api.post('/messages/', DOC_SEND)).body.id as string);
  return ids;
}

const withId = (entry: Entry, id: string): Entry => ({ ...entry, record: { ...entry.record, id } });

describe('message ids', () => {
  it('the same seed gives the same first id; another seed another one', async () => {
    const first = async (seed: number) => (await (await sendhubSim({ seed })).api.post('/messages/', DOC_SEND)).body.id as string;
    const seven = await first(7);
    expect(seven).toMatch(FIRST_ID);
    expect(await first(7)).toBe(seven);
    expect(await first(8)).not.toBe(seven);
  });

  it('an account saved when ids started at 1 continues from its count', async () => {
    const { sim, api } = await sendhubSim();
    await sendThree(api);
    await rewrite(sim, (messages) => messages.map((entry, i) => withId(entry, String(i + 1))));
    expect((await api.get('/messages/3/')).status).toBe(200);
    expect((await api.post('/messages/', DOC_SEND)).body.id).toBe('4');
  });

  it('with a gap (a record left out of the document), the last id plus one', async () => {
    const { sim, api } = await sendhubSim();
    const ids = await sendThree(api);
    await rewrite(sim, (messages) => [messages[0]!, messages[2]!]);
    expect((await api.get(`/messages/${ids[1]}/`)).status).toBe(404);
    expect((await api.post('/messages/', DOC_SEND)).body.id).toBe(plus(ids[2]!, 1));
  });

  it('in another order, or with ids that are not numbers, one past the largest integer id', async () => {
    const { sim, api } = await sendhubSim();
    const ids = await sendThree(api);
    // The last record now holds the smallest id, so the last id plus one is taken.
    await rewrite(sim, (messages) => [messages[1]!, messages[2]!, messages[0]!]);
    expect((await api.post('/messages/', DOC_SEND)).body.id).toBe(plus(ids[2]!, 1));

    const other = await sendhubSim();
    await sendThree(other.api);
    await rewrite(other.sim, (messages) => [withId(messages[0]!, '500'), withId(messages[1]!, '900'), withId(messages[2]!, 'imported')]);
    expect((await other.api.post('/messages/', DOC_SEND)).body.id).toBe('901');
  });
});
