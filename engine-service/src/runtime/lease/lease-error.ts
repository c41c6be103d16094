/** Errors the lease raises: a base class and the one the engine must stop on. */

/** Why a lease is no longer ours. */
export type LeaseLostReason =
  /** Another holder's value is under the key: a newer engine has the lease. */
  | 'taken'
  /** The key is gone: the ttl ran out (or someone deleted it) before we renewed. */
  | 'expired'
  /** No renewal succeeded for a whole ttl, so the key may have expired without us seeing it. */
  | 'unconfirmed'
  /** This lease was never acquired, or has been released. */
  | 'not-held';

/** The base class of every error the lease module throws. */
export class LeaseError extends Error {
  override readonly name: string = 'LeaseError';
  constructor(
    /** The Redis key of the lease. */
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The lease is not (or may no longer be) ours: the engine must not write. Thrown by
 * `Lease.assertHeld()` and handed to `Lease.onLost()` callbacks.
 */
export class LeaseLostError extends LeaseError {
  override readonly name = 'LeaseLostError';
  constructor(
    key: string,
    readonly reason: LeaseLostReason,
    /** The fencing token of the acquisition that was lost; `undefined` when none was held. */
    readonly fencingToken: number | undefined,
    options?: ErrorOptions,
  ) {
    super(key, lostMessage(key, reason, fencingToken), options);
  }
}

function lostMessage(key: string, reason: LeaseLostReason, token: number | undefined): string {
  const which = token === undefined ? `Lease ${key}` : `Lease ${key} (fencing token ${token})`;
  switch (reason) {
    case 'taken':
      return `${which} is held by another engine`;
    case 'expired':
      return `${which} expired before it was renewed`;
    case 'unconfirmed':
      return `${which} could not be renewed for a whole ttl`;
    case 'not-held':
      return `${which} is not held`;
  }
}
