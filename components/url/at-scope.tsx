"use client";

import { useSearchParams } from "next/navigation";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { useNodeScope } from "../cluster/node-scope";
import { nodeHrefs, scopedHrefs } from "./routes";
import { parseLiveParams } from "./search-params";

const AtContext = createContext<string | undefined>(undefined);

/**
 * Which stored snapshot the page shows (`?at=`), for every link below it. A context rather than a
 * search-params hook in each link: the memoised table rows re-render only when `at` changes.
 */
export function AtScope({ children }: { children: ReactNode }) {
  const search = useSearchParams();
  const at = parseLiveParams(new URLSearchParams(search.toString())).at;
  return <AtContext.Provider value={at}>{children}</AtContext.Provider>;
}

/** The stored snapshot on screen, or undefined when live. */
export function useAt(): string | undefined {
  return useContext(AtContext);
}

/** Page links that stay inside the snapshot on screen (on a node page of the hub: the frozen cluster snapshot), and under `/n/<node>/` there. */
export function useHrefs() {
  const at = useAt();
  const node = useNodeScope()?.node;
  return useMemo(() => (node === undefined ? scopedHrefs(at) : nodeHrefs(node, at)), [at, node]);
}
