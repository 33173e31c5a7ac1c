"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { withParams } from "./search-params";

/** The page's query string, and a setter that replaces it (no history entry per keystroke, no scroll). */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | string[] | undefined>) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const current = new URLSearchParams(params.toString());
  const set = useCallback(
    (changes: Record<string, string | string[] | undefined>) => {
      const next = withParams(new URLSearchParams(window.location.search), changes);
      const query = next.toString();
      router.replace(query === "" ? pathname : `${pathname}?${query}`, { scroll: false });
    },
    [router, pathname],
  );
  return [current, set];
}
