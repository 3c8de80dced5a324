package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tenant's synced license data: users, groups, product instances, seat summary, and the listing digests. */
public interface LicenseStore extends DigestStore<LicenseStore.Listing> {
    enum Listing { USERS, GROUPS }

    void putUsers(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt);

    /**
     * One page of the users listing as the org sync stores it: the changed users as {@link #putUsers} writes them, then
     * the page's digest (null: unchanged), stored only once every one of those users is. A store may write the digest
     * in the same all-or-nothing write as the page's last users instead of a write of its own. {@code newPage}: a page
     * of a first listing ({@link SyncCheckpoint#newUsersPage}), whose users are most likely not stored (one that moved
     * from a page written earlier in the run may be): a store may write them on that assumption, checked by the write.
     */
    default void putUsersPage(String tenantId, List<Hashed<OrgUser>> users, boolean newPage, Instant syncedAt, int page,
                              PageDigest digest) {
        if (!users.isEmpty()) {
            putUsers(tenantId, users, syncedAt);
        }
        if (digest != null) {
            putDigest(tenantId, Listing.USERS, page, digest);
        }
    }

    /**
     * Whether any user of the tenant is stored, removed ones included (a strongly consistent read). False only before
     * the tenant's first listing wrote anything: its user pages then have no digest and no stored users to compare with.
     * A store that cannot tell answers true (every page is compared).
     */
    default boolean anyUserStored(String tenantId) {
        return true;
    }

    void putGroups(String tenantId, List<Hashed<OrgGroup>> groups, Instant syncedAt);

    List<ProductInstance> products(String tenantId);

    void putProducts(String tenantId, List<ProductInstance> products, Instant syncedAt);

    void deleteProducts(String tenantId, Collection<String> resourceIds);

    /**
     * Writes the seat counts of a complete sync, only while the SUMMARY has seen exactly {@code expectedAdjustments}
     * adjustments ({@link #summaryAdjustments}); false when one came in meanwhile (the sync recomputes).
     */
    boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                       long expectedAdjustments);

    /**
     * {@link #putSummary(String, Map, int, Instant, long)} after a listing that wrote every stored user itself (a first
     * listing): the store need not look for users written by an older layout.
     */
    default boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                               long expectedAdjustments, boolean everyUserWrittenByThisRun) {
        return putSummary(tenantId, counts, inactivityDays, at, expectedAdjustments);
    }

    /** How many adjustments the SUMMARY has taken in all (0 when there is none): its version for {@link #putSummary}. */
    long summaryAdjustments(String tenantId);

    // ---- single-user reads and writes (reclaim and the targeted re-sync of a user)

    /** The stored user with its content hash; empty when absent or marked removed. */
    Optional<Hashed<OrgUser>> user(String tenantId, String accountId);

    /** The most account ids one {@link #users} call takes (one DynamoDB BatchGetItem). */
    int USERS_PER_READ = 100;

    /**
     * The stored users among {@code accountIds} (at most {@link #USERS_PER_READ}; not removed) with their content
     * hashes, by account id; absent ids are not stored. One read for many users (a bulk plan), where {@link #user} is one each.
     */
    Map<String, Hashed<OrgUser>> users(String tenantId, Collection<String> accountIds);

    /** The stored groups among {@code ids} (not removed), by id; absent ids are not stored. */
    Map<String, OrgGroup> groups(String tenantId, Collection<String> ids);

    /**
     * Writes the user only while its stored content hash is still {@code expectedHash}: answers false when another
     * writer changed it first (the caller re-reads and recomputes). Every caller writes outside a full listing (reclaim,
     * undo, targeted re-sync, incremental sync), so the write notes the user as such ({@link #noteWrittenOutsideListing}).
     * Reclaims, undos and targeted re-syncs hold no sync lease: their write is not fenced.
     */
    boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at);

    /**
     * {@link #replaceUser(String, Hashed, String, Instant)} by a sync run (an incremental run's): written only while
     * {@code heldBy} holds the sync lease, checked with the write; else {@link SyncFencedOut}, nothing written, so a run
     * whose lease was taken over cannot write back the users it read.
     */
    boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at, SyncFence heldBy);

    /**
     * Adds {@code delta} to the SUMMARY's per-product counts at once (negative to free seats), so the License page
     * shows a change before the next full sync recounts. No-op when there is no summary yet.
     */
    void adjustSummary(String tenantId, Map<String, ProductCounts> delta, Instant at);

    /**
     * A stored user's seats changed outside a full sync (reclaim, undo, targeted re-sync): adjusts the SUMMARY as
     * {@link #adjustSummary} does and records the adjustment, so a full sync that read this user before {@code at}
     * applies it on top of its own count instead of overwriting it (see {@link #seatAdjustmentsSince}).
     */
    void adjustSeats(String tenantId, String accountId, Map<String, ProductCounts> delta, Instant at);

    /** The seat adjustments recorded at or after {@code since}, oldest first (kept a day, far longer than a run). */
    List<SeatAdjustment> seatAdjustmentsSince(String tenantId, Instant since);

    // ---- writes outside a full listing: a page digest says what the last full listing stored, not what they wrote

    /**
     * Notes items about to be written (or marked removed) outside a full listing, before the write: the next complete
     * listing compares them with the stored items whatever their page digest says (a crash after the note costs one
     * read). A creating write: fenced like the others.
     */
    void noteWrittenOutsideListing(String tenantId, Listing listing, Collection<String> ids, Instant at);

    @Override
    Map<String, Instant> writtenOutsideListing(String tenantId, Listing listing);

    /**
     * After a complete listing: drops the notes made before {@code before} (the listing started after them, so it
     * compared every one); a note made again since stays for the next listing.
     */
    void settleWrittenOutsideListing(String tenantId, Listing listing, Instant before);

    /**
     * This store with every write that creates an item made conditional on the sync lease {@code fence}: once the
     * lease is revoked (disconnect) or taken over, such writes store nothing and throw {@link SyncFencedOut}.
     */
    LicenseStore fencedBy(SyncFence fence);

    /**
     * Whether the last complete sync left every stored user in the current layout of the License page's listings
     * (false for a tenant synced before it: only a full listing rewrites every user). Stores without such a layout: true.
     */
    default boolean listingsCurrent(String tenantId) {
        return true;
    }

    /** One change of one user's seats made outside a full sync. */
    record SeatAdjustment(String accountId, Map<String, ProductCounts> delta, Instant at) {
        public SeatAdjustment {
            delta = Map.copyOf(delta);
        }
    }
}
