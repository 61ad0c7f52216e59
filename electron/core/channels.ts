/**
 * The contract's channel names and what each one is, free of schema code so the renderer can
 * import the values without bundling zod. contract.ts re-exports all of it.
 */

/**
 * read: answers without changing anything; command: changes the stack, the load or the target,
 * so a read-only share viewer is refused it. A Record, so a new channel does not compile until
 * someone decides which it is.
 */
export const CHANNEL_KINDS = {
  'targets:list': 'read',
  'stack:status': 'read',
  'stack:deploy': 'command',
  'stack:scale': 'command',
  'stack:teardown': 'command',
  'autoscaler:set': 'command',
  'load:start': 'command',
  'load:update': 'command',
  'load:stop': 'command',
  'load:status': 'read',
  'chaos:kill': 'command',
  'chaos:restore': 'command',
  'chaos:drainNode': 'command',
  'chaos:uncordonNode': 'command',
  'metrics:charts': 'read',
  'metrics:snapshot': 'read',
  'timeline:list': 'read',
  'target:current': 'read',
  'target:select': 'command',
  'scenarios:list': 'read',
  'scenario:status': 'read',
  'scenario:play': 'command',
  'scenario:pause': 'command',
  'scenario:resume': 'command',
  'scenario:stop': 'command',
  'decisions:whatif': 'read',
  'decisions:recording': 'read',
} as const satisfies Record<string, ChannelKind>;

export type ChannelKind = 'read' | 'command';
export type Channel = keyof typeof CHANNEL_KINDS;

/** Every channel, in the map's order (the preload and the IPC handlers are built from it). */
export const CHANNELS = Object.keys(CHANNEL_KINDS) as readonly Channel[];

/** Channels that change something: refused without the token in read-only sharing. */
export const COMMAND_CHANNELS: ReadonlySet<Channel> = new Set(
  CHANNELS.filter((channel) => CHANNEL_KINDS[channel] === 'command'),
);

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(CHANNEL_KINDS, name);
}
