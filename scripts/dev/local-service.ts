// The main command's job until the dashboard lands: one User API instance on this machine with
// its own throwaway PostgreSQL and Redis, for trying the API by hand. Runs until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../service/test/harness/postgres.ts';
import { startRedis } from '../../service/test/harness/redis.ts';
import { startService } from '../../service/test/harness/service.ts';

const say = (line: string) => console.error(`[scaledeck] ${line}`);

say('starting PostgreSQL and Redis (throwaway, removed on exit)');
const postgres = await startPostgres();
const redis = await startRedis();
const databaseUrl = await postgres.createDatabase('scaledeck');

// Generated per run and written to a file only the user can read: printing them would put them in
// terminal scrollback and CI logs.
const admin = { email: 'admin@scaledeck.local', password: randomBytes(18).toString('base64url') };
const stateDir = join(process.env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'scaledeck');
mkdirSync(stateDir, { recursive: true, mode: 0o700 });
const credentialsFile = join(stateDir, 'local-service-admin.json');
writeFileSync(credentialsFile, JSON.stringify(admin, null, 2) + '\n', { mode: 0o600 });

const api = await startService({
  databaseUrl,
  redisUrl: redis.url,
  env: {
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    SCRYPT_COST: process.env['SCRYPT_COST'] ?? '16384',
    RATE_LIMIT_PER_SECOND: process.env['RATE_LIMIT_PER_SECOND'] ?? '50',
    REPLICA_ID: undefined, // the service then uses the hostname, as in production
  },
});

say(`User API ready; admin credentials in ${credentialsFile}; Ctrl-C stops everything`);
console.log(api.url);

let stopping = false;
async function shutdown(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping');
  await api.dispose();
  await redis.dispose();
  await postgres.dispose();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
void api.exited.then((exit) => {
  if (stopping) return;
  say(`the User API exited (${exit.code ?? exit.signal}); its log:\n${api.log().slice(-4000)}`);
  void shutdown(1);
});
