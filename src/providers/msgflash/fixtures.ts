/**
 * MsgFlash's account-level fixtures (fixtures/msgflash.json): the plan catalog, the WhatsApp instances
 * every workspace starts with, and the named keys registered at start-up.
 */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../paths.js';
import type { NamedKey } from '../client-profile.js';

export const FEATURES = ['scheduledMessages', 'campaigns', 'statuses', 'bulkContactJobs', 'teamWorkspaces'] as const;
export type Feature = (typeof FEATURES)[number];

export interface PlanLimits {
  monthlyApiRequestQuota: number;
  monthlyMessages: number;
}

export interface PlanFixture {
  id: string;
  name: string;
  description: string;
  /** Minor units (cents) per interval. */
  price: { amount: number; currency: string; interval: 'month' };
  limits: PlanLimits;
  features: Record<Feature, boolean>;
}

export interface InstanceFixture {
  id: string;
  name: string;
  phoneNumber: string;
  createdAt: string;
}

interface MsgflashFixtures {
  defaultPlan: string;
  paymentHistoryMonths: number;
  plans: PlanFixture[];
  instances: InstanceFixture[];
  keys: NamedKey[];
}

const FILE = fixturePath('msgflash.json');

/** Every fixture file MsgFlash reads (Provider.fixtureFiles). */
export const MSGFLASH_FIXTURE_FILES: readonly string[] = [FILE];

export const MSGFLASH_FIXTURES: MsgflashFixtures = JSON.parse(readFileSync(FILE, 'utf8')) as MsgflashFixtures;

export function findPlan(id: string): PlanFixture | undefined {
  return MSGFLASH_FIXTURES.plans.find((plan) => plan.id === id);
}

export function defaultPlan(): PlanFixture {
  return findPlan(MSGFLASH_FIXTURES.defaultPlan)!;
}
