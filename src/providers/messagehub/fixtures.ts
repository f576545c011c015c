/** MessageHub's fixtures (fixtures/messagehub.json): named keys QA can use with no setup, and the account's templates. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';
import type { Channel } from './channels.js';

export interface FixtureKey {
  key: string;
  label?: string;
  properties: Record<string, unknown>;
}

export interface TemplateFixture {
  templateId: string;
  description?: string;
  /** Only approved templates may be sent ("AlimTalk … requires Kakao-approved template"). */
  status: 'approved' | 'pending' | 'rejected';
  /** The channels the template is approved on. */
  channels: Channel[];
  /** `{{variable}}` placeholders; names may be any non-space text, e.g. the doc's `고객명`. */
  text: string;
}

interface MessageHubFixtures {
  keys: FixtureKey[];
  templates: TemplateFixture[];
}

const FIXTURES = JSON.parse(readFileSync(fixturePath('messagehub.json'), 'utf8')) as MessageHubFixtures;

export const MESSAGEHUB_KEYS: readonly FixtureKey[] = FIXTURES.keys;
export const MESSAGEHUB_TEMPLATES: readonly TemplateFixture[] = FIXTURES.templates;
