/**
 * Imported first by main.ts, so it runs before any other module loads.
 * cdktf records a full stack trace for every token it creates; with tsx's
 * source maps on, mapping those traces (and indexing every loaded module's
 * map) was a fifth of the synth time. Errors still name the right file.
 */
process.setSourceMapsEnabled(false);
