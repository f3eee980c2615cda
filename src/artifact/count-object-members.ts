/**
 * The number of members of every object in a parsed JSON value, nested ones included. Objects
 * from `JSON.parse` keep one member per name, so this falls short of the member names in the
 * text exactly when some object repeats a name. Recursive: call only on values whose depth has
 * already been bounded.
 */
export function countObjectMembers(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (item !== null && typeof item === "object") count += countObjectMembers(item);
    return count;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    count++;
    const child = record[key];
    if (child !== null && typeof child === "object") count += countObjectMembers(child);
  }
  return count;
}
