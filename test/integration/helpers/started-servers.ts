/**
 * Servers a test file starts together in beforeAll. Promise.all loses the handles of those that did start when one
 * fails, and their processes outlive the run: each is kept here as soon as it is up, and stopAll() ends them all.
 */
interface Stoppable {
  stop(): Promise<unknown>;
}

export class StartedServers {
  private readonly started: Stoppable[] = [];

  /** Keeps `starting`'s server once it is up; hands it on unchanged. */
  track<T extends Stoppable>(starting: Promise<T>): Promise<T> {
    return starting.then((server) => {
      this.started.push(server);
      return server;
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((s) => s.stop()));
  }
}
