/** Checks that send: the minimal send, bad input on the send, idempotency replay. */
import { randomUUID } from 'node:crypto';
import type { RouteOperation } from '../http/route-table.js';
import { present } from '../providers/client-profile.js';
import { CheckFailure, CheckSkipped, excerpt, successStatuses, type ContractContext } from './context.js';
import type { NamedCheck } from './checks-read.js';

function sendOperation(ctx: ContractContext): RouteOperation {
  const op = ctx.operation('post', ctx.profile.send.path);
  if (!op) throw new CheckFailure(`the spec documents no POST ${ctx.profile.send.path}`, `POST ${ctx.profile.send.path} in the spec`, 'absent');
  return op;
}

/** 4xx statuses the send documents for bad input. */
function badInputStatuses(ctx: ContractContext, op: RouteOperation): number[] {
  const documented = ctx.validator
    .documentedStatuses(op)
    .map(Number)
    .filter((s) => s === 400 || s === 422);
  return documented.length ? documented : [400];
}

export const sendCheck: NamedCheck = {
  name: 'a minimal valid send is accepted and conforms to the spec',
  async run(c) {
    const op = sendOperation(c);
    c.reserveSends(1);
    const res = await c.call({ method: 'POST', path: op.template, body: c.profile.send.body(c.nextRecipient()) });
    c.expectConforming(op, res, successStatuses(c, op));
    c.sentMessageId = c.profile.sentId(res.body);
    if (!c.sentMessageId) throw new CheckFailure('the send answered no message id', 'a message id', excerpt(res.text));
  },
};

export const badInputChecks: NamedCheck[] = [
  {
    name: 'a malformed JSON body answers the documented error envelope',
    async run(c) {
      c.requireWrites();
      const op = sendOperation(c);
      const res = await c.call({ method: 'POST', path: op.template, body: '{"to": ', raw: true });
      c.expectConforming(op, res, badInputStatuses(c, op));
    },
  },
  {
    name: 'a send missing a required field answers the documented error envelope',
    async run(c) {
      c.requireWrites();
      const op = sendOperation(c);
      const body = c.profile.send.body(c.options.recipients[0] as string);
      const schema = c.validator.requestSchema(op);
      const missing = (schema?.required ?? []).find((f) => f in body) ?? Object.keys(body)[0];
      if (!missing) throw new CheckSkipped('the send has no field to leave out');
      delete body[missing];
      const res = await c.call({ method: 'POST', path: op.template, body });
      c.expectConforming(op, res, badInputStatuses(c, op));
    },
  },
  {
    name: 'a send with an unknown field answers the documented error envelope',
    async run(c) {
      c.requireWrites();
      const op = sendOperation(c);
      const schema = c.validator.requestSchema(op);
      if (schema?.additionalProperties !== false) throw new CheckSkipped('the spec allows unknown fields on the send (no additionalProperties: false)');
      const res = await c.call({
        method: 'POST',
        path: op.template,
        body: { ...c.profile.send.body(c.options.recipients[0] as string), msgsimUnknownField: true },
      });
      c.expectConforming(op, res, badInputStatuses(c, op));
    },
  },
];

export const idempotencyCheck: NamedCheck = {
  name: 'Idempotency-Key replays the original response',
  async run(c) {
    const idem = present(c.profile.idempotency);
    if (!idem) throw new CheckSkipped(`${c.provider} documents no idempotent replay`);
    const op = sendOperation(c);
    c.reserveSends(2);
    // Unique per run against a real service, where keys from earlier runs are still remembered for a day.
    const key = `msgsim-contract-${randomUUID()}`;
    const body = c.profile.send.body(c.nextRecipient());
    const first = await c.call({ method: 'POST', path: op.template, body, headers: { [idem.header]: key } });
    c.expectConforming(op, first, successStatuses(c, op));
    const second = await c.call({ method: 'POST', path: op.template, body, headers: { [idem.header]: key } });
    c.expectConforming(op, second, [first.status]);
    if (second.text !== first.text) throw new CheckFailure('the replay answered a different body', first.text, second.text);
    const replayed = second.headers[idem.replayedHeader.toLowerCase()];
    if (replayed !== 'true')
      throw new CheckFailure(
        `the replay lacks ${idem.replayedHeader}: true`,
        `${idem.replayedHeader}: true`,
        `${idem.replayedHeader}: ${replayed ?? '(absent)'}`,
      );
  },
};
