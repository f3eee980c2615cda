import { run } from "probot";

/**
 * The baseline the benchmarks measure the app against: a bare Probot 14 app whose only handler,
 * for `workflow_run.completed`, does nothing. Probot's own `run` reads APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, HOST, PORT and LOG_LEVEL from the environment, verifies each delivery's
 * signature and answers it once the (empty) handler returns. `GET /ping` answers when it listens.
 */
await run((app) => {
  app.on("workflow_run.completed", () => undefined);
});
