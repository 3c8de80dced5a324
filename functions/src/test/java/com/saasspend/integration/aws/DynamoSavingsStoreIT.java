package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.savings.ReclaimedSeats;
import com.saasspend.integration.domain.savings.SavingsCounter;
import com.saasspend.integration.domain.savings.SavingsStore;
import com.saasspend.integration.domain.savings.Tally;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The savings items on moto: the marker's condition, the counters' ADD in one transaction, the day item shared by both writers. */
@ExtendWith(AwsEmulator.class)
class DynamoSavingsStoreIT {
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final String CONF = "ari:cloud:confluence::site/1";
    private static final LocalDate DAY = LocalDate.parse("2026-11-30");

    private final EmulatedAws aws = new EmulatedAws();
    private final DynamoSavingsStore store = new DynamoSavingsStore(aws.dynamo, aws.table);

    @AfterEach
    void drop() {
        aws.deleteTable();
    }

    private static Tally jira(long seats) {
        return new Tally("jira-software", seats, seats, new BigDecimal("8.60").multiply(BigDecimal.valueOf(seats)));
    }

    @Test
    void aRecountWritesTheMarkerAndAddsToTheDayTheMonthAndTheTotalOrNothingAtAll() {
        SavingsStore.Counted first = new SavingsStore.Counted(1, DAY, Map.of(JIRA, jira(1), CONF, new Tally("confluence", 1, 0, null)));
        assertTrue(store.recount("t", "r1", 0, first, first.tallies()));
        assertFalse(store.recount("t", "r1", 0, first, first.tallies()), "a second first write of the same reclaim is refused");
        SavingsStore.Counted stale = new SavingsStore.Counted(2, DAY, Map.of());
        assertFalse(store.recount("t", "r1", 5, stale, Map.of(JIRA, jira(-1))), "a write on a version that is not the stored one is refused");

        assertEquals(first, store.counted("t", "r1").orElseThrow());
        for (Map<String, Tally> counter : List.of(store.reclaimedToDate("t"), store.reclaimedIn("t", YearMonth.from(DAY)),
                store.days("t", DAY, DAY).get(0).reclaimed())) {
            assertEquals(1, counter.get(JIRA).seats());
            assertEquals(0, new BigDecimal("8.60").compareTo(counter.get(JIRA).monthlyCostOrNull()));
            assertEquals("jira-software", counter.get(JIRA).productKey());
            assertEquals(1, counter.get(CONF).seats());
            assertNull(counter.get(CONF).monthlyCostOrNull());
        }

        // The undo of the Jira seat: the difference only, on version 1.
        SavingsStore.Counted undone = new SavingsStore.Counted(2, DAY, Map.of(CONF, new Tally("confluence", 1, 0, null)));
        assertTrue(store.recount("t", "r1", 1, undone, Map.of(JIRA, jira(-1))));
        assertEquals(0, store.reclaimedToDate("t").get(JIRA).seats());
        assertNull(store.reclaimedToDate("t").get(JIRA).monthlyCostOrNull());
        assertEquals(1, store.reclaimedToDate("t").get(CONF).seats());
        assertEquals(Map.of(CONF, new Tally("confluence", 1, 0, null)), store.counted("t", "r1").orElseThrow().tallies());
        assertTrue(store.reclaimedIn("t", YearMonth.from(DAY).plusMonths(1)).isEmpty());
        assertTrue(store.reclaimedToDate("other").isEmpty(), "another tenant's counters are its own");
    }

    @Test
    void theDaysSnapshotIsOverwrittenWithoutTouchingItsCountersAndExpiresAfter400Days() {
        SavingsStore.Counted counted = new SavingsStore.Counted(1, DAY, Map.of(JIRA, jira(2)));
        store.recount("t", "r1", 0, counted, counted.tallies());
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        store.putSnapshot("t", DAY, new SavingsStore.DaySnapshot(at, 30, List.of(
                new SavingsStore.ProductDay(JIRA, "jira-software", "Jira", 350, 100, 80, 15, 5, new BigDecimal("172.00")))));
        store.putSnapshot("t", DAY, new SavingsStore.DaySnapshot(at.plusSeconds(900), 30, List.of(
                new SavingsStore.ProductDay(JIRA, "jira-software", "Jira", null, 99, 80, 14, 5, null))));
        store.putSnapshot("t", DAY.minusDays(1), new SavingsStore.DaySnapshot(at.minusSeconds(86400), 30, List.of()));
        store.putSnapshot("t", DAY.minusDays(3), new SavingsStore.DaySnapshot(at.minusSeconds(3 * 86400), 30, List.of()));

        List<SavingsStore.Day> days = store.days("t", DAY.minusDays(1), DAY);
        assertEquals(List.of(DAY.minusDays(1), DAY), days.stream().map(SavingsStore.Day::date).toList(), "the range, oldest first");
        SavingsStore.Day today = days.get(1);
        assertEquals(at.plusSeconds(900), today.snapshot().takenAt(), "the later sync of the day overwrote the earlier");
        SavingsStore.ProductDay jira = today.snapshot().products().get(0);
        assertEquals(99, jira.assigned());
        assertNull(jira.seatsBought());
        assertNull(jira.unusedMonthlyCost());
        assertEquals(2, today.reclaimed().get(JIRA).seats(), "the counters stay beside the snapshot");

        Map<String, AttributeValue> item = aws.dynamo.getItem(r -> r.tableName(aws.table).key(Map.of(
                "pk", AttributeValue.fromS("TENANT#t"), "sk", AttributeValue.fromS("SAVINGS#DAY#2026-11-30")))).item();
        assertEquals(DAY.plusDays(401).atStartOfDay(ZoneOffset.UTC).toEpochSecond(), Long.parseLong(item.get("expiresAt").n()));
        assertTrue(store.days("t", DAY.plusDays(1), DAY.plusDays(30)).isEmpty());
    }

    /** moto's client, with its first {@code conflicts} transactions cancelled (not sent) as another lane's conflict would. */
    private DynamoDbClient conflicting(int conflicts) {
        int[] left = {conflicts};
        return (DynamoDbClient) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("transactWriteItems") && left[0]-- > 0) {
                        throw TransactionCanceledException.builder().message("Transaction cancelled").cancellationReasons(
                                CancellationReason.builder().code("None").build(),
                                CancellationReason.builder().code("TransactionConflict").build()).build();
                    }
                    try {
                        return method.invoke(aws.dynamo, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCountThatConflictsIsWrittenOnceAndOneGivenUpPastTheDeadlineIsCountedOnceByTheStepsRedelivery() {
        List<Long> slept = new java.util.ArrayList<>();
        ReclaimedSeats r1 = new ReclaimedSeats("r1", DAY, List.of(new ReclaimedSeats.Seat(JIRA, "jira-software", new BigDecimal("8.60"))));
        new SavingsCounter(new DynamoSavingsStore(conflicting(2), aws.table, new Backoff(slept::add, cap -> cap, () -> -1)))
                .countFirst("t", r1);
        assertEquals(2, slept.size(), "two waits, then written");
        assertEquals(1, store.reclaimedToDate("t").get(JIRA).seats());

        // Another lane keeps the counters busy until the invocation is nearly out: given up, nothing written.
        ReclaimedSeats r2 = new ReclaimedSeats("r2", DAY, List.of(new ReclaimedSeats.Seat(JIRA, "jira-software", new BigDecimal("8.60"))));
        long[] remaining = {Backoff.DEADLINE_MARGIN_MILLIS + 3 * Backoff.BASE_DELAY_MILLIS};
        DynamoSavingsStore late = new DynamoSavingsStore(conflicting(Integer.MAX_VALUE), aws.table,
                new Backoff(millis -> remaining[0] -= millis, cap -> cap, () -> remaining[0]));
        IllegalStateException givenUp = assertThrows(IllegalStateException.class, () -> new SavingsCounter(late).countFirst("t", r2));
        assertTrue(givenUp.getMessage().contains("reclaim r2"), givenUp.getMessage());
        assertTrue(store.counted("t", "r2").isEmpty());
        assertEquals(1, store.reclaimedToDate("t").get(JIRA).seats());

        // The job step is redelivered (SQS), settling r2 again, and again after that: counted once.
        new SavingsCounter(store).countFirst("t", r2);
        new SavingsCounter(store).countFirst("t", r2);
        new SavingsCounter(store).count("t", r2);
        new SavingsCounter(store).countFirst("t", r1);
        for (Map<String, Tally> counter : List.of(store.reclaimedToDate("t"), store.reclaimedIn("t", YearMonth.from(DAY)),
                store.days("t", DAY, DAY).get(0).reclaimed())) {
            assertEquals(2, counter.get(JIRA).seats());
            assertEquals(0, new BigDecimal("17.20").compareTo(counter.get(JIRA).monthlyCostOrNull()));
        }
    }
}
