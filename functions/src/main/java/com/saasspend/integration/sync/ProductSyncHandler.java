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
 * Runs one sync of one tenant's Jira, Confluence, Trello or Bitbucket integration, invoked by the bus rules for
 * {@code IntegrationSyncRequested} events whose {@code detail.integration} names that product. Near the invocation's
 * time limit the sync saves its place and this handler asks for a continuation event.
 */
public final class ProductSyncHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(ProductSyncHandler.class);
    /** Stop listing when less than this is left: one more page, or one big group's members, fits in it. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(60);

    private final SyncRuns runs;
    private final Clock clock;

    public ProductSyncHandler() {
        this(Services.fromEnvironment());
    }

    public ProductSyncHandler(Services services) {
        this(services.productSyncRuns(), services.clock());
    }

    public ProductSyncHandler(SyncRuns runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return SyncInvocations.handle(LOG, event, SyncEvents.productRequest(event), context, SAFETY_MARGIN, clock,
                runs::product, (done, answer) -> {
                    SyncRunRecord run = done.result().run();
                    if (run != null) {
                        answer.put("members", run.users());
                        answer.put("membersWritten", run.usersWritten());
                        answer.put("groups", run.groups());
                        answer.put("groupsWritten", run.groupsWritten());
                        answer.put("removed", run.removed());
                        answer.put("apiCalls", run.apiCalls());
                    }
                });
    }
}
