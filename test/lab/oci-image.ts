import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { run } from "./sh";

interface Blob {
  digest: string;
  size: number;
}

function writeBlob(dir: string, data: Buffer): Blob {
  const hex = createHash("sha256").update(data).digest("hex");
  fs.writeFileSync(path.join(dir, "blobs/sha256", hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

/**
 * Writes an OCI image-layout tarball (one uncompressed layer) that `ctr images import` and
 * `podman load` accept, so engines without a registry get images.
 */
export function ociImageTar(workDir: string, layerTar: string, imageName: string, cmd: string[]): string {
  const dir = path.join(workDir, "oci-layout");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "blobs/sha256"), { recursive: true });
  const layer = writeBlob(dir, fs.readFileSync(layerTar));
  const config = writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        config: { Env: ["PATH=/bin"], Cmd: cmd },
        rootfs: { type: "layers", diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = writeBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
      }),
    ),
  );
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  fs.writeFileSync(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          annotations: { "io.containerd.image.name": imageName, "org.opencontainers.image.ref.name": imageName },
        },
      ],
    }),
  );
  const tar = path.join(workDir, `${imageName.replace(/[^a-z0-9]+/gi, "_")}.oci.tar`);
  run("tar", ["-C", dir, "-cf", tar, "."]);
  return tar;
}
