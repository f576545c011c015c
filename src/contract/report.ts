/** The two reporters: a readable summary (with expected/actual diffs) and JUnit XML for CI systems. */
import type { VerifyReport } from './run.js';

export function summarize(report: VerifyReport): { passed: number; failed: number; skipped: number } {
  const count = (s: string) => report.results.filter((r) => r.status === s).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');

export function prettyReport(report: VerifyReport): string {
  const lines = [`msgsim verify: ${report.provider} at ${report.baseUrl}`, ''];
  for (const r of report.results) {
    const mark = r.status === 'passed' ? '✓ PASS' : r.status === 'failed' ? '✗ FAIL' : '- SKIP';
    lines.push(`${mark} ${r.name}${r.status === 'skipped' ? ` (${r.reason})` : ''}`);
    if (r.status === 'failed') {
      if (r.reason) lines.push(`    ${r.reason}`);
      if (r.expected !== undefined) lines.push(indent(r.expected, '    - expected: '));
      if (r.actual !== undefined) lines.push(indent(r.actual, '    + actual:   '));
    }
  }
  const s = summarize(report);
  lines.push('', `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${report.sendsUsed} send(s) used)`);
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  // Characters XML 1.0 forbids are dropped; the five specials escaped.
  // eslint-disable-next-line no-control-regex
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
  return text.replace(forbidden, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function junitReport(report: VerifyReport): string {
  const s = summarize(report);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = report.results.reduce((sum, r) => sum + r.durationMs, 0);
  const suite = `msgsim verify ${report.provider}`;
  const cases = report.results.map((r) => {
    const open = `    <testcase classname="${xml(suite)}" name="${xml(r.name)}" time="${seconds(r.durationMs)}"`;
    if (r.status === 'passed') return `${open}/>`;
    if (r.status === 'skipped') return `${open}>\n      <skipped message="${xml(r.reason ?? '')}"/>\n    </testcase>`;
    const detail = `expected: ${r.expected ?? ''}\nactual: ${r.actual ?? ''}`;
    return `${open}>\n      <failure message="${xml(r.reason ?? 'failed')}" type="ContractViolation">${xml(detail)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="msgsim verify" tests="${report.results.length}" failures="${s.failed}" skipped="${s.skipped}" time="${seconds(total)}">`,
    `  <testsuite name="${xml(suite)}" tests="${report.results.length}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(total)}">`,
    `    <properties><property name="baseUrl" value="${xml(report.baseUrl)}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
