// @vitest-environment jsdom
// The HPA behavior form: what an edit hands back (the round trip through the form), the
// "default" marks, adding/removing policy rows, reset, an empty box, core errors placed under
// the field they name, and a second copy on the page (the what-if's) named apart.
import '../test-support/dom.ts';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { ErrorData } from '../api/channels.ts';
import { BehaviorSection } from './BehaviorSection.tsx';
import { profileBehavior, type AutoscalerProfile, type HpaBehavior } from './behavior-form.ts';

/** The section as the autoscaler form holds it: its own state, every change recorded. */
function Harness(props: {
  profile?: AutoscalerProfile;
  start?: HpaBehavior;
  applied?: HpaBehavior | null;
  error?: ErrorData | null;
  changes: HpaBehavior[];
}) {
  const profile = props.profile ?? 'demo';
  const [behavior, setBehavior] = useState(props.start ?? profileBehavior(profile));
  return (
    <BehaviorSection
      profile={profile}
      behavior={behavior}
      applied={props.applied ?? null}
      error={props.error ?? null}
      onChange={(next) => {
        props.changes.push(next);
        setBehavior(next);
      }}
    />
  );
}

function open(props: Omit<Parameters<typeof Harness>[0], 'changes'> = {}) {
  const changes: HpaBehavior[] = [];
  render(<Harness {...props} changes={changes} />);
  fireEvent.click(screen.getByText('Behavior'));
  return { changes, last: () => changes.at(-1) };
}

const box = (name: string) => screen.getByRole('spinbutton', { name });
const select = (name: string) => screen.getByRole('combobox', { name });
const type = (name: string, value: string) => fireEvent.change(box(name), { target: { value } });
const group = (name: string) => within(screen.getByRole('group', { name: new RegExp(`^${name}`) }));

describe('BehaviorSection', () => {
  it('shows the profile’s rules, each marked default', () => {
    open();
    expect(box('Scale-up stabilization window')).toHaveValue(0);
    expect(box('Scale-down stabilization window')).toHaveValue(30);
    expect(select('Scale-down select policy')).toHaveValue('Max');
    expect(screen.getAllByTestId('scaleUp-policy')).toHaveLength(2);
    expect(box('Scale-up policy 1 value')).toHaveValue(100);
    expect(select('Scale-up policy 1 type')).toHaveValue('Percent');
    expect(box('Scale-up policy 2 value')).toHaveValue(4);
    expect(select('Scale-up policy 2 type')).toHaveValue('Pods');
    expect(box('Scale-up policy 2 period')).toHaveValue(5);
    // Window, select policy and policies, for both directions.
    expect(screen.getAllByText('default')).toHaveLength(6);
  });

  it('hands back the whole behavior after each edit, and the form shows what it was given', () => {
    const { last } = open();
    type('Scale-down stabilization window', '45');
    fireEvent.change(select('Scale-down select policy'), { target: { value: 'Min' } });
    type('Scale-up policy 2 value', '2');
    fireEvent.change(select('Scale-up policy 1 type'), { target: { value: 'Pods' } });
    type('Scale-up policy 1 period', '30');
    const demo = profileBehavior('demo');
    expect(last()).toEqual({
      scaleUp: {
        ...demo.scaleUp,
        policies: [
          { type: 'Pods', value: 100, periodSeconds: 30 },
          { type: 'Pods', value: 2, periodSeconds: 5 },
        ],
      },
      scaleDown: { ...demo.scaleDown, stabilizationWindowSeconds: 45, selectPolicy: 'Min' },
    });
    expect(box('Scale-down stabilization window')).toHaveValue(45);
    expect(select('Scale-down select policy')).toHaveValue('Min');
    expect(box('Scale-up policy 1 period')).toHaveValue(30);
  });

  it('drops the default mark only from the fields that were edited', () => {
    open();
    type('Scale-down stabilization window', '45');
    const down = within(screen.getByRole('group', { name: 'Scale-down' }));
    expect(down.getByText(/Stabilization window/)).not.toHaveTextContent('default');
    expect(down.getByText(/Select policy/)).toHaveTextContent('default');
    expect(within(screen.getByRole('group', { name: 'Scale-up' })).getAllByText('default')).toHaveLength(3);
  });

  it('adds a policy row of 1 pod per 60 s and removes the row asked for', () => {
    const { last } = open();
    fireEvent.click(screen.getByRole('button', { name: 'Add scale-down policy' }));
    expect(last()?.scaleDown.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 5 },
      { type: 'Pods', value: 1, periodSeconds: 60 },
    ]);
    expect(group('Scale-down policies').queryByText('default')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove scale-down policy 1' }));
    expect(last()?.scaleDown.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 60 }]);
    expect(screen.getAllByTestId('scaleDown-policy')).toHaveLength(1);
    expect(box('Scale-down policy 1 period')).toHaveValue(60);
    // The last row too, not just the first.
    fireEvent.click(screen.getByRole('button', { name: 'Remove scale-up policy 2' }));
    expect(last()?.scaleUp.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 5 }]);
    expect(last()?.scaleDown.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 60 }]);
  });

  it('an emptied box is sent as NaN, so the core names the field instead of the form guessing', () => {
    const { last } = open();
    type('Scale-up stabilization window', '');
    expect(last()?.scaleUp.stabilizationWindowSeconds).toBeNaN();
    expect(box('Scale-up stabilization window')).toHaveValue(null);
  });

  it('resets every rule to the profile’s defaults', () => {
    const start = profileBehavior('kubernetes');
    start.scaleDown.stabilizationWindowSeconds = 600;
    start.scaleUp.policies = [];
    const { last } = open({ profile: 'kubernetes', start });
    expect(screen.queryAllByTestId('scaleUp-policy')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Reset behavior to the profile’s defaults' }));
    expect(last()).toEqual(profileBehavior('kubernetes'));
    expect(box('Scale-down stabilization window')).toHaveValue(300);
    expect(screen.getAllByTestId('scaleUp-policy')).toHaveLength(2);
  });

  it('the summary shows the form’s windows while off and the applied ones while on', () => {
    open();
    expect(screen.getByTestId('behavior-summary')).toHaveTextContent(
      'scale-up window 0 s · scale-down window 30 s (applies when on)',
    );
    cleanup();
    open({ applied: profileBehavior('kubernetes') });
    expect(screen.getByTestId('behavior-summary')).toHaveTextContent(
      'scale-up window 0 s · scale-down window 300 s',
    );
    expect(screen.getByTestId('behavior-summary')).not.toHaveTextContent('applies when on');
  });

  it('puts a policy error under its row and marks that box invalid', () => {
    open({
      error: {
        code: 'VALIDATION',
        field: 'behavior.scaleUp.policies.1.periodSeconds',
        message: 'behavior.scaleUp.policies.1.periodSeconds: must be at most 1800',
      },
    });
    const row = within(screen.getAllByTestId('scaleUp-policy')[1]!);
    expect(row.getByRole('alert')).toHaveTextContent(
      'behavior.scaleUp.policies.1.periodSeconds: must be at most 1800',
    );
    expect(box('Scale-up policy 2 period')).toBeInvalid();
    expect(box('Scale-up policy 2 value')).toBeValid();
    expect(box('Scale-up policy 1 period')).toBeValid();
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  it('shows an error for a behavior field it has no box for below the rules', () => {
    open({
      error: {
        code: 'VALIDATION',
        field: 'behavior.scaleUp',
        message: 'behavior.scaleUp: must be an object',
      },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('behavior.scaleUp: must be an object');
    expect(screen.getByRole('alert')).toHaveAttribute('id', 'behavior-error');
  });

  it('leaves errors about other fields to the autoscaler form', () => {
    open({ error: { code: 'VALIDATION', field: 'maxReplicas', message: 'maxReplicas: must be at most 12' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a second copy with a prefix names every control apart, so both can share the page', () => {
    const changes: HpaBehavior[] = [];
    render(
      <>
        <Harness changes={[]} />
        <BehaviorSection
          namePrefix="What-if"
          profile="demo"
          behavior={profileBehavior('demo')}
          applied={null}
          error={{ code: 'VALIDATION', field: 'behavior.scaleUp', message: 'behavior.scaleUp: bad' }}
          onChange={(next) => changes.push(next)}
        />
      </>,
    );
    for (const name of ['Scale-down stabilization window', 'Scale-up policy 2 period'])
      expect(screen.getAllByRole('spinbutton', { name })).toHaveLength(1);
    expect(screen.getAllByRole('button', { name: 'Add scale-down policy' })).toHaveLength(1);
    type('What-if scale-down stabilization window', '12');
    expect(changes.at(-1)?.scaleDown.stabilizationWindowSeconds).toBe(12);
    fireEvent.click(screen.getByRole('button', { name: 'What-if remove scale-up policy 2' }));
    expect(changes.at(-1)?.scaleUp.policies).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'What-if add scale-down policy' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'What-if scale-up select policy' })).toHaveValue('Max');
    expect(screen.getAllByTestId('whatif-scaleUp-policy')).toHaveLength(2);
    expect(screen.getByRole('alert')).toHaveAttribute('id', 'whatif-behavior-error');
  });
});
