package com.saasspend.integration.wiring;

import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.atlassian.AtlassianHttp;
import com.saasspend.integration.atlassian.HttpProductApis;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.atlassian.OrgAdminClient;
import com.saasspend.integration.atlassian.ProductAccessClient;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoConnectedIntegrations;
import com.saasspend.integration.aws.DynamoEventStreamStateStore;
import com.saasspend.integration.aws.DynamoIdempotencyKeys;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseDataEraser;
import com.saasspend.integration.aws.DynamoLicenseReader;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.aws.DynamoProductStore;
import com.saasspend.integration.aws.DynamoReclaimAudit;
import com.saasspend.integration.aws.DynamoPolicyStore;
import com.saasspend.integration.aws.DynamoReclaimJobs;
import com.saasspend.integration.aws.EventBridgePolicyEvents;
import com.saasspend.integration.aws.EventBridgeSyncCompletions;
import com.saasspend.integration.aws.EventBridgeJobEvents;
import com.saasspend.integration.aws.SqsJobQueue;
import com.saasspend.integration.aws.DynamoSavingsStore;
import com.saasspend.integration.aws.DynamoSyncStateStore;
import com.saasspend.integration.aws.DynamoTenantSettingsStore;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.aws.SecretsManagerVault;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.IntegrationService;
import com.saasspend.integration.domain.SyncDispatcher;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.policies.PolicyBulkApprovals;
import com.saasspend.integration.domain.policies.PolicyJobSettlement;
import com.saasspend.integration.domain.policies.PolicyService;
import com.saasspend.integration.domain.policies.ProductPolicyReclaims;
import com.saasspend.integration.domain.products.ProductSync;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.domain.savings.SavingsService;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.AtlassianUserRefresh;
import com.saasspend.integration.domain.sync.FullListingSchedule;
import com.saasspend.integration.domain.sync.SyncCompletions;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Clock;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one composition root: what a function's handler needs, built from the environment, a clock and the instance's
 * AWS clients. Every handler's Lambda constructor, the integration tests, the local stack and the benchmarks build
 * their services here, so there is no second wiring to drift. One instance per Lambda instance holds one DynamoDB
 * client and one credential vault (one secret cache), whatever number of services the function uses.
 */
public final class Services {
    private final Env env;
    private final Clock clock;
    private final AwsClients aws;
    private final UnaryOperator<AtlassianOrgApi> orgApiDecorator;
    private SecretsManagerVault vault;
    private EventBridgeSyncRequester syncRequester;
    private AtlassianHttp apiHttp;
    private AtlassianHttp syncHttp;

    public Services(Env env, Clock clock, AwsClients aws) {
        this(env, clock, aws, UnaryOperator.identity());
    }

    private Services(Env env, Clock clock, AwsClients aws, UnaryOperator<AtlassianOrgApi> orgApiDecorator) {
        this.env = env;
        this.clock = clock;
        this.aws = aws;
        this.orgApiDecorator = orgApiDecorator;
    }

    /** What Lambda runs: the process environment, the system clock, the production clients. */
    public static Services fromEnvironment() {
        return new Services(Env.system(), Clock.systemUTC(), AwsClients.fromEnvironment());
    }

    /** The given environment and clock on the production clients (tests, the local stack, the benchmarks). */
    public static Services of(Env env, Clock clock) {
        return new Services(env, clock, AwsClients.fromEnvironment());
    }

    /** The same services with the Atlassian org API wrapped (tests: a reclaim killed between two calls). */
    public Services withOrgApi(UnaryOperator<AtlassianOrgApi> decorator) {
        return new Services(env, clock, aws, decorator);
    }

    public Env env() {
        return env;
    }

    public Clock clock() {
        return clock;
    }

    public AwsClients aws() {
        return aws;
    }

    /** The JWT claim naming the tenant. */
    public String tenantClaim() {
        return env.optional("TENANT_CLAIM", "tenant_id");
    }

    // ------------------------------------------------------------------ per function

    /** IntegrationsApiFunction. */
    public IntegrationService integrationService() {
        AtlassianEndpoints endpoints = endpoints();
        return new IntegrationService(integrationStore(), vault(), syncRequester(),
                new OrgAdminClient(apiHttp(), endpoints), new ProductAccessClient(apiHttp(), endpoints),
                new DynamoLicenseDataEraser(dynamo(), table()), new DynamoSyncStateStore(dynamo(), table()), clock);
    }

    /** LicensesApiFunction. */
    public LicenseService licenseService() {
        return new LicenseService(new DynamoLicenseReader(dynamo(), table()), tenantSettings(), integrationStore(), clock);
    }

    /** LicensesApiFunction (GET /savings) and AtlassianSyncFunction (the day's history item a completed sync writes). */
    public SavingsService savingsService() {
        return new SavingsService(licenseService(), tenantSettings(), new DynamoSavingsStore(dynamo(), table()), clock);
    }

    public TenantSettingsStore tenantSettings() {
        return new DynamoTenantSettingsStore(dynamo(), table());
    }

    /** ReclaimApiFunction and ReclaimSweepFunction. */
    public ReclaimService reclaimService() {
        return reclaimService(apiHttp(), java.time.Duration.ZERO);
    }

    /**
     * ReclaimJobWorkerFunction: the single reclaim with the sync's retry settings (a job's user waits out a 429), keeping
     * the tenant's integrations, products and settings 30 s between the job's users instead of reading them for each.
     */
    public ReclaimService reclaimServiceForJobs() {
        return reclaimService(syncHttp(), java.time.Duration.ofSeconds(30));
    }

    /**
     * A batch's users run this many at once in the jobs worker: a user's removal (100 ms in the benchmark, often more at
     * Atlassian) and its AWS work (about 12 DynamoDB calls, events, the key) take up to 8 x 100 ms before the lanes rather
     * than the org's rate limit (600 calls a minute) set the pace; lanes beyond that only wait on the pacing.
     */
    public static final int JOB_USER_LANES = 8;
    /** The lanes' threads (created on first use, idle ones end after a minute), carrying each invocation's deadline. */
    private static final java.util.concurrent.Executor JOB_USER_POOL = InvocationDeadline.carriedBy(
            java.util.concurrent.Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "reclaim-job-user");
                thread.setDaemon(true);
                return thread;
            }));

    /** The bulk reclaim jobs over a reclaim service (ReclaimApiFunction and ReclaimJobWorkerFunction). */
    public ReclaimJobService reclaimJobService(ReclaimService reclaims) {
        return new ReclaimJobService(reclaims, licenseService(), new DynamoLicenseStore(dynamo(), table()),
                new DynamoReclaimJobs(dynamo(), table()), new SqsJobQueue(aws.sqs(), env.required("RECLAIM_JOBS_QUEUE_URL")),
                jobEvents(), syncRequester(), clock, JOB_USER_POOL, JOB_USER_LANES);
    }

    private ReclaimService reclaimService(AtlassianHttp http, java.time.Duration tenantFactsFor) {
        return new ReclaimService(integrationStore(), vault(), orgApi(http), new DynamoLicenseStore(dynamo(), table()),
                new DynamoReclaimAudit(dynamo(), table()), new DynamoIdempotencyKeys(dynamo(), table()), tenantSettings(),
                syncRequester(), new DynamoSavingsStore(dynamo(), table()), jobEvents(), clock, tenantFactsFor);
    }

    /** ReclaimCompleted and ReclaimJobCompleted on the bus. */
    private EventBridgeJobEvents jobEvents() {
        return new EventBridgeJobEvents(aws.eventBridge(), env.required("EVENT_BUS_NAME"));
    }

    /**
     * Reclaim policies over a reclaim service: ReclaimApiFunction (CRUD, preview, approve) and PolicyEvaluationFunction
     * (evaluation after each completed org sync, with the sync's retry settings).
     */
    public PolicyService policyService(ReclaimService reclaims) {
        return new PolicyService(new DynamoPolicyStore(dynamo(), table()), licenseService(),
                new ProductPolicyReclaims(reclaims, new DynamoLicenseStore(dynamo(), table()), userRefresh()),
                new EventBridgePolicyEvents(aws.eventBridge(), env.required("EVENT_BUS_NAME")), tenantSettings(), clock);
    }

    /** ReclaimApiFunction: approving many policy actions as one bulk reclaim job (the jobs built on first use). */
    public PolicyBulkApprovals policyBulkApprovals(ReclaimService reclaims, java.util.function.Supplier<ReclaimJobService> jobs) {
        return new PolicyBulkApprovals(new DynamoPolicyStore(dynamo(), table()),
                new ProductPolicyReclaims(reclaims, new DynamoLicenseStore(dynamo(), table()), userRefresh()),
                new PolicyBulkApprovals.Jobs() {
                    @Override
                    public com.saasspend.integration.domain.reclaim.jobs.JobPlan plan(String tenantId,
                            com.saasspend.integration.domain.reclaim.jobs.JobSelection selection) {
                        return jobs.get().plan(tenantId, selection);
                    }

                    @Override
                    public ReclaimJobService.Started start(String tenantId, String actor, String idempotencyKey, String planId) {
                        return jobs.get().start(tenantId, actor, idempotencyKey, planId);
                    }
                }, clock);
    }

    /** PolicyEvaluationFunction: ends the actions approved into bulk jobs from the jobs' per-user results (reads only). */
    public PolicyJobSettlement policyJobSettlement() {
        return new PolicyJobSettlement(new DynamoPolicyStore(dynamo(), table()), new DynamoReclaimJobs(dynamo(), table()),
                tenantSettings(), clock);
    }

    /** AtlassianSyncFunction: IntegrationSyncCompleted after a completed org run (the policies' trigger). */
    public SyncCompletions syncCompletions() {
        return new EventBridgeSyncCompletions(aws.eventBridge(), env.required("EVENT_BUS_NAME"));
    }

    /** SyncDispatchFunction. */
    public SyncDispatcher syncDispatcher() {
        return new SyncDispatcher(new DynamoConnectedIntegrations(dynamo(), table()), syncRequester());
    }

    /**
     * AtlassianSyncFunction: the org sync; a tick not asked to be full reads the audit-event stream where the org has
     * one, and lists the whole org once a day per tenant inside the full-listing window.
     */
    public AtlassianOrgSync orgSync() {
        AtlassianHttp http = syncHttp();
        return new AtlassianOrgSync(orgApi(http), new DynamoLicenseStore(dynamo(), table()),
                new DynamoSyncStateStore(dynamo(), table()), integrationStore(), vault(), http::calls, clock,
                SyncStateStore.LEASE, tenantSettings(), new DynamoEventStreamStateStore(dynamo(), table()),
                fullListingSchedule());
    }

    /**
     * The daily full listing's window (UTC): {@code FULL_SYNC_WINDOW_START_HOUR} (0-23, default 2) and
     * {@code FULL_SYNC_WINDOW_HOURS} (1-24, default 4); each tenant's listing falls at its own time inside it.
     */
    public FullListingSchedule fullListingSchedule() {
        return new FullListingSchedule(Integer.parseInt(env.optional("FULL_SYNC_WINDOW_START_HOUR", "2")),
                Integer.parseInt(env.optional("FULL_SYNC_WINDOW_HOURS", "4")));
    }

    /** AtlassianSyncFunction: the targeted re-sync of the few users a reclaim or its undo changed. */
    public AtlassianUserRefresh userRefresh() {
        return new AtlassianUserRefresh(orgApi(syncHttp()), new DynamoLicenseStore(dynamo(), table()), integrationStore(),
                vault(), clock, tenantSettings());
    }

    /** AtlassianSyncFunction: the org sync or user refresh a request asks for, and what follows its outcome. */
    public SyncRuns orgSyncRuns() {
        return new SyncRuns(orgSync(), userRefresh(), null, syncRequester(), savingsService(), syncCompletions());
    }

    /** ProductSyncFunction: the product sync a request asks for, and its continuation. */
    public SyncRuns productSyncRuns() {
        return SyncRuns.ofProducts(productSync(), syncRequester());
    }

    /** ProductSyncFunction. */
    public ProductSync productSync() {
        AtlassianHttp http = syncHttp();
        return new ProductSync(new HttpProductApis(http, endpoints()), new DynamoProductStore(dynamo(), table()),
                new DynamoSyncStateStore(dynamo(), table()), integrationStore(), vault(), http::calls, clock,
                SyncStateStore.LEASE);
    }

    /** Continuations and targeted re-syncs (one publisher per instance). */
    public synchronized EventBridgeSyncRequester syncRequester() {
        if (syncRequester == null) {
            syncRequester = new EventBridgeSyncRequester(aws.eventBridge(), env.required("EVENT_BUS_NAME"));
        }
        return syncRequester;
    }

    // ------------------------------------------------------------------ shared pieces, one per instance

    /** One vault, so one secret cache per instance (a 401 that drops a cached key drops it for every service). */
    public synchronized SecretsManagerVault vault() {
        if (vault == null) {
            vault = new SecretsManagerVault(aws.secretsManager(), env.required("SECRET_NAME_PREFIX"), clock);
        }
        return vault;
    }

    public DynamoDbClient dynamo() {
        return aws.dynamoDb();
    }

    public String table() {
        return env.required("TABLE_NAME");
    }

    private DynamoIntegrationStore integrationStore() {
        return new DynamoIntegrationStore(dynamo(), table());
    }

    private AtlassianEndpoints endpoints() {
        return AtlassianEndpoints.from(env);
    }

    private AtlassianOrgApi orgApi(AtlassianHttp http) {
        return orgApiDecorator.apply(new OrgAdminClient(http, endpoints()));
    }

    /** API functions: retries and waits that leave the answer inside the API's 29 s. */
    private synchronized AtlassianHttp apiHttp() {
        if (apiHttp == null) {
            apiHttp = AtlassianHttp.create(RetrySettings.forApiRequests().withOverrides(env));
        }
        return apiHttp;
    }

    /** Sync functions: longer retries inside the worker's budget. */
    private synchronized AtlassianHttp syncHttp() {
        if (syncHttp == null) {
            syncHttp = AtlassianHttp.create(RetrySettings.forSync().withOverrides(env));
        }
        return syncHttp;
    }
}
