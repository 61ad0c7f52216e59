/**
 * The `autoscale` command's behavior flags: the common edits as flags (--scale-up-window,
 * --scale-down-window) over a behavior given in full as JSON (--behavior or --behavior-file).
 * Checked with the contract's own schema before anything is opened, so a bad value fails fast
 * with the field it names.
 */
import { readFile } from 'node:fs/promises';
import {
  hpaBehaviorInputSchema,
  type HpaBehavior,
  type HpaBehaviorInput,
  type ScalingRules,
} from './core/autoscaler.ts';
import { ValidationError, parseOrThrow } from './core/errors.ts';

export interface BehaviorFlags {
  behavior?: string;
  behaviorFile?: string;
  scaleUpWindow?: number;
  scaleDownWindow?: number;
}

async function jsonOf(flags: BehaviorFlags): Promise<unknown> {
  if (flags.behavior !== undefined && flags.behaviorFile !== undefined)
    throw new ValidationError('--behavior-file', 'give --behavior or --behavior-file, not both');
  let text: string;
  let flag: string;
  if (flags.behavior !== undefined) {
    text = flags.behavior;
    flag = '--behavior';
  } else if (flags.behaviorFile !== undefined) {
    flag = '--behavior-file';
    try {
      text = await readFile(flags.behaviorFile, 'utf8');
    } catch (error) {
      throw new ValidationError(flag, `cannot read ${flags.behaviorFile}: ${(error as Error).message}`);
    }
  } else {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(
      flag,
      `is not JSON (${(error as Error).message}); expected e.g. {"scaleDown":{"stabilizationWindowSeconds":60}}`,
    );
  }
}

/** The behavior the flags ask for, or undefined when none was given (the profile's then). */
export async function behaviorFromFlags(flags: BehaviorFlags): Promise<HpaBehaviorInput | undefined> {
  const json = await jsonOf(flags);
  const given = json === undefined ? {} : parseOrThrow(hpaBehaviorInputSchema, json, 'behavior');
  const merged: HpaBehaviorInput = { ...given };
  if (flags.scaleUpWindow !== undefined)
    merged.scaleUp = { ...merged.scaleUp, stabilizationWindowSeconds: flags.scaleUpWindow };
  if (flags.scaleDownWindow !== undefined)
    merged.scaleDown = { ...merged.scaleDown, stabilizationWindowSeconds: flags.scaleDownWindow };
  if (json === undefined && Object.keys(merged).length === 0) return undefined;
  return parseOrThrow(hpaBehaviorInputSchema, merged, 'behavior');
}

function describeRules(rules: ScalingRules): string {
  const policies = rules.policies.map((p) => `${p.type} ${p.value}/${p.periodSeconds}s`).join(', ');
  return `window ${rules.stabilizationWindowSeconds}s, ${rules.selectPolicy} of [${policies}]`;
}

/** Two lines for `status`: what each direction's rules are. */
export function describeBehavior(behavior: HpaBehavior): string[] {
  return [
    `  scale-up: ${describeRules(behavior.scaleUp)}`,
    `  scale-down: ${describeRules(behavior.scaleDown)}`,
  ];
}
