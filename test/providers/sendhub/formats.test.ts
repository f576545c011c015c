/**
 * SendHub's formats as its doc's examples show them: every timestamp field has the exact shape of the
 * doc's value for that field (naive UTC, microseconds on created_at and sent, seconds on scheduled_at,
 * "YYYY-MM-DD HH:MM:SS" in the acknowledgment, never Z or an offset), and the trailing-slash 301
 * answers JSON like every other answer (issue 20).
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DOC_QUEUED, DOC_SCHEDULE, DOC_SCHEDULED, DOC_SEND, receive, sendhubSim } from './helpers.js';

/** A value's shape: every digit a 9, so '2012-02-17T15:36:36.639968' and '2024-04-08T10:30:01.234000' compare equal. */
const shape = (value: unknown) => (typeof value === 'string' ? value.replace(/[0-9]/g, '9') : value);

/** The doc's example of a message: each timestamp field of `message` must have its shape. */
function expectDocShapes(message: Record<string, unknown>, doc: Record<string, unknown>): void {
  for (const field of ['created_at', 'sent', 'scheduled_at', 'acknowledgment']) {
    if (message[field] === null || doc[field] === null) continue;
    expect(shape(message[field]), `${field}: ${JSON.stringify(message[field])} against the doc's ${JSON.stringify(doc[field])}`).toBe(shape(doc[field]));
  }
}

/** Every string in a body that holds a date: none may carry a zone. */
function datesIn(value: unknown): string[] {
  if (typeof value === 'string') return /\d{4}-\d{2}-\d{2}/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(datesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(datesIn);
  return [];
}

describe('timestamps, field by field, as the doc shows them', () => {
  it('send, get, list, schedule, inbound and mark-as-read, at a time with milliseconds', async () => {
    const { sim, api } = await sendhubSim();
    await sim.advance(1_234);
    const sent = (await api.post('/messages/', DOC_SEND)).body;
    const scheduled = (await api.post('/messages/', DOC_SCHEDULE)).body;
    await sim.advance(1_000);
    const reply = await receive(sim, '+14155550132', 'Hi');
    const read = (await api.put(`/messages/${reply.id}/`, { unread: false })).body;
    const got = (await api.get(`/messages/${sent.id}/`)).body;
    const list = (await api.get('/messages/')).body;

    expect(sent.created_at).toBe('2024-04-08T10:30:01.234000');
    expect(got.sent).toBe('2024-04-08T10:30:02.234000');
    expect(scheduled).toMatchObject({ scheduled_at: '2011-02-17T22:30:00', acknowledgment: 'Message scheduled for delivery at 2011-02-17 22:30:00.' });
    const docFor = (m: Record<string, unknown>) =>
      m.direction === 'from' ? { ...DOC_QUEUED, acknowledgment: null } : m.scheduled_at ? DOC_SCHEDULED : DOC_QUEUED;
    for (const message of [sent, scheduled, reply, read, got, ...list.objects]) expectDocShapes(message, docFor(message));
    const all = [sent, scheduled, reply, read, got, list].flatMap(datesIn);
    expect(all.length).toBeGreaterThan(10);
    for (const date of all) expect(date, date).not.toMatch(/Z|[+-]\d{2}:?\d{2}$|[+-]\d{4}\b/);
  });
});

describe('the trailing-slash 301', () => {
  it('answers JSON like the rest: {"error"} naming where to go, Location with the query kept, before auth', async () => {
    const { sim } = await sendhubSim();
    for (const query of ['?username=USERNAME&api_key=APIKEY', '']) {
      const res = await request(sim.app).get(`/sendhub/v1/messages${query}`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`/sendhub/v1/messages/${query}`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: "Moved permanently to /sendhub/v1/messages/: this API's paths end with a slash (Django's APPEND_SLASH)." });
    }
  });

  it('a HEAD gets the same status and Location, without a body', async () => {
    const { sim } = await sendhubSim();
    const res = await request(sim.app).head('/sendhub/api/v1/contacts/1111');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/sendhub/api/v1/contacts/1111/');
    expect(res.text ?? '').toBe('');
  });
});
