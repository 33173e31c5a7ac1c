import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/ui/app-header";
import { THEME_BOOT_SCRIPT } from "@/components/ui/theme";
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
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <AppHeader canLogOut={isSession} />
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
