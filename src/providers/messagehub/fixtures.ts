/** MessageHub's fixtures (fixtures/messagehub.json): named keys QA can use with no setup, and the account's templates. */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';
import type { NamedKey } from '../client-profile.js';
import type { Channel } from './channels.js';

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
  keys: NamedKey[];
  templates: TemplateFixture[];
}

const FILE = fixturePath('messagehub.json');

/** Every fixture file MessageHub reads (Provider.fixtureFiles). */
export const MESSAGEHUB_FIXTURE_FILES: readonly string[] = [FILE];

const FIXTURES = JSON.parse(readFileSync(FILE, 'utf8')) as MessageHubFixtures;

export const MESSAGEHUB_KEYS: readonly NamedKey[] = FIXTURES.keys;
export const MESSAGEHUB_TEMPLATES: readonly TemplateFixture[] = FIXTURES.templates;
