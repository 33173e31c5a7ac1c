import http from "node:http";

/** GET over a unix socket; resolves with the body of a 2xx answer, rejects otherwise. */
export function unixGet(socketPath: string, urlPath: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => ((res.statusCode ?? 500) < 300 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer on ${socketPath} within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}
