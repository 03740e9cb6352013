/**
 * The one way our tools and DAG nodes report progress. Each event goes, in this order, to the
 * status file (a JSON line), to stdout when asked (a readable or a JSON line), and to the
 * broker when CAPO names one.
 *
 * The broker never fails the tool's real work: events it does not confirm (unreachable,
 * refusing, dropping the connection, too slow) are appended to the spool in order, a warning
 * is logged once, and the next publisher sends the spool before its own events. `flush()`
 * waits for every confirm; with `requireDelivery` an undeliverable event is a TemporaryError
 * (exit 75) for callers that need delivery.
 */
import { appendFileSync } from 'node:fs';
import type { Logger } from '../log.js';
import { TemporaryError } from '../errors.js';
import type { BrokerLink } from './broker.js';
import { withTimeout } from './timeout.js';
import type { EventsSettings } from './config.js';
import { EVENT_SCHEMA, makeEvent, type EventFields, type EventSource, type VlassEvent, type WorkflowRef } from './event.js';
import { formatEventLine } from './format.js';
import { appendToSpool, claimSpool, releaseClaimed } from './spool.js';

export interface PublisherOptions {
  settings: EventsSettings;
  source: EventSource;
  workflow: WorkflowRef;
  log: Logger;
  /** Absolute path: one JSON line per event. */
  statusFile?: string;
  /** Prints each event: a readable line or the event's JSON. */
  print?: { format: 'human' | 'json'; write: (text: string) => void };
  /** Undeliverable events make flush() throw TemporaryError (exit 75). */
  requireDelivery?: boolean;
}

/** `requireDelivery` and an event could not be delivered (exit 75: worth a retry). */
export class EventsUndeliveredError extends TemporaryError {}

export interface DeliveryReport {
  /** Events this publisher emitted. */
  emitted: number;
  /** Events the broker confirmed, spooled ones from earlier runs included. */
  delivered: number;
  /** Events left in the spool for a later run. */
  spooled: number;
  /** Events neither delivered nor spooled (the spool could not be written; logged as errors). */
  lost: number;
  /** Why the broker could not be used, when it could not. */
  brokerProblem?: string;
}

export class EventPublisher {
  private readonly queue: VlassEvent[] = [];
  private readonly unconfirmed = new Map<string, VlassEvent>();
  private readonly confirms: Promise<void>[] = [];
  private link: Promise<BrokerLink | undefined> | undefined;
  private brokerProblem: string | undefined;
  private pumping: Promise<void> = Promise.resolve();
  private emitted = 0;
  private delivered = 0;
  private spooled = 0;
  private lost = 0;

  constructor(private readonly options: PublisherOptions) {}

  /** True when events also go to a broker. */
  get hasBroker(): boolean {
    return this.options.settings.broker !== undefined;
  }

  /**
   * Records one event: status file and stdout at once, the broker in the background.
   * `brokerOnly` is for callers that keep their own status-file record of the same moment.
   */
  emit(fields: EventFields, brokerOnly = false): VlassEvent {
    const { settings, source, workflow, statusFile, print } = this.options;
    const event = makeEvent(settings.env, source, workflow, fields);
    this.emitted++;
    if (!brokerOnly) {
      if (statusFile) {
        try {
          appendFileSync(statusFile, JSON.stringify(event) + '\n');
        } catch (err) {
          this.options.log.warn({ err: (err as Error).message }, `cannot append to status file ${statusFile}`);
        }
      }
      if (print) print.write((print.format === 'json' ? JSON.stringify(event) : formatEventLine(event)) + '\n');
    }
    if (settings.broker) {
      this.queue.push(event);
      this.pumping = this.pumping.then(() => this.pump());
    }
    return event;
  }

  /** Waits until every event is confirmed or spooled, and closes the connection. */
  async flush(): Promise<DeliveryReport> {
    const broker = this.options.settings.broker;
    if (broker) {
      await this.pumping;
      try {
        await withTimeout(Promise.all(this.confirms), broker.confirmTimeoutMs, 'no confirm from the broker');
      } catch (err) {
        this.giveUp(err as Error);
      }
      this.spoolUnconfirmed();
      const link = await this.link;
      await link?.close();
    }
    const report: DeliveryReport = { emitted: this.emitted, delivered: this.delivered, spooled: this.spooled, lost: this.lost, brokerProblem: this.brokerProblem };
    if (this.options.requireDelivery && (this.brokerProblem !== undefined || this.spooled + this.lost > 0)) {
      throw new EventsUndeliveredError(
        `events could not be delivered to ${broker?.displayUrl} (${this.brokerProblem}): ${this.lost ? `${this.lost} lost, ` : ''}${this.spooled} new event(s) kept in the spool ${this.options.settings.spoolDir} with any earlier ones; retry later`,
      );
    }
    return report;
  }

  /** Connects and sends the spool from earlier runs only (`vlass-events replay`). */
  async sendSpool(): Promise<DeliveryReport> {
    this.link ??= this.connect();
    return this.flush();
  }

  /** Sends what is queued; the first use connects and sends the spool from earlier runs. */
  private async pump(): Promise<void> {
    const link = await (this.link ??= this.connect());
    while (this.queue.length) {
      const event = this.queue.shift()!;
      if (!link?.usable) {
        this.unconfirmed.set(event.id, event);
        if (link) this.giveUp(link.failure ?? new Error('connection lost'));
        continue;
      }
      this.unconfirmed.set(event.id, event);
      this.confirms.push(
        link.publish(event).then(
          () => {
            this.unconfirmed.delete(event.id);
            this.delivered++;
          },
          (err: Error) => this.giveUp(err),
        ),
      );
    }
    if (this.brokerProblem) this.spoolUnconfirmed();
  }

  private async connect(): Promise<BrokerLink | undefined> {
    const { settings, log } = this.options;
    let link: BrokerLink;
    try {
      // amqplib is loaded only when a broker is used: most runs have none.
      const { BrokerLink } = await import('./broker.js');
      link = await BrokerLink.open(settings.broker!, settings.env);
    } catch (err) {
      this.giveUp(err as Error);
      return undefined;
    }
    try {
      for (const claimed of claimSpool(settings.spoolDir, settings.env)) {
        if (claimed.bad.length) log.warn({ spool: claimed.file, dropped: claimed.bad.length }, `event spool ${claimed.file}: dropped ${claimed.bad.length} line(s) that are not ${EVENT_SCHEMA} events`);
        await Promise.all(claimed.events.map((e) => link.publish(e)));
        releaseClaimed(claimed);
        this.delivered += claimed.events.length;
        if (claimed.events.length) log.info({ spool: claimed.file, events: claimed.events.length }, `sent ${claimed.events.length} spooled event(s) from earlier runs`);
      }
    } catch (err) {
      // The claimed file stays and is sent again, whole, next time; consumers de-duplicate.
      this.giveUp(err as Error);
    }
    return link;
  }

  /** The broker is unusable for this run: say so once; what is unconfirmed goes to the spool. */
  private giveUp(err: Error): void {
    if (this.brokerProblem) return;
    this.brokerProblem = oneLine(err);
    const { settings, log } = this.options;
    log.warn(
      { broker: settings.broker?.displayUrl, spool: settings.spoolDir },
      `events: broker ${settings.broker?.displayUrl} unusable (${this.brokerProblem}); events are spooled in ${settings.spoolDir} and sent by the next run or vlass-events replay`,
    );
  }

  private spoolUnconfirmed(): void {
    if (!this.brokerProblem) return;
    const events = [...this.unconfirmed.values(), ...this.queue.splice(0)];
    this.unconfirmed.clear();
    if (!events.length) return;
    try {
      appendToSpool(this.options.settings.spoolDir, this.options.settings.env, events);
      this.spooled += events.length;
    } catch (err) {
      this.options.log.error({ lost: events.length }, (err as Error).message);
      this.lost += events.length;
    }
  }
}

function oneLine(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const text = (err.message || String(err)).split('\n')[0];
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}
