/**
 * Imports run one way (Prism's core imports no HTTP; only its server imports the HTTP library, only its
 * CLI the argument parser). The rules are written down here, and every file of src/ is held to them:
 * no import cycle (type-only imports count: a cycle of types is still two modules that cannot be
 * understood apart), no import up the layers, no reaching into another area past its door.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, moduleSpecifiers, readImportGraph, type ModuleImports } from '../support/import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** A folder of src/, or a file directly in src/ (by its name without .ts). */
type Area =
  | 'engine'
  | 'paths'
  | 'logger'
  | 'banner'
  | 'providers'
  | 'setup'
  | 'web'
  | 'control'
  | 'http'
  | 'contract'
  | 'proxy'
  | 'wait-for'
  | 'simulator'
  | 'index'
  | 'cli';

/** What each area may import besides itself. Read bottom up: each layer uses only those below it. */
const MAY_IMPORT: Record<Area, readonly Area[]> = {
  // Provider-agnostic simulation: plain data in and out, nothing of HTTP, providers or the control API.
  engine: [],
  // Where the package's files are (specs, fixtures, the UI).
  paths: [],
  // pino, for the CLI, the simulator and the app.
  logger: ['engine'],
  // The start-up banner a terminal shows: plain text from plain facts.
  banner: [],
  // One folder a provider, each behind its Provider object; they know the engine, never the app around them.
  providers: ['engine', 'paths'],
  // The set-up document: its schema, a file's lines, generated people, start-up options and flag precedence.
  setup: ['engine', 'providers', 'paths'],
  // Request helpers both the provider routes and the control API use (JSON body, reading errors, the log line).
  web: ['engine', 'logger'],
  // The /_sim control API.
  control: ['engine', 'providers', 'setup', 'web', 'paths'],
  // Spec-driven provider routes, and the app that mounts them and the control API.
  http: ['engine', 'providers', 'web', 'control', 'paths', 'logger'],
  // `msgsim verify`: a client of a real API, checking it against the provider's spec (wall time from the engine's clock).
  contract: ['engine', 'providers', 'http', 'paths'],
  // `msgsim proxy`: forwards to a real API and checks its answers as verify does.
  proxy: ['engine', 'contract', 'providers', 'logger'],
  'wait-for': ['engine'],
  // Library mode: an engine, the app and a listening server.
  simulator: ['engine', 'providers', 'setup', 'http', 'control', 'logger', 'wait-for'],
  // The package's public entry.
  index: ['simulator', 'http', 'control', 'engine', 'providers', 'setup'],
  cli: ['simulator', 'contract', 'proxy', 'providers', 'setup', 'engine', 'logger', 'banner', 'paths'],
};

/** The only files of these areas that another area may import; the rest is their inside. */
const DOORS: Partial<Record<Area, RegExp>> = {
  // The app mounts the control API through its index; library types (no express in them) come from types.ts.
  control: /^control\/(index|types)\.ts$/,
  // The registry and the shared Provider types; a provider's own folder only through its Provider object.
  providers: /^providers\/[^/]+\.ts$/,
};

/** Packages only some areas may import (HTTP stays at the edge, as the engine hands back plain data). */
const PACKAGES: Record<string, readonly Area[]> = {
  express: ['web', 'http', 'control'],
  pino: ['logger'],
  'pino-pretty': ['logger'],
  commander: ['cli', 'contract', 'proxy'],
};

function areaOf(file: string): Area | undefined {
  const [head, ...rest] = file.split('/');
  const name = rest.length === 0 ? head!.replace(/\.ts$/, '') : head!;
  return Object.hasOwn(MAY_IMPORT, name) ? (name as Area) : undefined;
}

/** `providers/msghub/x.ts` → 'msghub'; undefined for the shared files directly in providers/. */
function providerFolderOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'providers' && parts.length > 2 ? parts[1] : undefined;
}

function violations(graph: ReadonlyMap<string, ModuleImports>): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    const area = areaOf(file);
    if (!area) {
      found.push(`${file}: in no area of MAY_IMPORT (add its rule)`);
      continue;
    }
    for (const target of imports.files) {
      const to = areaOf(target);
      const edge = `${file} → ${target}`;
      if (!to) found.push(`${edge}: outside src/`);
      else if (to !== area && !MAY_IMPORT[area].includes(to)) found.push(`${edge}: ${area} may not import ${to}`);
      else if (to !== area && DOORS[to] && !DOORS[to].test(target)) found.push(`${edge}: past the door of ${to}`);
      else if (area === 'providers') {
        const mine = providerFolderOf(file);
        const theirs = providerFolderOf(target);
        if (theirs && mine !== theirs && file !== 'providers/index.ts') found.push(`${edge}: into another provider's folder`);
      }
    }
    for (const name of imports.packages) {
      const allowed = PACKAGES[name];
      if (allowed && !allowed.includes(area)) found.push(`${file}: ${area} may not import ${name}`);
    }
  }
  return found;
}

describe('imports in src/', () => {
  const graph = readImportGraph(SRC);

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('http/app.ts')?.files).toContain('control/index.ts');
    expect(graph.get('http/app.ts')?.packages).toContain('express');
  });

  it('form no cycle, type-only imports included', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('go down the layers only, through the doors, and keep express, pino and commander at the edges', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('the rules themselves run one way: no area may import, even indirectly, an area that imports it', () => {
    const areas = new Map(Object.entries(MAY_IMPORT).map(([area, below]) => [area, { files: [...below] }]));
    expect(cyclesOf(areas)).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  it('the parser sees type-only imports, re-exports, import() calls and import types, not comments or strings', () => {
    const source = `
      import type { A } from './a.js';
      import { type B } from './b.js';
      export { C } from './c.js';
      export type * from './d.js';
      const e = await import('./e.js');
      let f: import('./f.js').F;
      import express from 'express';
      // import { G } from './g.js';
      const h = "import { H } from './h.js'";
    `;
    expect(moduleSpecifiers('x.ts', source)).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js', 'express']);
  });

  it('a loop through a type-only import is a cycle; a chain is not', () => {
    const graph = new Map([
      ['a.ts', { files: ['b.ts'] }],
      ['b.ts', { files: ['c.ts'] }],
      ['c.ts', { files: ['a.ts'] }],
      ['d.ts', { files: ['a.ts', 'd.ts'] }],
      ['e.ts', { files: ['a.ts'] }],
    ]);
    expect(cyclesOf(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
  });

  it.each([
    { file: 'engine/x.ts', imports: { files: ['http/app.ts'], packages: [] }, why: 'engine may not import http' },
    { file: 'providers/msghub/x.ts', imports: { files: ['contract/run.ts'], packages: [] }, why: 'providers may not import contract' },
    { file: 'control/x.ts', imports: { files: ['http/body.ts'], packages: [] }, why: 'control may not import http' },
    { file: 'http/x.ts', imports: { files: ['control/errors.ts'], packages: [] }, why: 'past the door of control' },
    { file: 'http/x.ts', imports: { files: ['providers/msghub/index.ts'], packages: [] }, why: 'past the door of providers' },
    { file: 'providers/msghub/x.ts', imports: { files: ['providers/msgine/auth.ts'], packages: [] }, why: "into another provider's folder" },
    { file: 'engine/x.ts', imports: { files: [], packages: ['express'] }, why: 'engine may not import express' },
    { file: 'shiny/x.ts', imports: { files: [], packages: [] }, why: 'in no area' },
  ])('$file: $why', ({ file, imports, why }) => {
    const found = violations(new Map([[file, imports]]));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(why);
  });

  it('lets through what the rules allow', () => {
    const graph = new Map<string, ModuleImports>([
      ['providers/msghub/x.ts', { files: ['providers/provider.ts', 'providers/msghub/y.ts', 'engine/clock.ts', 'paths.ts'], packages: ['node:fs'] }],
      ['providers/index.ts', { files: ['providers/msghub/index.ts'], packages: [] }],
      ['http/x.ts', { files: ['control/index.ts', 'web/body.ts', 'providers/provider.ts'], packages: ['express'] }],
    ]);
    expect(violations(graph)).toEqual([]);
  });
});
