/**
 * The floor with the one start-up cost every command line of the connector pays: its
 * arguments parsed with `node:util`'s `parseArgs`, which loads Deno's Node compatibility layer.
 * The benchmark prints it beside the floor, for information. Usage: as `bench_floor.ts`.
 *
 * @module
 */
import { parseArgs } from "node:util";

parseArgs({ args: Deno.args, allowPositionals: true });
await import("./bench_floor.ts");
