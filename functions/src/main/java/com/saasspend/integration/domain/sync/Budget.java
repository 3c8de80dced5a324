package com.saasspend.integration.domain.sync;

/** How much time the current invocation has left; a sync stops at a page boundary when it nears the end. */
@FunctionalInterface
public interface Budget {
    boolean nearlyOut();

    static Budget unlimited() {
        return () -> false;
    }
}
