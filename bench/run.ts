/**
 * `npm run bench`: every server of bench/scenarios.ts in turn, in its own process on core 0, loaded by
 * autocannon from this process on core 1, under the same settings; then the cold start. Prints the
 * table and writes it to bench/results/latest.md. Settings: bench/README.md ("Settings").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { coldStartTable, measureColdStart, type ColdStart } from './cold-start.js';
import { CLI, PRISM_BIN, ROOT, runConfig } from './lib/config.js';
import { formatMs } from './lib/format.js';
import { measure } from './lib/load.js';
import { canPin, freePort, loadAverage, LOADGEN_CPU, pinSelf, startProcess, stopProcess, treeRss, waitForHttp } from './lib/proc.js';
import { metaLines, resultsMarkdown, resultsText, targetsMarkdown, throughputTargets, type RowResult, type RunMeta } from './lib/report.js';
import { serverGroups, type GroupContext } from './scenarios.js';

const config = runConfig();
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!existsSync(CLI)) {
  log(`bench: ${relative(ROOT, CLI)} is missing; run npm run build first`);
  process.exit(1);
}

const pinned = canPin(config.cores) && pinSelf(LOADGEN_CPU);
const meta: RunMeta = {
  date: new Date().toISOString(),
  node: process.version,
  cores: config.cores,
  cpuModel: cpuModel(),
  pinned,
  connections: config.connections,
  durationSec: config.durationSec,
  warmupSec: config.warmupSec,
  loadBefore: loadAverage(),
};
log(
  `bench: ${config.connections} connections, ${config.warmupSec} s warm-up + ${config.durationSec} s per scenario${pinned ? ', servers on core 0, autocannon on core 1' : ', unpinned'}`,
);

const selected = (id: string) => !config.only || config.only.some((prefix) => id.startsWith(prefix));
const rows: RowResult[] = [];

for (const group of serverGroups()) {
  const scenarios = group.scenarios.filter((s) => selected(s.id));
  if (scenarios.length === 0) continue;
  const rowOf = (s: (typeof scenarios)[number]): RowResult => ({ id: s.id, label: s.label, server: group.label, kind: group.kind, group: group.id, op: s.op });
  if (group.kind === 'prism' && !existsSync(PRISM_BIN)) {
    for (const s of scenarios) rows.push({ ...rowOf(s), skipped: '@stoplight/prism-cli is not installed' });
    continue;
  }
  const port = await freePort();
  const { command, args } = group.command(port, config.cpuProfDir);
  if (config.cpuProfDir && group.kind === 'msgsim') mkdirSync(config.cpuProfDir, { recursive: true });
  const server = startProcess({ name: group.label, command, args, cwd: ROOT, pin: pinned });
  const ctx: GroupContext = { base: `http://127.0.0.1:${port}`, providers: new Set(), seededIds: [], listSeed: config.listSeed };
  try {
    const startupMs = await waitForHttp(`${ctx.base}${group.readyPath}`, server);
    log(`\n${group.label} (pid ${server.pid}) answering after ${Math.round(startupMs)} ms`);
    await group.setup?.(ctx);
    for (const scenario of scenarios) {
      const row = rowOf(scenario);
      rows.push(row);
      const prepared = await scenario.prepare(ctx);
      if ('skip' in prepared) {
        row.skipped = prepared.skip;
        log(`  ${scenario.label}: skipped (${prepared.skip})`);
        continue;
      }
      row.note = prepared.note;
      row.measurement = await measure(prepared.spec, config);
      row.rssBytes = treeRss(server.pid);
      row.warning = scenario.check?.(row.measurement.statusCodes);
      const m = row.measurement;
      log(
        `  ${scenario.label}: ${Math.round(m.rps)} req/s, p50 ${formatMs(m.p50)}, p99 ${formatMs(m.p99)}, ${Object.entries(m.statusCodes)
          .map(([c, n]) => `${n}×${c}`)
          .join(' ')}${m.errors ? `, ${m.errors} errors` : ''}${row.warning ? `  ⚠ ${row.warning}` : ''}`,
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`  ${group.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const s of scenarios) if (!rows.some((r) => r.id === s.id)) rows.push({ ...rowOf(s), skipped: reason });
    for (const r of rows) if (r.group === group.id && !r.measurement && !r.skipped) r.skipped = reason;
  } finally {
    await stopProcess(server);
  }
}

let coldStart: ColdStart | undefined;
if (selected('cold-start') && config.coldStartRuns > 0) {
  try {
    coldStart = await measureColdStart(config.coldStartRuns);
  } catch (error) {
    log(`cold start failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
meta.loadAfter = loadAverage();

const targets = throughputTargets(rows, coldStart?.medianFirstResponseMs, coldStart?.providers.length);
console.log(`\n${resultsText(rows)}\n`);
if (coldStart)
  console.log(
    `cold start (median of ${coldStart.runs.length}, ${coldStart.providers.length} providers): ${Math.round(coldStart.medianFirstResponseMs)} ms to the first 201\n`,
  );
for (const t of targets) console.log(`${t.met === undefined ? 'n/a   ' : t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.measured}`);

mkdirSync(dirname(config.out), { recursive: true });
writeFileSync(config.out, markdown());
log(`\nwrote ${relative(process.cwd(), config.out)}`);

function markdown(): string {
  const parts = [
    '# msgsim benchmark — latest run',
    '',
    'Written by `npm run bench` (bench/run.ts); what each row measures is in bench/README.md.',
    '',
    ...metaLines(meta),
    '',
    '## Throughput and latency (same run, same conditions)',
    '',
    resultsMarkdown(rows),
    '',
    "RSS is the server process tree's resident memory right after the scenario. Ratios divide by the",
    "express baseline's POST and by Prism's answer to the same kind of request (send, get, list).",
    '',
    '## Targets',
    '',
    targetsMarkdown(targets),
    '',
  ];
  if (coldStart) {
    parts.push(
      '## Cold start',
      '',
      `\`node dist/cli.js\` with ${coldStart.providers.length} providers mounted (${coldStart.providers.join(', ')}), ${coldStart.runs.length} launches${coldStart.pinned ? ', pinned to core 0' : ''}:`,
      '',
      coldStartTable(coldStart),
      '',
    );
  }
  parts.push(
    'Scale figures (1M messages) are in bench/results/scale.md (`npm run bench:scale`), persistence in bench/results/scale-data-*.md (`-- --data FILE`).',
    '',
  );
  return parts.join('\n');
}

function cpuModel(): string | undefined {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}
