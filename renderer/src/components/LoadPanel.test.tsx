// @vitest-environment jsdom
// The load generator's panel: the controls' limits (rate 0..2000 in steps of 10, reads 0..100 %,
// skew 0..3), what Start sends, Start/Stop enabled by state, the live report, and a running
// generator following the controls once they rest.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadReport } from '../api/channels.ts';
import { mixFromReadPercent } from '../store/slices/load-slice.ts';
import { fakeApi } from '../test-support/fake-api.ts';
import { ABSENT, loadReport, scenarioStatus, stackStatus } from '../test-support/fixtures.ts';
import { renderWithStore } from '../test-support/render.tsx';
import { LoadPanel } from './LoadPanel.tsx';

const box = (name: string) => screen.getByRole('spinbutton', { name });
const set = (name: string, value: number) =>
  fireEvent.change(box(name), { target: { value: String(value) } });
const start = () => screen.getByRole('button', { name: 'Start load' });
const stop = () => screen.getByRole('button', { name: 'Stop load' });
const state = () => within(screen.getByRole('region', { name: 'Load' })).getAllByRole('status')[0]!;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Lets the controls rest long enough for a running generator to be updated. */
const rest = () => act(() => vi.advanceTimersByTimeAsync(1000));
/** A pause shorter than the rest the panel waits for: a hand still moving the controls. */
const moving = () => act(() => vi.advanceTimersByTimeAsync(300));

/** A generator that reports back what it was asked for. */
function generator() {
  let report: LoadReport | null = null;
  return fakeApi({
    'load:start': (input) => {
      report = loadReport({ state: 'starting', rate: input.rps, zipfExponent: input.zipfExponent ?? 1.1 });
      if (input.mix) report.mix = { ...report.mix, ...input.mix };
      return report;
    },
    'load:update': (input) => {
      report = loadReport({
        rate: input.rps ?? report!.rate,
        zipfExponent: input.zipfExponent ?? report!.zipfExponent,
        mix: { ...report!.mix, ...input.mix },
      });
      return report;
    },
    'load:stop': () => (report = loadReport({ ...report!, state: 'finished', stopReason: 'stopped' })),
  });
}

describe('LoadPanel', () => {
  it('is idle until a stack is deployed, with nothing to start or stop', () => {
    renderWithStore(<LoadPanel />, fakeApi(), { status: ABSENT });
    expect(state()).toHaveTextContent('idle');
    expect(start()).toBeDisabled();
    expect(stop()).toBeDisabled();
    expect(screen.queryByRole('definition')).toBeNull();
  });

  it('keeps the rate inside 0..2000 req/s in steps of 10, reads in 0..100 %, skew in 0..3', () => {
    const { store } = renderWithStore(<LoadPanel />, fakeApi(), { status: stackStatus() });
    expect(box('Request rate')).toHaveValue(100);
    set('Request rate', 2500);
    expect(box('Request rate')).toHaveValue(2000);
    set('Request rate', 37);
    expect(box('Request rate')).toHaveValue(40);
    set('Request rate', -5);
    expect(box('Request rate')).toHaveValue(0);
    set('Reads', 140);
    expect(box('Reads')).toHaveValue(100);
    set('Key skew', 7);
    expect(box('Key skew')).toHaveValue(3);
    set('Key skew', 0.44);
    expect(box('Key skew')).toHaveValue(0.4);
    expect(store.getState().loadForm).toMatchObject({ rps: 0, readPercent: 100, keySkew: 0.4 });
  });

  it('Start sends the rate, the read share as weights, the skew and the duration', async () => {
    const api = generator();
    renderWithStore(<LoadPanel />, api, { status: stackStatus() });
    set('Request rate', 300);
    set('Reads', 60);
    set('Key skew', 2);
    fireEvent.click(start());
    await rest();
    expect(api.sent('load:start')).toEqual([
      { rps: 300, durationSeconds: 600, mix: mixFromReadPercent(60), zipfExponent: 2, clients: 'many' },
    ]);
    expect(mixFromReadPercent(60)).toEqual({ getUser: 53.68, listUsers: 6.32, signUp: 16, token: 24 });
    expect(state()).toHaveTextContent('starting');
    expect(start()).toBeDisabled();
    expect(stop()).toBeEnabled();
  });

  it('says what the client model is, and offers few long-lived clients as the other end', async () => {
    const api = generator();
    renderWithStore(<LoadPanel />, api, { status: stackStatus() });
    const clients = screen.getByRole('combobox', { name: 'Clients' });
    expect(clients).toHaveValue('many');
    expect(clients).toHaveAccessibleDescription(
      /Each connection carries a few requests .*spreads requests evenly/,
    );
    fireEvent.change(clients, { target: { value: 'few' } });
    expect(clients).toHaveAccessibleDescription(/A few keep-alive connections .*one pod gets most requests/);
    fireEvent.click(start());
    await rest();
    expect(api.sent('load:start')[0]).toMatchObject({ clients: 'few' });
  });

  it('keeps the client model fixed while a generator runs', () => {
    renderWithStore(<LoadPanel />, fakeApi(), { status: stackStatus(), loadReport: loadReport() });
    expect(screen.getByRole('combobox', { name: 'Clients' })).toBeDisabled();
    expect(screen.getByRole('combobox', { name: 'Clients' })).toHaveAccessibleDescription(
      /stop and start again to change it/,
    );
  });

  it('shows the running generator’s figures', () => {
    renderWithStore(<LoadPanel />, fakeApi(), { status: stackStatus(), loadReport: loadReport() });
    const report = within(screen.getByLabelText('Load report'));
    expect(state()).toHaveTextContent('running');
    expect(report.getByText('achieved').nextSibling).toHaveTextContent('48 req/s');
    expect(report.getByText('p99').nextSibling).toHaveTextContent('12.3 ms');
    expect(report.getByText('errors').nextSibling).toHaveTextContent('7');
    expect(report.getByText('dropped').nextSibling).toHaveTextContent('3');
    expect(report.getByText('connections').nextSibling).toHaveTextContent('380');
  });

  it('shows no p99 before a response came back', () => {
    const empty = loadReport({ state: 'starting', achievedRate: 0 });
    empty.latencyMs = { ...empty.latencyMs, count: 0 };
    renderWithStore(<LoadPanel />, fakeApi(), { status: stackStatus(), loadReport: empty });
    expect(within(screen.getByLabelText('Load report')).getByText('p99').nextSibling).toHaveTextContent('—');
  });

  it('a running generator follows the controls once they rest, in one update', async () => {
    const api = generator();
    renderWithStore(<LoadPanel />, api, { status: stackStatus(), loadReport: loadReport() });
    set('Request rate', 100);
    await moving();
    set('Request rate', 120);
    await moving();
    set('Reads', 80);
    await moving();
    expect(api.sent('load:update')).toEqual([]);
    await rest();
    expect(api.sent('load:update')).toEqual([{ rps: 120, mix: mixFromReadPercent(80), zipfExponent: 1.1 }]);
    // The report now matches the controls: nothing more is sent.
    await rest();
    expect(api.sent('load:update')).toHaveLength(1);
  });

  it('a stopped generator does not follow the controls', async () => {
    const api = generator();
    renderWithStore(<LoadPanel />, api, {
      status: stackStatus(),
      loadReport: loadReport({ state: 'finished', stopReason: 'duration' }),
    });
    set('Request rate', 500);
    await rest();
    expect(api.calls).toEqual([]);
    expect(start()).toBeEnabled();
    expect(stop()).toBeDisabled();
  });

  it('Stop stops it, and Start is offered again', async () => {
    const api = generator();
    renderWithStore(<LoadPanel />, api, { status: stackStatus(), loadReport: loadReport() });
    fireEvent.click(stop());
    await rest();
    expect(api.sent('load:stop')).toEqual([{}]);
    expect(state()).toHaveTextContent('finished');
    expect(stop()).toBeDisabled();
    expect(start()).toBeEnabled();
  });

  it('a rate set elsewhere (a scenario ramp, the CLI) shows in the controls and is not sent back', async () => {
    const api = generator();
    const { store } = renderWithStore(<LoadPanel />, api, {
      status: stackStatus(),
      loadReport: loadReport(),
      scenario: scenarioStatus(),
    });
    expect(screen.getByRole('note')).toHaveTextContent(
      'The scenario “Autoscaling in 90 seconds” drives the load',
    );
    for (const rate of [90, 120, 140]) {
      act(() =>
        store.getState().applyEvent({
          type: 'load',
          at: Date.now(),
          kind: 'changed',
          report: loadReport({ rate }),
          seq: rate,
        }),
      );
      await rest();
    }
    expect(box('Request rate')).toHaveValue(140);
    expect(api.sent('load:update')).toEqual([]);
    // A hand on the controls takes over again.
    set('Request rate', 60);
    await rest();
    expect(api.sent('load:update')).toEqual([{ rps: 60, mix: mixFromReadPercent(95), zipfExponent: 1.1 }]);
  });
});
