/**
 * Replica series and rows carry the engine's full names (scaledeck-<stack>-api-1a2b3c); within
 * one stack the prefix says nothing, so it is dropped for display.
 */
export function displayName(name: string, stack: string | undefined): string {
  const prefix = stack ? `scaledeck-${stack}-` : 'scaledeck-';
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
}
