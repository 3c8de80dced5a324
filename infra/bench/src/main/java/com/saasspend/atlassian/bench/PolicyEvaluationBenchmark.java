package com.saasspend.atlassian.bench;

import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyDraft;
import com.saasspend.integration.domain.policies.PolicyRules;
import com.saasspend.integration.domain.policies.PolicyService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.sync.PolicyEvaluationHandler;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Figure P: reclaim policies evaluated over the org figure 8 synced (same tenant, same table). Policies "Confluence
 * inactive for at least N days", N chosen from the generated world's last-active dates so that about users/1,000, users/100 and
 * users/10 match (100, 1,000 and 10,000 at 100k users), each in approve mode with the largest cap
 * ({@link PolicyRules#MAX_RECLAIMS_PER_RUN}): previewed (PolicyService.preview, writes nothing), evaluated as the
 * IntegrationSyncCompleted event runs it ({@link PolicyEvaluationHandler}, as the composition root wires it), and the
 * same event delivered again (idempotent: no action written twice). Reads are split by item kind so the part that grows
 * with the candidates and the part that does not can be told apart.
 */
public final class PolicyEvaluationBenchmark {
    /**
     * Item kinds read once per listed user: the listing's index row (UIX), the user item (USER), its action when one
     * exists (POLICYACTION). Their groups (GROUP) are counted apart; everything else (policies, settings, integrations,
     * products, the listing's summary) is "other".
     */
    static final List<String> PER_CANDIDATE_KINDS = List.of("UIX", "USER", "POLICYACTION");

    /** The goal's constant: read units an evaluation may spend beyond the examined users' own items, whatever their count. */
    static final double CONSTANT_READ_UNITS = 50;

    /** One measured call: what it found and what it cost. {@code readsByKind}: read units per item kind. */
    public record Row(String policy, int days, int matching, String how, int examined, int candidates, boolean capped,
                      int actionsWritten, double readUnits, long itemsRead, double writeUnits, Map<String, Double> readsByKind,
                      Map<String, Long> itemsByKind, long millis) {
        /** Read units of the examined users' own items: listing rows, user items, their actions. */
        double perUserReadUnits() {
            return readsByKind.entrySet().stream().filter(e -> PER_CANDIDATE_KINDS.contains(e.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** Read units of the examined users' groups (each group read once an evaluation: at most the org's groups). */
        double groupReadUnits() {
            return readsByKind.getOrDefault("GROUP", 0.0);
        }

        /** Everything else: policies, settings, integrations, products, the listing's summary. */
        double otherReadUnits() {
            return readUnits - perUserReadUnits() - groupReadUnits();
        }
    }

    public record Result(int users, int holders, List<Row> rows) {}

    public static Result measure(OrgUnderTest org, String tenant, int users) {
        // Reclaim (and so a policy's planning) opens once the Jira and Confluence sites are connected too.
        org.connectSite(tenant, "jira");
        org.connectSite(tenant, "confluence");
        Services services = new Services(org.env, Clock.systemUTC(), AwsClients.fromEnvironment().withDynamoDb(org.meteredDynamo));
        PolicyService policies = services.policyService(services.reclaimServiceForJobs());

        Instant now = Instant.now();
        List<Instant> lastActive = confluenceLastActive(org.world);
        List<Row> rows = new ArrayList<>();
        for (int target : new int[] {Math.max(1, users / 1000), Math.max(1, users / 100), Math.max(1, users / 10)}) {
            int days = daysFor(lastActive, target, now);
            int matching = (int) lastActive.stream().filter(a -> !a.isAfter(now.minus(Duration.ofDays(days)))).count();
            String name = "confluence inactive ≥ " + days + " d";
            System.out.printf("[policies] N=%,d target %,d: %s matches %,d of %,d Confluence users with a last use%n", users, target,
                    name, matching, lastActive.size());
            Policy policy = policies.create(tenant, new PolicyDraft(name, List.of("confluence"), Policy.INACTIVE, days, null, null,
                    Policy.APPROVE, null, PolicyRules.MAX_RECLAIMS_PER_RUN, false));

            PolicyService.Evaluation[] preview = new PolicyService.Evaluation[1];
            Row previewRow = timed(org.meter, name, days, matching, "preview", () -> {
                preview[0] = policies.preview(tenant, policy.id());
                return 0;
            }, () -> preview[0]);
            rows.add(previewRow);
            // The handler's own call (PolicyEvaluationHandler passes the event's tenant and run id): its Evaluation says
            // what this run examined, which the handler's answer sums away. The same run's event again evaluates nothing.
            String runId = "bench-run-" + days;
            for (String how : List.of("IntegrationSyncCompleted", "the same event again")) {
                PolicyService.Evaluation[] evaluated = new PolicyService.Evaluation[1];
                rows.add(timed(org.meter, name, days, matching, how, () -> {
                    evaluated[0] = policies.evaluateAll(tenant, runId, Budget.unlimited()).stream()
                            .filter(e -> e.policyId().equals(policy.id())).findFirst().orElseThrow();
                    String expected = how.startsWith("the same") ? PolicyService.ALREADY_EVALUATED : "evaluated";
                    if (!expected.equals(evaluated[0].outcome())) {
                        throw new IllegalStateException("the evaluation answered " + evaluated[0].outcome() + ", not " + expected);
                    }
                    return evaluated[0].actionsCreated();
                }, () -> evaluated[0]));
            }
            for (Row r : rows.subList(rows.size() - 3, rows.size())) {
                System.out.printf("[policies] N=%,d %s, %s: %s%n", users, name, r.how(), r);
            }
            // Paused, so the next policy's evaluation measures that policy alone (a paused one reads nothing more).
            policies.update(tenant, policy.id(), new PolicyDraft(name, List.of("confluence"), Policy.INACTIVE, days, null, null,
                    Policy.APPROVE, null, PolicyRules.MAX_RECLAIMS_PER_RUN, true));
        }
        return new Result(users, lastActive.size(), rows);
    }

    private static Row timed(CapacityMeter meter, String policy, int days, int matching, String how, Supplier<Integer> call,
                             Supplier<PolicyService.Evaluation> found) {
        CapacityMeter.Snapshot before = meter.snapshot();
        long t0 = System.nanoTime();
        int written = call.get();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        CapacityMeter.Snapshot spent = meter.snapshot().minus(before);
        Map<String, Double> readsByKind = new TreeMap<>();
        Map<String, Long> itemsByKind = new TreeMap<>();
        spent.byKind().forEach((kind, tally) -> {
            if (tally.readUnits() > 0 || tally.itemsRead() > 0) {
                readsByKind.put(kind, tally.readUnits());
                itemsByKind.put(kind, tally.itemsRead());
            }
        });
        PolicyService.Evaluation e = found.get();
        CapacityMeter.Tally total = spent.total();
        return new Row(policy, days, matching, how, e.examined(), e.candidates().size(), e.capped(), written, total.readUnits(),
                total.itemsRead(), total.writeUnits(), readsByKind, itemsByKind, millis);
    }

    /** Last uses of Confluence in the generated world (users who hold it and used it), oldest first. */
    static List<Instant> confluenceLastActive(World world) {
        List<Instant> found = new ArrayList<>();
        for (String accountId : world.accountIds(DemoCredentials.ORG_ID)) {
            Instant at = world.lastActive(accountId, "confluence");
            if (at != null && world.hasAccess(accountId, "confluence")) {
                found.add(at);
            }
        }
        found.sort(Instant::compareTo);
        return found;
    }

    /** The whole days N such that about {@code target} of the last uses are at least N days old (1 day at the least). */
    static int daysFor(List<Instant> oldestFirst, int target, Instant now) {
        if (oldestFirst.isEmpty()) {
            return PolicyRules.MAX_DAYS;
        }
        Instant at = oldestFirst.get(Math.min(target, oldestFirst.size()) - 1);
        return (int) Math.max(PolicyRules.MIN_DAYS, Math.min(PolicyRules.MAX_DAYS, Duration.between(at, now).toDays()));
    }
}
