package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.testing.ProcessKilled;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JSM;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import com.saasspend.integration.domain.savings.Tally;
import com.saasspend.integration.domain.sync.Budget;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The savings counters through the reclaim and undo paths: counted when a reclaim settles, once, and taken back by its undo. */
class ReclaimSavingsTest {
    final ReclaimFakes.MovableClock clock = new ReclaimFakes.MovableClock();
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final InMemorySavingsStore savings = new InMemorySavingsStore();
    /** Settles that fail (the process dies between counting and settling) before the next one goes through. */
    int settlesToFail;
    ReclaimService service;

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        licenses.groups.put("g4", ReclaimFakes.group("g4", JSM, "jira-servicedesk", "dir-1"));
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z"),
                        new OrgUser.ProductAccess("confluence", CONFLUENCE, null),
                        new OrgUser.ProductAccess("jira-servicedesk", JSM, null)),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g3", "g3-name"), new OrgUser.GroupRef("g4", "g4-name"))));
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g3", "g4")));
        ReclaimAudit failingSettles = new ReclaimAudit() {
            @Override public void start(String t, ReclaimRecord r, ReclaimBaseline b, Instant until) { audit.start(t, r, b, until); }
            @Override public void put(String t, ReclaimRecord r) { audit.put(t, r); }
            @Override public void settle(String t, ReclaimRecord r) {
                if (settlesToFail > 0) {
                    settlesToFail--;
                    throw new ProcessKilled();
                }
                audit.settle(t, r);
            }
            @Override public boolean lease(String t, String id, Instant now, Instant until) { return audit.lease(t, id, now, until); }
            @Override public Optional<ReclaimRecord> find(String t, String id) { return audit.find(t, id); }
            @Override public Optional<ReclaimBaseline> baseline(String t, String id) { return audit.baseline(t, id); }
            @Override public List<String> open(String t, int limit) { return audit.open(t, limit); }
            @Override public Page<ReclaimRecord> list(String t, String cursor, int limit) { return audit.list(t, cursor, limit); }
        };
        service = new ReclaimService(new ReclaimFakes.Integrations(), new ReclaimFakes.Vault(), atlassian, licenses, failingSettles,
                new ReclaimFakes.Keys(), new ReclaimFakes.Settings(), new ReclaimFakes.Requests(), savings, new ReclaimFakes.Published(), clock);
    }

    private Map<String, Tally> total() {
        return savings.counter(TENANT, "TOTAL");
    }

    private long seats(Map<String, Tally> counter, String resourceId) {
        return counter.containsKey(resourceId) ? counter.get(resourceId).seats() : 0;
    }

    @Test
    void aReclaimWhoseSettleDiedIsCountedOnceWhenTheSweepSettlesIt() {
        settlesToFail = 1;
        assertThrows(ProcessKilled.class,
                () -> service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1", "g3", "g4"))));
        assertEquals(3, seats(total(), JIRA) + seats(total(), CONFLUENCE) + seats(total(), JSM), "counted before the settle died");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, service.sweep(TENANT, 10, Budget.unlimited()), "the sweep settles it");
        assertEquals(ReclaimRecord.COMPLETED, audit.records.values().iterator().next().status());

        for (String counter : List.of("TOTAL", "MONTH#2026-11", "DAY#2026-11-28")) {
            Map<String, Tally> tallies = savings.counter(TENANT, counter);
            assertEquals(1, seats(tallies, JIRA), counter);
            assertEquals(1, seats(tallies, CONFLUENCE), counter);
            assertEquals(1, seats(tallies, JSM), counter);
        }
        BigDecimal cost = total().values().stream().map(Tally::monthlyCost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, new BigDecimal("35").compareTo(cost), "the settings' prices: 10 + 5 + 20");
        assertEquals(1, savings.recounts, "the finisher's settle counted nothing again");
    }

    @Test
    void anUndoTakesBackTheSeatsItPutBackAndOnlyThose() {
        String id = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g3", "g1"))).record().id();
        assertEquals(1, seats(total(), JIRA));
        assertEquals(1, seats(total(), CONFLUENCE));

        // Undone the next month: Confluence's group comes back, Jira's fails (503), then a retry brings Jira back too.
        clock.now = Instant.parse("2026-12-02T09:00:00Z");
        atlassian.failAdd("g1", new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "HTTP 503", null));
        ReclaimRecord partial = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.PARTIAL, partial.undo().status(), partial.undo().toString());
        assertEquals(1, seats(total(), JIRA), "Jira is still reclaimed");
        assertEquals(0, seats(total(), CONFLUENCE), "Confluence is back: no longer counted");
        assertEquals(1, seats(savings.counter(TENANT, "MONTH#2026-11"), JIRA));
        assertEquals(0, seats(savings.counter(TENANT, "MONTH#2026-11"), CONFLUENCE), "taken back from the reclaim's own month");
        assertTrue(savings.counter(TENANT, "MONTH#2026-12").isEmpty());

        ReclaimRecord done = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.COMPLETED, done.undo().status());
        assertEquals(0, seats(total(), JIRA));
        assertEquals(0, total().values().stream().map(Tally::monthlyCost).reduce(BigDecimal.ZERO, BigDecimal::add).signum());
    }

    @Test
    void aReclaimThatRemovedNothingCountsNothing() {
        atlassian.memberships.get(USER).remove("g1");
        ReclaimRecord record = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1"))).record();
        assertEquals(List.of(), record.seatsFreed());
        assertTrue(total().isEmpty());
        assertEquals(0, savings.recounts);
    }
}
