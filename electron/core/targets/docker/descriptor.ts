/** The Docker target kind: the local engine, one per machine, no flags of its own. */
import { z } from 'zod';
import type { CurrentTarget, TargetInfo } from '../../contract.ts';
import { toErrorData } from '../../errors.ts';
import type { TargetDescriptor } from '../target.ts';
import { assertEngine } from './connect.ts';
import { DockerTarget } from './docker-target.ts';

const selectSchema = z.strictObject({ kind: z.literal('docker') });

const CURRENT: CurrentTarget = { kind: 'docker', id: 'docker', label: 'Local Docker engine' };

export const dockerDescriptor: TargetDescriptor<'docker', z.output<typeof selectSchema>> = {
  kind: 'docker',
  title: 'the local Docker engine',
  flags: [],
  capabilities: { pastCapacity: 'shared' },
  selectSchema,
  fix: 'start the Docker engine (e.g. `sudo systemctl start docker` or `dockerd &`), then refresh',
  failureField: 'kind',
  fromFlags: () => ({ kind: 'docker' }),
  fromRequest: () => ({ kind: 'docker' }),
  open: (_choice, { docker, settings, stack }) => new DockerTarget(docker, settings, { stack }),
  describe: () => ({ ...CURRENT }),
  requested: () => ({ ...CURRENT }),
  isCurrent: (_request, current) => current.id === CURRENT.id,
  killed: (what, name, restore) =>
    what === 'replica'
      ? `killed replica ${name} (SIGKILL); the engine and the reconcile loop bring it back`
      : `killed ${name} (SIGKILL); it stays down until \`${restore}\``,
  async list({ docker }) {
    const info: TargetInfo = { ...CURRENT, available: true };
    try {
      await assertEngine(docker);
    } catch (error) {
      info.available = false;
      info.reason = toErrorData(error).message;
      info.fix = dockerDescriptor.fix;
    }
    return [info];
  },
};
