/** The shared behavioural suite (test/shared/provider-suite.ts) over every registered provider. */
import { PROVIDERS } from '../../src/providers/index.js';
import { describeProviderSuite } from './provider-suite.js';

for (const provider of PROVIDERS) describeProviderSuite(provider);
