"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { exposureSchema } from "@/server/contract/expose";
import type { Netns } from "@/server/contract/snapshot";
import { useNodeScope } from "../cluster/node-scope";
import { postJson } from "../data/api-client";
import { exposuresQuery } from "../data/queries";
import { useWrite } from "../data/use-write";
import { queryKeys } from "../data/query-keys";
import { CopyButton } from "../ui/copy-button";
import { apiPaths } from "../url/routes";

/** The expose target for a namespace: its pod or container when it has one, else the namespace itself. */
function targetOf(netns: Netns): { target: string; name: string } {
  const owner = netns.owners.find((o) => o.kind === "kubernetes-pod" || o.kind === "docker-container");
  if (owner?.kind === "kubernetes-pod") return { target: `pod:${owner.namespace}/${owner.podName}`, name: `${owner.namespace}_${owner.podName}` };
  if (owner?.kind === "docker-container") return { target: `container:${owner.name}`, name: owner.name };
  return { target: `netns:${netns.id}`, name: `netns-${netns.id}` };
}

/** "Expose to ip netns": a bind mount at /run/netns/<name>, only when the agent allows it; and the way back. */
export function ExposeControl({ netns }: { netns: Netns }) {
  const scope = useNodeScope();
  const isOffered = scope === undefined || scope.capabilities.expose;
  const exposures = useQuery({ ...exposuresQuery(), enabled: isOffered });
  const client = useQueryClient();
  const { target, name: suggested } = targetOf(netns);
  const [name, setName] = useState(suggested.replace(/[^A-Za-z0-9_.-]/g, "_"));
  const { busy, error, run: write } = useWrite();
  const isBusy = busy !== undefined;
  if (!isOffered || netns.isHost || exposures.data === undefined) return null;
  if (!exposures.data.isEnabled) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="expose-off">
        Exposing this namespace to <code>ip netns</code> is off on this agent (it writes to the host): start nsatlas with NSATLAS_ALLOW_EXPOSE=true to allow it.
      </p>
    );
  }
  const mine = exposures.data.exposures.filter((e) => e.netnsId === netns.id);
  const run = async (work: () => Promise<unknown>) => {
    if ((await write("expose", work)) !== undefined) await client.invalidateQueries({ queryKey: queryKeys.exposures() });
  };
  return (
    <section className="space-y-2 text-sm" data-testid="expose">
      <h2 className="text-base font-semibold">ip netns</h2>
      {mine.map((e) => (
        <p key={e.name} className="flex flex-wrap items-center gap-2">
          <span>
            Exposed as <code>{e.path}</code> {e.isMounted ? "" : "(mount gone)"} by {e.who}
          </span>
          <CopyButton text={`ip netns exec ${e.name} ip addr`} label="ip netns exec" />
          <button
            type="button"
            disabled={isBusy}
            className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
            onClick={() => void run(() => postJson(apiPaths.unexpose(), JSON.stringify({ name: e.name }), z.object({ name: z.string() })))}
          >
            Unexpose
          </button>
        </p>
      ))}
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => postJson(apiPaths.expose(), JSON.stringify({ target, name }), exposureSchema));
        }}
      >
        <label className="flex items-center gap-1">
          <span>/run/netns/</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={64}
            className="rounded border border-slate-300 bg-white px-1 py-0.5 font-mono dark:border-slate-700 dark:bg-slate-900"
            aria-label="Name under /run/netns"
          />
        </label>
        <button type="submit" disabled={isBusy} className="rounded bg-sky-700 px-3 py-1 text-white disabled:opacity-60">
          Expose to ip netns
        </button>
      </form>
      {error && (
        <p role="alert" className="text-rose-700 dark:text-rose-300">
          {error}
        </p>
      )}
    </section>
  );
}
