/**
 * SendHub's words for every request it refuses: Tastypie's sentences where it has one, msgsim's in the
 * same voice elsewhere, never the shared request validator's ("must have required property 'text'",
 * issue 20). Each case goes through the HTTP API and is checked against openapi/sendhub.yaml.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import { MAX_CONTACTS, MAX_GROUPS, MAX_TEXT_CHARS } from '../../../src/providers/sendhub/wording.js';
import { expectError, outbox, receive, sendhubSim } from './helpers.js';

const SEND = { contacts: [1111], text: 'Testing' };

/** What Ajv or the generic mapping would say; none of it may reach a SendHub client. */
const VALIDATOR_WORDS =
  /must have required property|must NOT have|must be (string|integer|number|boolean|array|object|null|equal to)\b|must be [<>]=?|must match (pattern|format)|must match exactly one|Unknown (query parameter|field)|Empty value found|not valid JSON:/;

const sends: Array<[string, unknown, string]> = [
  ['no text', { contacts: [1111] }, "The 'text' field has no data and doesn't allow a default or null value."],
  ['text null', { contacts: [1111], text: null }, "The 'text' field has no data and doesn't allow a default or null value."],
  ['text a number', { contacts: [1111], text: 15 }, 'The \'text\' field must be a string, e.g. "Testing"; got 15.'],
  ['text empty', { contacts: [1111], text: '' }, "The 'text' field is empty: a message needs some text."],
  ['text of 501 characters', { contacts: [1111], text: 'x'.repeat(501) }, "The 'text' field is 501 characters long: Max 500 chars."],
  ['21 contacts', { contacts: Array.from({ length: 21 }, () => 1111), text: 'x' }, "The 'contacts' field has 21 entries: Max 20."],
  [
    'contacts not a list',
    { contacts: 1111, text: 'x' },
    'The \'contacts\' field must be a list of contact ids or cell numbers, e.g. [1111] or ["+16505551234"]; got 1111.',
  ],
  [
    'a contact that is true',
    { contacts: [1111, true], text: 'x' },
    "Invalid contact 'true': use a contact id from your contacts or a cell number such as +16505551234.",
  ],
  ['a contact that is 0', { contacts: [0], text: 'x' }, "Invalid contact '0': use a contact id from your contacts or a cell number such as +16505551234."],
  [
    'a contact that is an object',
    { contacts: [{ id: 1111 }], text: 'x' },
    'Invalid contact \'{"id":1111}\': use a contact id from your contacts or a cell number such as +16505551234.',
  ],
  ['4 groups', { groups: [1000, 1001, 1002, 1003], text: 'x' }, "The 'groups' field has 4 entries: Max 3."],
  ['groups not a list', { groups: 'staff', text: 'x' }, 'The \'groups\' field must be a list of group ids, e.g. [1000]; got "staff".'],
  ['a group that is negative', { groups: [-1], text: 'x' }, "Invalid group id '-1': use a group id from your groups."],
  [
    'scheduled_at without a time',
    { ...SEND, scheduled_at: '2011-02-17' },
    "Invalid scheduled_at '2011-02-17': it must be a timestamp of exactly 24 characters with its timezone, e.g. 2011-02-17T20:29:40-0800.",
  ],
  [
    'scheduled_at a number',
    { ...SEND, scheduled_at: 1297981800 },
    "Invalid scheduled_at '1297981800': it must be a timestamp of exactly 24 characters with its timezone, e.g. 2011-02-17T20:29:40-0800.",
  ],
  ['an unknown field', { ...SEND, priority: 'high' }, "The 'priority' field is not one you can set on a message."],
  ['unread on a new message', { ...SEND, unread: false }, "The 'unread' field cannot be set on a new message: mark an inbound message as read with PUT."],
  ['a list for a body', [SEND], 'The request body must be a JSON object.'],
];

const lists: Array<[string, Record<string, string>, string]> = [
  ['limit not a number', { limit: 'ten' }, "Invalid limit 'ten' provided. Please provide a positive integer."],
  ['limit negative', { limit: '-1' }, "Invalid limit '-1' provided. Please provide a positive integer >= 0."],
  ['limit empty', { limit: '' }, "Invalid limit '' provided. Please provide a positive integer."],
  ['offset not a number', { offset: 'x' }, "Invalid offset 'x' provided. Please provide an integer."],
  ['offset negative', { offset: '-20' }, "Invalid offset '-20' provided. Please provide a positive integer >= 0."],
  ['direction unknown', { direction: 'sideways' }, "Invalid direction 'sideways': filter with direction=to (outbound) or direction=from (inbound)."],
  ['unread not a boolean', { unread: 'maybe' }, "'maybe' value must be either True or False."],
  ['an unknown filter', { status: 'sent' }, "The 'status' field does not allow filtering."],
  ['ordering', { order_by: 'created_at' }, "The 'created_at' field does not allow ordering."],
];

describe('sends refused in SendHub words, naming the field, nothing stored', () => {
  it.each(sends)('%s', async (_label, body, message) => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages/', body), 400, message);
    expect(await outbox(sim)).toHaveLength(0);
  });
});

describe('list parameters refused in SendHub (Tastypie paginator and filter) words', () => {
  it.each(lists)('%s', async (_label, query, message) => {
    const { api } = await sendhubSim();
    expectError(await api.get('/messages/', undefined, { query }), 400, message);
  });

  it('a parameter given twice', async () => {
    const { sim } = await sendhubSim();
    const res = await sim.http.get('/sendhub/v1/messages/?username=USERNAME&api_key=APIKEY&limit=1&limit=2');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "The 'limit' parameter is given 2 times; give it once." });
  });
});

describe('marking as read, and bodies that are not JSON', () => {
  it('PUT with unread not a boolean, or another field', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, '+14155550132', 'Hi');
    expectError(
      await api.put(`/messages/${reply.id}/`, { unread: 'no' }),
      400,
      'The \'unread\' field must be false (got "no"): you may only mark a message as read.',
    );
    expectError(await api.put(`/messages/${reply.id}/`, { read: true }), 400, "The 'read' field is not one you can set on a message.");
    expect((await api.get(`/messages/${reply.id}/`)).body.unread).toBe(true);
  });

  it("malformed JSON, JSON's null and another media type: Tastypie's serializer", async () => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages/', undefined, { raw: '{"text": ' }), 400, 'Request is not valid JSON.');
    expectError(await api.post('/messages/', undefined, { raw: 'null' }), 400, 'Request is not valid JSON.');
    expectError(
      await api.post('/messages/', undefined, { raw: 'text=Hi', contentType: 'text/plain; charset=utf-8' }),
      415,
      "The format indicated 'text/plain' had no available deserialization method. Please check your ``formats`` and ``content_types`` on your Serializer.",
    );
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('no validator sentence leaks, whatever the case', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, '+14155550132', 'Hi');
    const answers = [
      ...(await Promise.all(sends.map(([, body]) => api.post('/messages/', body)))),
      ...(await Promise.all(lists.map(([, query]) => api.get('/messages/', undefined, { query })))),
      await api.put(`/messages/${reply.id}/`, { unread: 1 }),
      await api.put(`/messages/${reply.id}/`, { unread: false, contacts: [1] }),
      await api.get('/contacts/', undefined, { query: { limit: '1.5' } }),
      await api.get('/groups/', undefined, { query: { format: 'xml' } }),
      await api.post('/messages/', undefined, { raw: '[1' }),
    ];
    for (const res of answers) {
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.body.error, res.text).not.toMatch(VALIDATOR_WORDS);
    }
  });
});

describe("the limits quoted in SendHub's words are the spec's", () => {
  it('text 500, contacts 20, groups 3', async () => {
    const spec = (await SwaggerParser.dereference(specPath('sendhub'))) as OpenAPIV3.Document;
    const send = (spec.components!.schemas!.SendMessageRequest as OpenAPIV3.SchemaObject).properties as Record<string, OpenAPIV3.SchemaObject>;
    expect([send.text!.maxLength, send.contacts!.maxItems, send.groups!.maxItems]).toEqual([MAX_TEXT_CHARS, MAX_CONTACTS, MAX_GROUPS]);
  });
});
