/**
 * Every target kind, one descriptor each (targets/<kind>/descriptor.ts). The contract's kinds and
 * its target:select schema, the session's factory and targets:list, and the --target flags of
 * the CLI and browser mode all come from this list: adding a kind is its folder and one line here.
 */
import { z } from 'zod';
import type { CurrentTarget, TargetInfo } from '../contract.ts';
import { ValidationError } from '../errors.ts';
import { dockerDescriptor } from './docker/descriptor.ts';
import { kubernetesDescriptor } from './kubernetes/descriptor.ts';
import type { LiveTarget, TargetChoice, TargetContext, TargetDescriptor, TargetFlag } from './target.ts';

/** The first is the default target. */
export const TARGETS = [dockerDescriptor, kubernetesDescriptor] as const;

type AnyDescriptor = (typeof TARGETS)[number];
export type TargetKind = AnyDescriptor['kind'];
/** target:select's input, one shape per kind. */
export type TargetRequest = AnyDescriptor extends infer D
  ? D extends TargetDescriptor<string, infer R>
    ? R
    : never
  : never;

export const TARGET_KINDS = TARGETS.map((descriptor) => descriptor.kind) as readonly TargetKind[];
export const DEFAULT_TARGET: TargetKind = TARGETS[0].kind;

/** "a or b", "a, b or c": how errors list the kinds. */
export function kindList(kinds: readonly string[] = TARGET_KINDS): string {
  return kinds.length < 2 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}

/** target:select: the target the session switches to (targets:list ids: 'docker', 'kubernetes:<context>'). */
export const targetSelectSchema = z.discriminatedUnion(
  'kind',
  TARGETS.map((descriptor) => descriptor.selectSchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: `must be ${kindList()}` },
) as unknown as z.ZodType<TargetRequest, unknown>;

export function isTargetKind(name: string): name is TargetKind {
  return (TARGET_KINDS as readonly string[]).includes(name);
}

/** The kind's descriptor, typed for the whole union (each kind only ever sees its own requests). */
export function descriptorOf(kind: TargetKind): TargetDescriptor<TargetKind, TargetRequest> {
  const descriptor = TARGETS.find((candidate) => candidate.kind === kind);
  if (descriptor === undefined) throw new ValidationError('target', `must be ${kindList()}, got "${kind}"`);
  return descriptor as TargetDescriptor<TargetKind, TargetRequest>;
}

/** Each kind's own flags with the kind they belong to (the CLI and browser mode offer them all). */
export function targetFlags(): { kind: TargetKind; flag: TargetFlag }[] {
  return TARGETS.flatMap((descriptor) => descriptor.flags.map((flag) => ({ kind: descriptor.kind, flag })));
}

/**
 * --target and the kinds' flags -> the choice; a kind's flags only go with its --target, and the
 * errors name the flag.
 */
export function choiceFromFlags(values: Readonly<Record<string, string | undefined>>): TargetChoice {
  const kind = values.target ?? DEFAULT_TARGET;
  if (!isTargetKind(kind)) throw new ValidationError('target', `must be ${kindList()}, got "${kind}"`);
  for (const { kind: owner, flag } of targetFlags()) {
    if (owner !== kind && values[flag.name] !== undefined)
      throw new ValidationError(flag.name, `--${flag.name} only goes with --target ${owner}`);
  }
  return descriptorOf(kind).fromFlags(values);
}

export function openTarget(choice: TargetChoice, context: TargetContext): LiveTarget {
  return descriptorOf(choice.kind).open(choice, context);
}

export function describeTarget(target: LiveTarget): CurrentTarget {
  return descriptorOf(target.kind).describe(target);
}

/** Every target of every kind, in registry order, with its reachability. */
export async function listTargets(context: TargetContext): Promise<TargetInfo[]> {
  return (await Promise.all(TARGETS.map((descriptor) => descriptor.list(context)))).flat();
}
