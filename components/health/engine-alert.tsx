import { splitEngineMessage, type RuntimeStatus } from "@/server/contract/runtime-status";
import { EngineStatusBadge } from "./engine-status-badge";

/**
 * One failing engine, readable at a glance: its name and state, what happened, what to do, and the
 * underlying error's code. Pure; the caller supplies the frame (a banner, a table cell).
 */
export function EngineAlert({ runtime, consequence }: { runtime: RuntimeStatus; consequence?: string }) {
  const { problem, action } = splitEngineMessage(runtime);
  return (
    <div className="space-y-1" data-engine-state={runtime.state}>
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <strong>{runtime.name}</strong>
        <EngineStatusBadge state={runtime.state} />
        <span>
          {problem}
          {runtime.lastOkAt === undefined ? "" : ` (last answer ${runtime.lastOkAt})`}.
        </span>
      </p>
      {action !== undefined && (
        <p>
          <span className="font-semibold">What to do:</span> {action}.
        </p>
      )}
      {(runtime.detail !== undefined || consequence !== undefined) && (
        <p className="text-xs opacity-80">
          {consequence}
          {consequence !== undefined && runtime.detail !== undefined ? " " : ""}
          {runtime.detail !== undefined && (
            <>
              Cause: <code>{runtime.detail}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** The reason column of an engine table: version when it answers, else what happened and what to do. */
export function EngineReason({ runtime }: { runtime: RuntimeStatus }) {
  if (runtime.state === "ok") return <>{runtime.version}</>;
  const { problem, action } = splitEngineMessage(runtime);
  return (
    <>
      {problem}.{action === undefined ? "" : ` What to do: ${action}.`}
      {runtime.detail !== undefined && (
        <>
          {" "}
          Cause: <code>{runtime.detail}</code>
        </>
      )}
    </>
  );
}
