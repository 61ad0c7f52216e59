import type { SourceMapPayload } from 'node:module';

export function keepOwnSources(map: SourceMapPayload, keep: (source: string) => boolean): SourceMapPayload;
