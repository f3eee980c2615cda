/**
 * A writer that stops between writing its temporary file and renaming it, for tests that kill
 * it there: `node --import tsx write-then-wait.ts <dir> <name>` prints "written" and waits.
 */
import { writeFileAtomically } from "../../src/fallback/write-file-atomically.js";

const [dir, name] = process.argv.slice(2);
if (dir === undefined || name === undefined) throw new Error("usage: write-then-wait.ts <dir> <name>");
await writeFileAtomically({
  dir,
  name,
  data: JSON.stringify({ version: 2, body: "y".repeat(50_000) }),
  beforeRename: async () => {
    process.stdout.write("written\n");
    await new Promise(() => setInterval(() => undefined, 60_000));
  },
});
