/** The target registry: each kind one descriptor in its folder, and everything kind-shaped derived from the list. */
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError, parseOrThrow } from '../errors.ts';
import {
  DEFAULT_TARGET,
  TARGETS,
  TARGET_KINDS,
  choiceFromFlags,
  descriptorOf,
  kindList,
  targetFlags,
  targetSelectSchema,
} from './registry.ts';

const HERE = import.meta.dirname;

function refusal(work: () => unknown): ValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('target registry', () => {
  it('lists one descriptor per kind folder, each exported from <kind>/descriptor.ts', () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(HERE, entry.name, 'descriptor.ts')))
      .map((entry) => entry.name)
      .sort();
    expect([...TARGET_KINDS].sort()).toEqual(folders);
    expect(new Set(TARGET_KINDS).size).toBe(TARGET_KINDS.length);
    expect(DEFAULT_TARGET).toBe('docker');
  });

  it("accepts each kind's own target:select shape and names the kinds when none matches", () => {
    expect(parseOrThrow(targetSelectSchema, { kind: 'docker' })).toEqual({ kind: 'docker' });
    expect(parseOrThrow(targetSelectSchema, { kind: 'kubernetes', context: 'kind-dev' })).toEqual({
      kind: 'kubernetes',
      context: 'kind-dev',
    });
    const error = refusal(() => parseOrThrow(targetSelectSchema, { kind: 'nomad' }));
    expect(error.field).toBe('kind');
    expect(error.message).toBe(`kind: must be ${kindList()}`);
    expect(kindList(['a', 'b', 'c'])).toBe('a, b or c');
  });

  it("keeps the kinds' flags apart from each other and from the common ones", () => {
    const names = targetFlags().map(({ flag }) => flag.name);
    expect(new Set(names).size).toBe(names.length);
    for (const common of ['stack', 'target', 'settings', 'port', 'host', 'share'])
      expect(names).not.toContain(common);
    expect(targetFlags()).toContainEqual({
      kind: 'kubernetes',
      flag: expect.objectContaining({ name: 'context' }),
    });
  });

  it("turns --target and a kind's flags into a choice; another kind's flag is refused, naming it", () => {
    expect(choiceFromFlags({})).toEqual({ kind: 'docker' });
    expect(choiceFromFlags({ target: 'kubernetes', namespace: 'demo' })).toEqual({
      kind: 'kubernetes',
      namespace: 'demo',
    });
    const foreign = refusal(() => choiceFromFlags({ target: 'docker', context: 'minikube' }));
    expect(foreign.field).toBe('context');
    expect(foreign.message).toBe('context: --context only goes with --target kubernetes');
    const unknown = refusal(() => choiceFromFlags({ target: 'nomad' }));
    expect(unknown.field).toBe('target');
    expect(unknown.message).toMatch(/must be docker or kubernetes, got "nomad"/);
  });

  it('names each requested target as targets:list does, and knows when a request is a no-op', () => {
    for (const descriptor of TARGETS) expect(descriptorOf(descriptor.kind)).toBe(descriptor);
    const kube = descriptorOf('kubernetes');
    const current = kube.requested({ kind: 'kubernetes', context: 'kind-dev', namespace: 'demo' });
    expect(current).toEqual({
      kind: 'kubernetes',
      id: 'kubernetes:kind-dev',
      label: 'Kubernetes: kind-dev',
      context: 'kind-dev',
      namespace: 'demo',
    });
    expect(kube.isCurrent({ kind: 'kubernetes', context: 'kind-dev' }, current)).toBe(true);
    expect(kube.isCurrent({ kind: 'kubernetes', context: 'kind-dev', namespace: 'other' }, current)).toBe(
      false,
    );
    expect(descriptorOf('docker').requested({ kind: 'docker' })).toEqual({
      kind: 'docker',
      id: 'docker',
      label: 'Local Docker engine',
    });
  });

  it('says per kind what replicas past the capacity estimate do', () => {
    expect(descriptorOf('kubernetes').capabilities.pastCapacity).toBe('pending');
    expect(descriptorOf('docker').capabilities.pastCapacity).toBe('shared');
  });
});
