import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  apiManifests,
  hpaManifest,
  prometheusConfig,
  stackManifests,
  type ManifestContext,
} from '../../../../k8s/manifests.ts';
import { describeKubeError, loadKubeConfig } from './connect.ts';
import { PROFILES } from '../../autoscaler.ts';
import { autoscalerFromHpa, decisionFromHpa, limitedByOf } from './hpa-decision.ts';
import { clusterProduct, pickImageStrategy, registryFromHosting } from './image-strategy.ts';
import { normalizeImageRef } from './images.ts';
import { exitCodeOf } from './exec.ts';
import { loadBalancerState } from './status.ts';
import type { ReplicaState } from '../../contract.ts';
import { parseSettings } from '../../settings.ts';

const ctx: ManifestContext = {
  stack: 'demo',
  namespace: 'scaledeck-demo',
  images: { api: 'scaledeck/user-api:abc', postgres: 'pg:15', redis: 'redis:7', prometheus: 'prom:2' },
  replicaCpus: 0.5,
  drainSeconds: 15,
  rateLimitPerSecond: 100,
  pullPolicy: 'IfNotPresent',
};
const secrets = {
  postgresPassword: 'p'.repeat(48),
  jwtSecret: 'j'.repeat(64),
  adminPassword: 'a'.repeat(24),
};

describe('image strategy (Tilt rules)', () => {
  const script = '/repo/e2e/cluster/load-image.sh';
  it.each([
    ['minikube', 'minikube'],
    ['minikube-2', 'minikube'],
    ['kind', 'kind'],
    ['kind-dev', 'kind'],
    ['k3d-mycluster', 'k3d'],
    ['docker-desktop', 'docker-desktop'],
    ['docker-for-desktop-cluster', 'docker-desktop'],
    ['scaledeck-local', 'scaledeck-local'],
    ['microk8s-cluster', 'microk8s'],
    ['gke_project_zone_name', 'gke'],
    ['arn:aws:eks:eu-west-1:1:cluster/x', 'eks'],
    ['prod', 'unknown'],
  ])('cluster %s is %s', (name, product) => {
    expect(clusterProduct(name)).toBe(product);
  });

  it('builds the load command of each local product', () => {
    const pick = (clusterName: string) => pickImageStrategy({ contextName: 'c', clusterName }, script);
    const local = pick('scaledeck-local');
    expect(local.kind === 'load' && local.command(['a:1', 'b:2'])).toEqual(['bash', script, 'a:1', 'b:2']);
    const kind = pick('kind-dev');
    expect(kind.kind === 'load' && kind.command(['a:1'])).toEqual([
      'kind',
      'load',
      'docker-image',
      '--name',
      'dev',
      'a:1',
    ]);
    const k3d = pick('k3d-x');
    expect(k3d.kind === 'load' && k3d.command(['a:1'])).toEqual(['k3d', 'image', 'import', '-c', 'x', 'a:1']);
    const minikube = pick('minikube');
    expect(minikube.kind === 'load' && minikube.command(['a:1'])).toEqual([
      'minikube',
      'image',
      'load',
      '-p',
      'minikube',
      'a:1',
    ]);
    expect(pick('docker-desktop').kind).toBe('shared-engine');
  });

  it('a registry from settings wins; a local-registry-hosting ConfigMap is used; else a clear error', () => {
    expect(
      pickImageStrategy({ contextName: 'c', clusterName: 'kind', registry: 'reg:5000' }, script),
    ).toMatchObject({
      kind: 'registry',
      registry: 'reg:5000',
    });
    const hosting = 'host: "localhost:5001"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n';
    expect(registryFromHosting(hosting)).toBe('localhost:5001');
    expect(
      pickImageStrategy({ contextName: 'c', clusterName: 'prod', localRegistryHosting: hosting }, script),
    ).toMatchObject({
      kind: 'registry',
      registry: 'localhost:5001',
    });
    expect(() => pickImageStrategy({ contextName: 'prod-ctx', clusterName: 'prod' }, script)).toThrow(
      /context "prod-ctx".*settings\.kubernetes\.registry/,
    );
  });

  it('the local test cluster without SCALEDECK_LOAD_IMAGE_SCRIPT: fails only when loading, naming what to set', () => {
    const local = pickImageStrategy(
      { contextName: 'scaledeck-local', clusterName: 'scaledeck-local' },
      undefined,
    );
    expect(local).toMatchObject({ kind: 'load', product: 'scaledeck-local' });
    const load = () => (local.kind === 'load' ? local.command(['api:1']) : []);
    expect(load).toThrow(/context "scaledeck-local".*SCALEDECK_LOAD_IMAGE_SCRIPT is not set.*api:1/);
    expect(load).toThrow(
      expect.objectContaining({ code: 'NO_IMAGE_STRATEGY', field: 'SCALEDECK_LOAD_IMAGE_SCRIPT' }),
    );
  });

  it('the packaged target names no path inside the repo: the loader comes from the environment', async () => {
    const { imageStrategy, LOAD_IMAGE_SCRIPT_ENV } = await import('./image-shipping.ts');
    expect(LOAD_IMAGE_SCRIPT_ENV).toBe('SCALEDECK_LOAD_IMAGE_SCRIPT');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { StackApi } = await import('./stack-api.ts');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'scaledeck-local', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'scaledeck-local', cluster: 'scaledeck-local', user: 'u' }],
      currentContext: 'scaledeck-local',
    });
    const api = new StackApi(kc, 'demo', 'scaledeck-demo');
    // The local-registry-hosting read is the only call; answer it as a cluster without one.
    Object.assign(api, { optional: async () => null });
    const before = process.env[LOAD_IMAGE_SCRIPT_ENV];
    try {
      process.env[LOAD_IMAGE_SCRIPT_ENV] = '/somewhere/load-image.sh';
      const given = await imageStrategy(api, parseSettings({}));
      expect(given.kind === 'load' && given.command(['a:1'])).toEqual([
        'bash',
        '/somewhere/load-image.sh',
        'a:1',
      ]);
      delete process.env[LOAD_IMAGE_SCRIPT_ENV];
      const none = await imageStrategy(api, parseSettings({}));
      expect(() => none.kind === 'load' && none.command(['a:1'])).toThrow(/SCALEDECK_LOAD_IMAGE_SCRIPT/);
    } finally {
      if (before === undefined) delete process.env[LOAD_IMAGE_SCRIPT_ENV];
      else process.env[LOAD_IMAGE_SCRIPT_ENV] = before;
    }
  });

  it('normalizes references the way the kubelet lists them', () => {
    expect(normalizeImageRef('redis:7')).toBe('docker.io/library/redis:7');
    expect(normalizeImageRef('scaledeck-offline/redis:7')).toBe('docker.io/scaledeck-offline/redis:7');
    expect(normalizeImageRef('localhost:5000/api:1')).toBe('localhost:5000/api:1');
    expect(normalizeImageRef('ghcr.io/a/b')).toBe('ghcr.io/a/b:latest');
  });
});

describe('manifests', () => {
  it('the API Deployment has no replicas, probes, limits, preStop and secrets by reference', () => {
    const [service, deployment] = apiManifests(ctx);
    expect(service.spec?.type).toBe('NodePort');
    expect(deployment.spec).not.toHaveProperty('replicas');
    const pod = deployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container?.resources?.limits?.cpu).toBe('500m');
    expect(container?.resources?.requests?.cpu).toBe('500m');
    expect(container?.lifecycle?.preStop?.exec?.command?.[0]).toBe('sleep');
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThan(15);
    const json = JSON.stringify(deployment);
    expect(json).not.toContain(secrets.postgresPassword);
    expect(container?.env?.find((e) => e.name === 'JWT_SECRET')?.valueFrom?.secretKeyRef?.name).toBe(
      'scaledeck-secrets',
    );
  });

  it('spreads the API over nodes without blocking a one-node cluster, and budgets one disruption at a time', () => {
    const [, deployment, budget] = apiManifests(ctx);
    const labels = deployment.spec?.template.metadata?.labels ?? {};
    const [spread] = deployment.spec?.template.spec?.topologySpreadConstraints ?? [];
    expect(spread).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
    });
    expect(budget.kind).toBe('PodDisruptionBudget');
    expect(budget.spec?.maxUnavailable).toBe(1);
    // Both select exactly the API's pods (a selector matching nothing would make the budget a no-op).
    for (const selector of [spread?.labelSelector?.matchLabels, budget.spec?.selector?.matchLabels])
      for (const [key, value] of Object.entries(selector ?? { missing: 'selector' }))
        expect(labels[key]).toBe(value);
  });

  it('the same inputs give byte-identical manifests (redeploy is a no-op)', () => {
    expect(JSON.stringify(stackManifests(ctx, secrets))).toBe(JSON.stringify(stackManifests(ctx, secrets)));
  });

  it('Prometheus finds the ready API pods through the headless Service, job api', () => {
    const config = JSON.parse(prometheusConfig()) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const api = config.scrape_configs.find((job) => job.job_name === 'api');
    expect(api?.dns_sd_configs?.[0]).toMatchObject({ names: ['api-pods'], port: 8080 });
    const headless = stackManifests(ctx, secrets).prometheus[0];
    expect(headless.spec).toMatchObject({
      clusterIP: 'None',
      selector: { 'app.kubernetes.io/component': 'api' },
    });
  });

  it('the HPA carries min, max, CPU target and the profile’s behavior', () => {
    const hpa = hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    expect(hpa.spec?.minReplicas).toBe(1);
    expect(hpa.spec?.maxReplicas).toBe(4);
    expect(hpa.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(50);
    expect(hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(30);
    const kube = hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'kubernetes',
    });
    expect(kube.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(300);
  });
});

describe('HPA status as a decision', () => {
  it('reads metrics, counts and the limiting rule', () => {
    const hpa = hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 3,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    hpa.status = {
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 150 } } }],
      conditions: [
        {
          type: 'ScalingLimited',
          status: 'True',
          reason: 'TooManyReplicas',
          message: 'the desired replica count is more than the maximum replica count',
        },
      ],
    };
    const decision = decisionFromHpa(hpa, 1000);
    expect(decision).toMatchObject({
      currentReplicas: 3,
      averageUtilizationPercent: 150,
      usageRatio: 3,
      limitedBy: 'max',
      profile: 'demo',
    });
    expect(decision.reason).toContain('maximum');
    hpa.status.conditions = [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' }];
    expect(limitedByOf(hpa)).toBe('noMetrics');
  });
});

describe('contexts and errors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
  const file = (name: string, body: object) => {
    const p = path.join(dir, name);
    writeFileSync(p, JSON.stringify(body));
    return p;
  };
  const one = file('one.yaml', {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'first',
    clusters: [{ name: 'c1', cluster: { server: 'https://10.0.0.1:6443' } }],
    users: [{ name: 'u1', user: { token: 'x' } }],
    contexts: [{ name: 'first', context: { cluster: 'c1', user: 'u1' } }],
  });
  const two = file('two.yaml', {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'second',
    clusters: [{ name: 'c2', cluster: { server: 'https://10.0.0.2:6443' } }],
    users: [{ name: 'u2', user: { token: 'y' } }],
    contexts: [{ name: 'second', context: { cluster: 'c2', user: 'u2' } }],
  });

  it('merges several files as kubectl does: the first current-context wins', () => {
    const kc = loadKubeConfig({ kubeconfig: [one, two].join(path.delimiter) });
    expect(kc.getCurrentContext()).toBe('first');
    expect(kc.getContexts().map((c) => c.name)).toEqual(['first', 'second']);
    expect(
      loadKubeConfig({ kubeconfig: [one, two].join(path.delimiter), context: 'second' }).getCurrentCluster()
        ?.server,
    ).toBe('https://10.0.0.2:6443');
  });

  it('an unknown context names itself, the files and the known contexts', () => {
    expect(() => loadKubeConfig({ kubeconfig: [one, two].join(path.delimiter), context: 'nope' })).toThrow(
      /context "nope" is not in the kubeconfig .*one\.yaml.*two\.yaml.*known contexts: first, second/,
    );
  });

  it('401, 403 and network failures say context, server, verb/resource and what to do', () => {
    const site = { context: 'ctx', server: 'https://s:6443', verb: 'list', resource: 'pods in namespace n' };
    expect(
      describeKubeError(new ApiException(401, 'Unauthorized', '{"message":"Unauthorized"}', {}), site)
        .message,
    ).toMatch(/context "ctx" \(https:\/\/s:6443\).*401.*list pods in namespace n.*log in again/);
    expect(
      describeKubeError(
        new ApiException(403, 'Forbidden', '{"message":"pods is forbidden: User \\"bob\\""}', {}),
        site,
      ).message,
    ).toMatch(
      /does not allow this user to list pods in namespace n \(403 Forbidden: pods is forbidden.*Role/,
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(describeKubeError(new Error('fetch failed', { cause: refused }), site).message).toMatch(
      /cannot reach context "ctx" \(https:\/\/s:6443\) to list pods in namespace n \(ECONNREFUSED\).*cluster:up/,
    );
  });
});

describe('HPA behavior written in full and read back', () => {
  it('an edited scale-down window: the manifest carries the whole effective behavior, status reads it back', () => {
    const hpa = hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
      behavior: { scaleDown: { stabilizationWindowSeconds: 45 } },
    });
    const demo = PROFILES.demo.behavior;
    const expected = {
      scaleUp: demo.scaleUp,
      scaleDown: { ...demo.scaleDown, stabilizationWindowSeconds: 45 },
    };
    expect(hpa.spec?.behavior).toEqual(expected);
    expect(autoscalerFromHpa(hpa)).toEqual({
      enabled: true,
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
      behavior: expected,
    });
  });

  it('an HPA edited by hand without behavior reads as the controller’s own (Kubernetes) defaults', () => {
    const hpa = hpaManifest(ctx, {
      minReplicas: 1,
      maxReplicas: 4,
      targetCpuUtilizationPercent: 50,
      profile: 'demo',
    });
    delete hpa.spec?.behavior;
    expect(autoscalerFromHpa(hpa).behavior).toEqual(PROFILES.kubernetes.behavior);
  });
});

describe('exec exit codes from the status channel', () => {
  it('Success is 0; NonZeroExitCode carries the code in its ExitCode cause; other failures have none', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      }),
    ).toBe(3);
    expect(
      exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'container not found' }),
    ).toBeNull();
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } })).toBeNull();
  });
});

describe('the load balancer (the API Service) state', () => {
  const replica = (name: string, state: ReplicaState) => ({ name, id: name, state, startedAt: null });

  it('healthy only with a ready endpoint; starting while pods come; unhealthy with none', () => {
    expect(loadBalancerState(false, [], new Set())).toBe('missing');
    expect(loadBalancerState(true, [replica('a', 'ready')], new Set(['a']))).toBe('healthy');
    // Ready but not yet in the EndpointSlice: nothing routes to it yet.
    expect(loadBalancerState(true, [replica('a', 'ready')], new Set())).toBe('starting');
    expect(loadBalancerState(true, [replica('a', 'starting')], new Set())).toBe('starting');
    expect(loadBalancerState(true, [], new Set())).toBe('unhealthy');
    expect(loadBalancerState(true, [replica('a', 'unhealthy')], new Set())).toBe('unhealthy');
  });

  it('without permission to read EndpointSlices, a Ready pod has to do', () => {
    expect(loadBalancerState(true, [replica('a', 'ready')], null)).toBe('healthy');
    expect(loadBalancerState(true, [replica('a', 'starting')], null)).toBe('starting');
  });
});
