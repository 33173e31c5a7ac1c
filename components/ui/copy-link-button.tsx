"use client";

import { useState } from "react";

/** Copies the page's full address: every bit of view state is in it, so a colleague opens the same view. */
export function CopyLinkButton() {
  const [copied, setCopied] = useState(false);
  async function copy() {
    const href = window.location.href;
    try {
      await navigator.clipboard.writeText(href);
    } catch {
      window.prompt("Copy this link", href);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <button
      type="button"
      onClick={() => void copy()}
      className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      data-testid="copy-link"
    >
      {copied ? "Link copied" : "Copy link"}
    </button>
  );
}
