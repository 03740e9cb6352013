/**
 * A private RabbitMQ broker for tests: Debian's rabbitmq-server, started on 127.0.0.1 with free
 * ports, its own node name, data, log and cookie directories, and stopped afterwards. Runs as
 * the current user (the /usr/lib/rabbitmq/bin scripts, not the /usr/sbin wrappers that switch
 * to the rabbitmq user). Stopping and starting again keeps the data: durable queues survive.
 *
 * Locally the tests that need it skip, saying so, when rabbitmq-server is not installed; CI sets
 * VLASS_REQUIRE_BROKER=1 (.ci/run), so there a missing broker fails instead.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const BIN = '/usr/lib/rabbitmq/bin';
const run = promisify(execFile);

export function rabbitmqInstalled(): boolean {
  return existsSync(join(BIN, 'rabbitmq-server'));
}

/** Why broker tests skip here, or undefined when they run. Throws in CI when the broker is missing. */
export function brokerSkipReason(): string | undefined {
  if (rabbitmqInstalled()) return undefined;
  if (process.env.VLASS_REQUIRE_BROKER === '1') throw new Error('VLASS_REQUIRE_BROKER=1 but rabbitmq-server is not installed (apt-get install rabbitmq-server)');
  return 'rabbitmq-server is not installed here (apt-get install rabbitmq-server); broker tests skipped';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class TestBroker {
  readonly url: string;
  private constructor(
    readonly root: string,
    readonly node: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.url = `amqp://guest:guest@127.0.0.1:${port}/`;
  }

  static async create(): Promise<TestBroker> {
    const root = mkdtempSync(join(tmpdir(), 'vlass-rabbitmq-'));
    for (const d of ['mnesia', 'log', 'home']) mkdirSync(join(root, d));
    const port = await freePort();
    const distPort = await freePort();
    writeFileSync(join(root, 'rabbitmq.conf'), [`listeners.tcp.1 = 127.0.0.1:${port}`, 'log.console = false', 'log.file.level = warning', ''].join('\n'));
    writeFileSync(join(root, 'enabled_plugins'), '[].\n');
    const node = `vlass-test-${process.pid}-${port}@localhost`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(root, 'home'),
      RABBITMQ_NODENAME: node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(root, 'mnesia'),
      RABBITMQ_LOG_BASE: join(root, 'log'),
      RABBITMQ_CONFIG_FILE: join(root, 'rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(root, 'enabled_plugins'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
    const broker = new TestBroker(root, node, port, env);
    await broker.start();
    return broker;
  }

  /** Starts the node and waits until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(join(BIN, 'rabbitmq-server'), ['-detached'], { env: this.env, stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        await this.ctl(['await_startup', '--timeout', '30']);
        return;
      } catch (err) {
        // `await_startup` fails at once until the node has registered with epmd.
        if (Date.now() > deadline) throw new Error(`rabbitmq node ${this.node} did not start: ${(err as Error).message} (logs in ${this.root}/log)`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  /** Stops the node (its data stay for the next start). */
  async stop(): Promise<void> {
    await this.ctl(['stop']).catch(() => undefined);
  }

  async ctl(args: string[]): Promise<string> {
    const { stdout } = await run(join(BIN, 'rabbitmqctl'), ['-n', this.node, ...args], { env: this.env, timeout: 60_000 });
    return stdout;
  }

  /** Adds a user with full rights on "/". */
  async addUser(name: string, password: string): Promise<void> {
    await this.ctl(['add_user', name, password]);
    await this.ctl(['set_permissions', '-p', '/', name, '.*', '.*', '.*']);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
