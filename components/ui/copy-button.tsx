"use client";

import { SMALL_BUTTON_CLASS } from "./small-button";
import { useCopy } from "./use-copy";

/** Copies `text`; says so for two seconds. Falls back to a hidden textarea where the Clipboard API is absent (plain http). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const { copied, copy } = useCopy(copyThroughTextarea);
  return (
    <button type="button" onClick={() => void copy(text)} className={SMALL_BUTTON_CLASS} aria-label={`${label}: ${text}`}>
      {copied ? "Copied" : label}
    </button>
  );
}

function copyThroughTextarea(text: string) {
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}
