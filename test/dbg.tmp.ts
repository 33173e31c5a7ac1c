import { loadLabManifest } from "./integration/helpers/lab-manifest";
import { labSnapshotService } from "./integration/helpers/lab-service";
import { TestWorkloads } from "./integration/helpers/test-workloads";
import { run } from "./lab/sh";
const made = new TestWorkloads("t6q");
const service = labSnapshotService(loadLabManifest());
try {
  const pod = made.pod("web-0");
  await service.snapshotWithListeners({ fresh: true });
  run("docker", ["stop", "-t", "0", pod.pause]);
  for (let i = 0; i < 5; i++) {
    const s = await service.snapshot({ fresh: true });
    const n = s.netns.find((x) => x.id === pod.inode);
    console.log(i, n ? JSON.stringify({ refs: n.refs, owners: n.owners.map((o) => o.name), gone: n.isGone }) : "gone");
    await new Promise((r) => setTimeout(r, 1000));
  }
} finally { made.cleanup(); service.close(); }
