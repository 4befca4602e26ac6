// The V8 heap cap the sync server runs with (scripts/start-all.ts, deploy/compose.yml, and the
// import benchmark, which must measure what a site runs). Without a cap, V8 on a big-memory
// machine lets garbage grow to ~400 MB before a full collection during a 100k-row import; with
// 384 MB the import peaks near 250 MB RSS and runs faster, and 1,000 live sync feeds (~440 MB
// RSS measured, mostly outside the heap) still fit.
export const SYNC_SERVER_HEAP_FLAG = '--max-old-space-size=384';
