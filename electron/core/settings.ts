import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ScaledeckError, ValidationError, parseOrThrow } from './errors.ts';

/** The usual public images; every one can be overridden in settings (air-gapped machines). */
export const DEFAULT_IMAGES = {
  nodeBase: 'node:24-bookworm-slim',
  postgres: 'postgres:17',
  redis: 'redis:7',
  nginx: 'nginx:1.27',
  prometheus: 'prom/prometheus:v3.5.0',
} as const;

const imageRef = z.string().trim().min(1, 'must be an image reference such as redis:7');

export const settingsSchema = z
  .strictObject({
    images: z
      .strictObject({
        /** A prebuilt User API image; when absent Scaledeck builds service/ itself. */
        api: imageRef.optional(),
        nodeBase: imageRef.optional(),
        postgres: imageRef.optional(),
        redis: imageRef.optional(),
        nginx: imageRef.optional(),
        prometheus: imageRef.optional(),
      })
      .optional(),
    maxReplicas: z.int().min(1).max(200).default(20),
    /** CPU limit of each API replica, in CPUs; the autoscaler's utilization is relative to it. */
    replicaCpus: z.number().min(0.05).max(64).default(0.5),
    /** The API's per-client rate limit; high by default so load tests measure scaling, not the limiter. */
    rateLimitPerSecond: z.int().min(0).default(100_000),
    /** scrypt N of the API (power of two); lower makes password hashing cheaper. */
    scryptCost: z
      .int()
      .min(1024)
      .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
      .optional(),
    /** How long a removed replica gets to finish in-flight requests after SIGTERM. */
    drainSeconds: z.int().min(1).max(300).default(15),
    /** Ceiling of the built-in load generator's rate, req/s (the slider's maximum). */
    maxLoadRps: z.int().min(1).max(100_000).default(10_000),
    /** The Kubernetes target: where the locally built API image goes when the context is no known local cluster, and how the host reaches the stack. */
    kubernetes: z
      .strictObject({
        registry: z
          .string()
          .trim()
          .min(1, 'must be a registry host the nodes pull from, such as localhost:5000')
          .optional(),
        /**
         * How the host reaches the API and Prometheus: 'auto' tries the NodePort and falls back to
         * port-forward; 'port-forward' skips the NodePort (clusters whose nodes the host cannot route to).
         */
        reach: z.enum(['auto', 'port-forward'], "must be 'auto' or 'port-forward'").optional(),
      })
      .optional(),
  })
  .default({
    maxReplicas: 20,
    replicaCpus: 0.5,
    rateLimitPerSecond: 100_000,
    drainSeconds: 15,
    maxLoadRps: 10_000,
  });

export type Settings = z.output<typeof settingsSchema>;
export type ResolvedImages = {
  nodeBase: string;
  postgres: string;
  redis: string;
  nginx: string;
  prometheus: string;
  api?: string;
};

export function parseSettings(input: unknown): Settings {
  return parseOrThrow(settingsSchema, input ?? {}, 'settings');
}

export function resolveImages(settings: Settings): ResolvedImages {
  return { ...DEFAULT_IMAGES, ...settings.images };
}

/** Reads `--settings FILE` (or SCALEDECK_SETTINGS); no file means the defaults. */
export async function loadSettings(
  file: string | undefined = process.env.SCALEDECK_SETTINGS,
): Promise<Settings> {
  if (file === undefined || file === '') return parseSettings({});
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScaledeckError(
      'SETTINGS_UNREADABLE',
      `settings file ${file} cannot be read: ${(error as Error).message}`,
      'settings',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('settings', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSettings(json);
}
