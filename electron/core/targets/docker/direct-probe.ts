/**
 * Readiness of a starting replica asked over HTTP from this process to the container's address
 * on the stack network, instead of `docker exec` of the probe inside it. An exec costs tens of
 * milliseconds of CPU across dockerd, containerd and runc, plus the shell inside the replica's
 * own 0.5-CPU quota; probing four starting replicas every 150 ms that way ate most of a core on
 * a 2-core machine and slowed the very start-up it was waiting for.
 *
 * Container addresses are routable only from the engine's own host (not from Docker Desktop's
 * host, nor across a remote DOCKER_HOST), so the answer counts only when it names the replica it
 * was meant for (X-Replica), and a host that cannot reach the address falls back to exec.
 */
import http from 'node:http';

/**
 * 'ready' / 'not-ready': the replica itself answered. 'refused': nothing listens there (Node still
 * loading, or a gateway rejecting a foreign address: it proves nothing about the route).
 * 'unreachable': the address does not route here, or someone else answered.
 */
export type DirectProbe = 'ready' | 'not-ready' | 'refused' | 'unreachable';

const CONNECT_TIMEOUT_MS = 300;
const RESPONSE_TIMEOUT_MS = 1500;

export function probeReadyz(address: string, port: number, replica: string): Promise<DirectProbe> {
  return new Promise((resolve) => {
    let connected = false;
    const request = http.get({ host: address, port, path: '/readyz', agent: false }, (response) => {
      response.resume();
      const answeredBy = response.headers['x-replica'];
      if (answeredBy !== replica) resolve('unreachable');
      else resolve(response.statusCode === 200 ? 'ready' : 'not-ready');
    });
    const connectTimer = setTimeout(() => {
      if (!connected) {
        request.destroy();
        resolve('unreachable');
      }
    }, CONNECT_TIMEOUT_MS);
    request.on('socket', (socket) => {
      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    // Connected but slow to answer: the replica is there and busy starting, not ready yet.
    request.setTimeout(RESPONSE_TIMEOUT_MS, () => request.destroy(new Error('response timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (connected) resolve('not-ready');
      else if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') resolve('refused');
      else resolve('unreachable');
    });
  });
}
