/**
 * Consuming events: the function the manager side calls for each delivery, and the watch loop
 * behind `vlass-events watch`.
 *
 * `acceptDelivery` never throws and never drops silently: a valid event is returned (the caller
 * acks it once handled); anything else (not JSON, wrong schema version, missing fields) is
 * rejected without requeue, so the queue's dead-letter exchange moves it to the dead-letter
 * queue, and the reason is logged.
 */
import { connect, type Channel, type ConsumeMessage } from 'amqplib';
import type { Logger } from '../log.js';
import { withTimeout } from './timeout.js';
import type { BrokerSettings } from './config.js';
import { checkEvent, type Environment, type VlassEvent } from './event.js';
import { declareTopology, exchangeName } from './topology.js';

export type DeliveryOutcome = { ok: true; event: VlassEvent } | { ok: false; reason: string };

/** Decodes and validates one message body. */
export function decodeDelivery(body: Buffer, origin: string): DeliveryOutcome {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `${origin}: not JSON (${(err as Error).message})` };
  }
  try {
    return { ok: true, event: checkEvent(value, origin) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * For a manager-side consumer: the typed event, or undefined after rejecting the message to
 * the dead-letter queue with the reason logged. The caller acks a returned event when done.
 */
export function acceptDelivery(channel: Channel, message: ConsumeMessage, log: Logger): VlassEvent | undefined {
  const origin = `message ${message.properties.messageId ?? '(no id)'} from ${message.fields.exchange || '(default exchange)'}/${message.fields.routingKey}`;
  const outcome = decodeDelivery(message.content, origin);
  if (outcome.ok) return outcome.event;
  log.warn({ routingKey: message.fields.routingKey, messageId: message.properties.messageId }, `rejected to the dead-letter queue: ${outcome.reason}`);
  channel.nack(message, false, false);
  return undefined;
}

export interface WatchOptions {
  broker: BrokerSettings;
  env: Environment;
  log: Logger;
  /** Binds only `<workflow>.#` when given. */
  workflow?: string;
  /** Keep going after the workflow's final event, and reconnect when the broker goes away. */
  follow: boolean;
  /** Called for each event; return true to stop watching. */
  onEvent(event: VlassEvent): boolean;
  /** Stops the watch from outside (a signal). */
  signal?: AbortSignal;
}

/**
 * Binds a temporary queue (exclusive, auto-delete) to the exchange and hands each valid event to
 * `onEvent`, de-duplicated by id. Without `follow`, a lost connection ends the watch with an
 * error; with it, the watch reconnects with backoff and re-declares everything.
 */
export async function watchEvents(options: WatchOptions): Promise<void> {
  const seen = new Set<string>();
  let delay = 250;
  for (;;) {
    if (options.signal?.aborted) return;
    try {
      const stopped = await watchOnce(options, seen);
      if (stopped) return;
      throw new Error('the broker closed the connection');
    } catch (err) {
      if (!options.follow || options.signal?.aborted) throw err;
      options.log.warn({ broker: options.broker.displayUrl }, `watch: ${(err as Error).message}; reconnecting in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

/** One connection's worth of watching: true when stopped on purpose, false when the connection ended. */
async function watchOnce(options: WatchOptions, seen: Set<string>): Promise<boolean> {
  const connection = await withTimeout(connect(options.broker.url, { timeout: options.broker.connectTimeoutMs, noDelay: true }), options.broker.connectTimeoutMs * 2, `no answer from the broker at ${options.broker.displayUrl}`);
  try {
    await declareTopology(connection, options.env);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, exchangeName(options.env), options.workflow ? `${options.workflow}.#` : '#');
    return await new Promise<boolean>((resolve, reject) => {
      const stop = () => resolve(true);
      options.signal?.addEventListener('abort', stop, { once: true });
      connection.on('error', (err: Error) => reject(err));
      connection.on('close', () => resolve(false));
      void channel.consume(queue, (message) => {
        if (!message) return resolve(false); // the broker cancelled the consumer
        const outcome = decodeDelivery(message.content, `message on ${message.fields.routingKey}`);
        channel.ack(message);
        if (!outcome.ok) {
          options.log.warn(outcome.reason);
          return;
        }
        if (seen.has(outcome.event.id)) return;
        seen.add(outcome.event.id);
        if (options.onEvent(outcome.event)) resolve(true);
      });
    });
  } finally {
    await withTimeout(connection.close(), 2000, 'close').catch(() => undefined);
  }
}
