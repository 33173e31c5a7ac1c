import type { Config } from "../config";
import type { RuntimeStatus } from "../contract/runtime-status";
import { EngineLocator } from "./engine-locator";
import type { EngineSocketSettings } from "./discover-sockets";

/**
 * The engines of a configuration: the sockets its settings name and, for an engine whose setting is
 * DISCOVER, the ones discovery finds on each pass. A setting left out (a partial configuration) means
 * no such engine. Long-lived: its adapters keep their caches between passes.
 */
export function engineAdapters(config: Pick<Config, "engineTimeoutMs"> & EngineSocketSettings): EngineLocator {
  return new EngineLocator(config);
}

/** Probes all engines concurrently (a version call each): the slowest one bounds the wait, at most one deadline. */
export async function probeEngines(config: Pick<Config, "engineTimeoutMs"> & EngineSocketSettings): Promise<RuntimeStatus[]> {
  const engines = new EngineLocator(config);
  try {
    return await engines.probe(config.engineTimeoutMs);
  } finally {
    engines.close();
  }
}
