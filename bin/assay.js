#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled library (run `npm run build` first).
import { main } from '../dist/src/cli/main.js';

// `assay ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
