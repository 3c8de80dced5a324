package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An IntegrationStore in memory, one tenant, versions checked as the DynamoDB store checks them. */
public final class InMemoryIntegrations implements IntegrationStore {
    public final Map<IntegrationType, Integration> records = new LinkedHashMap<>();

    @Override
    public synchronized Optional<Integration> find(String tenantId, IntegrationType type) {
        return Optional.ofNullable(records.get(type));
    }

    @Override
    public synchronized List<Integration> list(String tenantId) {
        return new ArrayList<>(records.values());
    }

    /** Runs once before the next save (another writer getting there first); null: none. */
    public Runnable beforeNextSave;
    /** Saves attempted through {@link #save} by the code under test (not counting {@link #beforeNextSave}'s own). */
    public int saves;

    @Override
    public synchronized Integration save(Integration i, long expectedVersion) {
        if (beforeNextSave != null) {
            Runnable other = beforeNextSave;
            beforeNextSave = null;
            other.run();
        } else {
            saves++;
        }
        Integration current = records.get(i.type());
        if ((current == null ? 0 : current.version()) != expectedVersion) {
            throw new ConcurrentChangeException("version moved");
        }
        Integration saved = new Integration(i.tenantId(), i.type(), i.status(), i.settings(), i.secretName(),
                i.credentialExpiresOn(), i.connectedAt(), i.connectedBy(), i.lastSuccessfulSyncAt(), i.lastError(),
                i.syncPaused(), expectedVersion + 1);
        records.put(i.type(), saved);
        return saved;
    }

    @Override
    public synchronized void delete(String tenantId, IntegrationType type) {
        records.remove(type);
    }

    public Integration get(IntegrationType type) {
        return records.get(type);
    }
}
