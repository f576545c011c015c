/**
 * msgsim as a consumer gets it (issue 21): `npm pack`, the tarball unpacked into a fresh project's
 * node_modules beside the packages a consumer would have (msgsim's runtime dependencies, TypeScript,
 * vitest, @types/node — and none of msgsim's development packages: no @types/express, no redoc), then:
 * - the published types compile there with `skipLibCheck: false` and strict settings;
 * - a small vitest suite runs there against `import { createSimulator } from 'msgsim'`;
 * - the package carries the API reference bundle and no development-only dependency.
 * Offline: the consumer's packages are linked from this checkout's node_modules (tests talk to 127.0.0.1
 * only), which is what an install would fetch for the same lockfile.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/cli.js';

const MODULES = path.join(ROOT, 'node_modules');
/** What a consumer project has installed itself. */
const CONSUMER_OWN = ['typescript', 'vitest', '@types/node'];

interface Lockfile {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
}

/** Top-level packages of this checkout a production install of msgsim brings (the lockfile's non-dev entries). */
function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  return Object.entries(lock.packages)
    .filter(
      ([where, entry]) =>
        where.startsWith('node_modules/') && !where.slice('node_modules/'.length).includes('/node_modules/') && !entry.dev && !entry.devOptional,
    )
    .map(([where]) => where.slice('node_modules/'.length));
}

/** The consumer's own tools and what they depend on, as this checkout has them. */
function consumerToolPackages(): string[] {
  const deps = (name: string): string[] => {
    const manifest = JSON.parse(readFileSync(path.join(MODULES, name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
  };
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !existsSync(path.join(MODULES, name, 'package.json'))) return;
    seen.add(name);
    deps(name).forEach(visit);
  };
  CONSUMER_OWN.forEach(visit);
  return [...seen];
}

describe('the published package, as a consumer installs it', () => {
  let project: string;
  let unpacked: string;

  beforeAll(() => {
    ensureBuilt();
    project = mkdtempSync(path.join(tmpdir(), 'msgsim-consumer-'));
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
      .trim()
      .split('\n')
      .at(-1)!;
    const modules = path.join(project, 'node_modules');
    unpacked = path.join(modules, 'msgsim');
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(project, packed), '-C', unpacked, '--strip-components=1']);
    for (const name of new Set([...runtimePackages(), ...consumerToolPackages()])) {
      if (name === 'msgsim') continue;
      const target = path.join(modules, name);
      mkdirSync(path.dirname(target), { recursive: true });
      if (!existsSync(target)) symlinkSync(path.join(MODULES, name), target, 'dir');
    }
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      path.join(project, 'sim.test.ts'),
      `import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSimulator, type Simulator } from 'msgsim';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ clock: 'manual', port: 0, seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

it('sends through Msghub and sees it delivered on the clock', async () => {
  const res = await fetch(\`\${sim.baseUrl('msghub')}/messages/send\`, {
    method: 'POST',
    headers: { 'X-API-Key': 'mk_live_consumer01', 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: 'sms', to: '+14155550123', body: 'Hi from a consumer' }),
  });
  expect(res.status).toBe(201);
  const { messageId } = (await res.json()) as { messageId: string };
  sim.clock.advance('3s');
  const message = sim.messages('msghub').find((m) => m.id === messageId);
  expect(message?.status).toBe('delivered');
  expect(sim.deliveries({ provider: 'msghub' })).toEqual([]);
  expect(sim.receivers.names()).toEqual([]);
});
`,
    );
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('carries the API reference bundle and no development package among its dependencies', () => {
    expect(existsSync(path.join(unpacked, 'dist', 'assets', 'redoc.standalone.js'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; exports: unknown };
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['redoc']));
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@types/'))).toEqual([]);
    expect(manifest.exports).toMatchObject({ '.': { types: './dist/index.d.ts' } });
    // A production install brings neither redoc nor React.
    const runtime = runtimePackages();
    expect(runtime).not.toContain('redoc');
    expect(runtime).not.toContain('react');
    // Nor express's types: the consumer compiles without them (next test).
    expect(readdirSync(path.join(project, 'node_modules', '@types'))).not.toEqual(expect.arrayContaining(['express']));
  });

  it("its types compile with skipLibCheck false, without express's types", () => {
    const tsc = path.join(MODULES, 'typescript', 'bin', 'tsc');
    const out = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(out).toBe('');
  }, 150_000);

  it('a vitest suite runs against it', () => {
    const vitest = path.join(MODULES, 'vitest', 'vitest.mjs');
    const out = execFileSync(process.execPath, [vitest, 'run', '--root', project, '--reporter', 'dot'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: '' },
    });
    expect(out).toMatch(/1 passed/);
  }, 150_000);
});
