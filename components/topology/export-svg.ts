import { bridgeLabel } from "@/server/contract/display";
import type { Positioned } from "./layout";
import { portCaption, type Topology } from "./topology-model";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The graph as a standalone SVG document (pure): boxes, hubs, ports and wires, for an incident report. */
export function topologyToSvg(topology: Topology, positions: Map<string, Positioned>, dark: boolean): string {
  const colors = dark
    ? { bg: "#020617", box: "#0f172a", stroke: "#334155", text: "#e2e8f0", muted: "#94a3b8", hub: "#075985", wire: "#64748b", host: "#1e293b" }
    : { bg: "#ffffff", box: "#ffffff", stroke: "#cbd5e1", text: "#0f172a", muted: "#475569", hub: "#e0f2fe", wire: "#64748b", host: "#f1f5f9" };
  const all = [...positions.values()];
  const width = Math.max(100, ...all.map((p) => p.x + p.width)) + 20;
  const height = Math.max(100, ...all.map((p) => p.y + p.height)) + 20;
  const portY = new Map<string, number>();
  const parts: string[] = [];
  for (const n of topology.nodes) {
    const p = positions.get(n.id);
    if (p === undefined) continue;
    if (n.kind === "bridge") {
      parts.push(`<rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="22" fill="${colors.hub}" stroke="${colors.stroke}"/>`);
      parts.push(
        `<text x="${p.x + p.width / 2}" y="${p.y + p.height / 2 + 4}" text-anchor="middle" font-size="12" fill="${colors.text}">${esc(bridgeLabel(n.label))}</text>`,
      );
      continue;
    }
    parts.push(
      `<rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="6" fill="${n.kind === "host" ? colors.host : colors.box}" stroke="${colors.stroke}"/>`,
    );
    parts.push(`<text x="${p.x + 8}" y="${p.y + 20}" font-size="13" font-weight="600" fill="${colors.text}">${esc(n.label)}</text>`);
    n.ports.forEach((port, k) => {
      const y = p.y + 34 + k * 22 + 14;
      portY.set(port.id, y - 4);
      parts.push(
        `<text x="${p.x + 10}" y="${y}" font-size="11" fill="${colors.text}">${esc(port.name)} <tspan fill="${colors.muted}">${esc(portCaption(port))}</tspan></text>`,
      );
    });
  }
  const anchor = (node: string, port: string | undefined, towards: number) => {
    const p = positions.get(node);
    if (p === undefined) return undefined;
    const x = towards >= p.x + p.width / 2 ? p.x + p.width : p.x;
    return { x, y: port ? (portY.get(port) ?? p.y + p.height / 2) : p.y + p.height / 2 };
  };
  const wires: string[] = [];
  for (const e of topology.edges) {
    const t = positions.get(e.target);
    const s = positions.get(e.source);
    if (t === undefined || s === undefined) continue;
    const a = anchor(e.source, e.sourcePort, t.x + t.width / 2);
    const b = anchor(e.target, e.targetPort, s.x + s.width / 2);
    if (a === undefined || b === undefined) continue;
    wires.push(
      `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="${colors.wire}" stroke-width="1.5"${e.kind === "parent" ? ' stroke-dasharray="5 4"' : ""}/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif"><rect width="100%" height="100%" fill="${colors.bg}"/>${wires.join("")}${parts.join("")}</svg>`;
}

/** Rasterises an SVG document to a PNG data URL in the browser. */
export async function svgToPng(svg: string, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the SVG could not be drawn"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const ctx = canvas.getContext("2d");
    if (ctx === null) throw new Error("no 2D canvas");
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return canvas.toDataURL("image/png");
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(href: string, filename: string): void {
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.click();
}
