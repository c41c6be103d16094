export { Lease, type LeaseLostListener, type LeaseState } from './lease.js';
export { LeaseError, LeaseLostError, type LeaseLostReason } from './lease-error.js';
export {
  type AcquireOptions,
  DEFAULT_LEASE_POLL_INTERVAL_MS,
  DEFAULT_LEASE_TTL_MS,
  type Fence,
  type LeaseOptions,
} from './lease-options.js';
