/** What `nsatlas --help` prints, and the short form printed with a usage error. Plain text: no imports. */

export const DEFAULT_LISTEN = "127.0.0.1:7471";

/** The synopsis printed (to stderr) after a usage error. */
export const USAGE = `usage: nsatlas snapshot --json | list [--json] | where <namespace/pod | container> [--json] | doctor [--json]
       nsatlas expose <namespace/pod | container> [--name N] | unexpose <name> | agent [--listen HOST:PORT]
       nsatlas dashboard [--listen HOST:PORT]
       nsatlas trace <netnsId | namespace/pod | container> <ip> [--proto P] [--sport N] [--dport N] [--json]
       nsatlas --help | --version
`;

export const HELP = `nsatlas: every network namespace on this Linux node, who owns it and how it is wired.

Usage: nsatlas <command> [flags]

Commands:
  snapshot --json                  one complete reading of the node, as JSON (the API's snapshot)
  list [--json]                    every namespace: id, owners, interfaces, what holds it, addresses
  where <namespace/pod | container> [--json]
                                   where a pod, container, podman pod or ip netns lives, and how to enter it
  expose <namespace/pod | container> [--name N]
                                   make its namespace visible to \`ip netns\` as /run/netns/N
                                   (needs NSATLAS_ALLOW_EXPOSE=true; audit-logged)
  unexpose <name>                  undo an expose made by nsatlas (audit-logged)
  doctor [--json]                  which capabilities this process lacks, and what that costs
  agent [--listen HOST:PORT]       serve this node's API, event stream and probes over HTTP
                                   (default ${DEFAULT_LISTEN}; [::1]:7471 for IPv6; stops on SIGTERM/SIGINT)
  dashboard [--listen HOST:PORT]   serve the dashboard (pages, API, probes) over HTTP; needs its build (.next)
                                   (default NSATLAS_HOST:PORT, i.e. 127.0.0.1:3000; stops on SIGTERM/SIGINT)
  trace <netnsId | namespace/pod | container> <ip> [--proto tcp|udp|icmp] [--sport N] [--dport N] [--json]
                                   where a packet from that namespace to <ip> goes, as the kernel's routing
                                   in each namespace answers (exit 1 when it does not get there)

Flags:
  --json                           print JSON instead of text (snapshot, list, where, doctor, trace)
  --name N                         the name under /run/netns (expose; default derived from the target)
  --listen HOST:PORT               the agent's or dashboard's address; any host but loopback needs NSATLAS_TOKEN
  -h, --help                       print this help
  -v, --version                    print nsatlas's version

Environment (all of it: docs/configuration.md):
  NSATLAS_NODE_NAME                the node's name in every snapshot (default: the hostname)
  NSATLAS_TOKEN                    bearer token (16+ characters) the agent requires; needed off loopback
  NSATLAS_DOCKER_SOCKET, NSATLAS_PODMAN_SOCKET, NSATLAS_CRI_SOCKETS
                                   where the container engines listen
  NSATLAS_DATA_DIR                 the snapshot history and the expose records (default /var/lib/nsatlas)
  NSATLAS_ALLOW_EXPOSE             true allows expose and unexpose (they write to /run/netns)

Exit codes:
  0  success
  1  failure: not found, the node could not be read, a needed capability is missing (doctor)
  2  usage: unknown command or flag, malformed argument or --listen value, invalid environment,
     expose turned off

Runs as root (or with CAP_SYS_ADMIN and CAP_SYS_PTRACE); \`nsatlas doctor\` says what is missing.
`;
