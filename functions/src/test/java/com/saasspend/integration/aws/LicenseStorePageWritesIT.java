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
 * The DynamoDB calls of one user page of the org sync (moto, counted by operation): a first listing's page is one
 * read of its users' stored index keys and its transactions, the page digest inside the last of them (no write of
 * its own); whether a tenant has users stored is a key read once it has a first page digest; and a page written
 * after the lease is lost stores neither its users nor its digest.
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
        fenced.putUsersPage(TENANT, page, now, 0, digestOf(page));
        assertEquals(Map.of("BatchGetItem", 1, "TransactWriteItems", 2), calls.take(),
                "the stored index keys read once, no digest or hash read, no write of the digest's own");

        assertEquals(digestOf(page).entries(), store.digest(TENANT, Listing.USERS, 0).orElseThrow().entries());
        assertEquals(40, store.users(TENANT, page.stream().map(u -> u.item().accountId()).toList()).size());
        calls.take();
        assertTrue(fenced.anyUserStored(TENANT));
        assertEquals(Map.of("GetItem", 1), calls.take(), "a tenant with a first page digest: one key read, no Query");
    }

    @Test
    void aPageWrittenAfterTheLeaseIsLostStoresNeitherItsUsersNorItsDigest() {
        LicenseStore fenced = fencedAs("run-1");
        // Taken over (the first run's lease expired meanwhile): its next page is refused.
        assertTrue(state.acquire(TENANT, ORG, "run-2", now.plus(Duration.ofMinutes(10)), now.plus(Duration.ofMinutes(6))));

        List<Hashed<OrgUser>> page = users(3);
        assertThrows(SyncFencedOut.class, () -> fenced.putUsersPage(TENANT, page, now, 0, digestOf(page)));

        assertTrue(store.digest(TENANT, Listing.USERS, 0).isEmpty());
        assertFalse(store.anyUserStored(TENANT));
    }
}
