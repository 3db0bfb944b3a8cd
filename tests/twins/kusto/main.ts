/**
 * `deno task kusto`: starts the loopback Kusto cluster over the demo case (or `--data DIR`)
 * and prints how to point casefile at it; Ctrl-C stops it.
 *
 * @module
 */
import { startKustoService } from "./mod.ts";

const at = Deno.args.indexOf("--data");
const data = at >= 0 ? Deno.args[at + 1] : undefined;
const portAt = Deno.args.indexOf("--port");
const port = portAt >= 0 ? Number(Deno.args[portAt + 1]) : undefined;
const service = await startKustoService({ data, port });
console.log(`loopback Kusto cluster at ${service.endpoint} (database demo)

  export NODE_EXTRA_CA_CERTS=${service.caCertificatePath}
  export CASEFILE_ADX_TOKEN=${service.token}
  deno task casefile query --provider adx --cluster ${service.endpoint} --database demo "SecurityAlert | count"

Ctrl-C stops it.`);
Deno.addSignalListener("SIGINT", async () => {
  await service.close();
  Deno.exit(0);
});
