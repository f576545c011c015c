/**
 * `npm run bench:install`: what `npm install msgsim` puts on a consumer's disk (issue 21: aim ≤ 40 MB), as
 * this checkout's lockfile resolves it: the package itself (`npm pack`'s unpacked size) plus every
 * runtime dependency (the lockfile's non-dev entries), each measured on disk in node_modules. Beside it,
 * in the same run: express 5 alone (the baseline: a server anyone would install) and what msgsim brought
 * while redoc was a runtime dependency. Writes bench/results/install.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/config.js';
import { formatMB, markdownTable } from './lib/format.js';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** Bytes on disk of a directory tree (files' sizes; links not followed). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(full);
    else if (entry.isFile()) total += lstatSync(full).size;
  }
  return total;
}

/** Every lockfile entry (`node_modules/...` path) reachable from `roots` through dependencies, resolved as node does. */
function closure(roots: readonly string[]): Set<string> {
  const found = new Set<string>();
  const resolve = (from: string, name: string): string | undefined => {
    // Node's lookup: the nearest node_modules up from the requiring package.
    for (let base = from; ;) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      const up = base.lastIndexOf('/node_modules/');
      if (!base) return undefined;
      base = up < 0 ? '' : base.slice(0, up);
    }
  };
  const visit = (where: string): void => {
    if (found.has(where)) return;
    found.add(where);
    const entry = lock.packages[where]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const next = resolve(where, name);
      if (next) visit(next);
    }
  };
  for (const root of roots) {
    const where = resolve('', root);
    if (where) visit(where);
  }
  return found;
}

function measure(label: string, entries: Set<string>, own = 0): { label: string; packages: number; bytes: number } {
  let bytes = own;
  for (const where of entries) if (existsSync(path.join(ROOT, where))) bytes += treeBytes(path.join(ROOT, where)) - nestedBytes(where, entries);
  return { label, packages: entries.size, bytes };
}

/** A package's directory holds its nested node_modules, counted on their own: subtract them once. */
function nestedBytes(where: string, entries: Set<string>): number {
  const nested = path.join(ROOT, where, 'node_modules');
  if (!existsSync(nested)) return 0;
  let bytes = 0;
  for (const other of entries)
    if (other.startsWith(`${where}/node_modules/`) && !other.slice(where.length + '/node_modules/'.length).includes('/node_modules/'))
      bytes += treeBytes(path.join(ROOT, other));
  return bytes;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: ROOT, encoding: 'utf8' })) as Array<{
  unpackedSize: number;
  size: number;
  entryCount: number;
}>;
const own = packed[0]!;
const runtime = closure(Object.keys(manifest.dependencies));
const rows = [
  measure('express 5 alone (baseline)', closure(['express'])),
  measure('msgsim now (runtime dependencies + the package)', runtime, own.unpackedSize),
  measure('msgsim with redoc as a runtime dependency (before)', new Set([...runtime, ...closure(['redoc'])]), own.unpackedSize),
];
const base = rows[0]!.bytes;
const table = markdownTable(
  ['install', 'packages', 'on disk', '× express'],
  rows.map((r) => [r.label, String(r.packages), formatMB(r.bytes), `${(r.bytes / base).toFixed(1)}×`]),
  ['left', 'right', 'right', 'right'],
);
const now = rows[1]!;
const out = [
  '# What `npm install msgsim` puts on disk',
  '',
  "Written by `npm run bench:install` (bench/install-size.ts), from this checkout's lockfile and node_modules.",
  '',
  table,
  '',
  `The package itself: ${formatMB(own.unpackedSize)} unpacked (${own.entryCount} files, ${formatMB(own.size)} packed). Target (issue 21): ≤ 40 MB — ${now.bytes <= 40 * 1024 * 1024 ? 'met' : 'MISSED'}.`,
  '',
].join('\n');
writeFileSync(path.join(ROOT, 'bench', 'results', 'install.md'), out);
console.log(out);
