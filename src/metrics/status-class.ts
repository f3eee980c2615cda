/** Values of the `status_class` labels: the first digit of the HTTP status, or `network` when no answer came. */
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "network"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The `status_class` label of an HTTP status (none, or anything outside 200–599, counts as `network`). */
export function statusClassOf(status: number | undefined): StatusClass {
  if (status === undefined || !Number.isInteger(status) || status < 200 || status > 599) return "network";
  return `${Math.floor(status / 100)}xx` as StatusClass;
}
