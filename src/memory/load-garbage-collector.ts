import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

/**
 * A synchronous garbage collection of this process's V8 heap: a full one by default, or with
 * `"young"` only a collection of the young generation (a scavenge), which costs about a
 * millisecond when few of its objects survive.
 */
export type GarbageCollector = (generation?: "young") => void;

/**
 * V8's own `gc()`, which node exposes only with `--expose-gc` on its command line. The flag is
 * turned on just long enough to create one context, whose global `gc` is the function, and off
 * again, so no other code (the app's contexts, its dependencies) sees a `gc` global. `npm start`
 * runs `node dist/main.js` with no flags, so the process gets it here.
 */
export function loadGarbageCollector(): GarbageCollector {
  setFlagsFromString("--expose-gc");
  try {
    const gc = runInNewContext("gc") as unknown;
    if (typeof gc !== "function") throw new Error("V8 exposed no gc function with --expose-gc");
    return (generation) => {
      if (generation === "young") (gc as (options: { type: "minor" }) => void)({ type: "minor" });
      else (gc as () => void)();
    };
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
