#!/usr/bin/env node
import { runAction } from "./action/run-action.js";

// The entry point of action.yml (bundled into action/index.mjs): validates, signs and readies
// the workflow's artifact for upload, reading the action's inputs from INPUT_* variables.
process.exitCode = await runAction({ env: process.env, cwd: process.cwd(), stdout: process.stdout });
