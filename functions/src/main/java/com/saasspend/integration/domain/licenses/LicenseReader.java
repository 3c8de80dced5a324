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

/** Reads what the sync stored for the License page. Every read is confined to one tenant's partition. */
public interface LicenseReader {
    List<ProductInstance> products(String tenantId);

    Optional<Summary> summary(String tenantId);

    /** Stored users (removed ones left out) in key order after {@code afterAccountId}; at most {@code max} read. */
    UserScan users(String tenantId, String afterAccountId, int max);

    Optional<OrgUser> user(String tenantId, String accountId);

    Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds);

    /** Seat counts per product instance (by resource id) from the last complete sync. */
    record Summary(Map<String, ProductCounts> counts, int inactivityDays, Instant computedAt) {}

    /** One scan step: the users read, and the account id to continue after (null at the end). */
    record UserScan(List<OrgUser> users, String lastAccountId) {}
}
