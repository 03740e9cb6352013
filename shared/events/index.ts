/** Workflow events: schema, publisher, spool and consumer (docs/events.md). */
export * from './event.js';
export { readProductName, type ProductName, type ProductNameForm } from './productName.js';
export { eventsSettingsFrom, environmentFrom, EVENTS_PREFIX, ENV_KEY, type BrokerSettings, type EventsSettings } from './config.js';
export { EventPublisher, EventsUndeliveredError, type DeliveryReport, type PublisherOptions } from './publisher.js';
export { acceptDelivery, decodeDelivery, watchEvents, type DeliveryOutcome, type WatchOptions } from './consumer.js';
export { formatEventLine } from './format.js';
export { managerQueues, exchangeName, deadLetterExchangeName, declareTopology } from './topology.js';
export { appendToSpool, claimSpool, releaseClaimed } from './spool.js';
