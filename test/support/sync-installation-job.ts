import type { JobData } from "../../src/jobs/job-payloads.js";

/** A `sync-installation` job's data, told apart by its delivery id: the cheap job the queue suites run. */
export const syncInstallationJob = (deliveryId: string): JobData<"sync-installation"> & { deliveryId: string } => ({
  installationId: 7,
  deliveryId,
  action: "installation.created",
  accountLogin: "octo-org",
  accountType: "Organization",
  permissions: { issues: "write" },
  suspended: false,
  repositories: null,
});
