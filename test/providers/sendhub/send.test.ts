/** POST /v1/messages/: the doc's rules on contacts, groups, text and scheduled_at, and the magic recipients. */
import { describe, expect, it } from 'vitest';
import { isE164 } from '../../../src/engine/contact-points.js';
import { DOC_SEND, NUMBERS, at, expectError, outbox, sendhubSim } from './helpers.js';

/** n distinct valid cell numbers that are none of the fixture contacts. */
const cellNumbers = (n: number): string[] => Array.from({ length: n }, (_, i) => `+1415555${String(200 + i).padStart(4, '0')}`);

describe('contacts', () => {
  it('takes ids as integers or numeric strings and cell numbers, echoing ids as integers', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: ['1112', 1113, '+16505551234'], text: 'Hi' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.contacts).toEqual([1112, 1113, '+16505551234']);
    expect((await outbox(sim)).map((m) => m.to).sort()).toEqual([NUMBERS[1112], NUMBERS[1113], '+16505551234'].sort());
  });

  it('an unknown contact id is the error the doc warns of: 400 naming the id, nothing stored', async () => {
    const { sim, api } = await sendhubSim();
    for (const contacts of [[9999], ['9999'], [1111, 9999]]) {
      expectError(await api.post('/messages/', { contacts, text: 'Hi' }), 400, 'Invalid contact id 9999: it is not one of your contacts.');
    }
    // A bare national number is read as a contact id, as SendHub's contacts are ids or +numbers.
    expectError(await api.post('/messages/', { contacts: ['6505551234'], text: 'Hi' }), 400, /^Invalid contact id 6505551234/);
    expect(await outbox(sim)).toHaveLength(0);
    expect((await api.get('/messages/')).body.meta.total_count).toBe(0);
  });

  it('a cell number that is not E.164, or a value that is neither id nor number, is a 400 naming it', async () => {
    const { api } = await sendhubSim();
    expectError(await api.post('/messages/', { contacts: ['+1650'], text: 'Hi' }), 400, /'\+1650'.*E\.164/);
    expectError(await api.post('/messages/', { contacts: ['+1 650 555 1234'], text: 'Hi' }), 400, /'\+1 650 555 1234'/);
    expectError(await api.post('/messages/', { contacts: ['alice'], text: 'Hi' }), 400, /^Invalid contact 'alice'/);
    expectError(await api.post('/messages/', { contacts: [0], text: 'Hi' }), 400);
  });

  it('max 20: twenty are accepted, twenty-one refused', async () => {
    const { sim, api } = await sendhubSim();
    const twenty = cellNumbers(20);
    expect(twenty.every(isE164)).toBe(true);
    const ok = await api.post('/messages/', { contacts: twenty, text: 'Hi' });
    expect(ok.status, ok.text).toBe(201);
    expect(await outbox(sim)).toHaveLength(20);
    expectError(await api.post('/messages/', { contacts: cellNumbers(21), text: 'Hi' }), 400, /contacts.*20/);
    expect(await outbox(sim)).toHaveLength(20);
  });

  it('the same number named twice (by id and as a number) gets one message', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: [1111, NUMBERS[1111], '1111'], groups: [1000], text: 'Hi' });
    expect(res.status).toBe(201);
    expect((await outbox(sim)).map((m) => m.to).sort()).toEqual([NUMBERS[1111], NUMBERS[1112]].sort());
  });
});

describe('groups', () => {
  it('a group goes to each member; contacts comes back null when not sent', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', { groups: ['1001'], text: 'Hi team' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ contacts: null, groups: [1001] });
    const stored = await outbox(sim);
    expect(stored.map((m) => m.data.contactId).sort()).toEqual([1113, 21399]);
  });

  it('max 3, and an unknown group id is a 400 naming it', async () => {
    const { sim, api } = await sendhubSim();
    expect((await api.post('/messages/', { groups: [1000, 1001, 1000], text: 'Hi' })).status).toBe(201);
    expectError(await api.post('/messages/', { groups: [1000, 1001, 1000, 1001], text: 'Hi' }), 400, /groups.*3/);
    expectError(await api.post('/messages/', { groups: [1002], text: 'Hi' }), 400, 'Invalid group id 1002: it is not one of your groups.');
    expectError(await api.post('/messages/', { groups: ['staff'], text: 'Hi' }), 400, "Invalid group id 'staff': use a group id from your groups.");
    // Only the first send went out: to the four distinct members of 1000 and 1001.
    expect(await outbox(sim)).toHaveLength(4);
  });

  it('at least one contact or group is needed', async () => {
    const { api } = await sendhubSim();
    for (const body of [{ text: 'Hi' }, { contacts: [], text: 'Hi' }, { contacts: [], groups: [], text: 'Hi' }, { contacts: null, groups: null, text: 'Hi' }]) {
      expectError(await api.post('/messages/', body), 400, 'A message needs at least one contact or group.');
    }
  });
});

describe('text', () => {
  it('max 500 characters; required and not empty', async () => {
    const { api } = await sendhubSim();
    const ok = await api.post('/messages/', { contacts: [1111], text: 'é'.repeat(500) });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.text).toBe('é'.repeat(500));
    expectError(await api.post('/messages/', { contacts: [1111], text: 'x'.repeat(501) }), 400, /text.*500/);
    expectError(await api.post('/messages/', { contacts: [1111], text: '' }), 400, /text/);
    expectError(await api.post('/messages/', { contacts: [1111] }), 400, /text/);
  });
});

describe('scheduled_at', () => {
  it('converts the offset to UTC for scheduled_at and the acknowledgment', async () => {
    const { api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: [1111], text: 'Hi', scheduled_at: '2024-04-09T09:15:30+0530' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      scheduled_at: '2024-04-09T03:45:30',
      acknowledgment: 'Message scheduled for delivery at 2024-04-09 03:45:30.',
      sent: null,
    });
  });

  it.each([
    ['23 characters', '2011-02-17T14:30:00-080'],
    ['25 characters', '2011-02-17T14:30:00-08:00'],
    ['no offset', '2011-02-17T14:30:00.0000'],
    ['Z instead of an offset', '2011-02-17T14:30:00.000Z'],
    ['a day that does not exist', '2011-02-30T14:30:00-0800'],
    ['hour 24', '2011-02-17T24:30:00-0800'],
    ['offset minutes 60', '2011-02-17T14:30:00-0860'],
  ])('%s is a 400 naming scheduled_at, nothing stored', async (_label, value) => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages/', { contacts: [1111], text: 'Hi', scheduled_at: value }), 400, /scheduled_at/);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('null means now', async () => {
    const { api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: [1111], text: 'Hi', scheduled_at: null });
    expect(res.body).toMatchObject({ scheduled_at: null, acknowledgment: 'Message queued for sending.', created_at: at(0) });
  });
});

describe('bad requests', () => {
  it('unknown and read-only fields are refused by name', async () => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages/', { ...DOC_SEND, id: '7' }), 400, /'id'/);
    expectError(await api.post('/messages/', { ...DOC_SEND, direction: 'from' }), 400, /'direction'/);
    expectError(await api.post('/messages/', { ...DOC_SEND, unread: true }), 400, /'unread'/);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('malformed JSON is 400 and another media type 415, both as {"error": …} in Tastypie\'s serializer words', async () => {
    const { api } = await sendhubSim();
    expectError(await api.post('/messages/', undefined, { raw: '{"contacts": [1111],' }), 400, 'Request is not valid JSON.');
    expectError(
      await api.post('/messages/', undefined, { raw: 'contacts=1111&text=Hi', contentType: 'application/x-www-form-urlencoded' }),
      415,
      "The format indicated 'application/x-www-form-urlencoded' had no available deserialization method. Please check your ``formats`` and ``content_types`` on your Serializer.",
    );
  });
});

describe('magic recipients at send', () => {
  it('+15005550001 → 400 naming the number; nothing stored, even for the other recipients', async () => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages/', { contacts: [1111, '+15005550001'], text: 'Hi' }), 400, /'\+15005550001'/);
    expect(await outbox(sim)).toHaveLength(0);
    expect((await api.get('/messages/')).body.meta.total_count).toBe(0);
  });

  it('+15005550005 → 429 {"error"} with Retry-After', async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: ['+15005550005'], text: 'Hi' });
    expectError(res, 429);
    expect(res.headers['retry-after']).toBe('30');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it("+15005550006 → 500 with Tastypie's canned error_message", async () => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', { contacts: ['+15005550006'], text: 'Hi' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error_message: 'Sorry, this request could not be processed. Please try again later.' });
    expect(await outbox(sim)).toHaveLength(0);
  });
});
