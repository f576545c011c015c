/**
 * `npm run bench:install`: what `npm install msgsim` puts on a consumer's disk (issue 21: aim ≤ 40 MB),
 * measured on a real install: this checkout is built (if dist/ is missing) and packed with `npm pack`, a
 * fresh consumer project (`npm init -y`) in a temporary directory installs the tarball with
 * `npm install --omit=dev`, and its node_modules is measured: the packages in it and their bytes. Beside it,
 * in the same run, a consumer that installs only express 5 (the baseline: a server anyone would install).
 * The npm cache this checkout's `npm ci` filled makes the installs quick (`--prefer-offline`); whatever is
 * missing comes from the registry. Writes bench/results/install.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/config.js';
import { formatMB, markdownTable } from './lib/format.js';

/** Bytes of a tree: `files`, the files' sizes (what npm calls unpacked size); `disk`, the blocks allocated (what `du` counts). */
interface Bytes {
  files: number;
  disk: number;
}

interface Package {
  name: string;
  version: string;
  bytes: Bytes;
}

interface Install {
  label: string;
  spec: string;
  packages: Package[];
  /** Entries of the consumer's package-lock.json (node_modules/…): a cross-check of the count on disk. */
  locked: Map<string, string>;
  bytes: Bytes;
  seconds: number;
}

const NPM_TIMEOUT_MS = 600_000;

/**
 * npm as a consumer runs it: `npm run bench:install` hands its child npm_* variables describing this
 * checkout (its prefix, its package.json), which must not steer the consumer's install. Kept: where the
 * cache is and which user config applies.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']);
  for (const [key, value] of Object.entries(process.env)) if (!key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())) env[key] = value;
  return env;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: consumerEnv(), encoding: 'utf8', timeout: NPM_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'inherit'] });
}

/**
 * Bytes of a tree, links not followed; `skip` (a nested node_modules) left out. A file hard-linked more than
 * once is allocated once (`seen`).
 */
function treeBytes(dir: string, seen: Set<string>, skip?: string): Bytes {
  const total: Bytes = { files: 0, disk: 0 };
  const add = (where: string): void => {
    const stat = lstatSync(where);
    const id = `${stat.dev}:${stat.ino}`;
    if (stat.nlink > 1 && !stat.isDirectory()) {
      if (seen.has(id)) return;
      seen.add(id);
    }
    total.disk += stat.blocks * 512;
    if (stat.isFile()) total.files += stat.size;
    if (stat.isDirectory()) for (const entry of readdirSync(where)) if (path.join(where, entry) !== skip) add(path.join(where, entry));
  };
  add(dir);
  return total;
}

/** The package directories under a node_modules (scoped ones, and nested node_modules inside packages), each measured without its nested node_modules. */
function packagesIn(modules: string, seen: Set<string>): Package[] {
  const found: Package[] = [];
  const visit = (dir: string): void => {
    const nested = path.join(dir, 'node_modules');
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
      found.push({ name, version, bytes: treeBytes(dir, seen, nested) });
    }
    if (existsSync(nested)) walk(nested);
  };
  const walk = (where: string): void => {
    for (const entry of readdirSync(where, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const full = path.join(where, entry.name);
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(full, { withFileTypes: true })) if (scoped.isDirectory()) visit(path.join(full, scoped.name));
      } else visit(full);
    }
  };
  walk(modules);
  return found;
}

/** A fresh consumer project under `work` that installs `spec` for production, then what it got. */
function install(work: string, dirName: string, label: string, spec: string): Install {
  const project = path.join(work, dirName);
  mkdirSync(project);
  npm(['init', '-y'], project);
  const started = process.hrtime.bigint();
  npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', spec], project);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const modules = path.join(project, 'node_modules');
  const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const locked = new Map<string, string>();
  for (const [where, entry] of Object.entries(lock.packages)) if (where.startsWith('node_modules/')) locked.set(where, entry.version ?? '?');
  return { label, spec, packages: packagesIn(modules, new Set()), locked, bytes: treeBytes(modules, new Set()), seconds };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };

if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
  console.log('dist/ is missing: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: NPM_TIMEOUT_MS });
}

const work = mkdtempSync(path.join(tmpdir(), 'msgsim-install-'));
try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--silent', '--pack-destination', work], ROOT)) as Array<{
    filename: string;
    unpackedSize: number;
    size: number;
    entryCount: number;
  }>;
  const tarball = path.join(work, packed!.filename);
  const expressSpec = `express@${manifest.dependencies.express!}`;
  console.log(`packed ${packed!.filename}; installing ${expressSpec} and the tarball into two fresh projects under ${work}`);
  const baseline = install(work, 'express-consumer', 'express 5 alone (baseline)', expressSpec);
  const msgsim = install(work, 'msgsim-consumer', 'msgsim (the packed tarball)', tarball);
  const express = baseline.packages.find((p) => p.name === 'express');
  if (express) baseline.label = `express ${express.version} alone (baseline)`;

  let lockAgrees = true;
  for (const run of [baseline, msgsim])
    if (run.packages.length !== run.locked.size) {
      lockAgrees = false;
      console.warn(`${run.label}: ${run.packages.length} package directories, ${run.locked.size} entries in its package-lock.json`);
    }

  const table = markdownTable(
    ['install', 'packages', 'files', 'on disk', '× express (on disk)'],
    [baseline, msgsim].map((run) => [
      run.label,
      String(run.packages.length),
      formatMB(run.bytes.files),
      formatMB(run.bytes.disk),
      `${(run.bytes.disk / baseline.bytes.disk).toFixed(1)}×`,
    ]),
    ['left', 'right', 'right', 'right', 'right'],
  );

  const heaviest = [...msgsim.packages]
    .sort((a, b) => b.bytes.disk - a.bytes.disk)
    .slice(0, 6)
    .map((p) => `${p.name} ${formatMB(p.bytes.disk)}`)
    .join(', ');

  // Cross-check against this checkout's lockfile: does the consumer get the runtime packages (and versions) the tests ran with?
  const ours = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean }>;
  };
  const runtime = new Map<string, string>();
  for (const [where, entry] of Object.entries(ours.packages))
    if (where.startsWith('node_modules/') && !entry.dev && !entry.devOptional) runtime.set(where, entry.version ?? '?');
  const got = new Map([...msgsim.locked].filter(([where]) => where !== `node_modules/${manifest.name}`));
  const differ = [...got].filter(([where, version]) => runtime.has(where) && runtime.get(where) !== version);
  const onlyConsumer = [...got.keys()].filter((where) => !runtime.has(where));
  const onlyOurs = [...runtime.keys()].filter((where) => !got.has(where));
  const name = (where: string) => where.replace(/^node_modules\//, '');
  const crossCheck = [
    `Against this checkout's lockfile: the consumer got ${got.size} dependencies, the lockfile has ${runtime.size} non-dev entries; `,
    `${got.size - differ.length - onlyConsumer.length} at the same place and version`,
    differ.length ? `, ${differ.length} at another version (${differ.map(([where, v]) => `${name(where)} ${runtime.get(where)!} → ${v}`).join(', ')})` : '',
    onlyConsumer.length ? `, ${onlyConsumer.length} only in the consumer (${onlyConsumer.map(name).join(', ')})` : '',
    onlyOurs.length ? `, ${onlyOurs.length} only in the lockfile (${onlyOurs.map(name).join(', ')})` : '',
    '.',
  ].join('');

  const verdict = (bytes: number) => (bytes <= 40e6 ? 'met' : 'MISSED');
  const out = [
    '# What `npm install msgsim` puts on disk',
    '',
    'Written by `npm run bench:install` (bench/install-size.ts): `npm pack` of this checkout, then two fresh projects',
    '(`npm init -y`) that each run `npm install --omit=dev --no-audit --no-fund --prefer-offline`, one with the tarball,',
    `one with \`${expressSpec}\` alone; their node_modules measured. Packages: package directories in node_modules`,
    `(${lockAgrees ? 'the same count as' : 'NOT the same count as'} the entries of each consumer's package-lock.json). Files: the sum of file sizes; on disk: the blocks allocated`,
    "(what `du` counts: every file rounds up to the filesystem's 4 KiB blocks, and directories take blocks). MB = 10⁶ bytes.",
    '',
    table,
    '',
    `The package itself: ${formatMB(packed!.unpackedSize)} unpacked (${packed!.entryCount} files, ${formatMB(packed!.size)} packed). Heaviest in msgsim's install, on disk: ${heaviest}.`,
    '',
    crossCheck,
    '',
    `Target (issue 21): ≤ 40 MB — files ${formatMB(msgsim.bytes.files)}: ${verdict(msgsim.bytes.files)}; on disk ${formatMB(msgsim.bytes.disk)}: ${verdict(msgsim.bytes.disk)}.`,
    '',
  ].join('\n');
  console.log(`installs took ${baseline.seconds.toFixed(1)} s (express) and ${msgsim.seconds.toFixed(1)} s (msgsim)\n`);
  writeFileSync(path.join(ROOT, 'bench', 'results', 'install.md'), out);
  console.log(out);
} finally {
  rmSync(work, { recursive: true, force: true });
}
