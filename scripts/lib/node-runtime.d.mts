export const MIN_NODE: [number, number];
export function nodeIsRecent(version?: string): boolean;
export function cacheDir(): string;
export function recentNodeDir(log?: (line: string) => void): Promise<string | null>;
