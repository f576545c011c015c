/**
 * What a person sees when msgsim starts in a terminal: where everything is, at a glance. (Not a
 * terminal, or --log-format json: the same facts as JSON log lines, which scripts and tests wait for.)
 */
export interface BannerFacts {
  version: string;
  base: string;
  clock: string;
  seed: number;
  data: string | undefined;
  providers: Array<{ title: string; url: string }>;
}

export function banner(facts: BannerFacts): string {
  const rows: Array<[string, string]> = [
    ...facts.providers.map((p): [string, string] => [p.title, p.url]),
    ['control API', `${facts.base}/_sim`],
    ['dev inbox', `${facts.base}/_sim/ui`],
    ['API reference', `${facts.base}/_sim/docs`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const state = `clock ${facts.clock} · seed ${facts.seed} · ${facts.data ? `data ${facts.data}` : 'in memory'}`;
  return [
    '',
    `  msgsim ${facts.version} listening on ${facts.base}  (${state})`,
    '',
    ...rows.map(([name, url]) => `    ${name.padEnd(width)}  ${url}`),
    '',
    '  Ctrl-C stops it (in-flight requests finish, state is flushed).',
    '',
    '',
  ].join('\n');
}
