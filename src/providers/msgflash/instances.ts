/**
 * WhatsApp instances (connected WhatsApp sessions). Every workspace has the fixture instances
 * (fixtures/msgflash.json), connected; QA disconnects and reconnects them through
 * PATCH /_sim/providers/msgflash/tenants/<tenant>/settings `{"instances": {"<id>": "disconnected"}}`.
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult, TenantSettings } from '../provider.js';
import { NAMESPACE } from './account.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { MSGFLASH_FIXTURES, type InstanceFixture } from './fixtures.js';

export const INSTANCE_STATES = ['connected', 'disconnected'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** Only changed instances are stored; an instance without a record is connected since it was created. */
interface InstanceStateRecord extends BaseRecord {
  state: InstanceState;
}

function statesOf(engine: Engine, tenant: string) {
  return engine.store.collection<InstanceStateRecord>(NAMESPACE, tenant, 'instance_states');
}

export function findInstance(instanceId: string): InstanceFixture | undefined {
  return MSGFLASH_FIXTURES.instances.find((i) => i.id === instanceId);
}

export function instanceState(engine: Engine, tenant: string, instanceId: string): { state: InstanceState; since: string } {
  const record = statesOf(engine, tenant).get(instanceId);
  return record ? { state: record.state, since: record.updatedAt } : { state: 'connected', since: findInstance(instanceId)?.createdAt ?? '' };
}

/** The instance a send goes through: unknown → 404, disconnected → 409 INSTANCE_DISCONNECTED. */
export function requireConnectedInstance(engine: Engine, tenant: string, instanceId: string, field = 'instanceId'): InstanceFixture {
  const instance = requireInstance(instanceId, field);
  if (instanceState(engine, tenant, instanceId).state !== 'connected') {
    throw msgflashError.conflict(
      MsgflashCode.instanceDisconnected,
      `Instance ${instance.name} is disconnected: reconnect its WhatsApp session and try again`,
      field,
      instanceId,
    );
  }
  return instance;
}

export function requireInstance(instanceId: string, field = 'instanceId'): InstanceFixture {
  const instance = findInstance(instanceId);
  if (!instance) throw msgflashError.notFound('Instance', field, instanceId);
  return instance;
}

function instanceView(engine: Engine, tenant: string, instance: InstanceFixture) {
  const { state, since } = instanceState(engine, tenant, instance.id);
  return {
    id: instance.id,
    name: instance.name,
    phoneNumber: instance.phoneNumber,
    platform: 'whatsapp',
    state,
    stateChangedAt: since,
    createdAt: instance.createdAt,
  };
}

export function instanceHandlers(engine: Engine) {
  return {
    listInstances(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: MSGFLASH_FIXTURES.instances.map((i) => instanceView(engine, req.tenant.id, i)) } };
    },

    getInstance(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: instanceView(engine, req.tenant.id, requireInstance(req.params.id!, 'id')) } };
    },

    getInstanceState(req: HandlerRequest): HandlerResult {
      const instance = requireInstance(req.params.id!, 'id');
      const { state, since } = instanceState(engine, req.tenant.id, instance.id);
      return { status: 200, body: { data: { instanceId: instance.id, state, connected: state === 'connected', since, checkedAt: engine.clock.iso() } } };
    },
  };
}

export function msgflashTenantSettings(engine: Engine): TenantSettings {
  const get = (tenant: string) => ({
    instances: Object.fromEntries(MSGFLASH_FIXTURES.instances.map((i) => [i.id, instanceState(engine, tenant, i.id).state])),
  });
  return {
    get,
    update(tenant, patch) {
      const instances = (patch as { instances?: unknown } | null)?.instances;
      if (!instances || typeof instances !== 'object' || Array.isArray(instances)) {
        throw new SimError({
          kind: 'invalid_request',
          message: 'instances must be an object of instance id → "connected" | "disconnected"',
          field: 'instances',
          value: instances,
        });
      }
      const entries = Object.entries(instances as Record<string, unknown>);
      for (const [id, state] of entries) {
        if (!findInstance(id))
          throw new SimError({
            kind: 'invalid_request',
            message: `unknown instance ${id}; known: ${MSGFLASH_FIXTURES.instances.map((i) => i.id).join(', ')}`,
            field: `instances.${id}`,
            value: id,
          });
        if (!(INSTANCE_STATES as readonly unknown[]).includes(state))
          throw new SimError({
            kind: 'invalid_request',
            message: 'an instance state is "connected" or "disconnected"',
            field: `instances.${id}`,
            value: state,
          });
      }
      const collection = statesOf(engine, tenant);
      for (const [id, value] of entries) {
        const state = value as InstanceState;
        if (instanceState(engine, tenant, id).state === state) continue;
        const record = collection.get(id) ? collection.update(id, { state })! : collection.insert({ id, state });
        engine.events.emit('record.updated', { namespace: NAMESPACE, tenant, kind: 'instance', record: { id, state, changedAt: record.updatedAt } });
      }
      return get(tenant);
    },
  };
}
