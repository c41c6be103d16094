/**
 * The sequence every Redis read model carries: the engine sequence it reflects, so a
 * reader can tell which of two views is newer (0: an absent key, nothing written yet).
 */
import { z } from 'zod';

/** The field of a read-model hash that holds the sequence the hash reflects. */
export const SEQ_FIELD = 'seq';

/** A read model's `seq`. */
export const readModelSeqSchema = z.number().int().nonnegative();
