/**
 * A CNI bridge network with host-local IPAM and no IP masquerade: the lab's engines get interfaces
 * and addresses without any iptables rule that teardown would have to find again.
 */
export function cniBridgeConflist(options: { name: string; bridge: string; subnet: string; ipamDir: string; withLoopback: boolean }): string {
  const bridge = {
    type: "bridge",
    bridge: options.bridge,
    isGateway: true,
    ipMasq: false,
    ipam: { type: "host-local", dataDir: options.ipamDir, ranges: [[{ subnet: `${options.subnet}.0/24`, gateway: `${options.subnet}.1` }]] },
  };
  const plugins = options.withLoopback ? [bridge, { type: "loopback" }] : [bridge];
  return JSON.stringify({ cniVersion: "0.4.0", name: options.name, plugins });
}
