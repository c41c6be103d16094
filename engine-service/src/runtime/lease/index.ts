export {
  type AcquireOptions,
  DEFAULT_LEASE_POLL_INTERVAL_MS,
  DEFAULT_LEASE_TTL_MS,
  type Fence,
  Lease,
  type LeaseLostListener,
  type LeaseOptions,
  type LeaseState,
} from './lease.js';
export { LeaseError, LeaseLostError, type LeaseLostReason } from './lease-error.js';
