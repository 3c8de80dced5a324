package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Runs one sync of one tenant's Atlassian organization, invoked by the bus rule for {@code IntegrationSyncRequested}
 * events with {@code detail.integration = atlassian}. Near the invocation's time limit it saves its place and asks
 * for a continuation event.
 */
public final class SyncWorkerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(SyncWorkerHandler.class);
    /** Stop taking new pages when less than this is left: a page of groups with its role assignments fits in it. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(120);

    private final SyncRuns runs;
    private final Clock clock;

    public SyncWorkerHandler() {
        this(Services.fromEnvironment());
    }

    /** One composition root: one DynamoDB client and one secret cache shared by the org sync and the user refresh. */
    public SyncWorkerHandler(Services services) {
        this(services.orgSyncRuns(), services.clock());
    }

    public SyncWorkerHandler(SyncRuns runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return SyncInvocations.handle(LOG, event, SyncEvents.parse(event), context, SAFETY_MARGIN, clock, runs::org,
                (done, answer) -> {
                    if (done.usersRefreshed() != null) {
                        answer.put("usersWritten", done.usersRefreshed());
                    }
                    SyncRunRecord run = done.result() == null ? null : done.result().run();
                    if (run != null) {
                        answer.put("users", run.users());
                        answer.put("usersWritten", run.usersWritten());
                        answer.put("groupsWritten", run.groupsWritten());
                        answer.put("apiCalls", run.apiCalls());
                    }
                });
    }
}
