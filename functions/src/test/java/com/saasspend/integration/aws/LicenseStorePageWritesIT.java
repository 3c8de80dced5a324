package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.StateTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB calls of one user page of the org sync (moto, counted by operation): a first listing's page is its
 * transactions only, the page digest inside the last of them (no write of its own), and a user of it stored already
 * (moved from an earlier page) has the page written again the usual way, stale index items deleted; whether a tenant
 * has users stored is a key read once it has a first page digest; and a page written after the lease is lost stores
 * neither its users nor its digest, nor does a user replaced by an incremental run that lost its lease.
 */
@ExtendWith(AwsEmulator.class)
class LicenseStorePageWritesIT {
    private static final String TENANT = "page-writes";
    private static final IntegrationType ORG = IntegrationType.ATLASSIAN;

    /** Calls by operation name since the last {@link #take()}. */
    private static final class Calls implements ExecutionInterceptor {
        private final Map<String, Integer> byOperation = new TreeMap<>();

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            byOperation.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
        }

        synchronized Map<String, Integer> take() {
            Map<String, Integer> taken = new TreeMap<>(byOperation);
            byOperation.clear();
            return taken;
        }
    }

    private final Calls calls = new Calls();
    private final DynamoDbClient dynamo = DynamoDbClient.builder()
            .overrideConfiguration(o -> o.addExecutionInterceptor(calls)).build();
    private final String table = StateTables.create(dynamo);
    private final DynamoSyncStateStore state = new DynamoSyncStateStore(dynamo, table);
    private final DynamoLicenseStore store = new DynamoLicenseStore(dynamo, table);
    private final Instant now = Instant.now();

    @AfterEach
    void dropTable() {
        dynamo.deleteTable(r -> r.tableName(table));
    }

    /** Users with two product keys each: three items a user (the user and two index items). */
    private static List<Hashed<OrgUser>> users(int count) {
        List<Hashed<OrgUser>> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("acc-%03d", i);
            users.add(AtlassianOrgSync.hashed(new OrgUser(id, "User " + i, id + "@acme.com", "atlassian", "active", "active",
                    "managed", false, null, List.of(new OrgUser.ProductAccess("jira-software", "ari:jira", null),
                    new OrgUser.ProductAccess("confluence", "ari:confluence", "2026-11-01T00:00:00Z")), List.of())));
        }
        return users;
    }

    private static PageDigest digestOf(List<Hashed<OrgUser>> users) {
        return new PageDigest("run-1", users.stream().map(u -> new PageDigest.Entry(u.item().accountId(), u.hash())).toList(), List.of());
    }

    private LicenseStore fencedAs(String owner) {
        assertTrue(state.acquire(TENANT, ORG, owner, now.plus(Duration.ofMinutes(5)), now));
        return store.fencedBy(new SyncFence(TENANT, ORG, owner));
    }

    @Test
    void aFirstListingsPageIsOneReadAndItsTransactionsWithTheDigestInTheLast() {
        LicenseStore fenced = fencedAs("run-1");
        calls.take();

        assertFalse(fenced.anyUserStored(TENANT));
        assertEquals(Map.of("GetItem", 1, "Query", 1), calls.take(), "no first page digest yet: one Query of one key");

        // 40 users: 120 items and the digest, two transactions of at most 99 items each behind the lease check.
        List<Hashed<OrgUser>> page = users(40);
        fenced.putUsersPage(TENANT, page, true, now, 0, digestOf(page));
        assertEquals(Map.of("TransactWriteItems", 2), calls.take(),
                "no digest, hash or index key read, no write of the digest's own: its two transactions only");

        assertEquals(digestOf(page).entries(), store.digest(TENANT, Listing.USERS, 0).orElseThrow().entries());
        assertEquals(40, store.users(TENANT, page.stream().map(u -> u.item().accountId()).toList()).size());
        calls.take();
        assertTrue(fenced.anyUserStored(TENANT));
        assertEquals(Map.of("GetItem", 1), calls.take(), "a tenant with a first page digest: one key read, no Query");
    }

    @Test
    void aUserStoredAlreadyOnANewPageHasItsPageWrittenAgainWithItsStaleIndexItemsDeleted() {
        LicenseStore fenced = fencedAs("run-1");
        // Written on page 0 with Jira and Confluence; it moved to page 1 by the time that page was read, and lost Jira.
        Hashed<OrgUser> before = users(1).get(0);
        fenced.putUsersPage(TENANT, List.of(before), true, now, 0, digestOf(List.of(before)));
        OrgUser u = before.item();
        Hashed<OrgUser> after = AtlassianOrgSync.hashed(new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(),
                u.accountStatus(), u.membershipStatus(), u.claimStatus(), u.orgAdmin(), u.addedToOrg(),
                List.of(u.products().get(1)), u.groups()));
        List<Hashed<OrgUser>> page1 = new ArrayList<>(users(41).subList(1, 41));
        page1.add(after);
        calls.take();

        fenced.putUsersPage(TENANT, page1, true, now, 1, digestOf(page1));

        Map<String, Integer> made = calls.take();
        assertEquals(1, made.get("BatchGetItem"), "the page written again reads its stored index keys: " + made);
        assertEquals(after.hash(), store.users(TENANT, List.of(u.accountId())).get(u.accountId()).hash());
        List<String> stale = UserItems.indexItems(TENANT, before.item()).stream().map(i -> i.get(TableKeys.SK).s())
                .filter(sk -> UserItems.indexItems(TENANT, after.item()).stream().noneMatch(i -> i.get(TableKeys.SK).s().equals(sk)))
                .toList();
        assertEquals(1, stale.size(), "the Jira listing's index item");
        assertTrue(dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(TableKeys.PK,
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(TableKeys.licenses(TENANT)),
                TableKeys.SK, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(stale.get(0))))).item().isEmpty(),
                "the user no longer shows under Jira");
        assertEquals(digestOf(page1).entries(), store.digest(TENANT, Listing.USERS, 1).orElseThrow().entries());
        assertEquals(41, store.users(TENANT, page1.stream().map(h -> h.item().accountId()).toList()).size());
    }

    @Test
    void aPageWrittenAfterTheLeaseIsLostStoresNeitherItsUsersNorItsDigest() {
        LicenseStore fenced = fencedAs("run-1");
        // Taken over (the first run's lease expired meanwhile): its next page is refused.
        assertTrue(state.acquire(TENANT, ORG, "run-2", now.plus(Duration.ofMinutes(10)), now.plus(Duration.ofMinutes(6))));

        List<Hashed<OrgUser>> page = users(3);
        assertThrows(SyncFencedOut.class, () -> fenced.putUsersPage(TENANT, page, true, now, 0, digestOf(page)));

        assertTrue(store.digest(TENANT, Listing.USERS, 0).isEmpty());
        assertFalse(store.anyUserStored(TENANT));
    }

    private static Hashed<OrgUser> withoutConfluence(Hashed<OrgUser> user) {
        OrgUser u = user.item();
        return AtlassianOrgSync.hashed(new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(),
                u.membershipStatus(), u.claimStatus(), u.orgAdmin(), u.addedToOrg(), List.of(u.products().get(0)), u.groups()));
    }

    @Test
    void aUserReplacedByARunThatLostItsLeaseIsNotWrittenWhileReclaimsStillReplaceUnfenced() {
        Hashed<OrgUser> stored = users(1).get(0);
        store.putUsers(TENANT, List.of(stored), now);
        fencedAs("run-1");
        SyncFence run1 = new SyncFence(TENANT, ORG, "run-1");
        Hashed<OrgUser> changed = withoutConfluence(stored);
        String accountId = stored.item().accountId();
        calls.take();

        assertTrue(store.replaceUser(TENANT, changed, stored.hash(), now, run1), "under its lease: written");
        assertEquals(Map.of("GetItem", 1, "TransactWriteItems", 1), calls.take(), "the lease checked in the write's own transaction");
        assertEquals(changed.hash(), store.users(TENANT, List.of(accountId)).get(accountId).hash());

        // Taken over (run-1's lease expired meanwhile): its late write of what it read is refused, nothing of it stored.
        assertTrue(state.acquire(TENANT, ORG, "run-2", now.plus(Duration.ofMinutes(10)), now.plus(Duration.ofMinutes(6))));
        Instant late = now.plusSeconds(400);
        assertThrows(SyncFencedOut.class, () -> store.replaceUser(TENANT, stored, changed.hash(), late, run1));
        assertEquals(changed.hash(), store.users(TENANT, List.of(accountId)).get(accountId).hash());
        assertEquals(now.toEpochMilli(), store.writtenOutsideListing(TENANT, Listing.USERS).get(accountId).toEpochMilli(),
                "its note not written either");

        // The lease holder's lost race is a plain false; a reclaim (no lease) replaces as before.
        assertFalse(store.replaceUser(TENANT, stored, "not-the-hash", late, new SyncFence(TENANT, ORG, "run-2")));
        assertTrue(store.replaceUser(TENANT, stored, changed.hash(), late));
        assertEquals(stored.hash(), store.users(TENANT, List.of(accountId)).get(accountId).hash());
    }
}
