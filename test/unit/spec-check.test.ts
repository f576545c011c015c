import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecChecker, type CheckedResponse } from '../support/spec-check.js';

const MSGHUB_SPEC = fileURLToPath(new URL('../../openapi/msghub.yaml', import.meta.url));
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): CheckedResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body, text: JSON.stringify(body) };
}

const SENT = {
  messageId: 'msg_abc123',
  channel: 'sms',
  to: '+919876543210',
  status: 'queued',
  createdAt: '2024-04-08T10:30:00Z',
};

const MESSAGE = {
  messageId: 'msg_abc123',
  channel: 'sms',
  to: '+919876543210',
  status: 'failed',
  body: 'Hello!',
  metadata: { orderId: '1042' },
  createdAt: '2024-04-08T10:30:00Z',
  updatedAt: '2024-04-08T10:30:03Z',
  sentAt: '2024-04-08T10:30:01Z',
  failedAt: '2024-04-08T10:30:03Z',
  error: { code: 'carrier_rejected', message: 'The carrier rejected the message' },
};

const NOT_FOUND = { error: { code: 'message_not_found', message: 'Message does not exist', details: { field: 'messageId', value: 'msg_x' } } };

describe('SpecChecker against openapi/msghub.yaml', () => {
  let checker: SpecChecker;

  beforeAll(async () => {
    checker = await SpecChecker.load(MSGHUB_SPEC);
  });

  describe('accepts conforming responses', () => {
    it('201 from sendMessage', () => {
      expect(() => checker.check('POST', '/messages/send', json(201, SENT))).not.toThrow();
    });

    it('201 from sendMessage with the optional Idempotent-Replayed header', () => {
      expect(() => checker.check('post', '/messages/send', json(201, SENT, { 'idempotent-replayed': 'true' }))).not.toThrow();
    });

    it('200 from getMessage with every optional field', () => {
      expect(() => checker.check('GET', '/messages/msg_abc123', json(200, MESSAGE))).not.toThrow();
    });

    it('200 from listMessages', () => {
      const page = { data: [MESSAGE], pagination: { page: 1, limit: 50, total: 1, pages: 1 } };
      expect(() => checker.check('GET', '/messages', json(200, page))).not.toThrow();
    });

    it('a documented error in the Error envelope', () => {
      expect(() => checker.check('GET', '/messages/msg_x', json(404, NOT_FOUND))).not.toThrow();
      expect(() =>
        checker.check('POST', '/messages/send', json(429, { error: { code: 'rate_limit_exceeded', message: 'Too many requests' } }, { 'retry-after': '1' })),
      ).not.toThrow();
    });

    it('204 with no body from deleteWebhook', () => {
      expect(() => checker.check('DELETE', '/webhooks/wh_abc123', { status: 204, headers: {}, body: {}, text: '' })).not.toThrow();
    });

    it('an unknown route or wrong method answered in the Error envelope', () => {
      const notFound = { error: { code: 'not_found', message: 'No route GET /nope' } };
      expect(() => checker.check('GET', '/nope', json(404, notFound))).not.toThrow();
      const wrongMethod = { error: { code: 'method_not_allowed', message: 'Use POST' } };
      expect(() => checker.check('DELETE', '/messages/send', json(405, wrongMethod, { allow: 'POST' }))).not.toThrow();
    });
  });

  describe('rejects non-conforming responses', () => {
    it('a status the operation does not document', () => {
      expect(() => checker.check('GET', '/messages/msg_abc123', json(201, MESSAGE))).toThrow(/status 201 is not documented for getMessage/);
      // An error status without its own entry falls to `default`, which must still hold the error envelope.
      expect(() => checker.check('GET', '/messages/msg_abc123', json(503, NOT_FOUND))).not.toThrow();
      expect(() => checker.check('GET', '/messages/msg_abc123', json(503, MESSAGE))).toThrow(/does not match the spec/);
      expect(() => checker.check('POST', '/messages/send', json(200, SENT))).toThrow(/status 200 is not documented for sendMessage/);
      expect(() => checker.check('DELETE', '/webhooks/wh_1', { status: 200, headers: {}, body: {}, text: '' })).toThrow(/not documented/);
    });

    it('a body of the wrong type', () => {
      expect(() => checker.check('POST', '/messages/send', json(201, [SENT]))).toThrow(/does not match the spec[\s\S]*must be object/);
      expect(() => checker.check('POST', '/messages/send', json(201, 'queued'))).toThrow(/does not match the spec/);
      expect(() => checker.check('POST', '/messages/send', json(201, null))).toThrow(/does not match the spec/);
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, messageId: 42 }))).toThrow(/\/messageId must be string/);
      const badPage = { data: MESSAGE, pagination: { page: 1, limit: 50, total: 1, pages: 1 } };
      expect(() => checker.check('GET', '/messages', json(200, badPage))).toThrow(/\/data must be array/);
    });

    it('a missing required field', () => {
      const { createdAt: _omitted, ...withoutCreatedAt } = SENT;
      expect(() => checker.check('POST', '/messages/send', json(201, withoutCreatedAt))).toThrow(/must have required property 'createdAt'/);
      expect(() => checker.check('GET', '/messages/msg_x', json(404, { error: { code: 'message_not_found' } }))).toThrow(
        /\/error must have required property 'message'/,
      );
    });

    it('an extra field where additionalProperties is false', () => {
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, extra: true }))).toThrow(/must NOT have additional properties[\s\S]*extra/);
      const nested = { ...MESSAGE, error: { ...MESSAGE.error, retryable: false } };
      expect(() => checker.check('GET', '/messages/msg_abc123', json(200, nested))).toThrow(/\/error must NOT have additional properties/);
      const envelope = { error: { code: 'message_not_found', message: 'gone' }, requestId: 'r1' };
      expect(() => checker.check('GET', '/messages/msg_x', json(404, envelope))).toThrow(/additional properties/);
    });

    it('values outside an enum, a pattern or a format', () => {
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, status: 'sent' }))).toThrow(
        /\/status must be equal to one of the allowed values/,
      );
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, channel: 'fax' }))).toThrow(/\/channel/);
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, messageId: 'abc123' }))).toThrow(/\/messageId must match pattern/);
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, createdAt: 'yesterday' }))).toThrow(
        /\/createdAt must match format "date-time"/,
      );
      // Msghub's doc prints whole seconds: a fraction is a departure from the spec.
      expect(() => checker.check('POST', '/messages/send', json(201, { ...SENT, createdAt: '2024-04-08T10:30:00.000Z' }))).toThrow(
        /\/createdAt must match pattern/,
      );
    });

    it('a JSON body sent without a JSON content type', () => {
      expect(() =>
        checker.check('POST', '/messages/send', {
          status: 201,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: SENT,
          text: JSON.stringify(SENT),
        }),
      ).toThrow(/expected application\/json, got text\/html/);
      expect(() => checker.check('POST', '/messages/send', { status: 201, headers: {}, body: SENT, text: JSON.stringify(SENT) })).toThrow(
        /expected application\/json, got no content type/,
      );
      expect(() => checker.check('GET', '/messages/msg_x', { status: 404, headers: { 'content-type': 'text/plain' }, body: {}, text: 'Not Found' })).toThrow(
        /expected application\/json/,
      );
    });

    it('a body where the spec documents none', () => {
      expect(() =>
        checker.check('DELETE', '/webhooks/wh_abc123', { status: 204, headers: JSON_HEADERS, body: { deleted: true }, text: '{"deleted":true}' }),
      ).toThrow(/documents no body/);
    });

    it('an unknown route or wrong method answered outside the Error envelope', () => {
      expect(() => checker.check('GET', '/nope', json(404, { message: 'Not Found' }))).toThrow(/does not match the spec/);
      expect(() => checker.check('PATCH', '/messages/msg_abc123', json(405, { error: 'method not allowed' }))).toThrow(/does not match the spec/);
    });

    it('names the request and status in the error', () => {
      expect(() => checker.check('post', '/messages/send', json(201, { ...SENT, extra: 1 }))).toThrow(/^POST \/messages\/send → 201: /);
    });
  });
});

describe('SpecChecker on response headers', () => {
  let dir: string;
  let checker: SpecChecker;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgsim-spec-check-'));
    const file = path.join(dir, 'tiny.yaml');
    writeFileSync(
      file,
      [
        'openapi: 3.0.3',
        'info: { title: tiny, version: 1.0.0 }',
        'paths:',
        '  /limited:',
        '    get:',
        '      operationId: getLimited',
        '      responses:',
        "        '200':",
        '          description: ok',
        '          headers:',
        '            X-RateLimit-Remaining:',
        '              required: true',
        '              schema: { type: integer }',
        '          content:',
        '            application/json:',
        '              schema: { type: object, required: [ok], properties: { ok: { type: boolean } } }',
        '        default:',
        '          description: any error',
        '          content:',
        '            application/json:',
        '              schema: { $ref: "#/components/schemas/Error" }',
        'components:',
        '  schemas:',
        '    Error:',
        '      type: object',
        '      required: [message]',
        '      properties: { message: { type: string } }',
        '',
      ].join('\n'),
    );
    checker = await SpecChecker.load(file);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a response missing a required header and accepts it with the header', () => {
    expect(() => checker.check('GET', '/limited', json(200, { ok: true }))).toThrow(/required header X-RateLimit-Remaining is missing/);
    expect(() => checker.check('GET', '/limited', json(200, { ok: true }, { 'x-ratelimit-remaining': '9' }))).not.toThrow();
  });

  it('falls back to the default response for undocumented statuses', () => {
    expect(() => checker.check('GET', '/limited', json(503, { message: 'down' }))).not.toThrow();
    expect(() => checker.check('GET', '/limited', json(503, { reason: 'down' }))).toThrow(/required property 'message'/);
  });
});
