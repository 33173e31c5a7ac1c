import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { HubGuard, HubHeader } from "@/components/cluster/hub-shell";
import { AppHeader } from "@/components/ui/app-header";
import { THEME_BOOT_SCRIPT } from "@/components/ui/theme";
import { isHubMode } from "@/server/dal";
import { AUTH_HEADER, NONCE_HEADER } from "@/server/http/security";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "nsatlas",
  description: "Every network namespace on this node, who owns it, and how it is wired",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: the CSP nonce is new each time (proxy.ts), and scripts need it.
  const incoming = await headers();
  const nonce = incoming.get(NONCE_HEADER) ?? undefined;
  const isSession = incoming.get(AUTH_HEADER) === "session";
  // A hub (NSATLAS_AGENTS, docs/hub.md) has no node of its own: its pages are /cluster and /n/<node>/….
  const isHub = isHubMode();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers isHub={isHub}>
          {isHub ? <HubHeader canLogOut={isSession} /> : <AppHeader canLogOut={isSession} />}
          <main className="mx-auto max-w-7xl px-4 py-6">{isHub ? <HubGuard>{children}</HubGuard> : children}</main>
        </Providers>
      </body>
    </html>
  );
}
