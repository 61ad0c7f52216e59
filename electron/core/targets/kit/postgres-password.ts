/**
 * Secrets are generated on every fresh deploy, but a kept data volume still holds the previous
 * password: both targets set it through the database container's local socket, which the image
 * trusts. The password is read from the container's env by the shell, so it is never on this
 * process' command line, in the exec's argv or in logs.
 */
import { ScaledeckError } from '../../errors.ts';

export const ALTER_USER_COMMAND: readonly string[] = [
  'sh',
  '-c',
  'psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER USER \\"$POSTGRES_USER\\" WITH PASSWORD \'$POSTGRES_PASSWORD\'"',
];

/** Throws unless the exec reported exit 0; an unknown exit (null) is a failure, not a success. */
export function assertPasswordSet(exitCode: number | null | undefined): void {
  if (exitCode !== 0) {
    throw new ScaledeckError(
      'DATABASE',
      `setting the database password failed (psql exit ${exitCode ?? 'unknown'})`,
    );
  }
}
