/**
 * Says why an archive entry name is unsafe to honour (path traversal, absolute
 * paths, backslash or drive-letter tricks, control characters), or undefined when it is safe.
 */
export function zipEntryNameProblem(name: string): string | undefined {
  if (name === "") return "empty name";
  if (name.includes("\\")) return "backslash in name";
  if (name.startsWith("/")) return "absolute path";
  if (/^[A-Za-z]:/.test(name)) return "drive letter";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "control character in name";
  if (name.split("/").some((segment) => segment === "..")) return "'..' segment";
  return undefined;
}
