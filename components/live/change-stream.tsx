"use client";

import { useQueryClient, type Query } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { apiPaths } from "../url/routes";
import { changeStreamState, FOLLOWS_CHANGES } from "./change-stream-state";

const followsChanges = (query: Query) => query.meta?.[FOLLOWS_CHANGES] === true;

/**
 * One EventSource per tab on the node's change stream: a change (or a resync) refreshes the live
 * queries at once. While it is open the pages do not poll the snapshot; when it fails they poll again
 * (and EventSource keeps reconnecting, resuming with Last-Event-ID).
 */
export function ChangeStream() {
  const client = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(apiPaths.events());
    const refresh = () => void client.invalidateQueries({ predicate: followsChanges });
    source.addEventListener("open", () => changeStreamState.set(true));
    source.addEventListener("change", refresh);
    source.addEventListener("resync", refresh);
    source.addEventListener("error", () => {
      if (!changeStreamState.isStreaming()) return;
      changeStreamState.set(false);
      // Re-evaluates every refetchInterval: polling resumes until the stream is back.
      refresh();
    });
    return () => {
      source.close();
      changeStreamState.set(false);
    };
  }, [client]);
  return null;
}

export function useIsStreaming(): boolean {
  return useSyncExternalStore(changeStreamState.subscribe, changeStreamState.isStreaming, () => false);
}
