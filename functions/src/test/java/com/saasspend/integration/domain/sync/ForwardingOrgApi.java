package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgDomain;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import java.util.List;

/** Passes every call to another AtlassianOrgApi; a test overrides the calls it wants to watch or break. */
public class ForwardingOrgApi implements AtlassianOrgApi {
    private final AtlassianOrgApi real;

    public ForwardingOrgApi(AtlassianOrgApi real) {
        this.real = real;
    }

    @Override public List<String> orgIdsOfKey(String apiKey) { return real.orgIdsOfKey(apiKey); }
    @Override public String orgName(String orgId, String apiKey) { return real.orgName(orgId, apiKey); }
    @Override public List<OrgDomain> domains(String orgId, String apiKey) { return real.domains(orgId, apiKey); }
    @Override public int directoryCount(String orgId, String apiKey) { return real.directoryCount(orgId, apiKey); }
    @Override public List<ProductInstance> productInstances(String orgId, String apiKey) { return real.productInstances(orgId, apiKey); }
    @Override public Page<OrgUser> users(String orgId, String apiKey, String cursor) { return real.users(orgId, apiKey, cursor); }
    @Override public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) { return real.groups(orgId, apiKey, cursor); }
    @Override public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) { return real.groupGrants(orgId, apiKey, groupId); }
    @Override public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) { return real.usersById(orgId, apiKey, accountIds); }
    @Override public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        real.removeMembership(orgId, apiKey, directoryId, groupId, accountId);
    }
    @Override public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        real.addMembership(orgId, apiKey, directoryId, groupId, accountId);
    }
}
