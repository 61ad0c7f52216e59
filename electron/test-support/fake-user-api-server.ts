// Runs FakeUserApi in its own process (so it does not share an event loop with the generator) and
// prints its base URL. Used by the load benchmark's self-contained mode; stops on SIGTERM.
import { FakeUserApi } from './fake-user-api.ts';

const api = new FakeUserApi(Number(process.env['FAKE_USERS'] ?? 1000));
api.recordArrivals = false;
const url = await api.listen();
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
