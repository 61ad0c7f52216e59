/**
 * What creating a replica needs, learned once per process: the stack's secrets (from the
 * PostgreSQL container's env, so a re-attached process has them) and the API image.
 */
import { ScaledeckError } from '../../errors.ts';
import { resolveImages } from '../../settings.ts';
import type { StackSecrets } from '../kit/secrets.ts';
import { inspectOrNull } from './containers.ts';
import type { StackRuntime } from './runtime.ts';
import { replicaSpecHash, secretsFromEnv, type StackContext } from './stack-spec.ts';

/** A context plus the hash every replica created from it is labelled with. */
export interface ReplicaTemplate {
  ctx: StackContext;
  specHash: string;
}

export class StackContextCache {
  private secrets: StackSecrets | null = null;
  private apiImage: { ref: string; id: string } | null = null;

  private readonly runtime: StackRuntime;

  constructor(runtime: StackRuntime) {
    this.runtime = runtime;
  }

  /** Deploy sets both: the secrets it generated or reused, the image it built or pulled. */
  useSecrets(secrets: StackSecrets): void {
    this.secrets = secrets;
  }

  async useApiImage(ref: string): Promise<void> {
    // Not on the engine yet (a re-attach before any pull): the reference stands in for the ID.
    const id = await this.runtime.docker
      .getImage(ref)
      .inspect()
      .then(
        (image) => image.Id,
        () => ref,
      );
    this.apiImage = { ref, id };
  }

  forget(): void {
    this.secrets = null;
    this.apiImage = null;
  }

  async secretsOnEngine(): Promise<StackSecrets | null> {
    const postgres = await inspectOrNull(this.runtime.docker, this.runtime.names.postgres);
    return postgres === null ? null : secretsFromEnv(postgres.Config.Env ?? []);
  }

  async template(): Promise<ReplicaTemplate> {
    const { runtime } = this;
    if (this.secrets === null) {
      const secrets = await this.secretsOnEngine();
      if (secrets === null)
        throw new ScaledeckError('NOT_DEPLOYED', `stack ${runtime.stack} has no database; run deploy first`);
      this.secrets = secrets;
    }
    const apiImage = this.apiImage ?? (await this.attachedApiImage());
    this.apiImage = apiImage;
    const images = { ...resolveImages(runtime.settings), api: apiImage.ref };
    const ctx: StackContext = {
      stack: runtime.stack,
      names: runtime.names,
      images,
      settings: runtime.settings,
      secrets: this.secrets,
    };
    return { ctx, specHash: replicaSpecHash(ctx, apiImage.id) };
  }

  /** Re-attached: new replicas run what the running ones run, else the configured image. */
  private async attachedApiImage(): Promise<{ ref: string; id: string }> {
    const replica = (await this.runtime.list('api'))[0];
    if (replica !== undefined) return { ref: replica.Image, id: replica.ImageID };
    const configured = resolveImages(this.runtime.settings).api;
    if (configured === undefined)
      throw new ScaledeckError(
        'NOT_DEPLOYED',
        `stack ${this.runtime.stack} has no API image; run deploy first`,
      );
    await this.useApiImage(configured);
    return this.apiImage ?? { ref: configured, id: configured };
  }
}
