//! Call tracing for preloaded programs: configuration, descriptor table, decoding, sinks.
