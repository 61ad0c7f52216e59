/**
 * Who may do what on a shared dashboard. Viewers on the LAN read the stack and its events; the
 * token printed on the sharing terminal unlocks the rest.
 */
import { timingSafeEqual } from 'node:crypto';
import { COMMAND_CHANNELS, type Channel } from '../contract.ts';

/**
 * Channels that need the token in share mode: every command, and targets:list, which is a read
 * but probes every kube context of the sharing machine and answers with their API server URLs
 * and why they fail — nothing a room of viewers needs to see. Kept here rather than as a third
 * channel kind because only sharing cares; in Electron and on loopback every channel is open.
 */
export const TOKEN_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([...COMMAND_CHANNELS, 'targets:list']);

/** What GET /api/session tells the page, so it can show a read-only view and ask for the token. */
export interface ShareSession {
  /** Served read-only to the network (`--share`). */
  share: boolean;
  /** This request's token (if any) unlocks commands; always true when not shared. */
  canCommand: boolean;
  /** A token was sent and it is not the one this server printed. */
  tokenRejected: boolean;
  /** The sharing machine's host name, for "shared by …"; null when not shared. */
  sharedBy: string | null;
  /** The channels a read-only viewer is refused. */
  tokenChannels: Channel[];
}

/** The token of `Authorization: Bearer <token>`, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return token === undefined ? null : token;
}

export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The first half of a refusal: what the channel would do that a viewer may not. */
export function whyTokenFor(channel: Channel): string {
  return channel === 'targets:list'
    ? "targets:list probes this machine's kube contexts and shows their servers"
    : `${channel} changes the stack`;
}
