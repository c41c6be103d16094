/**
 * The banner's entry: fills `<NAME>` from `<NAME>_SECRET_ARN` (see `secret-env.ts`)
 * before the bundled handler module is evaluated.
 */
import { loadSecrets } from './secret-env.js';

await loadSecrets();
