/**
 * Everything a registered provider must bring, checked part by part, so a provider that is served but
 * would escape `msgsim verify` and the shared suite fails here, naming what it lacks. The checks are a
 * table: `describeProviderParts` makes each a test, `partFindings` runs them against any provider and
 * returns what each found (parts-findings.test.ts shows them failing on a toy that lacks a part).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { createEngine } from '../../src/engine/engine.js';
import { isSimError } from '../../src/engine/errors.js';
import { loadSpecWithValidators } from '../../src/http/spec.js';
import { RouteTable } from '../../src/http/route-table.js';
import { fixturePath } from '../../src/paths.js';
import { isAbsent } from '../../src/providers/client-profile.js';
import { apiBasePaths, requestWith, type Provider } from '../../src/providers/provider.js';
import { createTestSim, T0 } from '../support/harness.js';
import { declarationProblems, find, specFacts } from './spec-facts.js';

export interface PartsOptions {
  /** The provider's own folder, whose sources are searched for the fixture files they read. */
  folder: string;
}

/** Every `fixturePath('…')` the folder's sources read. */
function fixturesRead(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(path.join(folder, f), 'utf8').matchAll(/fixturePath\(\s*'([^']+)'\s*\)/g)].map((m) => fixturePath(m[1]!)));
}

/** The status of the SimError `fn` throws (undefined when it throws none). */
function thrownStatus(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isSimError(error) ? error.status : -1;
  }
}

/** One part a provider must bring: the parts test's title for it, and a check that throws (an expect failing) naming what is wrong. */
export interface PartCheck {
  part: string;
  check(provider: Provider, options: PartsOptions): void | Promise<void>;
}

export const PART_CHECKS: readonly PartCheck[] = [
  {
    part: 'a name (URL prefix and engine namespace), a title and a base path',
    check(provider, options) {
      expect(provider.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(provider.name).not.toBe('_sim');
      expect(provider.title.trim()).not.toBe('');
      expect(provider.basePath).toMatch(/^(\/[A-Za-z0-9._~-]+)*$/);
      // Aliases are paths of the same shape, each distinct, none a prefix of another (one router per path).
      const paths = apiBasePaths(provider);
      for (const alias of provider.aliasBasePaths ?? []) expect(alias).toMatch(/^(\/[A-Za-z0-9._~-]+)+$/);
      expect(new Set(paths).size).toBe(paths.length);
      for (const a of paths) for (const b of paths) if (a !== b) expect(b.startsWith(`${a}/`), `${b} under ${a}`).toBe(false);
      expect(existsSync(options.folder), options.folder).toBe(true);
    },
  },
  {
    part: 'its spec file, which loads as the server loads it, with an Error schema for unrouted answers',
    async check(provider) {
      expect(existsSync(provider.specFile), provider.specFile).toBe(true);
      const { spec } = await loadSpecWithValidators(provider.specFile);
      expect(new RouteTable(spec).operations.length).toBeGreaterThan(0);
      expect(spec.components?.schemas?.Error, 'components.schemas.Error').toBeDefined();
    },
  },
  {
    part: 'a handler for every operation of its spec, and none for an operation the spec does not document',
    async check(provider) {
      const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 42 });
      try {
        const handled = Object.keys(provider.create(engine).operations);
        const documented = (await specFacts(provider.specFile)).operations.map((o) => o.operationId);
        expect(
          documented.filter((id) => !handled.includes(id)),
          'operations without a handler',
        ).toEqual([]);
        expect(
          handled.filter((id) => !documented.includes(id)),
          'handlers for no operation of the spec',
        ).toEqual([]);
      } finally {
        await engine.close();
      }
    },
  },
  {
    part: 'a client profile whose declarations (and declared absences) agree with its spec and its server rules',
    async check(provider) {
      expect(declarationProblems(provider, await specFacts(provider.specFile))).toEqual([]);
    },
  },
  {
    part: 'declares every fixture file it reads, each present and JSON',
    check(provider, options) {
      const read = fixturesRead(options.folder);
      expect(
        read.filter((file) => !provider.fixtureFiles.includes(file)),
        'read but not in Provider.fixtureFiles',
      ).toEqual([]);
      for (const file of provider.fixtureFiles) {
        expect(existsSync(file), file).toBe(true);
        expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
      }
    },
  },
  {
    part: 'named keys that are admitted as its profile places them, but for the magic ones it refuses with 401',
    async check(provider) {
      const keys = provider.fixtureKeys ?? [];
      const sendOperation = find(await specFacts(provider.specFile), 'post', provider.profile.send.path)?.operationId ?? '';
      if (keys.length) expect(provider.profile.namedKeyAuth, 'profile.namedKeyAuth').toBeTypeOf('function');
      const revocation = provider.profile.revocation;
      const revokedStatus = revocation && !isAbsent(revocation) ? revocation.status : undefined;
      const sim = await createTestSim({ providers: [provider] });
      for (const named of keys) {
        expect(sim.engine.keys.get(provider.name, named.key), `${named.key} registered`).toBeDefined();
        // Admitted as the router admits a send: authenticated, then authorized (where a revoked key may be refused).
        const request = requestWith(provider.profile.namedKeyAuth!(named));
        const admit = () => {
          const tenant = provider.authenticate(request, sim.engine);
          provider.authorize?.(tenant, sendOperation, request, sim.engine);
        };
        // The magic credentials: always invalid, or revoked where the provider refuses those as unknown (401).
        const refused = named.properties.invalid === true || (named.properties.revoked === true && revokedStatus === 401);
        const status = thrownStatus(admit);
        if (!refused) expect(status === undefined || status === 403, `${named.key}: ${status}`).toBe(true);
        else expect(status, named.key).toBe(401);
      }
      // Its own credential for a new tenant authenticates too, and the wrong one does not.
      expect(() => provider.authenticate(requestWith(provider.profile.auth(provider.profile.tenant('parts01'))), sim.engine)).not.toThrow();
      expect(() => provider.authenticate(requestWith(provider.profile.wrongAuth), sim.engine)).toThrow();
    },
  },
  {
    part: 'an API reference page, its raw spec, and a line in /_sim/health once mounted',
    async check(provider) {
      const sim = await createTestSim({ providers: [provider] });
      const docs = await sim.http.get(`/_sim/docs/${provider.name}`);
      expect(docs.status).toBe(200);
      expect(docs.text).toContain(provider.title);
      const raw = await sim.http.get(`/_sim/openapi/${provider.name}.yaml`);
      expect(raw.status).toBe(200);
      expect(raw.text).toBe(readFileSync(provider.specFile, 'utf8'));
      const health = await sim.http.get('/_sim/health');
      expect(health.body.providers).toContainEqual({ name: provider.name, title: provider.title, baseUrl: `/${provider.name}${provider.basePath}` });
    },
  },
];

export function describeProviderParts(provider: Provider, options: PartsOptions): void {
  describe(`${provider.name}: every part a provider must bring`, () => {
    for (const { part, check } of PART_CHECKS) it(part, () => check(provider, options));
  });
}

/** What one part's check found wrong: its failure, and the value it failed on where it was an expect's. */
export interface PartFinding {
  part: string;
  finding: string;
  found?: unknown;
}

/** Runs every part's check against the provider: one finding a part it lacks or gets wrong (none: it brings them all). */
export async function partFindings(provider: Provider, options: PartsOptions): Promise<PartFinding[]> {
  const findings: PartFinding[] = [];
  for (const { part, check } of PART_CHECKS) {
    try {
      await check(provider, options);
    } catch (error) {
      const found = (error as { actual?: unknown } | null)?.actual;
      findings.push({ part, finding: error instanceof Error ? error.message : String(error), ...(found !== undefined ? { found } : {}) });
    }
  }
  return findings;
}
