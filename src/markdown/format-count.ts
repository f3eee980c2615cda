/** A count with thousands separators (`12,345`), independent of the process locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(?:\d{3})+$)/g, ",");
}
