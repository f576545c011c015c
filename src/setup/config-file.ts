/**
 * Reads a set-up file (`msgsim --config msgsim.yaml`, MSGSIM_CONFIG, createSimulator's `config`): YAML or
 * JSON (YAML reads both), checked against the shipped schema. A problem is one ConfigError naming the
 * file, the line and column, and the field, also when it is found later, by the provider that refused a
 * fixture (`locate`): `msgsim.yaml:14:11: tenants.msghub.mk_live_a.contacts[0].phone: …`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { DocumentPath } from './scenario-error.js';
import { ScenarioError } from './scenario-error.js';
import { checkScenarioDocument } from './schema.js';
import type { ScenarioDocument } from './document.js';

/** Far beyond any hand-written set-up (generated fixtures are a count, not a list). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** YAML aliases expand: a bound on them keeps a "billion laughs" file from filling memory. */
const MAX_ALIASES = 1_000;

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  file: string;
  document: ScenarioDocument;
  /** `file:line:col` of the node at `path` (of its key, with `key`), or of its nearest ancestor the file has. */
  locate(path: DocumentPath, key?: boolean): string;
  /** A ScenarioError met while applying the document, as a ConfigError with its place in the file. */
  explain(error: ScenarioError): ConfigError;
}

export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / (1024 * 1024)} MiB`);
    text = bytes.toString('utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the set-up file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseConfig(text, file);
}

/** Parses and checks set-up text; `file` names it in errors. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const lines = new LineCounter();
  const yaml = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = yaml.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new ConfigError(`${file}:${line}:${col}: not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const locate = (target: DocumentPath, key = false): string => {
    const { line, col } = lines.linePos(offsetOf(yaml, target, key));
    return `${file}:${line}:${col}`;
  };
  const explain = (error: ScenarioError) => new ConfigError(`${locate(error.path, error.key)}: ${error.message}`, { cause: error });
  let value: unknown;
  try {
    value = yaml.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`, { cause: error });
  }
  // An empty file is an empty set-up: every default.
  let document: ScenarioDocument;
  try {
    document = checkScenarioDocument(value ?? {});
  } catch (error) {
    if (error instanceof ScenarioError) throw explain(error);
    throw error;
  }
  return { file, document, locate, explain };
}

/**
 * Where the node at `target` starts: its key's start with `key` (or when it has no value node), else its
 * value's; for a path the file lacks (a missing field), where its nearest ancestor starts.
 */
function offsetOf(yaml: Document, target: DocumentPath, key: boolean): number {
  for (let depth = target.length; depth > 0; depth--) {
    const node = yaml.getIn(target.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const parent = depth === 1 ? yaml.contents : yaml.getIn(target.slice(0, depth - 1), true);
    const pair = isMap(parent) ? parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === target[depth - 1]) : undefined;
    const keyRange = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (keyRange && (key || !node?.range) && depth === target.length) return keyRange[0];
    if (node?.range) return node.range[0];
    if (keyRange) return keyRange[0];
  }
  return (yaml.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
}

/** The start-up settings a file gives, with `data` resolved against the file's folder. */
export function startUpSettings(config: LoadedConfig): ScenarioDocument {
  const { document } = config;
  if (document.data === undefined) return document;
  return { ...document, data: path.resolve(path.dirname(config.file), document.data) };
}
