/**
 * A real TURN server (Debian's coturn) for a test, taking the TURN REST API's short-lived
 * credentials signed with `secret` (`--use-auth-secret`), on loopback. `--allow-loopback-peers` is
 * for tests only: it lets two browsers on this machine relay to each other, which a production
 * server must refuse (README, "TURN").
 */
import { randomBytes } from 'node:crypto';
import { ChildService } from './child-service';

const REALM = 'parley.test';

export class CoturnProcess extends ChildService {
  readonly realm = REALM;

  private constructor(readonly secret: string) {
    super(
      {
        command: process.env.TURNSERVER_PATH ?? 'turnserver',
        args: (port, dir) => [
          '-n',
          '--listening-ip=127.0.0.1',
          '--relay-ip=127.0.0.1',
          `--listening-port=${port}`,
          // Relay ports drawn near the listening port so tests running side by side rarely meet.
          `--min-port=${40000 + (port % 20000)}`,
          `--max-port=${40000 + (port % 20000) + 200}`,
          `--realm=${REALM}`,
          '--use-auth-secret',
          `--static-auth-secret=${secret}`,
          '--fingerprint',
          '--no-tls',
          '--no-dtls',
          '--no-cli',
          '--no-software-attribute',
          '--allow-loopback-peers',
          `--log-file=${dir}/service.log`,
          '--simple-log',
          '--verbose',
          `--pidfile=${dir}/turnserver.pid`,
          `--userdb=${dir}/turndb`,
        ],
        ready: /Total (General|UDP|TCP).*servers|IPv4\. UDP listener opened on : 127\.0\.0\.1:\d+/,
        portTaken: /Address already in use|Cannot bind/,
        logsTo: 'file',
      },
      'parley-coturn-',
    );
  }

  static async start(): Promise<CoturnProcess> {
    const turn = new CoturnProcess(randomBytes(24).toString('base64url'));
    try {
      await turn.startFresh(true);
    } catch (err) {
      await turn.dispose();
      throw err;
    }
    return turn;
  }

  /** TURN over UDP and over TCP on this server. */
  get urls(): string[] {
    return [`turn:127.0.0.1:${this.port}?transport=udp`, `turn:127.0.0.1:${this.port}?transport=tcp`];
  }
}
