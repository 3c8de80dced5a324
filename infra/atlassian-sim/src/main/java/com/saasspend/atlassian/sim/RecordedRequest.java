package com.saasspend.atlassian.sim;

import java.time.Instant;

/** One call the simulator answered (control-endpoint calls are not recorded). Path excludes the query string. */
public record RecordedRequest(String method, String path, int status, Instant at) {}
