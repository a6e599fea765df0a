//! `<fcntl.h>` and the descriptor-duplicating calls tracing must follow.
