/**
 * The set-up file: checked against the shipped schema with errors naming file, line, column and field;
 * its start-up parts as createSimulator options; its precedence against the CLI's flags and MSGSIM_*.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchemaPath } from '../../src/paths.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { ConfigError, parseConfig } from '../../src/setup/config-file.js';
import { START_UP_FIELDS } from '../../src/setup/document.js';
import { withConfigFile, type ServeFlags } from '../../src/setup/flag-precedence.js';
import { ScenarioError } from '../../src/setup/scenario-error.js';
import { checkRuntimeScenario } from '../../src/setup/schema.js';
import { startUpOptions } from '../../src/setup/start-up.js';

const FILE = '/work/project/msgsim.yaml';

const GOOD = `# yaml-language-server: $schema=./node_modules/msgsim/schema/msgsim-config.schema.json
port: 4100
clock:
  mode: manual
  start: 2026-01-01T00:00:00Z
seed: 7
data: state/msgsim.json
providers: [msghub, msgflash]
rateLimits: false
timings:
  deliverMs: 10s
keys:
  - provider: msgflash
    key: msgf_live_qa_free
    properties: { plan: free }
tenants:
  msghub:
    mk_live_qa000001:
      contacts:
        - ref: ada
          name: Ada Lovelace
          phone: '+14155550123'
      campaigns:
        - name: Spring
          channel: sms
          body: Hi
          contactIds: [{ idOf: ada }]
      generate: { contacts: 20 }
faults:
  - { provider: msghub, method: POST, path: /messages/send, count: 1, action: { status: 503 } }
receivers:
  hooks: { status: 500 }
`;

function refusal(text: string): string {
  try {
    parseConfig(text, 'msgsim.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('a set-up file checked against the schema', () => {
  it('reads a whole set-up, YAML or JSON', () => {
    const { document } = parseConfig(GOOD, FILE);
    expect(document).toMatchObject({ port: 4100, clock: { mode: 'manual', start: '2026-01-01T00:00:00Z' }, providers: ['msghub', 'msgflash'] });
    expect(parseConfig(JSON.stringify(document), 'msgsim.json').document).toEqual(document);
    expect(parseConfig('', 'empty.yaml').document).toEqual({});
  });

  it.each([
    ['a wrong type', 'port: high\n', 'msgsim.yaml:1:7: port: must be integer'],
    ['a value out of range', 'seed: -1\n', 'msgsim.yaml:1:7: seed: must be >= 0'],
    ['an unknown field, at its key', 'clock:\n  mode: manual\n  tick: 5\n', 'msgsim.yaml:3:3: clock.tick: unknown field'],
    ['an unknown top-level field, with the known ones', 'prot: 1\n', 'msgsim.yaml:1:1: prot: unknown field; a set-up has $schema, port, host'],
    ['a value not in the enum', 'clock:\n  mode: warp\n', 'msgsim.yaml:2:9: clock.mode: must be one of real, manual, speed'],
    ['a missing field, at its item', 'keys:\n  - provider: msghub\n    label: x\n', 'msgsim.yaml:2:5: keys[0].key: is required'],
    [
      'an unknown provider, at its key',
      'tenants:\n  msgnope:\n    k: {}\n',
      `msgsim.yaml:2:3: tenants.msgnope: must be one of ${PROVIDERS.map((p) => p.name).join(', ')}`,
    ],
    [
      'a typo in a fixture kind',
      'tenants:\n  msghub:\n    mk_live_a:\n      contact: []\n',
      'msgsim.yaml:4:7: tenants.msghub.mk_live_a.contact: unknown field',
    ],
    [
      'a deep field',
      'tenants:\n  msghub:\n    mk_live_a:\n      generate:\n        contacts: 20000\n',
      'msgsim.yaml:5:19: tenants.msghub.mk_live_a.generate.contacts: must be <= 10000',
    ],
    ['a bad duration', 'timings:\n  sendMs: soon\n', 'msgsim.yaml:2:11: timings.sendMs: must be milliseconds, or a duration such as "500ms"'],
    ['a date that is none', 'clock:\n  start: tomorrow\n', 'msgsim.yaml:2:10: clock.start: must match format "date-time"'],
    ['not YAML', 'port: [1\nseed: 2\n', 'msgsim.yaml:2:1: not valid YAML'],
    ['a key twice', 'port: 1\nport: 2\n', 'msgsim.yaml:2:1: not valid YAML: Map keys must be unique'],
    ['not a map', '- 1\n- 2\n', 'msgsim.yaml:1:1: must be object'],
  ])('%s: names the line and the field', (_name, text, message) => {
    expect(refusal(text)).toContain(message);
  });

  it('places a problem found later (a provider refusing a fixture) at its line', () => {
    const config = parseConfig(GOOD, 'msgsim.yaml');
    const explained = config.explain(
      new ScenarioError(['tenants', 'msghub', 'mk_live_qa000001', 'contacts', 0, 'phone'], 'Phone number is not in valid E.164 format'),
    );
    expect(explained.message).toBe('msgsim.yaml:22:18: tenants.msghub.mk_live_qa000001.contacts[0].phone: Phone number is not in valid E.164 format');
    // Deeper than the file goes (a field the provider names inside a generated item): the nearest node it has.
    expect(config.locate(['tenants', 'msghub', 'mk_live_qa000001', 'generate', 'contacts', 'phone'])).toBe('msgsim.yaml:28:29');
  });

  it('bounds YAML aliases (no "billion laughs")', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    expect(refusal(laughs.join('\n'))).toMatch(/msgsim\.yaml: .*alias/i);
  });
});

describe('the schema shipped in the package', () => {
  const schema = JSON.parse(readFileSync(configSchemaPath, 'utf8')) as {
    properties: Record<string, unknown>;
    definitions: { providerName: { enum: string[] }; tenantFixtures: { properties: Record<string, unknown> } };
  };

  it('names every registered provider, and every kind of fixture a provider declares', () => {
    expect(schema.definitions.providerName.enum).toEqual(PROVIDERS.map((p) => p.name));
    const kinds = new Set(PROVIDERS.flatMap((p) => Object.keys(p.scenario?.fixtures ?? {})));
    for (const kind of kinds) expect(schema.definitions.tenantFixtures.properties).toHaveProperty(kind);
  });

  it('has a key for every start-up field', () => {
    for (const field of START_UP_FIELDS) expect(schema.properties).toHaveProperty(field);
  });

  it('a running msgsim refuses the start-up parts, naming them', () => {
    for (const field of START_UP_FIELDS) {
      const error = (() => {
        try {
          checkRuntimeScenario({ [field]: 1 });
        } catch (e) {
          return e as ScenarioError;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ScenarioError);
      expect(error?.field).toBe(field);
      expect(error?.status).toBe(400);
    }
    expect(checkRuntimeScenario({ rateLimits: false, timings: { sendMs: '2s' } })).toEqual({ rateLimits: false, timings: { sendMs: '2s' } });
  });
});

describe('start-up options from a file', () => {
  it('map to createSimulator options, providers by name', () => {
    const options = startUpOptions(parseConfig(GOOD, FILE).document, PROVIDERS);
    expect(options).toMatchObject({ port: 4100, clock: 'manual', start: Date.parse('2026-01-01T00:00:00Z'), seed: 7, rateLimits: false });
    expect(options.providers?.map((p) => p.name)).toEqual(['msghub', 'msgflash']);
    expect(startUpOptions({ clock: { speed: 60 } }, PROVIDERS)).toMatchObject({ clock: 'speed', speed: 60 });
  });

  it('refuse what cannot start, naming the field', () => {
    expect(() => startUpOptions({ clock: { mode: 'speed' } }, PROVIDERS)).toThrow(/clock\.speed: is required/);
    expect(() => startUpOptions({ provider: 'sendhub', providers: ['msghub'] }, PROVIDERS)).toThrow(/provider: sendhub is not among providers/);
    expect(() => startUpOptions({ providers: ['msghub'] }, PROVIDERS.slice(1))).toThrow(/providers\[0\]: no provider msghub/);
  });
});

describe('precedence: flags > MSGSIM_* > the file > defaults', () => {
  const defaults: ServeFlags = { port: 4010, host: '127.0.0.1', rateLimits: true, webhookAllow: 'loopback,private', journalSize: 10_000, logLevel: 'info' };
  const file = parseConfig(
    'port: 4100\nhost: 0.0.0.0\nseed: 9\ndata: state.json\nclock: { mode: manual }\nrateLimits: false\nwebhookAllow: [loopback, "*.test"]\ncors: [http://localhost:5173]\njournalSize: 500\nlogLevel: warn\n',
    FILE,
  );
  const sources =
    (given: Record<string, string>) =>
    (name: string): string | undefined =>
      given[name] ?? (name in defaults ? 'default' : undefined);

  it('the file beats the defaults, and its data path is relative to the file', () => {
    const flags = withConfigFile(defaults, sources({}), file, {});
    expect(flags).toEqual({
      port: 4100,
      host: '0.0.0.0',
      seed: 9,
      data: path.join('/work/project', 'state.json'),
      clock: 'manual',
      rateLimits: false,
      webhookAllow: 'loopback,*.test',
      cors: 'http://localhost:5173',
      journalSize: 500,
      logLevel: 'warn',
    });
  });

  it('a flag or an MSGSIM_* variable beats the file', () => {
    const given = { ...defaults, port: 0, seed: 3, logLevel: 'debug', rateLimits: false };
    const flags = withConfigFile(given, sources({ port: 'cli', seed: 'env', logLevel: 'env' }), file, {});
    expect(flags).toMatchObject({ port: 0, seed: 3, logLevel: 'debug', host: '0.0.0.0' });
    expect(withConfigFile({ ...defaults, journalSize: 0 }, sources({ journalSize: 'cli' }), file, {}).journalSize).toBe(0);
    // --no-rate-limits is a flag; MSGSIM_RATE_LIMITS its variable, read beside commander.
    expect(withConfigFile({ ...defaults, rateLimits: true }, sources({}), file, { MSGSIM_RATE_LIMITS: 'true' }).rateLimits).toBe(true);
    expect(withConfigFile({ ...defaults, rateLimits: false }, sources({ rateLimits: 'cli' }), parseConfig('rateLimits: true', FILE), {}).rateLimits).toBe(
      false,
    );
  });
});
