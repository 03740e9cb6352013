/**
 * The AMQP topology, declared the same way by every publisher and consumer (declaring is
 * idempotent when the arguments match). Names and bindings are documented in docs/events.md.
 *
 *   vlass.<env>.events                             durable topic exchange; routing key <workflow>.<kind>.<state>
 *   vlass.<env>.manager.processing-status          *.workflow.#, *.stage.#   (quorum queue)
 *   vlass.<env>.manager.ingestion-status           *.ingestion.#             (quorum queue)
 *   vlass.<env>.events.dead-letter                 direct exchange for what consumers reject
 *   <queue>.dead-letter                            one dead-letter queue per manager queue
 */
import type { Channel, ChannelModel } from 'amqplib';
import type { Environment } from './event.js';

export const exchangeName = (env: Environment) => `vlass.${env}.events`;
export const deadLetterExchangeName = (env: Environment) => `vlass.${env}.events.dead-letter`;

export interface ManagerQueue {
  name: string;
  bindings: string[];
  deadLetterQueue: string;
}

export function managerQueues(env: Environment): ManagerQueue[] {
  const q = (suffix: string, bindings: string[]) => {
    const name = `vlass.${env}.manager.${suffix}`;
    return { name, bindings, deadLetterQueue: `${name}.dead-letter` };
  };
  return [q('processing-status', ['*.workflow.#', '*.stage.#']), q('ingestion-status', ['*.ingestion.#'])];
}

/**
 * Declares the exchanges, the manager's queues (quorum where the broker supports it, else
 * classic durable) and their dead-letter queues. Uses its own channel: a refused declaration
 * closes the channel it was made on.
 */
export async function declareTopology(connection: ChannelModel, env: Environment): Promise<void> {
  let ch = await connection.createChannel();
  try {
    await ch.assertExchange(exchangeName(env), 'topic', { durable: true });
    await ch.assertExchange(deadLetterExchangeName(env), 'direct', { durable: true });
    for (const queue of managerQueues(env)) {
      ch = await assertDurableQueue(connection, ch, queue.deadLetterQueue, {});
      await ch.bindQueue(queue.deadLetterQueue, deadLetterExchangeName(env), queue.deadLetterQueue);
      ch = await assertDurableQueue(connection, ch, queue.name, {
        'x-dead-letter-exchange': deadLetterExchangeName(env),
        'x-dead-letter-routing-key': queue.deadLetterQueue,
      });
      for (const pattern of queue.bindings) await ch.bindQueue(queue.name, exchangeName(env), pattern);
    }
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** A quorum queue, or a classic durable one where quorum queues are refused; returns a live channel. */
async function assertDurableQueue(connection: ChannelModel, ch: Channel, name: string, args: Record<string, unknown>): Promise<Channel> {
  try {
    await ch.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } });
    return ch;
  } catch {
    // PRECONDITION_FAILED (an older classic queue of that name) or NOT_IMPLEMENTED: the channel
    // is closed; keep whatever type the broker has or allows.
    const fresh = await connection.createChannel();
    try {
      await fresh.checkQueue(name);
    } catch {
      const again = await connection.createChannel();
      await again.assertQueue(name, { durable: true, arguments: args });
      return again;
    }
    return fresh;
  }
}
