// A stand-in for the one API module in component tests: it answers only the channels a test
// gives it and records every call, so a test can assert what a panel sent. For pure UI tests;
// the integration and e2e tests talk to the real core.
import { ApiError, type Api } from '../api/api.ts';
import type { Channel, InputOf, ValueOf } from '../api/channels.ts';

type Answer<C extends Channel> = (input: InputOf<C>) => ValueOf<C> | Promise<ValueOf<C>>;
export type Answers = { [C in Channel]?: Answer<C> };

export interface FakeApi extends Api {
  /** Every invoke, in order. */
  readonly calls: { channel: Channel; input: unknown }[];
  /** The inputs sent on one channel, in order. */
  sent<C extends Channel>(channel: C): InputOf<C>[];
}

export function fakeApi(answers: Answers = {}): FakeApi {
  const calls: FakeApi['calls'] = [];
  return {
    mode: 'browser',
    calls,
    sent: <C extends Channel>(channel: C) =>
      calls.filter((c) => c.channel === channel).map((c) => c.input as InputOf<C>),
    async invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ValueOf<C>> {
      calls.push({ channel, input });
      const answer = answers[channel] as Answer<C> | undefined;
      // A call the test did not expect fails loudly (the store turns it into a toast).
      if (answer === undefined)
        throw new ApiError({ code: 'UNEXPECTED', message: `${channel}: this test gives it no answer` });
      return answer(input);
    },
    subscribe: () => () => undefined,
    capturePage: async () => null,
  };
}
