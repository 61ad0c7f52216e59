// Series colours per theme: distinguishable for the common colour-vision deficiencies (Okabe-Ito
// order) and strong enough on a washed-out projector.
import type { MarkerKind } from '../store/describe-event.ts';
import type { Theme } from '../store/slices/ui-slice.ts';

const SERIES: Record<Theme, string[]> = {
  dark: ['#56b4e9', '#f0a830', '#4fd1a5', '#f36f6f', '#c792ea', '#f0e442', '#9aa7ff', '#ff9bd2'],
  light: ['#0072b2', '#d55e00', '#009e73', '#cc3344', '#7b3fbf', '#a88a00', '#3344aa', '#c7348a'],
};

const MARKERS: Record<Theme, Record<MarkerKind, string>> = {
  dark: {
    scale: '#8fa3bf',
    autoscaler: '#c792ea',
    chaos: '#f36f6f',
    replica: '#f0a830',
    load: '#4fd1a5',
    deploy: '#56b4e9',
    error: '#ff5c5c',
    target: '#f0e442',
    scenario: '#ffffff',
  },
  light: {
    scale: '#4a5a70',
    autoscaler: '#7b3fbf',
    chaos: '#cc3344',
    replica: '#b35a00',
    load: '#007a5a',
    deploy: '#0072b2',
    error: '#c00000',
    target: '#a88a00',
    scenario: '#111827',
  },
};

export const seriesColor = (theme: Theme, index: number) => SERIES[theme][index % SERIES[theme].length]!;
export const markerColor = (theme: Theme, kind: MarkerKind) => MARKERS[theme][kind];

export const CHART_CHROME: Record<Theme, { grid: string; axis: string }> = {
  dark: { grid: '#2a3342', axis: '#9aa8bc' },
  light: { grid: '#e3e8ef', axis: '#4a5568' },
};
