// @vitest-environment jsdom
// The target picker: Docker and the kube contexts with their reachability, why one is unavailable
// and how to fix it, what choosing one sends, the switch in flight (disabled), and a refused
// switch (a deploy is running) snapping back to the session's target with the core's reason.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api.ts';
import type { CurrentTarget, TargetInfo } from '../api/channels.ts';
import { fakeApi, type Answers } from '../test-support/fake-api.ts';
import { stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { TargetPicker } from './TargetPicker.tsx';

const DOCKER: CurrentTarget = { kind: 'docker', id: 'docker', label: 'Local Docker engine' };
const MINIKUBE: CurrentTarget = {
  kind: 'kubernetes',
  id: 'kubernetes:minikube',
  label: 'minikube',
  context: 'minikube',
  namespace: 'scaledeck-default',
};
const TARGETS: TargetInfo[] = [
  { kind: 'docker', id: 'docker', label: 'Local Docker engine', available: true },
  { kind: 'kubernetes', id: 'kubernetes:minikube', label: 'minikube', available: true },
  {
    kind: 'kubernetes',
    id: 'kubernetes:kind-demo',
    label: 'kind-demo',
    available: false,
    reason: 'the API server at https://127.0.0.1:6443 refused the connection',
    fix: 'kind create cluster --name demo',
  },
];

const picker = () => screen.getByRole('combobox', { name: 'Target' });
const optionTexts = () =>
  within(picker())
    .getAllByRole('option')
    .map((o) => o.textContent);

function show(answers: Answers = {}, on: CurrentTarget = DOCKER, targets = TARGETS) {
  const api = fakeApi({
    'targets:list': () => targets,
    'stack:status': () => stackStatus(),
    'load:status': () => null,
    ...answers,
  });
  const view = renderWithStore(<TargetPicker />, api, { targets, currentTarget: on, targetId: on.id });
  return { api, ...view };
}

/** A target:select the test answers when it wants to. */
function held() {
  let settle: { resolve(t: CurrentTarget): void; reject(e: Error): void } | undefined;
  const answer = () =>
    new Promise<CurrentTarget>((resolve, reject) => {
      settle = { resolve, reject };
    });
  return {
    answer,
    resolve: (t: CurrentTarget) => act(async () => settle!.resolve(t)),
    reject: (e: Error) => act(async () => settle!.reject(e)),
  };
}

describe('TargetPicker', () => {
  it('lists every target by kind, marks the unreachable ones, and shows the session’s', () => {
    show();
    expect(optionTexts()).toEqual([
      'Docker · Local Docker engine',
      'Kubernetes · minikube',
      'Kubernetes · kind-demo (unavailable)',
    ]);
    expect(picker()).toHaveValue('docker');
    expect(picker()).toBeEnabled();
  });

  it('says why the others are unavailable and how to fix it', () => {
    show();
    const details = screen.getByText('1 unavailable: why and how to fix').closest('details')!;
    expect(details).toHaveTextContent(
      'kind-demo: the API server at https://127.0.0.1:6443 refused the connection' +
        'Fix: kind create cluster --name demo',
    );
  });

  it('says why the session’s own target is unavailable, as its description', () => {
    const targets = TARGETS.map((t) =>
      t.id === 'docker'
        ? { ...t, available: false, reason: 'no Docker engine answers', fix: 'start dockerd' }
        : t,
    );
    show({}, DOCKER, targets);
    expect(screen.getByRole('note')).toHaveTextContent(
      'Local Docker engine is unavailable. no Docker engine answers Fix: start dockerd',
    );
    expect(picker()).toHaveAccessibleDescription(
      'Local Docker engine is unavailable. no Docker engine answers Fix: start dockerd',
    );
  });

  it('shows a target the list does not name yet, when the session is on it', () => {
    const other: CurrentTarget = {
      kind: 'kubernetes',
      id: 'kubernetes:k3d-x',
      label: 'k3d-x',
      context: 'k3d-x',
    };
    show({}, other);
    expect(optionTexts()[0]).toBe('Kubernetes · k3d-x');
    expect(picker()).toHaveValue('kubernetes:k3d-x');
  });

  it('says it is still looking before the list and the session’s target are known', () => {
    renderWithStore(<TargetPicker />, fakeApi(), {});
    expect(optionTexts()).toEqual(['Looking for targets…']);
  });

  it('asks the session to switch, is disabled while it does, then shows the new target', async () => {
    const select = held();
    const { api } = show({ 'target:select': select.answer });
    fireEvent.change(picker(), { target: { value: 'kubernetes:minikube' } });
    expect(api.sent('target:select')).toEqual([{ kind: 'kubernetes', context: 'minikube' }]);
    expect(picker()).toBeDisabled();
    expect(picker()).toHaveAttribute('aria-busy', 'true');
    expect(picker()).toHaveValue('kubernetes:minikube');
    expect(screen.getByRole('status')).toHaveTextContent('Switching to minikube…');
    await select.resolve(MINIKUBE);
    expect(picker()).toBeEnabled();
    expect(picker()).toHaveValue('kubernetes:minikube');
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a switch refused during a deploy snaps back to the session’s target with the reason', async () => {
    const select = held();
    const { api } = show({ 'target:select': select.answer });
    fireEvent.change(picker(), { target: { value: 'kubernetes:minikube' } });
    await select.reject(
      new ApiError({
        code: 'BUSY',
        // The core's words (session.ts).
        message:
          'a deploy is running on Local Docker engine; switch target once it has finished (switching does not queue behind it)',
      }),
    );
    expect(picker()).toHaveValue('docker');
    expect(picker()).toBeEnabled();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Could not switch target. a deploy is running on Local Docker engine; switch target once it has ' +
        'finished (switching does not queue behind it) Still on Local Docker engine.',
    );
    expect(picker()).toHaveAccessibleDescription(/a deploy is running on Local Docker engine/);
    // Reachability may have changed: the list is read again.
    expect(api.calls.map((c) => c.channel)).toEqual(['target:select', 'targets:list']);
  });

  it('does not send a second switch while one is in flight from another client', () => {
    const { api, store } = show({ 'target:select': () => MINIKUBE });
    act(() =>
      store.getState().applyTargetEvent({
        type: 'target',
        at: 1,
        seq: 1,
        status: 'switching',
        from: DOCKER,
        to: { kind: 'kubernetes', id: 'kubernetes:minikube', label: 'minikube' },
      }),
    );
    expect(picker()).toBeDisabled();
    expect(screen.getByRole('status')).toHaveTextContent('Switching to minikube…');
    fireEvent.change(picker(), { target: { value: 'docker' } });
    expect(api.sent('target:select')).toEqual([]);
  });

  it('choosing an unavailable context says why, without asking the session', () => {
    const targets: TargetInfo[] = [
      ...TARGETS,
      {
        kind: 'kubernetes',
        id: 'kubernetes',
        label: 'Kubernetes',
        available: false,
        reason: 'no kubeconfig found',
        fix: 'set KUBECONFIG',
      },
    ];
    const { api } = show({ 'target:select': () => MINIKUBE }, DOCKER, targets);
    fireEvent.change(picker(), { target: { value: 'kubernetes' } });
    expect(api.sent('target:select')).toEqual([]);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Could not switch target. Kubernetes is unavailable: no kubeconfig found. Fix: set KUBECONFIG Still on Local Docker engine.',
    );
    expect(picker()).toHaveValue('docker');
  });
});
