import { describe, expect, it } from 'vitest';
import type { V1PersistentVolume } from '@kubernetes/client-node';
import { dataLocalityNote } from './data-locality.ts';

const hostPath: V1PersistentVolume = {
  metadata: { name: 'pvc-1' },
  spec: { hostPath: { path: '/var/lib/volumes/pvc-1' } },
};

const localPath: V1PersistentVolume = {
  metadata: { name: 'pvc-2' },
  spec: {
    local: { path: '/opt/local-path/pvc-2' },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-2'] }] },
        ],
      },
    },
  },
};

describe('dataLocalityNote', () => {
  it('a hostPath volume is on the node PostgreSQL runs on', () => {
    expect(dataLocalityNote(hostPath, 'node-1')).toMatch(
      /^PostgreSQL’s data is on node node-1’s disk \(hostPath volume pvc-1\).*if that node goes away the data goes with it/,
    );
  });

  it('a volume pinned by nodeAffinity names its own node, whatever the pod says', () => {
    expect(dataLocalityNote(localPath, 'node-1')).toContain('node worker-2’s disk (local volume pvc-2)');
  });

  it('network storage follows the pod, and an unreadable volume says nothing', () => {
    const network: V1PersistentVolume = {
      metadata: { name: 'pvc-3' },
      spec: { csi: { driver: 'ebs', volumeHandle: 'v' } },
    };
    expect(dataLocalityNote(network, 'node-1')).toBeNull();
    expect(dataLocalityNote(null, 'node-1')).toBeNull();
  });
});
