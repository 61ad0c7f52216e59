import { pino, type Logger } from 'pino';

/** JSON logs to stdout. Secrets are redacted by path as a second line of defence: code never logs them. */
export function createLogger(level: string, replicaId: string): Logger {
  return pino({
    level,
    base: { replica: replicaId },
    redact: {
      paths: [
        'password',
        'token',
        'secret',
        '*.password',
        '*.token',
        '*.secret',
        'req.headers.authorization',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
