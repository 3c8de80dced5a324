package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimPlan.GroupStep;
import com.saasspend.integration.domain.reclaim.ReclaimPlan.ProductOutcome;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what a reclaim would do, from the synced user and groups alone: the guardrails, each chosen group's fate,
 * and for each product the user has, whether it is freed or what still grants it. Pure: no I/O.
 *
 * <p>Access is explained by groups: a product is granted by a group whose role assignments on that product include
 * a role that lets the user in. Access no group of the user explains is a direct role (or a default the org gives);
 * removing groups never takes it away.
 */
public final class ReclaimPlanner {
    public static final String IDP_MANAGED_REASON = "This group is managed by your identity provider (synced to Atlassian "
            + "through SCIM), so its members cannot be changed here. Remove the user from the group in the identity provider.";
    public static final String BITBUCKET_DIRECT_MESSAGE = "Bitbucket offers no API to remove a member of a workspace created "
            + "directly in Bitbucket; remove them in Bitbucket's workspace settings";

    /** Facts of the tenant a plan needs besides the user and the groups. */
    public record Context(
            /** Account id -> what its token is (e.g. "the Jira integration's API token"): never reclaimed. */
            Map<String, String> tokenOwners,
            /** Product instances of the org by ARI (names for the answer). */
            Map<String, ProductInstance> products,
            /** Monthly price of one seat by product key; empty when the tenant set none. */
            Map<String, BigDecimal> seatPrices,
            List<ReclaimPlan.Notice> notices) {

        public Context {
            tokenOwners = Map.copyOf(tokenOwners);
            products = Map.copyOf(products);
            seatPrices = Map.copyOf(seatPrices);
            notices = List.copyOf(notices);
        }
    }

    private ReclaimPlanner() {}

    /**
     * The plan, or a {@link Refusal}: INVALID (400) for group ids that are not the org's or not the user's, REJECTED
     * (422) for an account or group the guardrails protect. Every offending field is named at once.
     */
    public static ReclaimPlan plan(OrgUser user, Map<String, OrgGroup> groups, ReclaimRequest request, Context context) {
        checkGuardrails(user, groups, request, context);
        List<GroupStep> steps = new ArrayList<>();
        Set<String> removed = new LinkedHashSet<>();
        for (String groupId : request.groupIds()) {
            OrgGroup group = groups.get(groupId);
            if (group.externallyManaged()) {
                steps.add(new GroupStep(groupId, group.name(), "refused", IDP_MANAGED_REASON));
            } else {
                steps.add(new GroupStep(groupId, group.name(), "remove", null));
                removed.add(groupId);
            }
        }
        List<ProductOutcome> outcomes = outcomes(user, removed, groups, context);
        List<ProductOutcome> freed = outcomes.stream().filter(ProductOutcome::freed).toList();
        return new ReclaimPlan(user.accountId(), user.name(), steps, outcomes, freed.size(), cost(freed), context.notices());
    }

    private static void checkGuardrails(OrgUser user, Map<String, OrgGroup> groups, ReclaimRequest request, Context context) {
        String tokenOf = context.tokenOwners().get(user.accountId());
        if (tokenOf != null) {
            throw new Refusal(Refusal.Kind.REJECTED, "account_protected",
                    "This account owns " + tokenOf + ", which this product uses to read your Atlassian data. Reclaiming its "
                            + "access would break the integration, so it is never done here.",
                    List.of(new Refusal.Field("accountId", "owns " + tokenOf)), null);
        }
        Set<String> memberOf = user.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet());
        List<Refusal.Field> invalid = new ArrayList<>();
        List<Refusal.Field> protectedGroups = new ArrayList<>();
        for (int i = 0; i < request.groupIds().size(); i++) {
            String groupId = request.groupIds().get(i);
            String field = "groupIds[" + i + "]";
            OrgGroup group = groups.get(groupId);
            if (group == null && !memberOf.contains(groupId)) {
                invalid.add(new Refusal.Field(field, "is not a group of your Atlassian organization"));
            } else if (!memberOf.contains(groupId)) {
                invalid.add(new Refusal.Field(field, "the user is not a member of the group '" + group.name() + "'"));
            } else if (group == null) {
                invalid.add(new Refusal.Field(field, "the group is newer than the last sync, so what it grants is not known "
                        + "yet; try again after the next sync"));
            } else if (user.orgAdmin() && grantsAdmin(group)) {
                protectedGroups.add(new Refusal.Field(field, "the group '" + group.name() + "' grants administrator roles to "
                        + "an organization admin; change an admin's access in admin.atlassian.com"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_groups",
                    "Some chosen groups cannot be reclaimed for this user; see errors.", invalid, null);
        }
        if (!protectedGroups.isEmpty()) {
            throw new Refusal(Refusal.Kind.REJECTED, "org_admin_access_protected",
                    "Reclaim does not remove an organization admin's administrator access; see errors.", protectedGroups, null);
        }
    }

    /** A group whose role assignments include an administrator role on any product. */
    public static boolean grantsAdmin(OrgGroup group) {
        return group.grants().stream().flatMap(g -> g.roles().stream())
                .anyMatch(role -> role.toLowerCase(Locale.ROOT).contains("admin"));
    }

    /** A group that lets its members into some instance of the product {@code productKey} (a bulk reclaim's groups rule). */
    public static boolean grantsProduct(OrgGroup group, String productKey) {
        return group.grants().stream().anyMatch(g -> productKey.equals(g.productKey())
                && g.roles().stream().anyMatch(role -> !role.endsWith("user-access-admin")));
    }

    /** Every product role except user-access-admin (administration without product use) lets the user in. */
    static boolean grantsAccess(OrgGroup group, String resourceId) {
        return group.grants().stream().anyMatch(g -> g.resourceId().equals(resourceId)
                && g.roles().stream().anyMatch(role -> !role.endsWith("user-access-admin")));
    }

    private static List<ProductOutcome> outcomes(OrgUser user, Set<String> removed, Map<String, OrgGroup> groups, Context context) {
        List<ProductOutcome> outcomes = new ArrayList<>();
        for (OrgUser.ProductAccess access : user.products()) {
            List<String> grantingBefore = new ArrayList<>();
            List<String> keptBy = new ArrayList<>();
            for (OrgUser.GroupRef ref : user.groups()) {
                OrgGroup group = groups.get(ref.id());
                if (group != null && grantsAccess(group, access.resourceId())) {
                    grantingBefore.add(group.name());
                    if (!removed.contains(group.id())) {
                        keptBy.add(group.name());
                    }
                }
            }
            boolean direct = grantingBefore.isEmpty();
            boolean freed = !direct && keptBy.isEmpty();
            ProductInstance instance = context.products().get(access.resourceId());
            BigDecimal price = context.seatPrices().get(access.key());
            outcomes.add(new ProductOutcome(access.resourceId(), access.key(), instance == null ? access.key() : instance.name(),
                    freed ? "freed" : "kept", freed || direct ? null : keptBy, direct ? Boolean.TRUE : null,
                    access.lastActive(), freed ? price : null));
        }
        return outcomes;
    }

    /** The sum of the known prices of the freed seats; null when none of them has a price. */
    static BigDecimal cost(List<ProductOutcome> freed) {
        return freed.stream().map(ProductOutcome::monthlyPrice).filter(java.util.Objects::nonNull)
                .reduce(BigDecimal::add).orElse(null);
    }

    /**
     * The user as it is once {@code gone} groups no longer hold it: those groups leave its list, and each product
     * that only they explained leaves its access. Access no group explained (direct) stays.
     */
    public static OrgUser withoutGroups(OrgUser user, Set<String> gone, Map<String, OrgGroup> groups) {
        List<OrgUser.GroupRef> remaining = user.groups().stream().filter(g -> !gone.contains(g.id())).toList();
        List<OrgUser.ProductAccess> products = new ArrayList<>();
        for (OrgUser.ProductAccess access : user.products()) {
            boolean explainedBefore = user.groups().stream().map(g -> groups.get(g.id()))
                    .anyMatch(g -> g != null && grantsAccess(g, access.resourceId()));
            boolean explainedAfter = remaining.stream().map(g -> groups.get(g.id()))
                    .anyMatch(g -> g != null && grantsAccess(g, access.resourceId()));
            if (explainedAfter || !explainedBefore) {
                products.add(access);
            }
        }
        return new OrgUser(user.accountId(), user.name(), user.email(), user.accountType(), user.accountStatus(),
                user.membershipStatus(), user.claimStatus(), user.orgAdmin(), user.addedToOrg(), products, remaining);
    }

    /**
     * The user once {@code restored} groups hold it again: they rejoin its list, and each of {@code seats} (the access
     * a reclaim took away) returns if a group of the user grants it again.
     */
    public static OrgUser withGroupsRestored(OrgUser user, List<OrgUser.GroupRef> restored, List<OrgUser.ProductAccess> seats,
                                             Map<String, OrgGroup> groups) {
        Set<String> ids = user.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet());
        List<OrgUser.GroupRef> allGroups = new ArrayList<>(user.groups());
        restored.stream().filter(g -> !ids.contains(g.id())).forEach(allGroups::add);
        Set<String> has = user.products().stream().map(OrgUser.ProductAccess::resourceId).collect(Collectors.toSet());
        List<OrgUser.ProductAccess> products = new ArrayList<>(user.products());
        for (OrgUser.ProductAccess seat : seats) {
            boolean granted = allGroups.stream().map(g -> groups.get(g.id())).anyMatch(g -> g != null && grantsAccess(g, seat.resourceId()));
            if (granted && !has.contains(seat.resourceId())) {
                products.add(seat);
            }
        }
        return new OrgUser(user.accountId(), user.name(), user.email(), user.accountType(), user.accountStatus(),
                user.membershipStatus(), user.claimStatus(), user.orgAdmin(), user.addedToOrg(), products, allGroups);
    }
}
