package com.saasspend.integration.domain.licenses;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.ProductCounts;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the sync stored for the License page. Every read is confined to one tenant's partition, and every user
 * listing reads about the rows it answers (an index range), never the tenant's whole partition.
 */
public interface LicenseReader {
    List<ProductInstance> products(String tenantId);

    Optional<Summary> summary(String tenantId);

    /** One listing's users in its order, after {@code slice.after()}; at most {@code slice.max()}. */
    UserSlicePage users(String tenantId, UserSlice slice);

    /**
     * Users whose name, a later word of their name, or email starts with {@code prefix} (lower case), each once, in
     * the order of the text matched; after {@code after}, at most {@code max}.
     */
    UserSlicePage search(String tenantId, String prefix, String after, int max);

    Optional<OrgUser> user(String tenantId, String accountId);

    Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds);

    /**
     * Seat counts per product instance (by resource id) from the last complete sync. {@code listingsIndexed}: every
     * stored user is in the listings (in the current index layout or one the listings still serve), so they are
     * complete; false for a tenant synced before the indexes until a sync has rewritten its users.
     */
    record Summary(Map<String, ProductCounts> counts, int inactivityDays, Instant computedAt, boolean listingsIndexed) {
        public Summary(Map<String, ProductCounts> counts, int inactivityDays, Instant computedAt) {
            this(counts, inactivityDays, computedAt, true);
        }
    }

    /**
     * A listing: the users holding {@code product} (a product key in any case, or an instance ARI; null: every user),
     * those of them whose latest use of it falls in {@code activity} relative to {@code activeSince}, in {@code order}.
     * Activity other than ANY leaves out users holding no product.
     */
    record UserSlice(String product, Activity activity, Instant activeSince, UserOrder order, String after, int max) {}

    enum Activity {
        ANY,
        /** Used at or after activeSince. */
        ACTIVE,
        /** Last used before activeSince. */
        INACTIVE,
        /** Never used. */
        NEVER
    }

    enum UserOrder {
        /** By name (case-insensitive), then account id. */
        NAME,
        /** Least recently active first: never used, then the oldest last use. */
        LAST_ACTIVE_ASC,
        /** Most recently active first. */
        LAST_ACTIVE_DESC
    }

    /** A user and the opaque position to continue after it. */
    record Entry(OrgUser user, String position) {}

    /** One read: entries in order, and the position to continue after (null: nothing follows). */
    record UserSlicePage(List<Entry> entries, String next) {}
}
