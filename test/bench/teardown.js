// Everything the bench starts registers its stop here; it runs last-in first-out at the end of a
// measurement, on errors, and on SIGINT/SIGTERM, so no server outlives the bench.

class Teardown {
  constructor() {
    this.steps = [];
  }

  /** Registers `stop` (async) and returns a function that runs it now and unregisters it. */
  add(label, stop) {
    const step = { label, stop };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await stop();
    };
  }

  /** Runs every registered stop, newest first; a call while one is under way shares it. */
  runAll() {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async drain() {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      try {
        await step.stop();
      } catch (err) {
        process.stderr.write(`bench: stopping ${step.label} failed: ${err.message}\n`);
      }
    }
  }
}

const teardown = new Teardown();

/** On SIGINT/SIGTERM: stop everything, then exit with 128 + signal number. */
function stopOnSignals() {
  let stopping = false;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ]) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\nbench: ${signal}, stopping what was started\n`);
      void teardown.runAll().finally(() => process.exit(code));
    });
  }
}

module.exports = { teardown, stopOnSignals };
