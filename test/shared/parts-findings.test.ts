/**
 * The parts check (provider-parts.ts) fails on a provider that lacks a part, and names that part: the toy
 * provider, whole, has no findings; with a part removed or broken, the check of that part reports it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/provider.js';
import { toy } from '../fixtures/toy-provider/index.js';
import { partFindings, PART_CHECKS } from './provider-parts.js';

const options = { folder: fileURLToPath(new URL('../fixtures/toy-provider/', import.meta.url)) };

const partNamed = (start: string): string => {
  const found = PART_CHECKS.find((c) => c.part.startsWith(start));
  if (!found) throw new Error(`no part check starting "${start}"`);
  return found.part;
};
const HANDLERS = partNamed('a handler for every operation');
const PROFILE = partNamed('a client profile whose declarations');
const FIXTURES = partNamed('declares every fixture file');

/** The toy without its getMessage handler. */
const withoutHandler: Provider = {
  ...toy,
  create(engine, mount) {
    const instance = toy.create(engine, mount);
    const { getMessage: _removed, ...operations } = instance.operations;
    return { ...instance, operations };
  },
};

describe('the parts check, against the toy provider', () => {
  it('finds nothing wrong with the whole toy', async () => {
    expect(await partFindings(toy, options)).toEqual([]);
  });

  it('names the handlers part, and the operation, when a handler for a spec operation is missing', async () => {
    const findings = await partFindings(withoutHandler, options);
    // The server refuses to mount it too, so the parts that serve it fail as well.
    expect(findings.map((f) => f.part)).toContain(HANDLERS);
    expect(findings.find((f) => f.part === HANDLERS)).toMatchObject({ finding: expect.stringMatching(/^operations without a handler/), found: ['getMessage'] });
  });

  it('names the fixture part when a declared fixture file is missing', async () => {
    const missing = fileURLToPath(new URL('../fixtures/toy-provider/missing.json', import.meta.url));
    const findings = await partFindings({ ...toy, fixtureFiles: [...toy.fixtureFiles, missing] }, options);
    expect(findings.map((f) => f.part)).toEqual([FIXTURES]);
    expect(findings[0]!.finding).toContain('missing.json');
  });

  it('names the profile part when the profile declares idempotency by a header its spec lacks', async () => {
    const profile = { ...toy.profile, idempotency: { header: 'X-Request-Id', replayedHeader: 'Idempotent-Replayed' } };
    const findings = await partFindings({ ...toy, profile }, options);
    expect(findings).toEqual([
      expect.objectContaining({ part: PROFILE, found: expect.arrayContaining([expect.stringMatching(/documenting x-request-id \(none\) differ/)]) }),
    ]);
  });
});
