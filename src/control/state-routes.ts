/**
 * GET /_sim/state[?provider=&tenant=] streams a state snapshot (src/engine/state-document.ts) and PUT
 * /_sim/state restores one, replacing its scope. Both stream: the export writes a chunk at a time as the
 * client reads it, the import reads the body a line at a time, within STATE_LIMITS (gzip accepted).
 * Registered before the control API's 1 MB JSON body parser, which would refuse a real snapshot.
 */
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Request, Response, Router } from 'express';
import { SimError } from '../engine/errors.js';
import { exportStateChunks } from '../engine/state-export.js';
import { importState } from '../engine/state-import.js';
import { readStateDocument } from '../engine/state-read.js';
import type { StateScope } from '../engine/state-document.js';
import { mediaType } from '../web/body.js';
import { acknowledgeWrites } from './acknowledge-writes.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString } from './params.js';

export function registerStateRoutes(router: Router, { engine, providers }: ControlContext): void {
  router.get('/state', async (req, res) => {
    const scope = scopeOf(req.query);
    res.status(200).type('application/json');
    for await (const chunk of exportStateChunks(engine, scope)) {
      if (res.destroyed) return;
      // Written as the client reads: a slow reader holds the export, not the server's memory.
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  });

  router.put('/state', acknowledgeWrites(engine), async (req, res) => {
    const body = bodyStream(req);
    let doc: unknown;
    try {
      doc = await readStateDocument(body);
    } catch (error) {
      // What is left of a refused upload is not read: the connection closes after the answer.
      res.set('Connection', 'close');
      if (error instanceof SimError) throw error;
      // A gzip body that is not gzip, a client that went away: the body could not be read, not a 500.
      throw badRequest(`the body could not be read: ${(error as Error).message}`, 'body');
    }
    const restored = importState(engine, doc, { namespaces: [...providers.keys()] });
    res.json({
      restored: {
        scope: restored.scope,
        records: restored.collections.length,
        jobs: restored.jobs.length,
        idempotency: restored.idempotency.length,
        quotas: restored.quotas.length,
        webhookDeliveries: restored.webhookDeliveries.length,
        keys: restored.keys.length,
        faults: restored.faults.length,
      },
      clock: engine.clock.state(),
    });
  });

  function scopeOf(query: Record<string, unknown>): StateScope {
    const provider = optionalString(query.provider, 'provider');
    const tenant = optionalString(query.tenant, 'tenant');
    if (provider === '') throw badRequest('provider must name a provider (omit it for everything)', 'provider', provider);
    if (tenant === '') throw badRequest('tenant must name a tenant (omit it for the whole provider)', 'tenant', tenant);
    if (tenant !== undefined && provider === undefined) throw badRequest('tenant needs provider', 'provider');
    if (provider !== undefined && !providers.has(provider)) throw notFound(`No provider ${provider}`);
    return { provider: provider ?? null, tenant: tenant ?? null };
  }
}

/** The request body as bytes: JSON only, as everywhere in the control API; gzip is undone here. */
function bodyStream(req: Request): Readable {
  const length = req.headers['content-length'];
  if ((length === undefined && req.headers['transfer-encoding'] === undefined) || Number(length) === 0)
    throw badRequest('the body is empty: send a state document (GET /_sim/state writes one)', 'body');
  const type = mediaType(req.headers['content-type']);
  if (type !== 'application/json' && !(type.startsWith('application/') && type.endsWith('+json'))) {
    throw new SimError({
      kind: 'unsupported_media_type',
      message: `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`,
      field: 'Content-Type',
      value: req.headers['content-type'] ?? null,
    });
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip') return req.pipe(createGunzip());
  throw new SimError({
    kind: 'unsupported_media_type',
    message: `Content-Encoding must be gzip or identity (got ${encoding})`,
    field: 'Content-Encoding',
    value: encoding,
  });
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
