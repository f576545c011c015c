/** Read-only checks, derived from the spec: every documented GET, auth failures, rate-limit headers. */
import type { RouteOperation } from '../http/route-table.js';
import { CheckFailure, CheckSkipped, itemId, listItems, successStatuses, type ContractContext } from './context.js';

export interface NamedCheck {
  name: string;
  run(ctx: ContractContext): Promise<void>;
}

const paramNames = (template: string): string[] => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

function requiredQuery(ctx: ContractContext, op: RouteOperation): string[] {
  const params = (ctx.validator.operation(op).parameters ?? []) as { in?: string; name?: string; required?: boolean }[];
  return params.filter((p) => p.in === 'query' && p.required && p.name).map((p) => p.name as string);
}

export function listChecks(ctx: ContractContext): NamedCheck[] {
  return ctx.validator.operations
    .filter((op) => op.method === 'get' && paramNames(op.template).length === 0)
    .map((op) => ({
      name: `GET ${op.template} (${op.operationId}) conforms to the spec`,
      async run(c) {
        const required = requiredQuery(c, op);
        if (required.length) throw new CheckSkipped(`needs required query parameter(s) ${required.join(', ')}`);
        const res = await c.call({ method: 'GET', path: op.template });
        c.expectConforming(op, res, [successStatuses(c, op)[0] ?? 200]);
      },
    }));
}

/** The list path a get-one template takes its id from: /messages/{id}/ → /messages/. */
function parentList(template: string): string {
  const cut = template.indexOf('{');
  return template.slice(0, cut).replace(/\/$/, '') + (template.endsWith('/') ? '/' : '');
}

export function getChecks(ctx: ContractContext): NamedCheck[] {
  return ctx.validator.operations
    .filter((op) => op.method === 'get' && paramNames(op.template).length > 0)
    .map((op) => ({
      name: `GET ${op.template} (${op.operationId}) conforms to the spec`,
      async run(c) {
        const names = paramNames(op.template);
        if (names.length > 1) throw new CheckSkipped(`needs ids of nested resources (${names.join(', ')})`);
        if (requiredQuery(c, op).length) throw new CheckSkipped(`needs required query parameter(s) ${requiredQuery(c, op).join(', ')}`);
        let id: string | undefined;
        const parent = parentList(op.template);
        const listOp = c.operation('get', parent);
        if (listOp) {
          const list = await c.call({ method: 'GET', path: parent });
          if (list.status === 200) id = itemId(listItems(list.body)?.[0]);
        }
        if (!id && op.template === c.profile.messageTemplate) id = c.sentMessageId;
        if (!id) throw new CheckSkipped(listOp ? `GET ${parent} listed nothing to fetch` : 'no list endpoint or sent message gives an id');
        const res = await c.call({ method: 'GET', path: op.template.replace(`{${names[0]}}`, encodeURIComponent(id)) });
        c.expectConforming(op, res, [successStatuses(c, op)[0] ?? 200]);
      },
    }));
}

/** A GET every credential check can use: the first list endpoint, else the get-one of a message. */
function probe(ctx: ContractContext): { op: RouteOperation; path: string } {
  const list = ctx.validator.operations.find((op) => op.method === 'get' && !op.public && paramNames(op.template).length === 0);
  if (list) return { op: list, path: list.template };
  const get = ctx.operation('get', ctx.profile.messageTemplate);
  if (!get) throw new CheckSkipped('the spec documents no GET to probe credentials with');
  return { op: get, path: get.template.replace(/\{[^}]+\}/, 'msgsim-contract-probe') };
}

export const authChecks: NamedCheck[] = [
  {
    name: 'missing credentials answer the documented 401',
    async run(c) {
      const { op, path } = probe(c);
      c.expectConforming(op, await c.call({ method: 'GET', path }, { headers: {}, query: {} }), [401]);
    },
  },
  {
    name: 'wrong credentials answer the documented 401',
    async run(c) {
      const { op, path } = probe(c);
      c.expectConforming(op, await c.call({ method: 'GET', path }, c.profile.wrongAuth), [401]);
    },
  },
];

const RATE_HEADER = /^x-ratelimit-|^ratelimit/;

export const rateLimitCheck: NamedCheck = {
  name: 'documented rate-limit headers are present and consistent',
  async run(c) {
    const { op, path } = probe(c);
    const expectedStatus = op.template === path ? 200 : 404;
    const documented = c.validator.documentedHeaders(op, expectedStatus).filter((h) => RATE_HEADER.test(h));
    if (!documented.length) throw new CheckSkipped(`the spec documents no rate-limit headers on ${op.operationId}`);
    const first = await c.call({ method: 'GET', path });
    const second = await c.call({ method: 'GET', path });
    for (const [label, res] of [
      ['first', first],
      ['second', second],
    ] as const) {
      const missing = documented.filter((h) => res.headers[h] === undefined);
      if (missing.length) throw new CheckFailure(`${label} response lacks rate-limit headers`, documented.join(', '), `missing ${missing.join(', ')}`);
    }
    const remaining = documented.find((h) => h.endsWith('remaining'));
    if (remaining) {
      const a = Number(first.headers[remaining]);
      const b = Number(second.headers[remaining]);
      const reset = documented.find((h) => h.endsWith('reset'));
      // Remaining may only grow when a new window started between the two requests.
      const sameWindow = !reset || first.headers[reset] === second.headers[reset];
      if (!Number.isFinite(a) || !Number.isFinite(b) || (b > a && sameWindow)) {
        throw new CheckFailure(
          `${remaining} must be a number that does not grow within a window`,
          `second ≤ first`,
          `first ${first.headers[remaining]}, second ${second.headers[remaining]}`,
        );
      }
    }
  },
};
