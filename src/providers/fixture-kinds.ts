/** Fixture kinds made by one of the provider's own create operations: the common case of ScenarioSupport. */
import { SimError } from '../engine/errors.js';
import { asString } from './client-profile.js';
import type { FixtureKind, GeneratedPerson } from './provider.js';

export interface OperationFixture {
  operationId: string;
  /** The new record's id in the operation's answer. */
  idOf: (body: unknown) => unknown;
  example: Record<string, unknown>;
  fromPerson?: (person: GeneratedPerson) => Record<string, unknown>;
}

export function operationFixture({ operationId, idOf, example, fromPerson }: OperationFixture): FixtureKind {
  return {
    example,
    ...(fromPerson ? { fromPerson } : {}),
    async create(item, context) {
      const body = await context.call(operationId, item);
      const id = asString(idOf(body));
      if (id === undefined) throw new SimError({ kind: 'internal', message: `${operationId} answered without the new record's id` });
      return id;
    },
  };
}

/** A single API key in one header: how most providers' accounts go on a request. */
export function headerKeyAuth(header: string) {
  return (credential: string) => ({ headers: { [header]: credential }, query: {} });
}
