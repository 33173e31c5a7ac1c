"use client";

import { SMALL_BUTTON_CLASS } from "./small-button";
import { useCopy } from "./use-copy";

/** Copies the page's full address: every bit of view state is in it, so a colleague opens the same view. */
export function CopyLinkButton() {
  const { copied, copy } = useCopy((href) => window.prompt("Copy this link", href));
  return (
    <button type="button" onClick={() => void copy(window.location.href)} className={SMALL_BUTTON_CLASS} data-testid="copy-link">
      {copied ? "Link copied" : "Copy link"}
    </button>
  );
}
