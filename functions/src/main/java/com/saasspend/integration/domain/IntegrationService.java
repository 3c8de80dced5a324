package com.saasspend.integration.domain;

import com.saasspend.integration.domain.IntegrationStore.ConcurrentChangeException;
import com.saasspend.integration.domain.ProductAccessCheck.VerifiedProduct;
import com.saasspend.integration.domain.Refusal.Kind;
import com.saasspend.integration.domain.sync.SyncLeases;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Connect, rotate, disconnect and sync-now for a tenant's integrations. Every check against Atlassian happens before
 * anything is saved; the key goes to the vault only, the record keeps where it is.
 */
public final class IntegrationService {
    private final IntegrationStore store;
    private final CredentialVault vault;
    private final SyncRequester syncRequester;
    private final AtlassianOrgApi orgApi;
    private final ProductAccessCheck productCheck;
    private final LicenseDataEraser eraser;
    private final SyncLeases syncLeases;
    private final Clock clock;

    public IntegrationService(IntegrationStore store, CredentialVault vault, SyncRequester syncRequester,
                              AtlassianOrgApi orgApi, ProductAccessCheck productCheck, LicenseDataEraser eraser,
                              SyncLeases syncLeases, Clock clock) {
        this.store = store;
        this.vault = vault;
        this.syncRequester = syncRequester;
        this.orgApi = orgApi;
        this.productCheck = productCheck;
        this.eraser = eraser;
        this.syncLeases = syncLeases;
        this.clock = clock;
    }

    /** The outcome of a connect: the record, and whether this call created it (false: it was already connected). */
    public record Connected(Integration integration, boolean created) {}

    public IntegrationOverview overview(String tenantId) {
        return IntegrationOverview.of(store.list(tenantId), clock.instant(), type -> syncLeases.lease(tenantId, type));
    }

    public Connected connect(String tenantId, String actor, Credential credential) {
        IntegrationType type = credential.type();
        rejectExpired(credential);
        Map<String, String> settings = verify(tenantId, credential);
        Optional<Integration> existing = store.find(tenantId, type).filter(i -> i.status() != IntegrationStatus.DISCONNECTED);
        if (existing.isPresent()) {
            return new Connected(reconnectLatest(tenantId, existing.get(), credential, settings), false);
        }
        Optional<Integration> leftover = store.find(tenantId, type);
        // A disconnect that failed midway leaves a disconnected record; finish it before connecting anew.
        leftover.map(Integration::secretName).ifPresent(vault::delete);
        String secretName = vault.create(tenantId, type, credential.secret());
        Integration fresh = new Integration(tenantId, type, IntegrationStatus.CONNECTED, settings, secretName,
                credential.expiresOn(), Instant.now(clock), actor, null, null, false, 0);
        Integration saved;
        try {
            saved = store.save(fresh, leftover.map(Integration::version).orElse(0L));
        } catch (ConcurrentChangeException race) {
            // Another connect won the race: keep its record, drop our secret, and answer as a repeat would.
            vault.delete(secretName);
            Integration winner = store.find(tenantId, type).orElseThrow(() -> race);
            requireSameInstance(winner, settings);
            return new Connected(winner, false);
        }
        syncRequester.request(List.of(SyncRequest.full(tenantId, type, "connect")));
        return new Connected(saved, true);
    }

    public Integration rotate(String tenantId, Credential credential) {
        Integration current = connected(tenantId, credential.type());
        rejectExpired(credential);
        Map<String, String> settings = verify(tenantId, credential);
        Integration rotated = reconnectLatest(tenantId, current, credential, settings);
        syncRequester.request(List.of(SyncRequest.full(tenantId, credential.type(), "rotation")));
        return rotated;
    }

    /**
     * Disconnecting Atlassian takes every product integration with it, deletes every secret and the synced license
     * data; the reclaim audit trail stays. Each record is first marked disconnected (so no sync picks it up), then its
     * secret is deleted, then the record: a failure midway leaves a record a repeated DELETE finishes.
     */
    public List<IntegrationType> disconnect(String tenantId, IntegrationType type) {
        List<Integration> all = store.list(tenantId);
        List<Integration> doomed = all.stream()
                .filter(i -> type == IntegrationType.ATLASSIAN || i.type() == type)
                .sorted(Comparator.comparing((Integration i) -> i.type() == IntegrationType.ATLASSIAN)) // products first
                .toList();
        if (doomed.stream().noneMatch(i -> i.type() == type)) {
            throw notConnected(type);
        }
        List<IntegrationType> removed = new ArrayList<>();
        for (Integration integration : doomed) {
            Integration marked = integration.status() == IntegrationStatus.DISCONNECTED ? integration
                    : store.save(integration.withStatus(IntegrationStatus.DISCONNECTED, null), integration.version());
            if (marked.secretName() != null) {
                vault.delete(marked.secretName());
            }
            store.delete(tenantId, marked.type());
            if (marked.type().isProduct() && type != IntegrationType.ATLASSIAN) {
                eraser.eraseProductData(tenantId, marked.type());
            }
            removed.add(marked.type());
        }
        if (type == IntegrationType.ATLASSIAN) {
            eraser.eraseSyncedData(tenantId);
        }
        return removed;
    }

    public void requestSync(String tenantId, IntegrationType type) {
        requestSync(tenantId, type, false);
    }

    /** {@code full}: list the whole organization rather than read its recent changes. */
    public void requestSync(String tenantId, IntegrationType type, boolean full) {
        connected(tenantId, type);
        syncRequester.request(List.of(full ? SyncRequest.full(tenantId, type, "manual") : new SyncRequest(tenantId, type, "manual")));
    }

    private Integration connected(String tenantId, IntegrationType type) {
        return store.find(tenantId, type)
                .filter(i -> i.status() != IntegrationStatus.DISCONNECTED)
                .orElseThrow(() -> notConnected(type));
    }

    private static Refusal notConnected(IntegrationType type) {
        return new Refusal(Kind.NOT_FOUND, "integration_not_connected", "The " + type.id() + " integration is not connected.");
    }

    /**
     * A running sync updates the record (its status) between our read and our write: read it again and apply the
     * credential to what is there now, a bounded number of times; past them the admin is told to send it again (409),
     * not answered a 500.
     */
    private Integration reconnectLatest(String tenantId, Integration read, Credential credential, Map<String, String> settings) {
        Integration current = read;
        for (int attempt = 1; ; attempt++) {
            try {
                return reconnect(current, credential, settings);
            } catch (ConcurrentChangeException raced) {
                if (attempt >= 3) {
                    throw new Refusal(Kind.CONFLICT, "integration_changed_concurrently", "Syncs kept updating the "
                            + credential.type().id() + " integration while the new credential was being saved; send the "
                            + "request again to finish saving it.");
                }
                current = connected(tenantId, credential.type());
            }
        }
    }

    /** Same org or instance again: refresh the stored credential and settings, keep the history. */
    private Integration reconnect(Integration current, Credential credential, Map<String, String> settings) {
        requireSameInstance(current, settings);
        vault.replace(current.secretName(), credential.secret());
        Integration updated = new Integration(current.tenantId(), current.type(),
                current.status() == IntegrationStatus.ERROR ? IntegrationStatus.CONNECTED : current.status(),
                settings, current.secretName(), credential.expiresOn(), current.connectedAt(), current.connectedBy(),
                current.lastSuccessfulSyncAt(), current.status() == IntegrationStatus.ERROR ? null : current.lastError(),
                false, current.version());
        return store.save(updated, current.version());
    }

    private static void requireSameInstance(Integration current, Map<String, String> settings) {
        String identity = identityKey(current.type());
        String was = current.setting(identity);
        String now = settings.get(identity);
        if (was != null && !was.equalsIgnoreCase(now)) {
            throw new Refusal(Kind.CONFLICT, "connected_to_another_instance",
                    "This " + current.type().id() + " integration is connected to " + was + ", not " + now
                            + ". Disconnect it first, then connect the other one.");
        }
    }

    /** The setting that says which org, site or workspace an integration is bound to. */
    static String identityKey(IntegrationType type) {
        return switch (type) {
            case ATLASSIAN -> "orgId";
            case JIRA, CONFLUENCE -> "site";
            case TRELLO -> "enterpriseId";
            case BITBUCKET -> "workspace";
        };
    }

    private void rejectExpired(Credential credential) {
        if (credential.expiresOn() != null && credential.expiresOn().isBefore(LocalDate.now(clock))) {
            String field = credential.type() == IntegrationType.ATLASSIAN ? "apiKeyExpiresOn" : "expiresOn";
            throw new Refusal(Kind.INVALID, "credential_expired",
                    "The " + credential.type().id() + " credential expired on " + credential.expiresOn()
                            + ". Create a new one and connect with it.",
                    List.of(new Refusal.Field(field, "is in the past")), null);
        }
    }

    /** Checks the credential against Atlassian and answers the settings to store. Saves nothing. */
    private Map<String, String> verify(String tenantId, Credential credential) {
        try {
            return credential.type() == IntegrationType.ATLASSIAN
                    ? OrgChecks.verifyOrg(orgApi, credential)
                    : verifyProduct(tenantId, credential);
        } catch (UpstreamFailure failure) {
            throw switch (failure.kind()) {
                case RATE_LIMITED, UNAVAILABLE, BROKEN_PAGING, OUT_OF_TIME -> Refusal.fromUnavailable(failure, "checked the " + credential.type().id() + " credential");
                default -> new Refusal(Kind.REJECTED, "upstream_refused",
                        "Atlassian refused a check of the " + credential.type().id() + " credential: " + failure.getMessage());
            };
        }
    }

    private Map<String, String> verifyProduct(String tenantId, Credential credential) {
        IntegrationType type = credential.type();
        Integration atlassian = store.find(tenantId, IntegrationType.ATLASSIAN)
                .filter(i -> i.status() != IntegrationStatus.DISCONNECTED)
                .orElseThrow(() -> new Refusal(Kind.CONFLICT, "atlassian_not_connected",
                        "Connect your Atlassian organization first (Settings > Integrations > Atlassian). "
                                + "Jira, Confluence, Trello and Bitbucket connect after it, in any order."));
        VerifiedProduct product = ProductChecks.verify(productCheck, credential);
        String orgId = atlassian.setting("orgId");
        String orgKey = vault.read(atlassian.secretName()).get("apiKey");
        List<ProductInstance> instances;
        try {
            instances = orgApi.productInstances(orgId, orgKey);
        } catch (UpstreamFailure failure) {
            if (failure.kind() == UpstreamFailure.Kind.UNAUTHORIZED) {
                throw new Refusal(Kind.CONFLICT, "atlassian_key_rejected",
                        "The Atlassian organization's API key no longer works, so we cannot check that this "
                                + type.id() + " instance belongs to it. Rotate the Atlassian API key first.");
            }
            throw failure;
        }
        Optional<ProductInstance> match = instances.stream().filter(i -> ProductChecks.matches(type, i, product)).findFirst();
        Map<String, String> settings = new HashMap<>(credential.settings());
        settings.put(identityKey(type), product.instanceKey());
        if (product.displayName() != null) {
            settings.put("name", product.displayName());
        }
        if (product.adminAccountId() != null && !product.adminAccountId().isBlank()) {
            // The account whose token we hold: reclaim must never remove its own access.
            settings.put("adminAccountId", product.adminAccountId());
        }
        if (match.isPresent()) {
            settings.put("instanceId", match.get().id());
            settings.put("linkedToOrg", "true");
        } else if (type == IntegrationType.BITBUCKET) {
            // A workspace created directly in Bitbucket is not an org product: it can be synced, not reclaimed.
            settings.put("linkedToOrg", "false");
        } else {
            throw new Refusal(Kind.REJECTED, "instance_not_in_org",
                    "The " + type.id() + " " + describe(type) + " " + product.instanceKey()
                            + " is not a product of your connected Atlassian organization ("
                            + atlassian.settings().getOrDefault("orgName", orgId) + "). Use one of its "
                            + type.id().toLowerCase(Locale.ROOT) + " " + describe(type) + "s.");
        }
        return settings;
    }

    private static String describe(IntegrationType type) {
        return switch (type) {
            case JIRA, CONFLUENCE -> "site";
            case TRELLO -> "enterprise";
            case BITBUCKET -> "workspace";
            case ATLASSIAN -> "organization";
        };
    }
}
