package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobStore;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Bulk job items on moto: what a job's undo needs of its plan outlives the plan's own 24 hours; a batch's results count once. */
@ExtendWith(AwsEmulator.class)
class DynamoReclaimJobsIT {
    private static final String TENANT = "tenant-jobs";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final EmulatedAws aws = new EmulatedAws();
    private final DynamoReclaimJobs store = new DynamoReclaimJobs(aws.dynamo, aws.table);

    @AfterEach
    void drop() {
        aws.deleteTable();
    }

    @Test
    void aStartedJobKeepsItsPlansUsersForItsUndoWindowAndAnUnstartedPlanExpiresInADay() {
        JobPlan started = plan(ReclaimJob.newId("plan", NOW), 250);
        JobPlan unstarted = plan(ReclaimJob.newId("plan", NOW), 150);
        store.putPlan(TENANT, started);
        store.putPlan(TENANT, unstarted);
        int chunks = (started.includedCount() + JobStore.CHUNK - 1) / JobStore.CHUNK;
        ReclaimJob job = new ReclaimJob(ReclaimJob.newId("job", NOW), ReclaimJob.RECLAIM, started.id(), null, null, "admin", NOW,
                ReclaimJob.RUNNING, false, false, chunks, new ReclaimJob.Counts(250, 0, 0, 0, 0, 0, 0, 0, null), null);

        assertEquals(Optional.empty(), store.create(TENANT, "key-1", job, NOW.plusSeconds(86_400)));

        long undoWindowEnds = NOW.plus(ReclaimRecord.UNDO_WINDOW).getEpochSecond();
        for (int chunk = 0; chunk < chunks; chunk++) {
            assertTrue(expiresAt(started.id(), chunk) > undoWindowEnds, "chunk " + chunk + " lives past the undo window");
            assertEquals(chunk < 2 ? 100 : 50, store.planChunk(TENANT, started.id(), chunk).size());
        }
        assertEquals(unstarted.expiresAt().getEpochSecond(), expiresAt(unstarted.id(), 0), "a plan no job took keeps its day");
    }

    @Test
    void aBatchsResultsAreWrittenWithTheCountersInOneStepAndARedeliveredBatchCountsOnlyTheUsersWithoutOne() {
        JobPlan plan = plan(ReclaimJob.newId("plan", NOW), 4);
        store.putPlan(TENANT, plan);
        ReclaimJob job = new ReclaimJob(ReclaimJob.newId("job", NOW), ReclaimJob.RECLAIM, plan.id(), null, null, "admin", NOW,
                ReclaimJob.RUNNING, false, false, 1, new ReclaimJob.Counts(4, 0, 0, 0, 0, 0, 0, 0, null), null);
        assertEquals(Optional.empty(), store.create(TENANT, "key-1", job, NOW.plusSeconds(86_400)));
        JobUserResult a = done("712020:a");
        JobUserResult b = done("712020:b");
        JobUserResult c = done("712020:c");
        JobUserResult skipped = new JobUserResult("712020:d", "D", JobUserResult.SKIPPED, null, 0, null, "user_not_found", "gone");

        assertEquals(2, store.recordResults(TENANT, job.id(), List.of(a, b)));
        // The batch delivered again after a crash: a and b have results (not written, not counted again), c and d are new.
        assertEquals(2, store.recordResults(TENANT, job.id(), List.of(a, b, c, skipped)));
        assertEquals(0, store.recordResults(TENANT, job.id(), List.of(c)));

        ReclaimJob.Counts counts = store.job(TENANT, job.id()).orElseThrow().counts();
        assertEquals(3, counts.done());
        assertEquals(3, counts.seats());
        assertEquals(1, counts.skipped());
        assertEquals(0, new java.math.BigDecimal("30").compareTo(counts.monthlyCost()));
        assertEquals(0, counts.remaining());
        Map<String, JobUserResult> read = store.results(TENANT, job.id(), List.of("712020:a", "712020:d", "712020:none"));
        assertEquals(java.util.Set.of("712020:a", "712020:d"), read.keySet(), "one batch read; a user without a result is left out");
        assertEquals("user_not_found", read.get("712020:d").code());
    }

    @Test
    void aPlanWhoseUsersNameManyLongGroupsIsStoredAndReadWhole() throws Exception {
        // 250 users, each removed from 20 of the org's 40 access-granting groups, every name 200 characters: as JSON
        // text a chunk of 100 of them is past DynamoDB's 400 KB item.
        List<OrgUser.GroupRef> granting = new ArrayList<>();
        for (int g = 0; g < 40; g++) {
            granting.add(new OrgUser.GroupRef(java.util.UUID.nameUUIDFromBytes(("g" + g).getBytes()).toString(),
                    ("Jira users of team " + g + " ").repeat(10).substring(0, 200)));
        }
        List<JobPlan.PlannedUser> included = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            List<OrgUser.GroupRef> groups = granting.subList(i % 20, i % 20 + 20);
            included.add(new JobPlan.PlannedUser(String.format("712020:%08d-%s", i, "x".repeat(20)), "User " + i,
                    groups.stream().map(OrgUser.GroupRef::id).toList(), groups, List.of("jira-software"), new java.math.BigDecimal("8.15")));
        }
        assertTrue(Json.MAPPER.writeValueAsBytes(included.subList(0, JobStore.CHUNK)).length > 400_000, "a chunk as text would not fit");
        JobPlan plan = new JobPlan(ReclaimJob.newId("plan", NOW), NOW, NOW.plusSeconds(86_400), List.of(), 250, null, 250, 0,
                included, List.of(), List.of());

        store.putPlan(TENANT, plan);

        List<JobPlan.PlannedUser> read = new ArrayList<>();
        for (int chunk = 0; chunk < 3; chunk++) {
            read.addAll(store.planChunk(TENANT, plan.id(), chunk));
        }
        assertEquals(included, read);
    }

    @Test
    void aPlanWithAChunkTooLargeEvenCompressedIsRefusedWithNoneOfItStored() {
        // The first 100 users fit; the next 100 each name 30 groups of random 255-character names (incompressible).
        java.util.Random random = new java.util.Random(11);
        List<JobPlan.PlannedUser> included = new ArrayList<>(plan("unused", 100).included());
        for (int i = 100; i < 200; i++) {
            List<OrgUser.GroupRef> groups = new ArrayList<>();
            for (int g = 0; g < 30; g++) {
                byte[] name = new byte[191];
                random.nextBytes(name);
                groups.add(new OrgUser.GroupRef("g-" + i + "-" + g, java.util.Base64.getEncoder().encodeToString(name)));
            }
            included.add(new JobPlan.PlannedUser(String.format("712020:%08d", i), "User " + i, groups.stream().map(OrgUser.GroupRef::id).toList(),
                    groups, List.of("jira-software"), null));
        }
        JobPlan plan = new JobPlan(ReclaimJob.newId("plan", NOW), NOW, NOW.plusSeconds(86_400), List.of(), 200, null, 200, 0,
                included, List.of(), List.of());

        Refusal refused = org.junit.jupiter.api.Assertions.assertThrows(Refusal.class, () -> store.putPlan(TENANT, plan));

        assertEquals("plan_too_large", refused.code());
        assertEquals(List.of(), store.planChunk(TENANT, plan.id(), 0), "the chunk that fit was not stored either");
        assertEquals(Optional.empty(), store.plan(TENANT, plan.id(), NOW));
    }

    @Test
    void aChunkStoredAsTextBeforeChunksWereCompressedIsStillRead() throws Exception {
        String planId = ReclaimJob.newId("plan", NOW);
        List<JobPlan.PlannedUser> users = plan(planId, 3).included();
        String asText = json(users);
        aws.dynamo.putItem(r -> r.tableName(aws.table).item(Map.of(
                TableKeys.PK, AttributeValue.fromS(TableKeys.tenant(TENANT)),
                TableKeys.SK, AttributeValue.fromS(TableKeys.reclaimJobPlanChunk(planId, 0)),
                "users", AttributeValue.fromS(asText),
                "expiresAt", AttributeValue.fromN(Long.toString(NOW.plusSeconds(86_400).getEpochSecond())))));

        assertEquals(users, store.planChunk(TENANT, planId, 0));
    }

    private static String json(Object value) throws Exception {
        return Json.MAPPER.writeValueAsString(value);
    }

    private static JobUserResult done(String accountId) {
        return new JobUserResult(accountId, "N", JobUserResult.COMPLETED, "r-" + accountId, 1, new java.math.BigDecimal("10"), null, null);
    }

    private long expiresAt(String planId, int chunk) {
        Map<String, AttributeValue> item = aws.dynamo.getItem(r -> r.tableName(aws.table).consistentRead(true).key(Map.of(
                TableKeys.PK, AttributeValue.fromS(TableKeys.tenant(TENANT)),
                TableKeys.SK, AttributeValue.fromS(TableKeys.reclaimJobPlanChunk(planId, chunk))))).item();
        return Long.parseLong(item.get("expiresAt").n());
    }

    private static JobPlan plan(String id, int users) {
        List<JobPlan.PlannedUser> included = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            included.add(new JobPlan.PlannedUser(String.format("712020:%08d", i), "User " + i, List.of("g-1"), null, List.of("jira-software"), null));
        }
        return new JobPlan(id, NOW, NOW.plusSeconds(86_400), List.of(), users, null, users, 0, included, List.of(), List.of());
    }
}
