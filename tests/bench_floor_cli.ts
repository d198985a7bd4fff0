/**
 * The floor with the one start-up cost every command line of the connector pays: its
 * arguments parsed with `node:util`'s `parseArgs`, which loads Deno's Node compatibility layer.
 * The benchmark prints it beside the floor, for information. The two modules load as one graph,
 * as the connector's do (the floor then runs before the parse; only the sum is measured).
 * Usage: as `bench_floor.ts`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import "./bench_floor.ts";

parseArgs({ args: Deno.args, allowPositionals: true });
