/** Msghub's fixtures: the magic keys registered at start, message templates, and the flows every tenant starts with. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';
import type { NamedKey } from '../client-profile.js';
import type { Channel } from './channels.js';

export interface TemplateFixture {
  templateId: string;
  channels: Channel[];
  subject?: string;
  text: string;
}

export interface FlowStepFixture {
  type: 'send_message' | 'wait';
  channel?: Channel;
  body?: string;
  delaySeconds?: number;
}

export interface FlowFixture {
  flowId: string;
  name: string;
  description?: string;
  status: 'active' | 'inactive';
  trigger: 'api';
  steps: FlowStepFixture[];
}

interface MsghubFixtures {
  keys: NamedKey[];
  templates: TemplateFixture[];
  flows: FlowFixture[];
}

const FILE = fixturePath('msghub.json');

/** Every fixture file Msghub reads (Provider.fixtureFiles). */
export const MSGHUB_FIXTURE_FILES: readonly string[] = [FILE];

export const MSGHUB_FIXTURES: MsghubFixtures = JSON.parse(readFileSync(FILE, 'utf8')) as MsghubFixtures;

export function findTemplate(templateId: string): TemplateFixture | undefined {
  return MSGHUB_FIXTURES.templates.find((t) => t.templateId === templateId);
}

/** Fills `{{name}}` placeholders; returns the names that had no value. */
export function renderPlaceholders(text: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const rendered = text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_all, name: string) => {
    if (Object.hasOwn(values, name)) return values[name]!;
    missing.push(name);
    return `{{${name}}}`;
  });
  return { text: rendered, missing: [...new Set(missing)] };
}
