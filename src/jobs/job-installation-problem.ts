/**
 * Why a job's data does not name the installation it runs for, or undefined when it does.
 * Every job names one (its tenant): it decides whose token, budget and rows the job may touch.
 */
export function jobInstallationProblem(data: unknown): string | undefined {
  const value = typeof data === "object" && data !== null ? (data as { installationId?: unknown }).installationId : undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return undefined;
  const given = value === undefined ? "none" : JSON.stringify(value);
  return `installationId must be a positive whole number naming the installation the job runs for (given: ${given})`;
}
