/**
 * The one way product code opens an input file: read-only, and when it cannot be opened a
 * JobError whose one line names the file and what to do (fsError: missing or unreadable is
 * exit 66, any other failure exit 74).
 */
import { constants as fsConstants, openSync } from 'node:fs';
import { fsError } from './errors.js';

export function openForReading(path: string): number {
  try {
    return openSync(path, fsConstants.O_RDONLY);
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
}
