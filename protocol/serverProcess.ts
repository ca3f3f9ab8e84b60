/**
 * Node options of the language server's process: the extension starts the server with them, and so do the
 * tests and benchmarks that talk to it over stdio, so that they measure the server users run.
 *
 * A young generation of 32 MB from the start (Node grows it from 1 MB to at most 16 MB). On a large file
 * every keystroke's analysis allocates a few megabytes that are garbage by the next one; with Node's
 * sizes a scavenge ran every second or third keystroke and added to that keystroke's latency, with these
 * about every eighth. On the 2,000-task file: edit → diagnostics p50 19 → 16.5 ms, p95 26 → 21 ms; the
 * server's memory grows by about 30 MB. The engine also decides to allocate what an object literal makes
 * straight in the old generation only in scavenges of a full-size young generation, so from the first
 * analysis on, the syntax copy is no longer copied out of the young generation (`server/src/analyzer/syntax.ts`).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--min-semi-space-size=32', '--max-semi-space-size=32'];
