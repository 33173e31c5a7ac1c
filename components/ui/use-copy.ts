"use client";

import { useState } from "react";

/**
 * Copies text to the clipboard and reports `copied` for two seconds. `fallback` runs where the Clipboard API is
 * refused or absent (plain http on another host).
 */
export function useCopy(fallback: (text: string) => void): { copied: boolean; copy: (text: string) => Promise<void> } {
  const [copied, setCopied] = useState(false);
  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      fallback(text);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return { copied, copy };
}
