package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.testing.ProcessKilled;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgDomain;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.ProductCounts;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/** In-memory stand-ins for the ports of reclaim: Atlassian (with faults and a kill switch), the stores, the audit. */
final class ReclaimFakes {
    private ReclaimFakes() {}

    static final String TENANT = "t1";
    static final String ORG = "org-1";
    static final String API_KEY = "key-1";
    static final String USER = "712020:user";
    static final String JIRA = "ari:cloud:jira-software::site/s1";
    static final String CONFLUENCE = "ari:cloud:confluence::site/s1";
    static final String JSM = "ari:cloud:jira-servicedesk::site/s1";


    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-28T12:00:00.123Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    static OrgGroup group(String id, String resource, String key, String directoryId) {
        return new OrgGroup(id, id + "-name", null, "admins", false, 3,
                List.of(new OrgGroup.Grant(resource, key, List.of("atlassian/user"), false)), directoryId);
    }

    /** Atlassian's side: memberships, scripted failures, and the calls it received (with their directory). */
    static final class FakeAtlassian implements AtlassianOrgApi {
        final Map<String, Set<String>> memberships = new HashMap<>();
        final Map<String, Deque<UpstreamFailure>> failOnRemove = new HashMap<>();
        final Map<String, Deque<UpstreamFailure>> failOnAdd = new HashMap<>();
        final Set<String> lyingNotFound = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        /** Kill the process right after this many more membership changes took effect (-1: never). */
        int killAfterChanges = -1;
        boolean usersUnreadable;
        /** Runs before each read of users is answered (a test killing the process there). */
        Runnable beforeRead = () -> { };

        @Override public List<String> orgIdsOfKey(String apiKey) { return List.of(ORG); }
        @Override public String orgName(String orgId, String apiKey) { return "Org"; }
        @Override public List<OrgDomain> domains(String orgId, String apiKey) { return List.of(); }
        @Override public int directoryCount(String orgId, String apiKey) { return 1; }
        @Override public List<ProductInstance> productInstances(String orgId, String apiKey) { return List.of(); }
        @Override public Page<OrgUser> users(String orgId, String apiKey, String cursor) { throw new UnsupportedOperationException(); }
        @Override public Page<com.saasspend.integration.domain.ListedGroup> groups(String orgId, String apiKey, String cursor) { throw new UnsupportedOperationException(); }
        @Override public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) { throw new UnsupportedOperationException(); }

        @Override
        public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) {
            calls.add("read " + accountIds);
            beforeRead.run();
            if (usersUnreadable) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Atlassian answered read users with HTTP 503.", null);
            }
            return accountIds.stream().filter(memberships::containsKey).map(id -> new OrgUser(id, "U", null, "atlassian", "active",
                    "active", null, false, null, List.of(), memberships.get(id).stream().sorted().map(g -> new OrgUser.GroupRef(g, g)).toList()))
                    .toList();
        }

        @Override
        public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
            calls.add("remove " + directoryId + "/" + groupId);
            UpstreamFailure failure = next(failOnRemove, groupId);
            if (failure != null) {
                throw failure;
            }
            if (lyingNotFound.remove(groupId) || !memberships.getOrDefault(accountId, Set.of()).contains(groupId)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "Atlassian answered with HTTP 404.", null, "ADMIN-404-8");
            }
            memberships.get(accountId).remove(groupId);
            changed();
        }

        @Override
        public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
            calls.add("add " + directoryId + "/" + groupId);
            UpstreamFailure failure = next(failOnAdd, groupId);
            if (failure != null) {
                throw failure;
            }
            if (!memberships.computeIfAbsent(accountId, k -> new HashSet<>()).add(groupId)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.CONFLICT, 409, "Atlassian answered with HTTP 409.", null, "ADMIN-409-28");
            }
            changed();
        }

        /** Runs after each membership change took effect (a test acting between two users of a batch). */
        Runnable afterEachChange = () -> { };

        private void changed() {
            afterEachChange.run();
            if (killAfterChanges > 0 && --killAfterChanges == 0) {
                killAfterChanges = -1;
                throw new ProcessKilled();
            }
        }

        private static UpstreamFailure next(Map<String, Deque<UpstreamFailure>> scripted, String groupId) {
            Deque<UpstreamFailure> queue = scripted.get(groupId);
            return queue == null ? null : queue.poll();
        }

        void failRemove(String groupId, UpstreamFailure... failures) {
            failOnRemove.computeIfAbsent(groupId, k -> new ArrayDeque<>()).addAll(List.of(failures));
        }

        void failAdd(String groupId, UpstreamFailure... failures) {
            failOnAdd.computeIfAbsent(groupId, k -> new ArrayDeque<>()).addAll(List.of(failures));
        }

        long count(String prefix) {
            return calls.stream().filter(c -> c.startsWith(prefix)).count();
        }
    }

    static final class Audit implements ReclaimAudit {
        final Map<String, ReclaimRecord> records = new LinkedHashMap<>();
        final Map<String, ReclaimBaseline> baselines = new HashMap<>();
        final Map<String, Instant> leases = new HashMap<>();
        final TreeMap<String, Boolean> open = new TreeMap<>();

        @Override public void start(String tenantId, ReclaimRecord record, ReclaimBaseline baseline, Instant leaseUntil) {
            records.put(record.id(), record);
            baselines.put(record.id(), baseline);
            leases.put(record.id(), leaseUntil);
            open.put(record.id(), true);
        }
        /** Writes between a record's start and its settle. */
        int puts;

        @Override public void put(String tenantId, ReclaimRecord record) { records.put(record.id(), record); puts++; }
        @Override public void settle(String tenantId, ReclaimRecord record) {
            records.put(record.id(), record);
            leases.remove(record.id());
            open.remove(record.id());
        }
        @Override public boolean lease(String tenantId, String id, Instant now, Instant leaseUntil) {
            if (!records.containsKey(id) || (leases.containsKey(id) && !leases.get(id).isBefore(now))) {
                return false;
            }
            leases.put(id, leaseUntil);
            open.put(id, true);
            return true;
        }
        @Override public Optional<ReclaimRecord> find(String tenantId, String id) { return Optional.ofNullable(records.get(id)); }
        @Override public Optional<ReclaimBaseline> baseline(String tenantId, String id) { return Optional.ofNullable(baselines.get(id)); }
        @Override public List<String> open(String tenantId, int limit) { return open.keySet().stream().limit(limit).toList(); }
        @Override public Page<ReclaimRecord> list(String tenantId, String cursor, int limit) {
            return new Page<>(new ArrayList<>(records.values()), null);
        }
    }

    static final class Keys implements IdempotencyKeys {
        final Map<String, Held> held = new HashMap<>();

        @Override public Optional<Held> claim(String tenantId, String key, String fingerprint, String reclaimId, Instant now, Instant expiresAt) {
            if (held.containsKey(key)) {
                return Optional.of(held.get(key));
            }
            held.put(key, new Held(fingerprint, now, reclaimId, null));
            return Optional.empty();
        }
        @Override public boolean takeOver(String tenantId, String key, Instant heldSince, Instant now, Instant expiresAt) {
            Held h = held.get(key);
            if (h == null || !h.startedAt().equals(heldSince) || h.answer() != null) {
                return false;
            }
            held.put(key, new Held(h.fingerprint(), now, h.reclaimId(), null));
            return true;
        }
        @Override public void complete(String tenantId, String key, ReclaimRecord answer) {
            Held h = held.get(key);
            held.put(key, new Held(h.fingerprint(), h.startedAt(), h.reclaimId(), answer));
        }
        @Override public void release(String tenantId, String key) { held.remove(key); }
    }

    /** The stored user, groups and products; the seat summary as the sum of every adjustment. */
    static final class Licenses implements LicenseStore {
        final Map<String, OrgUser> users = new HashMap<>();
        final Map<String, OrgGroup> groups = new HashMap<>();
        final Map<String, ProductCounts> summary = new HashMap<>();

        @Override public Optional<Hashed<OrgUser>> user(String tenantId, String accountId) {
            singleUserReads++;
            return Optional.ofNullable(users.get(accountId)).map(AtlassianOrgSync::hashed);
        }
        /** The size of each batch read of users asked, and how many single-user reads. */
        final List<Integer> userBatches = new ArrayList<>();
        int singleUserReads;

        @Override public Map<String, Hashed<OrgUser>> users(String tenantId, Collection<String> accountIds) {
            if (accountIds.size() > USERS_PER_READ) {
                throw new IllegalArgumentException("at most " + USERS_PER_READ + " ids a read, asked " + accountIds.size());
            }
            userBatches.add(accountIds.size());
            return accountIds.stream().filter(users::containsKey).distinct()
                    .collect(Collectors.toMap(id -> id, id -> AtlassianOrgSync.hashed(users.get(id))));
        }
        /** Reads of stored groups asked. */
        int groupReads;

        @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> ids) {
            groupReads++;
            return ids.stream().filter(groups::containsKey).collect(Collectors.toMap(id -> id, groups::get, (a, b) -> a));
        }
        /** Runs once just before the next conditional write: another writer changing the user (a race made to happen). */
        Runnable beforeNextReplace;
        int replaceAttempts;

        @Override public boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at,
                com.saasspend.integration.domain.sync.SyncFence heldBy) { throw new UnsupportedOperationException("reclaims hold no sync lease"); }
        @Override public boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at) {
            replaceAttempts++;
            if (beforeNextReplace != null) {
                Runnable race = beforeNextReplace;
                beforeNextReplace = null;
                race.run();
            }
            if (!AtlassianOrgSync.hashed(users.get(user.item().accountId())).hash().equals(expectedHash)) {
                return false;
            }
            users.put(user.item().accountId(), user.item());
            return true;
        }
        @Override public void adjustSummary(String tenantId, Map<String, ProductCounts> delta, Instant at) {
            delta.forEach((k, v) -> summary.merge(k, v, ProductCounts::plus));
        }
        @Override public List<ProductInstance> products(String tenantId) {
            return List.of(new ProductInstance(JIRA, "jira-software", "Jira", null, 10, 5),
                    new ProductInstance(CONFLUENCE, "confluence", "Confluence", null, 10, 5),
                    new ProductInstance(JSM, "jira-servicedesk", "JSM", null, 10, 5));
        }
        @Override public Optional<PageDigest> digest(String tenantId, Listing listing, int page) { throw new UnsupportedOperationException(); }
        @Override public void putDigest(String tenantId, Listing listing, int page, PageDigest digest) { throw new UnsupportedOperationException(); }
        @Override public void deleteDigest(String tenantId, Listing listing, int page) { throw new UnsupportedOperationException(); }
        @Override public void forEachDigest(String tenantId, Listing listing, BiConsumer<Integer, PageDigest> onDigest) { throw new UnsupportedOperationException(); }
        @Override public Map<String, String> storedHashes(String tenantId, Listing listing, Collection<String> ids) { throw new UnsupportedOperationException(); }
        @Override public void putUsers(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt) { throw new UnsupportedOperationException(); }
        @Override public void putGroups(String tenantId, List<Hashed<OrgGroup>> groups, Instant syncedAt) { throw new UnsupportedOperationException(); }
        @Override public void markRemoved(String tenantId, Listing listing, Collection<String> ids, Instant at) { throw new UnsupportedOperationException(); }
        @Override public void noteWrittenOutsideListing(String tenantId, Listing listing, Collection<String> ids, Instant at) { throw new UnsupportedOperationException(); }
        @Override public Map<String, Instant> writtenOutsideListing(String tenantId, Listing listing) { throw new UnsupportedOperationException(); }
        @Override public void settleWrittenOutsideListing(String tenantId, Listing listing, Instant before) { throw new UnsupportedOperationException(); }
        @Override public void putProducts(String tenantId, List<ProductInstance> products, Instant syncedAt) { throw new UnsupportedOperationException(); }
        @Override public void deleteProducts(String tenantId, Collection<String> resourceIds) { throw new UnsupportedOperationException(); }
        @Override public boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                                            long expectedAdjustments) { throw new UnsupportedOperationException(); }
        @Override public long summaryAdjustments(String tenantId) { throw new UnsupportedOperationException(); }
        /** Reclaim records each seat change with the account it concerns (a sync running meanwhile re-applies it). */
        @Override public void adjustSeats(String tenantId, String accountId, Map<String, ProductCounts> delta, Instant at) {
            adjustments.add(new SeatAdjustment(accountId, delta, at));
            adjustSummary(tenantId, delta, at);
        }
        @Override public List<SeatAdjustment> seatAdjustmentsSince(String tenantId, Instant since) {
            return adjustments.stream().filter(a -> !a.at().isBefore(since)).toList();
        }
        @Override public LicenseStore fencedBy(com.saasspend.integration.domain.sync.SyncFence fence) { throw new UnsupportedOperationException(); }
        final List<SeatAdjustment> adjustments = new ArrayList<>();
    }

    static final class Integrations implements IntegrationStore {
        final Map<IntegrationType, Integration> byType = new HashMap<>();

        Integrations() {
            for (IntegrationType type : List.of(IntegrationType.ATLASSIAN, IntegrationType.JIRA, IntegrationType.CONFLUENCE)) {
                byType.put(type, new Integration(TENANT, type, IntegrationStatus.CONNECTED,
                        type == IntegrationType.ATLASSIAN ? Map.of("orgId", ORG) : Map.of(), "secret/" + type.id(), null,
                        Instant.EPOCH, "admin", null, null, false, 1));
            }
        }
        @Override public Optional<Integration> find(String tenantId, IntegrationType type) { return Optional.ofNullable(byType.get(type)); }
        /** Reads of the whole list. */
        int lists;

        @Override public List<Integration> list(String tenantId) { lists++; return List.copyOf(byType.values()); }
        @Override public Integration save(Integration integration, long expectedVersion) { throw new UnsupportedOperationException(); }
        @Override public void delete(String tenantId, IntegrationType type) { byType.remove(type); }
    }

    static final class Vault implements CredentialVault {
        @Override public String create(String tenantId, IntegrationType type, Map<String, String> secret) { throw new UnsupportedOperationException(); }
        @Override public void replace(String secretName, Map<String, String> secret) { throw new UnsupportedOperationException(); }
        @Override public Map<String, String> read(String secretName) { return Map.of("apiKey", API_KEY); }
        @Override public void delete(String secretName) { throw new UnsupportedOperationException(); }
    }

    static final class Settings implements TenantSettingsStore {
        @Override public TenantSettings get(String tenantId) {
            return new TenantSettings(30, Map.of("jira-software", new BigDecimal("10"), "confluence", new BigDecimal("5"),
                    "jira-servicedesk", new BigDecimal("20")));
        }
        @Override public void put(String tenantId, TenantSettings settings) { throw new UnsupportedOperationException(); }
    }

    /** The ReclaimCompleted events published: reclaim id, and the job id or "-" for a single reclaim. */
    static final class Published implements ReclaimEvents {
        final List<String> events = new ArrayList<>();
        /** Fails the next publication (the process dying while it publishes, just before the reclaim settles). */
        boolean killNext;

        @Override public void reclaimCompleted(String tenantId, String jobId, ReclaimRecord record) {
            if (killNext) {
                killNext = false;
                throw new ProcessKilled();
            }
            events.add(record.id() + "/" + (jobId == null ? "-" : jobId) + "/" + record.status());
        }
    }

    static final class Requests implements SyncRequester {
        final List<SyncRequest> sent = new ArrayList<>();
        @Override public void request(List<SyncRequest> requests) { sent.addAll(requests); }
    }
}
