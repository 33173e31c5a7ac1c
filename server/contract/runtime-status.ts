import { z } from "zod";

/** How one container engine answered the last probe. */
export const runtimeStatusSchema = z.object({
  /** Which engine: "docker", "podman", "containerd-cri" or "cri-o" (the last two speak the Kubernetes CRI). */
  name: z.enum(["docker", "podman", "containerd-cri", "cri-o"]),
  /** The socket the engine was asked on, e.g. "/var/run/docker.sock". */
  endpoint: z.string(),
  /**
   * ok: answered. absent: nothing listens there (no socket file, or connection refused).
   * unreachable: the socket exists but did not answer within the deadline.
   * error: it answered with something we could not use.
   */
  status: z.enum(["ok", "absent", "unreachable", "error"]),
  /** The engine's own version string when it answered, e.g. "20.10.24" or "containerd v1.6.20". */
  version: z.string().optional(),
  /** Human-readable reason when status is not "ok". */
  error: z.string().optional(),
  /** Wall time of the probe in milliseconds. */
  latencyMs: z.number().nonnegative(),
});
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;
