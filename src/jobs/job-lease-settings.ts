/**
 * A running job is claimed by its worker for a short lease that the worker renews while the
 * handler runs. A worker that dies (SIGKILL, out of memory, a lost machine) stops renewing, and
 * its jobs are taken back once the lease runs out, so they run again within about a minute
 * instead of waiting out the job's time limit. A job whose worker is alive is never taken back,
 * however long it runs (up to its policy's `expireInSeconds`).
 */
export interface JobLeaseSettings {
  /** Seconds a running job stays claimed without a renewal. */
  leaseSeconds: number;
  /** Seconds between renewals of a running job's lease. */
  renewIntervalSeconds: number;
  /** Seconds between sweeps (in supervising processes) that take back jobs whose lease ran out. */
  takeBackIntervalSeconds: number;
  /** Seconds past the lease before pg-boss's own expiry sees a job (see `EXPIRY_GRACE_SECONDS`). */
  expiryGraceSeconds: number;
  /** pg-boss's maintenance interval (its expiry, archiving and deletion). */
  maintenanceIntervalSeconds: number;
  /** Times a job is taken back without spending a retry (see `FREE_TAKE_BACKS`). */
  freeTakeBacks: number;
}

/**
 * 45 s: long enough for two renewals in a row to fail (a database hiccup, an event loop busy
 * parsing a large artifact) without losing the lease, short enough that a dead worker's job
 * runs again within a minute.
 */
export const JOB_LEASE_SECONDS = 45;

/** A third of the lease: three renewals per lease, so two may fail before it runs out. */
export const LEASE_RENEWALS_PER_LEASE = 3;

/**
 * How often a sweep looks for jobs whose lease ran out: a third of the lease, so a dead
 * worker's job is taken back at most `JOB_LEASE_SECONDS` plus this (60 s) after its last
 * renewal.
 */
export const TAKE_BACKS_PER_LEASE = 3;

/**
 * The job row's `expire_in` (which pg-boss's expiry reads) is the lease plus this: the sweep,
 * which spends no retry, takes a job back first, and pg-boss's expiry, which counts a failed
 * attempt, only sees the jobs the sweep leaves alone: those taken back `FREE_TAKE_BACKS` times.
 */
export const EXPIRY_GRACE_SECONDS = 60;

/**
 * pg-boss's maintenance runs its expiry (for jobs taken back too often), archiving and deletion
 * this often, once across processes (pg-boss's default is 120 s).
 */
export const MAINTENANCE_INTERVAL_SECONDS = 60;

/**
 * A job taken back from a dead worker runs again without spending a retry, this many times.
 * After that each further take-back is left to pg-boss's expiry, which counts it as a failed
 * attempt: a job that kills its process every time it runs ends in the dead-letter queue
 * instead of taking every restart down with it.
 */
export const FREE_TAKE_BACKS = 2;

/**
 * The settings with `overrides` applied. A lease given without intervals gets intervals of a
 * third of it (`LEASE_RENEWALS_PER_LEASE`, `TAKE_BACKS_PER_LEASE`).
 */
export function jobLeaseSettings(overrides: Partial<JobLeaseSettings> = {}): JobLeaseSettings {
  const leaseSeconds = overrides.leaseSeconds ?? JOB_LEASE_SECONDS;
  const settings: JobLeaseSettings = {
    leaseSeconds,
    renewIntervalSeconds: overrides.renewIntervalSeconds ?? leaseSeconds / LEASE_RENEWALS_PER_LEASE,
    takeBackIntervalSeconds: overrides.takeBackIntervalSeconds ?? leaseSeconds / TAKE_BACKS_PER_LEASE,
    expiryGraceSeconds: overrides.expiryGraceSeconds ?? EXPIRY_GRACE_SECONDS,
    maintenanceIntervalSeconds: overrides.maintenanceIntervalSeconds ?? MAINTENANCE_INTERVAL_SECONDS,
    freeTakeBacks: overrides.freeTakeBacks ?? FREE_TAKE_BACKS,
  };
  if (!(settings.renewIntervalSeconds > 0 && settings.renewIntervalSeconds < settings.leaseSeconds)) {
    throw new RangeError(`job lease: the renewal interval (${settings.renewIntervalSeconds} s) must be shorter than the lease (${settings.leaseSeconds} s)`);
  }
  if (!(settings.takeBackIntervalSeconds > 0)) throw new RangeError("job lease: the take-back interval must be positive");
  if (!Number.isInteger(settings.maintenanceIntervalSeconds) || settings.maintenanceIntervalSeconds < 1) {
    throw new RangeError("job lease: pg-boss's maintenance interval is a whole number of seconds from 1");
  }
  return settings;
}

/** What the job row's `expire_in` is set to at the start of each lease: the lease plus the grace. */
export function rowExpirySeconds(settings: JobLeaseSettings): number {
  return Math.ceil(settings.leaseSeconds + settings.expiryGraceSeconds);
}
