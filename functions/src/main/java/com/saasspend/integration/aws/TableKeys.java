package com.saasspend.integration.aws;

import com.saasspend.integration.domain.TenantIds;
import java.util.Locale;

/**
 * The single table's key layout, in one place (see README "Data model"). Parts of a key are separated by {@code #};
 * a tenant id can never hold {@code #} ({@link TenantIds}), so {@code TENANT#<id>} and {@code TENANT#<id>#LICENSES}
 * name exactly one tenant and no id can produce another tenant's partition.
 */
final class TableKeys {
    static final String PK = "pk";
    static final String SK = "sk";
    /** Sparse index read by the sync dispatcher: only connected integration records carry these attributes. */
    static final String CONNECTED_INDEX = "ConnectedIntegrations";
    static final String CONNECTED_PK = "connectedPk";
    static final String CONNECTED_SK = "connectedSk";
    static final String CONNECTED_PARTITION = "CONNECTED";

    static final String SEPARATOR = "#";
    private static final String TENANT_PREFIX = "TENANT#";
    private static final String LICENSES_SUFFIX = "#LICENSES";

    private TableKeys() {}

    /** The tenant's own partition: integrations, sync state and history, settings, reclaims, idempotency keys. */
    static String tenant(String tenantId) {
        return TENANT_PREFIX + TenantIds.require(tenantId);
    }

    /** The partition of a tenant's synced license data (users, groups, seats): erased as one on disconnect. */
    static String licenses(String tenantId) {
        return tenant(tenantId) + LICENSES_SUFFIX;
    }

    /** The connected index's sort key of an integration record: one tenant and type, {@code <tenant>#<type>}. */
    static String connected(String tenantId, String typeId) {
        return TenantIds.require(tenantId) + SEPARATOR + typeId;
    }

    /** Checkpoint and lease of an integration's running sync, in the tenant partition. */
    static String syncState(String typeId) {
        return "SYNCSTATE#" + typeId;
    }

    /** Where an integration's incremental sync stands in the org's audit-event stream, in the tenant partition. */
    static String eventStream(String typeId) {
        return "EVENTSTREAM#" + typeId;
    }

    static final String INTEGRATION_PREFIX = "INTEGRATION#";

    static String integration(String typeId) {
        return INTEGRATION_PREFIX + typeId;
    }

    /** Every sync run of one integration (TTL 90 days), in the tenant partition; sorts by start time. */
    static String syncRunPrefix(String typeId) {
        return "SYNCRUN#" + typeId + SEPARATOR;
    }

    static String syncRun(String typeId, String startedAt, String runId) {
        return syncRunPrefix(typeId) + startedAt + SEPARATOR + runId;
    }

    /** Tenant settings (seat prices), in the tenant partition. */
    static final String SETTINGS = "SETTINGS";

    /** A reclaim's audit item, in the tenant partition: sorts by time, so a reverse query lists newest first. */
    static String reclaim(String createdAtFixedWidth, String reclaimId) {
        return RECLAIM_PREFIX + createdAtFixedWidth + SEPARATOR + reclaimId;
    }

    static final String RECLAIM_PREFIX = "RECLAIM#";

    /** Marks a reclaim or undo with work left (deleted when it settles), in the tenant partition; the sweep queries them. */
    static final String RECLAIM_OPEN_PREFIX = "RECLAIMOPEN#";

    static String reclaimOpen(String reclaimId) {
        return RECLAIM_OPEN_PREFIX + reclaimId;
    }

    /** What an Idempotency-Key of the tenant was used for and answered; expires by TTL (expiresAt). */
    static String idempotency(String key) {
        return "IDEMPOTENCY#" + key;
    }

    /** A bulk reclaim plan's summary (TTL), in the tenant partition; its users in chunks beside it. */
    static String reclaimJobPlan(String planId) {
        return "RECLAIMJOBPLAN#" + planId;
    }

    static String reclaimJobPlanChunk(String planId, int chunk) {
        return reclaimJobPlan(planId) + "#CHUNK#" + String.format(Locale.ROOT, "%06d", chunk);
    }

    /** A bulk reclaim job, in the tenant partition; ids sort by time, so a reverse query lists newest first. */
    static final String RECLAIM_JOB_PREFIX = "RECLAIMJOB#";

    static String reclaimJob(String jobId) {
        return RECLAIM_JOB_PREFIX + jobId;
    }

    /** One user's result in a job (written once, with the job's counters). */
    static String reclaimJobUserPrefix(String jobId) {
        return "RECLAIMJOBUSER#" + jobId + SEPARATOR;
    }

    /** The Idempotency-Key that created a job (TTL). */
    static String reclaimJobKey(String key) {
        return "RECLAIMJOBKEY#" + key;
    }

    // The license partition's items.

    static final String USER_PREFIX = "USER#";
    static final String GROUP_PREFIX = "GROUP#";
    static final String PRODUCT_PREFIX = "PRODUCT#";
    /** Seat counts per product. */
    static final String SUMMARY = "SUMMARY";

    static String user(String accountId) {
        return USER_PREFIX + accountId;
    }

    static String group(String groupId) {
        return GROUP_PREFIX + groupId;
    }

    static String product(String resourceId) {
        return PRODUCT_PREFIX + resourceId;
    }

    // The License page's user indexes (README "Data model"). Sparse GSIs over the same attributes: ixPk names one
    // listing of one tenant; ixActive orders it by last use, ixName by name; on the copy in the listing of every user
    // (scope ALL) ixWord (last word of the name) and ixEmail serve the search. The copies carry only what a row shows
    // (the GSIs project every attribute: a page reads every byte) and live in the license partition as
    // UIX#<accountId>#ALL and, per product key the user holds, UIX#<accountId>#P#key, so a disconnect erases them.

    static final String USERS_BY_ACTIVITY_INDEX = "LicenseUsersByActivity";
    static final String USERS_BY_NAME_INDEX = "LicenseUsersByName";
    static final String USERS_BY_WORD_INDEX = "LicenseUsersByWord";
    static final String USERS_BY_EMAIL_INDEX = "LicenseUsersByEmail";
    static final String IX_PK = "ixPk";
    static final String IX_ACTIVE = "ixActive";
    static final String IX_NAME = "ixName";
    static final String IX_WORD = "ixWord";
    static final String IX_EMAIL = "ixEmail";
    /** The sort keys of a user's index items, kept on the user item so a rewrite or removal knows what to delete. */
    static final String IX_ITEMS = "ixItems";
    static final String SCOPE_ALL = "ALL";
    static final String USER_INDEX_PREFIX = "UIX#";
    /** Index text (names, words, emails) is cut to this many characters: keys and cursors stay small. */
    static final int INDEX_TEXT_MAX = 64;
    /** Sorts after any text DynamoDB compares (UTF-8 byte order): U+10FFFF. */
    static final String TEXT_MAX = new String(Character.toChars(0x10FFFF));

    /** The index partition of one listing of a tenant's users: {@code TENANT#<id>#LICENSES#IX#<scope>}. */
    static String userIndex(String tenantId, String scope) {
        return licenses(tenantId) + "#IX#" + scope;
    }

    /** The listing of users holding a product key (any site): lower-cased, as keys are matched in any case. */
    static String productKeyScope(String productKey) {
        return "P#" + productKey.toLowerCase(Locale.ROOT);
    }

    /** A user's copy in one listing (every user, or one product key), in the license partition. */
    static String userIndexItem(String accountId, String scope) {
        return USER_INDEX_PREFIX + accountId + SEPARATOR + scope;
    }

    /**
     * ixActive: {@code -#id} holds no product, {@code 0#id} never used any, {@code 1<epoch millis, 13 digits>#id}
     * last used then. "Inactive for N days" is the range from {@code 1} to {@code 1<now - N days>}, whatever N.
     */
    static String activityKey(boolean holdsProducts, Long lastActiveMillis, String accountId) {
        if (!holdsProducts) {
            return NO_PRODUCT + SEPARATOR + accountId;
        }
        return (lastActiveMillis == null ? NEVER_USED + SEPARATOR : activityBound(lastActiveMillis) + SEPARATOR) + accountId;
    }

    static final String NO_PRODUCT = "-";
    static final String NEVER_USED = "0";
    static final String USED = "1";

    /** The ixActive value just below every user last active at {@code epochMillis} (and above those before it). */
    static String activityBound(long epochMillis) {
        return USED + String.format(Locale.ROOT, "%013d", Math.max(0, epochMillis));
    }

    /** ixName: lower-cased text cut to {@link #INDEX_TEXT_MAX}, then {@code #accountId} so equal names stay apart. */
    static String nameKey(String text, String accountId) {
        return indexText(text) + SEPARATOR + accountId;
    }

    static String indexText(String text) {
        String lower = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (lower.length() <= INDEX_TEXT_MAX) {
            return lower;
        }
        // Never split a surrogate pair: half a character is not valid UTF-8 for DynamoDB.
        int end = Character.isHighSurrogate(lower.charAt(INDEX_TEXT_MAX - 1)) ? INDEX_TEXT_MAX - 1 : INDEX_TEXT_MAX;
        return lower.substring(0, end);
    }

    /** Every page digest of one org listing ({@code USERS}, {@code GROUPS}). */
    static String digestPrefix(String listing) {
        return "DIGEST#" + listing + SEPARATOR;
    }

    /** Notes of one org listing's items written outside a full listing ({@code OUTSIDEWRITE#USERS#<accountId>}). */
    static String writtenOutsidePrefix(String listing) {
        return "OUTSIDEWRITE#" + listing + SEPARATOR;
    }

    static String writtenOutside(String listing, String id) {
        return writtenOutsidePrefix(listing) + id;
    }

    static String digest(String listing, int page) {
        return digestPrefix(listing) + String.format(Locale.ROOT, "%06d", page);
    }

    /** Everything a product sync stored for one product ({@code jira}, {@code trello}, ...). */
    static String productSyncPrefix(String productId) {
        return "PRODUCTSYNC#" + productId + SEPARATOR;
    }

    static String productSyncSummary(String productId) {
        return productSyncPrefix(productId) + SUMMARY;
    }

    /** One item of a product listing: {@code PRODUCTSYNC#jira#ROLE#jira-software}, {@code ...#trello#MEMBER#id}. */
    static String productSyncItem(String productId, String itemKind, String id) {
        return productSyncPrefix(productId) + itemKind + SEPARATOR + id;
    }

    /** One bucket of a product group's members (a group too big for one item is split in numbered buckets). */
    static String productSyncGroupMembers(String productId, String groupId, int bucket) {
        return productSyncPrefix(productId) + "GROUPMEMBERS" + SEPARATOR + groupId + SEPARATOR
                + String.format(Locale.ROOT, "%04d", bucket);
    }

    /** Every page digest of one product listing ({@code PRODUCTSYNC#jira#DIGEST#GROUP#}). */
    static String productSyncDigestPrefix(String productId, String itemKind) {
        return productSyncPrefix(productId) + "DIGEST" + SEPARATOR + itemKind + SEPARATOR;
    }

    /** A seat change made by a reclaim or undo (TTL 1 day): sorts by time. */
    static final String SEAT_ADJUSTMENT_PREFIX = "SEATADJ#";

    /** {@code SEATADJ#<epoch millis, 13 digits>}: sorts by time, so a range query reads those since a run began. */
    static String seatAdjustmentFrom(long epochMillis) {
        return String.format(Locale.ROOT, "%s%013d", SEAT_ADJUSTMENT_PREFIX, epochMillis);
    }

    // Savings, in the tenant partition (they outlive a disconnect, like the audit trail).

    /** What one reclaim is counted with in the savings counters. */
    static String savingsReclaim(String reclaimId) {
        return "SAVINGS#RECLAIM#" + reclaimId;
    }

    static final String SAVINGS_DAY_PREFIX = "SAVINGS#DAY#";

    /** One day's history item (reclaim counters and the day's seat counts), {@code yyyy-MM-dd}; sorts by date. */
    static String savingsDay(String isoDate) {
        return SAVINGS_DAY_PREFIX + isoDate;
    }

    /** One month's reclaim counters, {@code yyyy-MM}. */
    static String savingsMonth(String yearMonth) {
        return "SAVINGS#MONTH#" + yearMonth;
    }

    static final String SAVINGS_TOTAL = "SAVINGS#TOTAL";

    /** A reclaim policy, in the tenant partition. */
    static final String POLICY_PREFIX = "POLICY#";

    static String policy(String policyId) {
        return POLICY_PREFIX + policyId;
    }

    /**
     * Which delivery is evaluating a policy now (claim, sync run, since; TTL a day), in the tenant partition: taken with
     * a conditional put before the evaluation reads anything, deleted when it ends.
     */
    static String policyEvaluation(String policyId) {
        return "POLICYEVAL#" + policyId;
    }

    /** What a policy decided for one candidate, in the tenant partition; its id is derived from the candidacy. */
    static final String POLICY_ACTION_PREFIX = "POLICYACTION#";

    static String policyAction(String actionId) {
        return POLICY_ACTION_PREFIX + actionId;
    }

    /**
     * Sparse index of policy actions by status (README "Data model"): {@code actionsPk = TENANT#<id>#POLICYACTIONS#<status>},
     * {@code actionsSk = <policyId>#<actionId>}, so one status (and one policy's) page reads about the page, not every
     * action the tenant ever had. Written with the action item, so a status change moves it in the index in one write.
     */
    static final String ACTIONS_INDEX = "PolicyActionsByStatus";
    static final String ACTIONS_PK = "actionsPk";
    static final String ACTIONS_SK = "actionsSk";

    static String actionsByStatus(String tenantId, String status) {
        return tenant(tenantId) + "#POLICYACTIONS#" + status;
    }

    static String actionsSortKey(String policyId, String actionId) {
        return policyId + SEPARATOR + actionId;
    }

    /**
     * An action a bulk job runs sorts under {@code <policyId>~job#}: outside its policy's own range, which the
     * evaluation walks for the actions it runs itself, inside its status's listing.
     */
    static String actionsSortKey(String policyId, String actionId, String jobId) {
        return jobId == null ? actionsSortKey(policyId, actionId) : policyId + "~job" + SEPARATOR + actionId;
    }

    /**
     * Sparse index of pending policy actions by due date (README "Data model"): {@code duePk =
     * TENANT#<id>#POLICYDUE#<policyId>}, {@code dueSk = <13-digit epoch ms>#<actionId>}, on a pending action with a due
     * date that no bulk job runs, so an auto policy's run reads the actions due, not every pending one. Written with the
     * action item: a status change (a put without them) takes it out.
     */
    static final String DUE_INDEX = "PolicyActionsByDue";
    static final String DUE_PK = "duePk";
    static final String DUE_SK = "dueSk";

    static String actionsDue(String tenantId, String policyId) {
        return tenant(tenantId) + "#POLICYDUE#" + policyId;
    }

    static String dueSortKey(long dueAtEpochMillis, String actionId) {
        return String.format(Locale.ROOT, "%013d", dueAtEpochMillis) + SEPARATOR + actionId;
    }

    /** What a bulk approval of policy actions decided under an Idempotency-Key (TTL 24 h), in the tenant partition. */
    static String policyBulkApproval(String key) {
        return "POLICYBULK#" + key;
    }

    /** Marks a tenant whose actions stored before the status index carry its attributes (with the walk's progress). */
    static final String POLICY_ACTION_INDEX_STATE = "POLICYACTIONINDEX";
}
