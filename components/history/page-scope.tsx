"use client";

import type { ReactNode } from "react";
import { AtScope } from "../url/at-scope";
import { FrozenBanner } from "./frozen-banner";

/** Every page's frame: the snapshot on screen (live or stored) for its links, and the frozen banner. */
export function PageScope({ children }: { children: ReactNode }) {
  return (
    <AtScope>
      <FrozenBanner />
      {children}
    </AtScope>
  );
}
