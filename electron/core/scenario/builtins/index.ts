/**
 * The built-in scenarios, as the YAML text a user would write. TS modules holding the text, so
 * the bundled Electron main carries them and nothing reads repo paths at run time.
 */
import { AUTOSCALING_90S } from './autoscaling-90s.ts';
import { CACHE_MATTERS } from './cache-matters.ts';
import { SELF_HEALING } from './self-healing.ts';

/** In the order the dashboard offers them; the first is the first-run demo. */
export const BUILTIN_SCENARIOS: Readonly<Record<string, string>> = {
  'autoscaling-90s': AUTOSCALING_90S,
  'self-healing': SELF_HEALING,
  'cache-matters': CACHE_MATTERS,
};

export const BUILTIN_NAMES = Object.keys(BUILTIN_SCENARIOS);
