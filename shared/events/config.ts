/**
 * Where events go, from CAPO (keys in docs/capo.md, "Events"). A broker is configured when
 * `edu.nrao.vlass.events.amqp.url` or `.host` is set; with neither, events go only to the status
 * file and the terminal.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CapoConfig } from '../capo/capo.js';
import { ConfigError } from '../errors.js';
import { ENVIRONMENTS, type Environment } from './event.js';

export const EVENTS_PREFIX = 'edu.nrao.vlass.events';
export const ENV_KEY = 'edu.nrao.vlass.env';

export interface BrokerSettings {
  /** amqp://user:password@host:port/vhost; the password is registered as a secret. */
  url: string;
  /** The same URL with the password replaced, for messages. */
  displayUrl: string;
  connectTimeoutMs: number;
  /** How long to wait for the broker's confirms before spooling what is unconfirmed. */
  confirmTimeoutMs: number;
}

export interface EventsSettings {
  env: Environment;
  broker?: BrokerSettings;
  spoolDir: string;
}

export function environmentFrom(capo: CapoConfig): Environment {
  const env = capo.getString(ENV_KEY, 'dev');
  if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new ConfigError(`CAPO key ${ENV_KEY} is "${env}"; it must be one of ${ENVIRONMENTS.join(', ')} (the dsoc-dev, dsoc-test and dsoc-prod profiles set it)`);
  }
  return env as Environment;
}

export function eventsSettingsFrom(capo: CapoConfig): EventsSettings {
  const key = (k: string) => `${EVENTS_PREFIX}.${k}`;
  const env = environmentFrom(capo);
  const spoolDir = capo.getString(key('spoolDir'), '') || join(homedir(), '.vlass', 'events-spool');
  const timeouts = {
    connectTimeoutMs: positive(capo, key('amqp.connectTimeoutMs'), 3000),
    confirmTimeoutMs: positive(capo, key('amqp.confirmTimeoutMs'), 10000),
  };
  const url = capo.getString(key('amqp.url'), '');
  const host = capo.getString(key('amqp.host'), '');
  if (!url && !host) return { env, spoolDir };
  let built: URL;
  try {
    if (url) built = new URL(url);
    else {
      built = new URL('amqp://localhost');
      built.hostname = host;
      built.port = String(capo.getInteger(key('amqp.port'), 5672));
      built.username = encodeURIComponent(capo.getString(key('amqp.user'), 'guest'));
      built.password = encodeURIComponent(capo.getString(key('amqp.password'), 'guest'));
      built.pathname = '/' + encodeURIComponent(capo.getString(key('amqp.vhost'), '/'));
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`CAPO key ${key('amqp.url')}: not a URL; write it as amqp://user:password@host:5672/vhost`);
  }
  if (built.protocol !== 'amqp:' && built.protocol !== 'amqps:') {
    throw new ConfigError(`CAPO key ${key('amqp.url')}: scheme ${built.protocol} is not amqp: or amqps:`);
  }
  const display = new URL(built.href);
  if (display.password) display.password = 'redacted';
  return { env, spoolDir, broker: { url: built.href, displayUrl: display.href, ...timeouts } };
}

function positive(capo: CapoConfig, key: string, fallback: number): number {
  const n = capo.getNumber(key, fallback);
  if (!(n > 0)) throw new ConfigError(`CAPO key ${key} is ${n}; it must be a positive number of milliseconds`);
  return n;
}
