package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The targeted re-sync of a few users (after a reclaim or its undo): reads them from Atlassian by id and writes each
 * one that changed, conditionally on what was stored, adjusting the seat summary by the difference. Users Atlassian
 * no longer returns, or that were never stored, are left to the next full sync.
 */
public final class AtlassianUserRefresh {
    private static final Log LOG = Log.of(AtlassianUserRefresh.class);
    private static final int ATTEMPTS = 3;

    private final AtlassianOrgApi api;
    private final LicenseStore store;
    private final IntegrationStore integrations;
    private final CredentialVault vault;
    private final Clock clock;
    private final TenantSettingsStore settings;

    public AtlassianUserRefresh(AtlassianOrgApi api, LicenseStore store, IntegrationStore integrations, CredentialVault vault,
                                Clock clock, TenantSettingsStore settings) {
        this.api = api;
        this.store = store;
        this.integrations = integrations;
        this.vault = vault;
        this.clock = clock;
        this.settings = settings;
    }

    /** Answers how many users were written (0 when nothing changed or Atlassian is not connected). */
    public int refresh(String tenantId, List<String> accountIds) {
        return reread(tenantId, accountIds).written();
    }

    /**
     * What a re-read settled: {@code current}, the users whose stored copy now is what Atlassian answered (written or
     * unchanged); none when the integration is absent, disconnected or paused ({@code connected} false: nothing could
     * be asked). A user Atlassian did not return, or that kept changing while being written, is not current.
     */
    public record Reread(boolean connected, Set<String> current, int written) {}

    /** Re-reads these users and writes each one that changed (see {@link #refresh}), saying which are now current. */
    public Reread reread(String tenantId, List<String> accountIds) {
        Optional<Integration> atlassian = integrations.find(tenantId, IntegrationType.ATLASSIAN)
                .filter(Integration::syncs);
        if (atlassian.isEmpty()) {
            return new Reread(false, Set.of(), 0);
        }
        if (accountIds.isEmpty()) {
            return new Reread(true, Set.of(), 0);
        }
        String apiKey = vault.read(atlassian.get().secretName()).get("apiKey");
        Set<String> wanted = new HashSet<>(accountIds);
        Set<String> current = new HashSet<>();
        int written = 0;
        for (OrgUser fresh : api.usersById(atlassian.get().setting("orgId"), apiKey, List.copyOf(wanted))) {
            if (!wanted.contains(fresh.accountId())) {
                continue;
            }
            Written outcome = write(tenantId, AtlassianOrgSync.hashed(fresh));
            if (outcome == Written.WRITTEN) {
                written++;
            }
            if (outcome != Written.NOT_SETTLED) {
                current.add(fresh.accountId());
            }
        }
        LOG.info("users refreshed", "requested", accountIds.size(), "written", written);
        return new Reread(true, Set.copyOf(current), written);
    }

    private enum Written { WRITTEN, UNCHANGED, NOT_SETTLED }

    private Written write(String tenantId, Hashed<OrgUser> fresh) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Hashed<OrgUser>> stored = store.user(tenantId, fresh.item().accountId());
            if (stored.isEmpty()) {
                return Written.NOT_SETTLED; // never stored: the next full sync adds it
            }
            if (stored.get().hash().equals(fresh.hash())) {
                return Written.UNCHANGED;
            }
            Instant now = clock.instant();
            if (store.replaceUser(tenantId, fresh, stored.get().hash(), now)) {
                store.adjustSeats(tenantId, fresh.item().accountId(), SeatDelta.between(stored.get().item(), fresh.item(),
                        // The tenant's own threshold, as the sync counts seats.
                        now.minus(Duration.ofDays(settings.get(tenantId).inactivityDays()))), now);
                return Written.WRITTEN;
            }
        }
        LOG.warn("user kept changing while being refreshed; the next sync settles it");
        return Written.NOT_SETTLED;
    }
}
