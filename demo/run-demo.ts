/**
 * `npm run demo [-- --port N]`: the app and a GitHub simulator on this machine, a scripted
 * pull request, two CI runs and two `/audit` commands, and a page of the result at
 * http://127.0.0.1:4000/ (N = 0 picks a free port). No GitHub App, no network. Ctrl-C stops it.
 *
 * Run with `node --import tsx`, not the `tsx` command: on Ctrl-C that command kills its child
 * outright unless the child reports the signal within 30 ms, which would skip this stop.
 */
import { startDemo } from "./start-demo.js";

const DEFAULT_PORT = 4000;

function pagePort(argv: string[]): number {
  const at = argv.indexOf("--port");
  if (at === -1) return DEFAULT_PORT;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`--port must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(argv[at + 1] ?? "")}`);
    process.exit(1);
  }
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const demo = await startDemo({ pagePort: pagePort(process.argv.slice(2)), say }).catch((error: unknown) => {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  say("\nStopping the app, the simulator and the page …");
  demo.stop().then(
    () => process.exit(code),
    (error: unknown) => {
      console.error("The demo did not stop cleanly:", error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

demo.finished.then(
  () => {
    say("");
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${demo.pageUrl} to see the digest and the check runs; Ctrl-C stops the demo.`);
  },
  (error: unknown) => {
    if (stopping) return; // stopped while the script ran: its steps fail as the app closes
    console.error(`The demo failed: ${error instanceof Error ? error.message : String(error)}`);
    stop(1);
  },
);
